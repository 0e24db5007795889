/**
 * The same HTTP/1.1 keep-alive responder as `ours_http_server.ts`, on
 * `Deno.listen`: `conn.read` → `conn.write` of one `HTTP/1.1 200 OK … ok` per
 * complete request (see `_http.ts`). Binds 127.0.0.1:0 and prints the port.
 *
 *   deno run -A bench/deno_native_http_server.ts
 *
 * @module
 */
import { HttpRequestCounter, RESPONSE_LENGTH, RESPONSES, RESPONSES_PER_WRITE } from "./_http.ts";
import { exitOnStdinEof, println } from "./_util.ts";

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

async function serve(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(16384);
  const counter = new HttpRequestCounter();
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let k = counter.feed(buf, n);
      while (k > 0) {
        const m = Math.min(k, RESPONSES_PER_WRITE);
        await writeAll(conn, RESPONSES.subarray(0, m * RESPONSE_LENGTH));
        k -= m;
      }
    }
  } catch {
    // reset by peer
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
  conn.setNoDelay(true);
  serve(conn);
}
