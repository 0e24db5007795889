/**
 * The echo server of CPython's `selectors` documentation ("Examples"),
 * ported: the listening socket and each connection are registered with a
 * callback as their data, and the loop calls whichever became ready.
 *
 * Stops when stdin closes (it is registered too), or after `--count N`
 * clients have disconnected.
 *
 * usage: deno run --allow-ffi examples/selectors_echo_server.ts [--port 50007] [--count N]
 * try:   nc 127.0.0.1 50007
 *
 * @module
 */
import * as socket from "../mod.ts";
import * as selectors from "../selectors.ts";
import { exampleArgs } from "./_args.ts";

const { port, count, cli } = exampleArgs(
  "selectors_echo_server.ts",
  50007,
  "The echo server of CPython's selectors documentation; it stops when stdin closes,\n" +
    "or after --count clients have disconnected.",
);

// The data of each key is its callback, bound to the object it serves
// (CPython's example passes `key.fileobj`, whose type here would be the
// union of everything registered).
type Callback = (mask: number) => void;
const sel = new selectors.DefaultSelector<socket.Socket | number, Callback>();
let finished = 0;
let running = true;

function accept(sock: socket.Socket, _mask: number): void {
  const [conn, addr] = sock.accept(); // Should be ready
  console.log("accepted", conn.toString(), "from", addr);
  conn.setblocking(false);
  sel.register(conn, selectors.EVENT_READ, (mask) => read(conn, mask));
}

function read(conn: socket.Socket, _mask: number): void {
  const data = conn.recv(1000); // Should be ready
  if (data.length > 0) {
    console.log(
      "echoing",
      JSON.stringify(new TextDecoder().decode(data)),
      "to",
      conn.getpeername(),
    );
    conn.send(data); // Hope it won't block
  } else {
    console.log("closing", conn.toString());
    sel.unregister(conn);
    conn.close();
    if (count !== null && ++finished >= count) running = false;
  }
}

function stdin(_mask: number): void {
  if ((Deno.stdin.readSync(new Uint8Array(1024)) ?? 0) === 0) running = false;
}

await cli.run(() => {
  const sock = socket.socket();
  sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  sock.bind(["127.0.0.1", port]);
  sock.listen(100);
  sock.setblocking(false);
  console.log("listening on", sock.getsockname());
  sel.register(sock, selectors.EVENT_READ, (mask) => accept(sock, mask));
  // epoll refuses regular files (stdin from /dev/null or a file): then a
  // PollSelector would report it always readable, which here means EOF.
  try {
    sel.register(0, selectors.EVENT_READ, stdin);
  } catch {
    console.log("stdin can't be watched with epoll: stopping after --count clients only");
    if (count === null) running = false;
  }

  while (running) {
    const events = sel.select();
    for (const [key, mask] of events) {
      const callback = key.data;
      callback(mask);
    }
  }
  for (const key of [...(sel.get_map()?.values() ?? [])]) {
    sel.unregister(key.fileobj);
    if (typeof key.fileobj !== "number") key.fileobj.close();
  }
  sel.close();
  console.log("server stopped");
});
