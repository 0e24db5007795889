/**
 * A TLS echo server that requires client certificates (mutual TLS): only a
 * client whose certificate was issued by the CA in `--client-ca` gets in.
 * Many clients at once, on one event loop: `acceptAsync` hands over each
 * connection wrapped, and its handshake runs on the reactor beside the
 * others. Each client is greeted by the name in its certificate, then
 * everything it sends comes back.
 *
 * usage: deno run --allow-ffi examples/tls_echo_server.ts --cert FILE --key FILE --client-ca FILE [--port N] [--count N]
 *
 * It prints `listening on [ "127.0.0.1", PORT ]`, and one line per client:
 * its certificate's commonName, or why its handshake failed (a client
 * without a certificate fails it). Try it with openssl:
 *
 * ```sh
 * openssl s_client -connect 127.0.0.1:PORT -CAfile ca.pem -cert client.pem -key client.key
 * ```
 *
 * @module
 */
import * as socket from "../mod.ts";
import * as ssl from "../ssl.ts";
import { Cli } from "./_args.ts";

const cli: Cli = new Cli({
  usage: "tls_echo_server.ts --cert FILE --key FILE --client-ca FILE [--port N] [--count N]",
  help: "Echoes what each client sends, over TLS, to clients with a certificate from\n" +
    "the --client-ca authority only.\n\n" +
    "--cert FILE       the server's certificate chain (PEM)\n" +
    "--key FILE        its private key (PEM)\n" +
    "--client-ca FILE  the CA certificates client certificates must chain to (PEM)\n" +
    "--port N          the TCP port on 127.0.0.1 (default 0: any free port)\n" +
    "--count N         stop after N clients (default: serve until killed)",
  values: ["--cert", "--key", "--client-ca", "--port", "--count"],
});
const args = cli.parse();
const need = (name: string): string => args.get(name) ?? cli.usage(`option ${name} is required`);
const certFile = need("--cert");
const keyFile = need("--key");
const clientCa = need("--client-ca");
const port = args.int("--port", 0, 0, 65535);
const count = args.int("--count", null, 1, Number.MAX_SAFE_INTEGER);

/** The commonName of a verified peer certificate. */
function commonName(cert: ssl.PeerCertificate | null): string {
  for (const rdn of cert?.subject ?? []) {
    for (const [k, v] of rdn) if (k === "commonName") return v;
  }
  return "(no commonName)";
}

/** Handshakes, greets the client by its certificate's name, then echoes until it closes. */
async function serve(conn: ssl.SSLSocket): Promise<void> {
  using c = conn;
  try {
    await c.do_handshakeAsync();
  } catch (e) {
    // No certificate, or one from another CA: that client only is turned away.
    if (!(e instanceof socket.error)) throw e;
    console.log(`handshake failed: ${e.message}`);
    return;
  }
  const name = commonName(c.getpeercert());
  console.log(`client ${name}: ${c.version()} ${c.cipher()?.[0]}`);
  await c.sendallAsync(`hello ${name}\n`);
  const buf = new Uint8Array(16384);
  for (;;) {
    const n = await c.recv_intoAsync(buf);
    if (n === 0) break; // close_notify, or the connection's end
    await c.sendallAsync(buf.subarray(0, n));
  }
  await c.unwrapAsync().catch(() => {}); // our close_notify; the peer may be gone already
}

await cli.run(async () => {
  const ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, { cafile: clientCa });
  ctx.load_cert_chain(certFile, keyFile);
  ctx.verify_mode = ssl.CERT_REQUIRED;
  // Handshakes are run by serve(), so that a slow client holds up no other.
  using server = ctx.wrap_socket(socket.create_server(["127.0.0.1", port]), {
    server_side: true,
    do_handshake_on_connect: false,
  });
  console.log("listening on", server.getsockname());
  const running = new Set<Promise<void>>();
  for (let served = 0; count === null || served < count; served++) {
    const [conn] = await server.acceptAsync();
    // A TLS server's accept() wraps each connection: an SSLSocket.
    if (!(conn instanceof ssl.SSLSocket)) throw new TypeError("accepted a non-TLS socket");
    const p = serve(conn).catch((e) => {
      if (!(e instanceof socket.error)) throw e;
      console.log(`connection failed: ${e.message}`);
    }).finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
});
