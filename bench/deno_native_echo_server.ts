/**
 * Echo server on `Deno.listen`: one async loop per connection with a reused
 * 64 KiB buffer. Binds 127.0.0.1:0 and prints the port.
 *
 *   deno run -A bench/deno_native_echo_server.ts
 *
 * @module
 */
import { exitOnStdinEof, println } from "./_util.ts";

async function serve(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let off = 0;
      while (off < n) off += await conn.write(buf.subarray(off, n));
    }
  } catch {
    // reset by peer: just drop the connection
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
exitOnStdinEof();
println(String((listener.addr as Deno.NetAddr).port));
for await (const conn of listener) {
  (conn as Deno.TcpConn).setNoDelay(true);
  serve(conn);
}
