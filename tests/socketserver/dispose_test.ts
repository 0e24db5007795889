/**
 * `await using` on socketserver's servers: a concurrent server is shut down
 * (its running handlers finish first, with `block_on_close`) and closed when
 * the block ends; a blocking one is closed. A python3 client is the peer.
 */
import { assert, assertEquals } from "@std/assert";
import * as socket from "../../mod.ts";
import * as ss from "../../socketserver.ts";
import { PYTHON3, test } from "../_caps.ts";
import { pyClient } from "./_clients.ts";

test("await using: a ThreadingTCPServer is shut down after its running handler, then closed", [
  PYTHON3,
], async () => {
  const events: string[] = [];
  let started!: () => void;
  const handlerStarted = new Promise<void>((r) => started = r);
  class Slow extends ss.AsyncStreamRequestHandler {
    override async handle(): Promise<void> {
      const line = await this.rfile.readline();
      started();
      await new Promise((r) => setTimeout(r, 50)); // still running when the block ends
      await this.wfile.write(line);
      events.push("handler done");
    }
  }
  let serving: Promise<void>;
  let listener: socket.Socket;
  let py: Promise<string>;
  {
    await using server = new ss.ThreadingTCPServer(["127.0.0.1", 0], Slow);
    listener = server.socket;
    serving = server.serve_forever().then(() => {
      events.push("serve_forever returned");
    });
    const [, port] = server.server_address;
    py = pyClient(`
c = socket.create_connection(("127.0.0.1", ${port}))
c.sendall(b"hi\\n")
print(c.recv(10).decode(), end="")`);
    await handlerStarted; // the block ends while the handler still runs
  }
  events.push("block ended");
  assertEquals(events, ["handler done", "serve_forever returned", "block ended"]);
  assertEquals(listener.fileno(), -1); // server_close() ran
  await serving;
  assertEquals(await py, "hi\n");
});

Deno.test("await using: a blocking TCPServer is closed; a never-served concurrent one too", async () => {
  let a: socket.Socket, b: socket.Socket;
  {
    await using s1 = new ss.TCPServer(["127.0.0.1", 0], ss.BaseRequestHandler);
    await using s2 = new ss.ThreadingTCPServer(["127.0.0.1", 0], ss.AsyncStreamRequestHandler);
    a = s1.socket;
    b = s2.socket;
    assert(a.fileno() >= 0 && b.fileno() >= 0);
  }
  assertEquals([a.fileno(), b.fileno()], [-1, -1]);
});
