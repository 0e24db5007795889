/**
 * The `socketserver.UDPServer` example of CPython's documentation: the
 * handler gets `[data, socket]` as its request and sends the data back
 * upper-cased.
 *
 * Stops after `--count N` datagrams, or when stdin closes.
 *
 * usage: deno run --allow-ffi examples/socketserver_udp.ts [--port 9999] [--count N]
 * try:   echo hello | nc -u -w1 127.0.0.1 9999
 *
 * @module
 */
import type { IPv4Address } from "../mod.ts";
import * as socketserver from "../socketserver.ts";
import { select } from "../select.ts";
import { exampleArgs } from "./_args.ts";

const { port, count, cli } = exampleArgs(
  "socketserver_udp.ts",
  9999,
  "socketserver.UDPServer: each datagram comes back upper-cased; it stops when stdin\n" +
    "closes, or after --count datagrams.",
);
let handled = 0;

class MyUDPHandler
  extends socketserver.BaseRequestHandler<socketserver.DatagramRequest, IPv4Address> {
  // this.request consists of a pair of data and client socket, and since
  // there is no connection the client address must be given explicitly
  // when sending data back via sendto().
  override handle(): void {
    const [raw, socket] = this.request;
    const data = new TextDecoder().decode(raw).trim();
    console.log(`${JSON.stringify(this.client_address)} wrote:`);
    console.log(data);
    socket.sendto(data.toUpperCase(), this.client_address);
    if (count !== null && ++handled >= count) this.server.shutdown();
  }
}

class Server extends socketserver.UDPServer {
  override service_actions(): void {
    if (select([0], [], [], 0)[0].length > 0) {
      if ((Deno.stdin.readSync(new Uint8Array(1024)) ?? 0) === 0) this.shutdown();
    }
  }
}

await cli.run(() => {
  {
    using server = new Server(["127.0.0.1", port], MyUDPHandler);
    console.log("serving on", server.server_address);
    server.serve_forever(0.1);
  }
  console.log("server stopped");
});
