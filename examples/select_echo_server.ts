/**
 * A multi-client echo server on `select` — the non-blocking pattern of
 * CPython's Socket HOWTO ("Non-blocking Sockets": pass lists of sockets to
 * `select`, read the readable ones, write the writable ones), ported.
 *
 * Standard input is in the read list too, as in the classic Python
 * version: the server stops when stdin closes (Ctrl-D), or after
 * `--count N` clients have disconnected.
 *
 * usage: deno run --allow-ffi examples/select_echo_server.ts [--port 50007] [--count N]
 * try:   nc 127.0.0.1 50007   (type lines: they come back)
 *
 * @module
 */
import * as socket from "../mod.ts";
import { select } from "../select.ts";
import { exampleArgs } from "./_args.ts";

const { port, count, cli } = exampleArgs(
  "select_echo_server.ts",
  50007,
  "A multi-client echo server on select(), as CPython's Socket HOWTO; it stops when\n" +
    "stdin closes, or after --count clients have disconnected.",
);
const STDIN = 0;

await cli.run(() => {
  const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  server.setblocking(false);
  server.bind(["127.0.0.1", port]);
  server.listen(5);
  console.log("listening on", server.getsockname());

  const inputs: (socket.Socket | number)[] = [server, STDIN];
  const outputs: socket.Socket[] = [];
  const queues = new Map<socket.Socket, Uint8Array[]>();
  let finished = 0;
  let running = true;

  while (running && inputs.length > 1) {
    const [readable, writable, exceptional] = select(inputs, outputs, inputs);
    for (const s of readable) {
      if (typeof s === "number") { // STDIN, the one descriptor given as a number
        const buf = new Uint8Array(1024);
        if ((Deno.stdin.readSync(buf) ?? 0) === 0) running = false; // stdin closed
      } else if (s === server) {
        const [connection, clientAddress] = server.accept();
        console.log("connection from", clientAddress);
        connection.setblocking(false);
        inputs.push(connection);
        queues.set(connection, []);
      } else {
        const conn = s;
        const data = conn.recv(1024);
        if (data.length > 0) {
          console.log(`received ${data.length} bytes from`, conn.getpeername());
          queues.get(conn)?.push(data);
          if (!outputs.includes(conn)) outputs.push(conn);
        } else {
          console.log("closing", conn.getpeername());
          inputs.splice(inputs.indexOf(conn), 1);
          if (outputs.includes(conn)) outputs.splice(outputs.indexOf(conn), 1);
          queues.delete(conn);
          conn.close();
          if (count !== null && ++finished >= count) running = false;
        }
      }
    }
    for (const s of writable) {
      const queue = queues.get(s);
      if (queue === undefined) continue; // closed above
      const next = queue.shift();
      if (next === undefined) {
        outputs.splice(outputs.indexOf(s), 1);
      } else {
        const sent = s.send(next);
        if (sent < next.length) queue.unshift(next.subarray(sent));
      }
    }
    for (const s of exceptional) {
      if (typeof s === "number" || s === server) continue; // STDIN or the server
      const conn = s;
      console.log("exceptional condition on", conn.getpeername());
      inputs.splice(inputs.indexOf(conn), 1);
      if (outputs.includes(conn)) outputs.splice(outputs.indexOf(conn), 1);
      queues.delete(conn);
      conn.close();
    }
  }

  for (const s of inputs) if (typeof s !== "number") s.close();
  console.log("server stopped");
});
