/**
 * Echo server program — the Python socket reference's example, transliterated.
 *
 * Serves one client on port 50007: echoes everything it receives until the
 * client closes. Blocking calls block this process, as in Python.
 *
 * usage: deno run --allow-ffi examples/echo_server.ts [HOST]
 * (HOST defaults to "", INADDR_ANY: every local address)
 *
 * @module
 */
import * as socket from "../mod.ts";
import { Cli } from "./_args.ts";

const cli: Cli = new Cli({
  usage: "echo_server.ts [HOST]",
  help: "Serves one client on port 50007 of HOST (default: every local address), echoing\n" +
    "what it sends until it closes.",
  positionals: [0, 1],
});
const HOST = cli.parse().positionals[0] ?? ""; // Symbolic name meaning the local host
const PORT = 50007; // Arbitrary non-privileged server
await cli.run(() => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(HOST, PORT);
  s.listen(1);
  const [conn, addr] = s.accept();
  console.log("Connected by", addr);
  while (true) {
    const data = conn.recv(1024);
    if (data.length === 0) break;
    conn.send(data);
  }
  conn.close();
  s.close();
});
