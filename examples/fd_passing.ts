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
 * and prints what the file holds. Deno has no API that wraps a raw
 * descriptor as a file, so the receiver lets the kernel read it:
 * `sendfile(2)` from the descriptor into a socketpair (so the file must be
 * a regular file, not a pipe).
 *
 * @module
 */
import * as socket from "../mod.ts";

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

function recv(path: string): void {
  using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    Deno.removeSync(path);
  } catch { /* not there */ }
  srv.bind(path);
  srv.listen(1);
  console.log(`waiting on ${path}`);
  const [conn] = srv.accept();
  using _conn = conn;
  const [msg, fds] = socket.recv_fds(conn, 1024, 4);
  if (fds.length === 0) {
    console.error("no descriptor arrived");
    Deno.exit(1);
  }
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

const [mode, path, label] = Deno.args;
if (mode === "recv" && path) recv(path);
else if (mode === "send" && path) send(path, label ?? "stdin");
else {
  console.error(
    "usage: fd_passing.ts recv SOCKET_PATH | fd_passing.ts send SOCKET_PATH [LABEL] < FILE",
  );
  Deno.exit(2);
}
