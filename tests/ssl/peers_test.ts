/**
 * TLS against real peers: python3's ssl (client and server), `openssl
 * s_server`, Deno's own connectTls/listenTls; STARTTLS over an SMTP-like
 * exchange; TLS on a Unix socket; SSLObject over memory BIOs.
 */
import { assert, assertEquals, assertExists } from "@std/assert";
import * as socket from "../../mod.ts";
import * as ssl from "../../ssl.ts";
import { certs } from "./_certs.ts";
import { python } from "../_helpers.ts";

const dec = new TextDecoder();

async function serverCtx() {
  const c = await certs();
  const ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  ctx.load_cert_chain(c.server, c.serverKey);
  return ctx;
}
async function clientCtx() {
  const c = await certs();
  return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: c.ca });
}

Deno.test("ssl peers: python3 ssl client against our blocking server (mutual TLS)", async () => {
  const c = await certs();
  const ctx = await serverCtx();
  ctx.verify_mode = ssl.CERT_REQUIRED;
  ctx.load_verify_locations(c.ca);
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1];
  const py = python(
    `
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
with socket.create_connection(("127.0.0.1", int(sys.argv[4])), timeout=10) as s:
    with ctx.wrap_socket(s, server_hostname="localhost") as t:
        t.sendall(b"hello from python")
        print(t.recv(100).decode(), t.version())
`,
    c.ca,
    c.client,
    c.clientKey,
    String(port),
  );
  const [conn] = await srv.acceptAsync();
  conn.settimeout(10);
  const t = ctx.wrap_socket(conn, { server_side: true });
  try {
    const cert = t.getpeercert();
    assertExists(cert);
    assertEquals(cert.subject?.at(-1), [["commonName", "client"]]);
    assertEquals(dec.decode(t.recv(100)), "hello from python");
    t.sendall("hello from deno");
    assertEquals((await py).trim(), "hello from deno TLSv1.3");
  } finally {
    t.close();
  }
});

Deno.test("ssl peers: our async client against a python3 ssl server, with ALPN and unwrap", async () => {
  const c = await certs();
  const code = `
import socket, ssl, sys
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ctx.set_alpn_protocols(["x-test", "h2"])
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
srv.settimeout(10)
conn, _ = srv.accept()
t = ctx.wrap_socket(conn, server_side=True)
data = t.recv(100)
t.sendall(data.upper() + b" " + t.selected_alpn_protocol().encode())
s = t.unwrap()
s.sendall(b"plain after unwrap")
s.close()
`;
  const p = new Deno.Command("python3", {
    args: ["-c", code, c.server, c.serverKey],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = p.stdout.getReader();
  const { value } = await reader.read();
  const port = Number(dec.decode(value).trim());
  const ctx = await clientCtx();
  ctx.set_alpn_protocols(["h2"]);
  const sock = socket.socket();
  await sock.connectAsync(["127.0.0.1", port]);
  const t = ctx.wrap_socket(sock, { server_hostname: "localhost", do_handshake_on_connect: false });
  try {
    await t.do_handshakeAsync();
    await t.sendallAsync("shout");
    assertEquals(dec.decode(await t.recvAsync(100)), "SHOUT h2");
    const plain = await t.unwrapAsync();
    let got = "";
    for (let i = 0; i < 100; i++) {
      const d = await plain.recvAsync(100);
      if (d.length === 0) break;
      got += dec.decode(d);
    }
    assertEquals(got, "plain after unwrap");
  } finally {
    t.close();
    reader.releaseLock();
    const st = await p.output();
    assert(st.success, dec.decode(st.stderr));
  }
});

Deno.test("ssl peers: blocking client against openssl s_server (SNI, hostname check)", async () => {
  const c = await certs();
  // A free port: bind, read it, close (s_server binds it again).
  const probe = socket.create_server(["127.0.0.1", 0]);
  const port = probe.getsockname()[1];
  probe.close();
  const child = new Deno.Command("openssl", {
    args: [
      "s_server",
      "-accept",
      `127.0.0.1:${port}`,
      "-cert",
      c.server,
      "-key",
      c.serverKey,
      "-naccept",
      "1",
      "-rev",
      "-servername",
      "localhost",
      "-cert2",
      c.server,
      "-key2",
      c.serverKey,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const ctx = await clientCtx();
    let sock: socket.Socket | undefined;
    for (let i = 0; i < 200 && sock === undefined; i++) {
      try {
        sock = socket.create_connection(["127.0.0.1", port], 10);
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    assert(sock !== undefined, "s_server did not start");
    const t = ctx.wrap_socket(sock, { server_hostname: "localhost" });
    try {
      // -rev: the server sends back each line reversed.
      t.sendall("abcdef\n");
      let got = "";
      for (let i = 0; i < 50 && !got.includes("fedcba"); i++) got += dec.decode(t.recv(1024));
      assert(got.includes("fedcba"), got);
      assertEquals(t.version(), "TLSv1.3");
      assertEquals(t.server_hostname, "localhost");
    } finally {
      t.close();
    }
  } finally {
    try {
      child.kill("SIGTERM");
    } catch { /* exited */ }
    await child.output();
  }
});

Deno.test("ssl peers: our server and Deno.connectTls, our client and Deno.listenTls", async () => {
  const c = await certs();
  const ctx = await serverCtx();
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1];
  const caCerts = [await Deno.readTextFile(c.ca)];
  const client = (async () => {
    const conn = await Deno.connectTls({ hostname: "localhost", port, caCerts });
    await conn.write(new TextEncoder().encode("from deno tls"));
    const buf = new Uint8Array(100);
    const n = await conn.read(buf);
    conn.close();
    return dec.decode(buf.subarray(0, n ?? 0));
  })();
  const [conn] = await srv.acceptAsync();
  const t = ctx.wrap_socket(conn, { server_side: true, do_handshake_on_connect: false });
  await t.do_handshakeAsync();
  assertEquals(dec.decode(await t.recvAsync(100)), "from deno tls");
  await t.sendallAsync("back");
  assertEquals(await client, "back");
  t.close();

  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: await Deno.readTextFile(c.server),
    key: await Deno.readTextFile(c.serverKey),
  });
  const served = (async () => {
    const conn = await listener.accept();
    const buf = new Uint8Array(100);
    const n = await conn.read(buf);
    await conn.write(buf.subarray(0, n ?? 0));
    conn.close();
  })();
  const cctx = await clientCtx();
  const s = socket.socket();
  await s.connectAsync(["127.0.0.1", listener.addr.port]);
  const u = cctx.wrap_socket(s, { server_hostname: "localhost", do_handshake_on_connect: false });
  await u.do_handshakeAsync();
  await u.sendallAsync("echo me");
  assertEquals(dec.decode(await u.recvAsync(100)), "echo me");
  await served;
  u.close();
  listener.close();
});

Deno.test("ssl peers: STARTTLS over an SMTP-like exchange (python3 client)", async () => {
  const c = await certs();
  const ctx = await serverCtx();
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1];
  const py = python(
    `
import socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=10)
f = s.makefile("rb")
assert f.readline().startswith(b"220")
s.sendall(b"STARTTLS\\r\\n")
assert f.readline().startswith(b"220 go ahead")
ctx = ssl.create_default_context(cafile=sys.argv[1])
t = ctx.wrap_socket(s, server_hostname="localhost")
t.sendall(b"EHLO secure\\r\\n")
print(t.recv(100).decode().strip())
`,
    c.ca,
    String(port),
  );
  const [conn] = await srv.acceptAsync();
  conn.settimeout(10);
  conn.sendall("220 smtp.test ESMTP\r\n");
  let line = "";
  while (!line.endsWith("\r\n")) line += dec.decode(conn.recv(1)); // no read-ahead before TLS
  assertEquals(line, "STARTTLS\r\n");
  conn.sendall("220 go ahead\r\n");
  const t = ctx.wrap_socket(conn, { server_side: true });
  try {
    assertEquals(dec.decode(t.recv(100)), "EHLO secure\r\n");
    t.sendall("250 secure hello\r\n");
    assertEquals((await py).trim(), "250 secure hello");
  } finally {
    t.close();
  }
});

Deno.test("ssl peers: TLS on a Unix socket", async () => {
  const dir = await Deno.makeTempDir({ prefix: "libc_socket_ssl_unix_" });
  try {
    const path = `${dir}/s`;
    const srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    srv.bind(path);
    srv.listen(1);
    const sctx = await serverCtx();
    const cctx = await clientCtx();
    const cs = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    const connecting = cs.connectAsync(path);
    const [conn] = await srv.acceptAsync();
    await connecting;
    const a = sctx.wrap_socket(conn, { server_side: true, do_handshake_on_connect: false });
    const b = cctx.wrap_socket(cs, {
      server_hostname: "localhost",
      do_handshake_on_connect: false,
    });
    await Promise.all([a.do_handshakeAsync(), b.do_handshakeAsync()]);
    await b.sendallAsync("over unix");
    assertEquals(dec.decode(await a.recvAsync(100)), "over unix");
    a.close();
    b.close();
    srv.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ssl peers: two SSLObjects over memory BIOs", async () => {
  const sctx = await serverCtx();
  const cctx = await clientCtx();
  const [ci, co, si, so] = [
    new ssl.MemoryBIO(),
    new ssl.MemoryBIO(),
    new ssl.MemoryBIO(),
    new ssl.MemoryBIO(),
  ];
  const client = cctx.wrap_bio(ci, co, { server_hostname: "localhost" });
  const server = sctx.wrap_bio(si, so, { server_side: true });
  const pump = () => {
    si.write(co.read());
    ci.write(so.read());
  };
  const step = (o: ssl.SSLObject) => {
    try {
      o.do_handshake();
      return true;
    } catch (e) {
      if (e instanceof ssl.SSLWantReadError) return false;
      throw e;
    }
  };
  let done = [false, false];
  for (let i = 0; i < 20 && !(done[0] && done[1]); i++) {
    done = [done[0] || step(client), done[1] || step(server)];
    pump();
  }
  assertEquals(done, [true, true]);
  assertEquals(client.version(), "TLSv1.3");
  client.write("in memory");
  pump();
  assertEquals(dec.decode(server.read(100)), "in memory");
  assertEquals(client.getpeercert()?.subjectAltName?.[0], [
    "DNS",
    "localhost",
  ]);
  let threw = false;
  try {
    server.read(10);
  } catch (e) {
    threw = e instanceof ssl.SSLWantReadError;
  }
  assert(threw);
});
