/**
 * Passes an open file from one process to another over a Unix socket
 * (`SCM_RIGHTS`): the receiver reads a file it never opened — perhaps one it
 * has no permission to open, or that no longer has a name.
 *
 *     deno run --allow-ffi examples/fd_passing.ts recv /tmp/fd.sock
 *     deno run --allow-ffi examples/fd_passing.ts send /tmp/fd.sock [LABEL] < some-file
 *
 * `send` passes its standard input — the file the shell opened for it — with
 * a short message; `recv` listens on the socket path, takes one descriptor
 * and prints what the file holds, and removes the socket file when it ends
 * (also on an error, Ctrl-C or SIGTERM). Deno has no API that wraps a raw
 * descriptor as a file, so the receiver lets the kernel read it:
 * `sendfile(2)` from the descriptor into a socketpair (so the file must be
 * a regular file, not a pipe).
 *
 * @module
 */
import * as socket from "../mod.ts";
import { Cli } from "./_args.ts";
import { bindSocketFile } from "./_socket_file.ts";

const dec = new TextDecoder();

/** Reads a whole file through its descriptor: sendfile into a socketpair, recv out. */
function readAll(fd: number): Uint8Array {
  const [w, r] = socket.socketpair();
  try {
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (;;) {
      const n = w.sendfile(fd, offset, 65536);
      if (n === 0) {
        const all = new Uint8Array(offset);
        let at = 0;
        for (const c of chunks) all.set(c, (at += c.length) - c.length);
        return all;
      }
      offset += n;
      for (let got = 0; got < n;) {
        const part = r.recv(n - got);
        chunks.push(part);
        got += part.length;
      }
    }
  } finally {
    w.close();
    r.close();
  }
}

/** Binds `srv` to `path` (removed again at the end); a path in use is the user's to fix. */
function bindOrFail(srv: socket.Socket, path: string): Disposable {
  try {
    return bindSocketFile(srv, path);
  } catch (e) {
    if (e instanceof socket.error && e.code === "EADDRINUSE") {
      cli.fail(
        `${path} exists: another receiver listens there, or a file is in the way (remove it if stale)`,
      );
    }
    throw e;
  }
}

async function recv(path: string): Promise<void> {
  using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  using _file = bindOrFail(srv, path);
  srv.listen(1);
  console.log(`waiting on ${path}`);
  // Async waits keep the event loop free: Ctrl-C (SIGINT) and SIGTERM still
  // remove the socket file.
  const [conn] = await srv.acceptAsync();
  using _conn = conn;
  await conn.recvAsync(1, socket.MSG_PEEK); // the message is there (or the end of stream)
  const [msg, fds] = socket.recv_fds(conn, 1024, 4);
  if (fds.length === 0) cli.fail("no descriptor arrived");
  const [fd, ...extra] = fds;
  extra.forEach(socket.close);
  const data = readAll(fd);
  socket.close(fd);
  console.log(`received descriptor ${fd} with message ${JSON.stringify(dec.decode(msg))}`);
  console.log(`read ${data.length} bytes through it:`);
  Deno.stdout.writeSync(data);
}

function send(path: string, label: string): void {
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  for (let i = 0;; i++) {
    try {
      s.connect(path);
      break;
    } catch (e) {
      // The receiver may not be listening yet: retry, bounded.
      const retry = e instanceof socket.FileNotFoundError ||
        e instanceof socket.ConnectionRefusedError;
      if (!retry || i >= 100) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  // Descriptor 0 is our standard input: the file the shell opened.
  socket.send_fds(s, [label], [0]);
  console.log(`sent descriptor 0 (${label}) to ${path}`);
}

const cli: Cli = new Cli({
  usage: "fd_passing.ts recv SOCKET_PATH | fd_passing.ts send SOCKET_PATH [LABEL] < FILE",
  help:
    "recv: listen on SOCKET_PATH (removed again on exit), take one descriptor, print its file\n" +
    "send: pass standard input (a regular file) to the receiver on SOCKET_PATH, with LABEL",
  positionals: [2, 3],
});
const [mode, path, label] = cli.parse().positionals;
if (mode === "recv" && label === undefined) await cli.run(() => recv(path));
else if (mode === "send") await cli.run(() => send(path, label ?? "stdin"));
else cli.usage(mode === "recv" ? `unexpected argument ${label}` : `unknown mode ${mode}`);
