/**
 * Echo server on this library's async API: `acceptAsync` loop, one async loop
 * per connection (`recv_intoAsync` → `sendallAsync`) with a reused 64 KiB
 * buffer. Binds 127.0.0.1:0 and prints the port.
 *
 *   deno run -A bench/ours_echo_server.ts
 *
 * @module
 */
import { loadLibrary } from "./_lib.ts";
import { exitOnStdinEof, println } from "./_util.ts";

const socket = await loadLibrary();

type Sock = ReturnType<typeof socket.socket>;

async function serve(conn: Sock): Promise<void> {
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.recv_intoAsync(buf);
      if (n === 0) break;
      await conn.sendallAsync(buf.subarray(0, n));
    }
  } catch {
    // reset by peer: just drop the connection
  } finally {
    conn.close();
  }
}

const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
srv.bind(["127.0.0.1", 0]);
srv.listen(4096);
exitOnStdinEof();
println(String(srv.getsockname()[1]));
for (;;) {
  const [conn] = await srv.acceptAsync();
  conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  serve(conn);
}
