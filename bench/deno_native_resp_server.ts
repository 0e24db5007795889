/**
 * The same RESP PING server as `ours_resp_server.ts`, on `Deno.listen`:
 * `conn.read` → `conn.write` of one `+PONG\r\n` per complete command.
 * Binds 127.0.0.1:0 and prints the port.
 *
 *   deno run -A bench/deno_native_resp_server.ts
 *
 * @module
 */
import { PONG_LENGTH, PONGS, PONGS_PER_WRITE, RespCounter } from "./_resp.ts";
import { exitOnStdinEof, println } from "./_util.ts";

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

async function serve(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(16384);
  const counter = new RespCounter();
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let k = counter.feed(buf, n);
      while (k > 0) {
        const m = Math.min(k, PONGS_PER_WRITE);
        await writeAll(conn, PONGS.subarray(0, m * PONG_LENGTH));
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
