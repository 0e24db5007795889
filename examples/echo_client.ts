/**
 * Echo client program — the Python socket reference's example, transliterated.
 *
 * Connects to the echo server on port 50007, sends `Hello, world`, and prints
 * the reply as Python's `print 'Received', `data`` does:
 * `Received 'Hello, world'`.
 *
 * usage: deno run --allow-ffi examples/echo_client.ts [HOST]
 * (HOST defaults to "localhost")
 *
 * @module
 */
import * as socket from "../mod.ts";
import { Cli } from "./_args.ts";

/** Python 2's `repr()` of a byte string: quoted, with escapes. */
function repr(data: Uint8Array): string {
  const bytes = [...data];
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = quote;
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (c === quote || c === "\\") out += "\\" + c;
    else if (c === "\t") out += "\\t";
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (b < 0x20 || b >= 0x7f) out += "\\x" + b.toString(16).padStart(2, "0");
    else out += c;
  }
  return out + quote;
}

const cli: Cli = new Cli({
  usage: "echo_client.ts [HOST]",
  help: "Sends 'Hello, world' to the echo server on HOST (default localhost), port 50007,\n" +
    "and prints the reply.",
  positionals: [0, 1],
});
const HOST = cli.parse().positionals[0] ?? "localhost"; // The remote host
const PORT = 50007; // The same port as used by the server
await cli.run(() => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.connect(HOST, PORT);
  s.send("Hello, world");
  const data = s.recv(1024);
  s.close();
  console.log("Received", repr(data));
});
