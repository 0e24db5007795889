/**
 * Worker module for tests/worker_test.ts: an async TCP echo server running on
 * the worker's own reactor.
 *
 * Messages in:  `{ cmd: "start" }` → `{ port }` once listening;
 *               `{ cmd: "stop" }` → closes the server (rejecting its pending
 *               `acceptAsync`), waits for open connections, then
 *               `{ stopped: true, served, acceptError, stats }`.
 */
/// <reference lib="deno.worker" />
import * as socket from "../mod.ts";
import { reactor } from "../sys/reactor.ts";

let server: socket.Socket | undefined;
let served = 0;
const handlers = new Set<Promise<void>>();
let acceptLoop: Promise<string> | undefined;

async function serve(conn: socket.Socket): Promise<void> {
  using c = conn;
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = await c.recv_intoAsync(buf);
    if (n === 0) break;
    await c.sendallAsync(buf.subarray(0, n));
  }
  served++;
}

async function accept(srv: socket.Socket): Promise<string> {
  for (;;) {
    let conn: socket.Socket;
    try {
      [conn] = await srv.acceptAsync();
    } catch (e) {
      // close() from the "stop" message rejects the pending accept with EBADF.
      return e instanceof socket.error ? String(e.code) : String(e);
    }
    const h = serve(conn);
    handlers.add(h);
    h.finally(() => handlers.delete(h));
  }
}

self.onmessage = async (ev: MessageEvent) => {
  const { cmd } = ev.data;
  if (cmd === "start") {
    server = socket.create_server(["127.0.0.1", 0], { backlog: 256 });
    acceptLoop = accept(server);
    self.postMessage({ port: server.getsockname()[1] });
  } else if (cmd === "stop") {
    server?.close();
    const acceptError = await acceptLoop;
    await Promise.all(handlers);
    self.postMessage({ stopped: true, served, acceptError, stats: { ...reactor.stats } });
    self.close();
  }
};
