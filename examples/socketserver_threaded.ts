/**
 * The "Asynchronous Mixins" example of CPython's `socketserver`
 * documentation, ported: a `ThreadingTCPServer` (here: concurrent, async,
 * on this thread's reactor) serves three clients that run at the same
 * time; each reply names the task that handled it. The script stops by
 * itself.
 *
 * usage: deno run --allow-ffi examples/socketserver_threaded.ts
 *
 * @module
 */
import * as socket from "../mod.ts";
import * as socketserver from "../socketserver.ts";
import { Cli } from "./_args.ts";

const cli: Cli = new Cli({
  usage: "socketserver_threaded.ts",
  help: "A ThreadingTCPServer on an ephemeral port serves three concurrent clients, then stops.",
});
cli.parse();

let nextTask = 1;

class ThreadedTCPRequestHandler extends socketserver.BaseRequestHandler<socket.Socket> {
  override async handle(): Promise<void> {
    const conn = this.request;
    const data = new TextDecoder().decode(await conn.recvAsync(1024));
    const curThread = `Task-${nextTask++}`;
    await conn.sendallAsync(`${curThread}: ${data}`);
  }
}

class ThreadedTCPServer extends socketserver.ThreadingTCPServer {}

async function client(ip: string, port: number, message: string): Promise<void> {
  using sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await sock.connectAsync([ip, port]);
  await sock.sendallAsync(message);
  const response = new TextDecoder().decode(await sock.recvAsync(1024));
  console.log(`Received: ${response}`);
}

await cli.run(async () => {
  // Port 0 means to select an arbitrary unused port
  const server = new ThreadedTCPServer(["localhost", 0], ThreadedTCPRequestHandler);
  const [ip, port] = server.server_address;

  // Start serving: each request is handled as its own task, concurrently
  const serving = server.serve_forever();
  console.log("Server loop running");

  await Promise.all([
    client(ip, port, "Hello World 1"),
    client(ip, port, "Hello World 2"),
    client(ip, port, "Hello World 3"),
  ]);

  await server.shutdown();
  await serving;
  server.server_close();
});
