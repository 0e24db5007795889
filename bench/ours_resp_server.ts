/**
 * A RESP PING server (enough for `redis-benchmark -t ping`) on this library's
 * async API: `acceptAsync`, then per connection `recv_intoAsync` →
 * `sendallAsync` of one `+PONG\r\n` per complete command. Binds 127.0.0.1:0
 * and prints the port.
 *
 *   deno run -A bench/ours_resp_server.ts
 *
 * @module
 */
import { loadLibrary } from "./_lib.ts";
import { PONG_LENGTH, PONGS, PONGS_PER_WRITE, RespCounter } from "./_resp.ts";
import { exitOnStdinEof, println } from "./_util.ts";

const socket = await loadLibrary();

type Sock = ReturnType<typeof socket.socket>;

async function serve(conn: Sock): Promise<void> {
  const buf = new Uint8Array(16384);
  const counter = new RespCounter();
  try {
    for (;;) {
      const n = await conn.recv_intoAsync(buf);
      if (n === 0) break;
      let k = counter.feed(buf, n);
      while (k > 0) {
        const m = Math.min(k, PONGS_PER_WRITE);
        await conn.sendallAsync(PONGS.subarray(0, m * PONG_LENGTH));
        k -= m;
      }
    }
  } catch {
    // reset by peer: drop the connection
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
