/**
 * A python3 TLS server behind a wiretap, for tests that must prove no byte
 * passes in the clear: the client connects to the tap, which relays to the
 * server and keeps every byte it relays (both directions). The server
 * (python3's own ssl, so decryption is independent of ours) sends `s2c` once
 * the handshake is done, then reads until the end of the stream. It serves
 * `count` connections, one after the other (python3 is slow to start here).
 *
 * Results go through a file, not a pipe: a test may block its event loop in
 * a synchronous call while the server works.
 */
import { certs } from "./_certs.ts";

const SERVER = `
import json, select, socket, ssl, sys, threading
cert, key, s2c, out = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3]), sys.argv[4]
count = int(sys.argv[5])
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
srv = socket.create_server(("127.0.0.1", 0))
tap = socket.create_server(("127.0.0.1", 0))
tap.settimeout(30)
srv.settimeout(30)

def relay(wire):
    try:
        c, _ = tap.accept()
    except OSError:
        return
    s = socket.create_connection(srv.getsockname())
    live = {c: s, s: c}
    while live:
        r, _, _ = select.select(list(live), [], [], 30)
        if not r:
            break
        for x in r:
            try:
                d = x.recv(65536)
            except OSError:
                d = b""
            y = live[x]
            if d:
                wire.extend(d)
                y.sendall(d)
            else:
                del live[x]
                try:
                    y.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
    c.close()
    s.close()

print(tap.getsockname()[1], flush=True)
results = []
for _ in range(count):
    wire = bytearray()
    t = threading.Thread(target=relay, args=(wire,))
    t.start()
    got = bytearray()
    error = None
    try:
        conn, _ = srv.accept()
        conn.settimeout(30)
        tls = ctx.wrap_socket(conn, server_side=True)
        if s2c:
            tls.sendall(s2c)
        while True:
            d = tls.recv(65536)
            if not d:
                break
            got.extend(d)
        tls.close()
    except Exception as e:
        error = repr(e)
    t.join(30)
    results.append({"got": got.hex(), "wire": wire.hex(), "error": error})
with open(out, "w") as f:
    json.dump(results, f)
`;

/** What the tapped server saw. */
export interface TapResult {
  /** The plaintext the server decrypted. */
  got: Uint8Array;
  /** Every byte the tap relayed, both directions. */
  wire: Uint8Array;
  /** The server's exception (repr), if the connection failed. */
  error: string | null;
}

/** A running tap: connect to `port` (`count` times, one after the other), then await `results()`. */
export interface Tap {
  port: number;
  results(): Promise<TapResult[]>;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function unhex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Starts a tapped python3 TLS server for `count` connections; it sends `s2c` after each handshake. */
export async function tappedServer(
  count: number,
  s2c: Uint8Array = new Uint8Array(0),
): Promise<Tap> {
  const c = await certs();
  const out = await Deno.makeTempFile({ prefix: "libc_socket_tap_" });
  const child = new Deno.Command("python3", {
    args: ["-c", SERVER, c.server, c.serverKey, hex(s2c), out, String(count)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  let line = "";
  const dec = new TextDecoder();
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    line += dec.decode(value);
  }
  reader.releaseLock();
  const port = Number(line.trim());
  if (!Number.isInteger(port) || port <= 0) {
    const st = await child.output();
    throw new Error(`tap did not start: ${dec.decode(st.stderr)}`);
  }
  return {
    port,
    async results() {
      const st = await child.output();
      if (!st.success) throw new Error(`tap failed: ${dec.decode(st.stderr)}`);
      const rs = JSON.parse(await Deno.readTextFile(out)) as Record<string, string>[];
      await Deno.remove(out);
      return rs.map((r) => ({ got: unhex(r.got), wire: unhex(r.wire), error: r.error ?? null }));
    },
  };
}

/** Whether `needle` occurs in `hay`. */
export function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** A marker unlikely to occur by chance (in TLS records, say). */
export function marker(tag: string): Uint8Array {
  return new TextEncoder().encode(`${tag}-${crypto.randomUUID()}-in-the-clear`);
}
