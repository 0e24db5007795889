/**
 * The `socketserver.TCPServer` example of CPython's documentation, in its
 * `StreamRequestHandler` variant: the handler reads a line with
 * `rfile.readline()` and writes it back upper-cased through `wfile`.
 *
 * `serve_forever()` blocks, as in Python. It stops after `--count N`
 * requests (the handler calls `shutdown()`), or when stdin closes
 * (`service_actions()` checks it each `poll_interval`).
 *
 * usage: deno run --allow-ffi examples/socketserver_tcp_echo.ts [--port 9999] [--count N]
 * try:   echo hello | nc 127.0.0.1 9999
 *
 * @module
 */
import * as socketserver from "../socketserver.ts";
import { select } from "../select.ts";
import { exampleArgs } from "./_args.ts";

const { port, count, cli } = exampleArgs(
  "socketserver_tcp_echo.ts",
  9999,
  "socketserver.TCPServer: each line a client sends comes back upper-cased; it stops\n" +
    "when stdin closes, or after --count requests.",
);
let handled = 0;

class MyTCPHandler extends socketserver.StreamRequestHandler {
  override handle(): void {
    // this.rfile is a file-like object created by the handler;
    // we can now use e.g. readline() instead of raw recv() calls
    const data = new TextDecoder().decode(this.rfile.readline()).trim();
    console.log(`${JSON.stringify(this.client_address)} wrote:`);
    console.log(data);
    // Likewise, this.wfile is a file-like object used to write back to the client
    this.wfile.write(new TextEncoder().encode(data.toUpperCase() + "\n"));
    if (count !== null && ++handled >= count) this.server.shutdown();
  }
}

class Server extends socketserver.TCPServer {
  static override allow_reuse_address = true;
  override service_actions(): void {
    // Stop when stdin closes (Ctrl-D); a terminal line is just read.
    if (select([0], [], [], 0)[0].length > 0) {
      if ((Deno.stdin.readSync(new Uint8Array(1024)) ?? 0) === 0) this.shutdown();
    }
  }
}

await cli.run(() => {
  // Create the server, binding to localhost on port 9999
  {
    using server = new Server(["127.0.0.1", port], MyTCPHandler);
    console.log("serving on", server.server_address);
    // Activate the server; this will keep running until shutdown()
    server.serve_forever(0.1);
  }
  console.log("server stopped");
});
