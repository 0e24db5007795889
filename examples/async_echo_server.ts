/**
 * An async TCP echo server: one event loop, many connections at once, built
 * on `acceptAsync`, `recv_intoAsync` and `sendallAsync`.
 *
 * ```sh
 * deno run --allow-ffi examples/async_echo_server.ts [host] [port]
 * ```
 *
 * `host` defaults to 127.0.0.1 and `port` to 0 (an ephemeral port). Once
 * bound, it prints `listening on <port>` and serves until killed.
 *
 * @module
 */
import * as socket from "../mod.ts";
import { Cli } from "./_args.ts";

/** Echoes everything `conn` receives back to it, until end of stream. */
async function serve(conn: socket.Socket): Promise<void> {
  using c = conn;
  const buf = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await c.recv_intoAsync(buf);
    if (n === 0) return; // the peer closed its end
    await c.sendallAsync(buf.subarray(0, n));
  }
}

const cli: Cli = new Cli({
  usage: "async_echo_server.ts [HOST] [PORT]",
  help: "Echoes what each client sends, many clients at once, until killed.\n" +
    "HOST defaults to 127.0.0.1 and PORT to 0 (an ephemeral port).",
  positionals: [0, 2],
});
const [host = "127.0.0.1", portArg = "0"] = cli.parse().positionals;
const port = /^\d+$/.test(portArg) ? Number(portArg) : -1;
if (port < 0 || port > 65535) cli.usage(`bad port: ${portArg}`);

await cli.run(async () => {
  using server = socket.create_server([host, port], { backlog: 1024 });
  console.log(`listening on ${server.getsockname()[1]}`);

  for (;;) {
    let conn: socket.Socket;
    try {
      [conn] = await server.acceptAsync();
    } catch (e) {
      // Out of descriptors: let some connections finish, then accept again.
      if (e instanceof socket.error && (e.code === "EMFILE" || e.code === "ENFILE")) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      throw e;
    }
    serve(conn).catch((e) => {
      // A peer that resets its connection only ends that connection.
      if (!(e instanceof socket.ConnectionError)) console.error("connection failed:", e);
    });
  }
});
