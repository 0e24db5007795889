/**
 * A minimal HTTP/1.1 keep-alive responder (enough for `h2load --h1`) on this
 * library's async API: `acceptAsync`, then per connection `recv_intoAsync` →
 * `sendallAsync` of one `HTTP/1.1 200 OK … ok` per complete request (see
 * `_http.ts`). Binds 127.0.0.1:0 and prints the port.
 *
 *   deno run -A bench/ours_http_server.ts
 *
 * @module
 */
import { HttpRequestCounter, RESPONSE_LENGTH, RESPONSES, RESPONSES_PER_WRITE } from "./_http.ts";
import { loadLibrary } from "./_lib.ts";
import { exitOnStdinEof, println } from "./_util.ts";

const socket = await loadLibrary();

type Sock = ReturnType<typeof socket.socket>;

async function serve(conn: Sock): Promise<void> {
  const buf = new Uint8Array(16384);
  const counter = new HttpRequestCounter();
  try {
    for (;;) {
      const n = await conn.recv_intoAsync(buf);
      if (n === 0) break;
      let k = counter.feed(buf, n);
      while (k > 0) {
        const m = Math.min(k, RESPONSES_PER_WRITE);
        await conn.sendallAsync(RESPONSES.subarray(0, m * RESPONSE_LENGTH));
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
srv.listen(511); // Deno.listen's and Deno.serve's backlog: the same burst at 1000 connections
exitOnStdinEof();
println(String(srv.getsockname()[1]));
for (;;) {
  const [conn] = await srv.acceptAsync();
  conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  serve(conn);
}
