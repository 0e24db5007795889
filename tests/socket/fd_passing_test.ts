/**
 * examples/fd_passing.ts against python3's `socket.send_fds`/`recv_fds`, in
 * both directions. From python: the file is unlinked before its descriptor
 * is sent, so the receiver can only read it through the descriptor.
 */
import { assertEquals } from "@std/assert";
import { denoArgv, denoCommand, tempDir } from "../_helpers.ts";
import { pySpawn } from "../_py.ts";

const EXAMPLE = new URL("../../examples/fd_passing.ts", import.meta.url).pathname;
const dec = new TextDecoder();
const CONTENT = "line one\nline two, with ünïcödé\n" + "x".repeat(200_000) + "\nend\n";

Deno.test("fd_passing: python sends an unlinked file's descriptor; examples/fd_passing.ts recv reads it", async () => {
  using dir = tempDir();
  const path = `${dir.path}/fd.sock`;
  const file = `${dir.path}/secret.txt`;
  Deno.writeTextFileSync(file, CONTENT);
  const receiver = denoCommand(["run", "--allow-ffi", EXAMPLE, "recv", path], {
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const sender = pySpawn<string>(`
import time
f = open(${JSON.stringify(file)}, "rb")
os.unlink(${JSON.stringify(file)})
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for i in range(1200):
    try:
        s.connect(${JSON.stringify(path)})
        break
    except (FileNotFoundError, ConnectionRefusedError):
        time.sleep(0.05)
socket.send_fds(s, [b"from python"], [f.fileno()])
out = "sent"`);
  assertEquals(await sender.result(), "sent");
  const out = await receiver.output();
  const stdout = dec.decode(out.stdout);
  assertEquals(out.code, 0, dec.decode(out.stderr));
  const lines = stdout.split("\n");
  assertEquals(lines[0], `waiting on ${path}`);
  assertEquals(lines[1].replace(/\d+/, "N"), 'received descriptor N with message "from python"');
  const bytes = new TextEncoder().encode(CONTENT).length;
  assertEquals(lines[2], `read ${bytes} bytes through it:`);
  assertEquals(lines.slice(3).join("\n"), CONTENT);
});

Deno.test("fd_passing: examples/fd_passing.ts send passes its stdin file; python's recv_fds reads it", async () => {
  using dir = tempDir();
  const path = `${dir.path}/fd.sock`;
  const file = `${dir.path}/data.txt`;
  Deno.writeTextFileSync(file, CONTENT);
  const receiver = pySpawn<[string, string, number]>(`
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(${JSON.stringify(path)})
srv.listen(1)
srv.settimeout(60)
conn, _ = srv.accept()
msg, fds, flags, addr = socket.recv_fds(conn, 1024, 4)
os.lseek(fds[0], 0, os.SEEK_SET)
data = b""
while True:
    chunk = os.read(fds[0], 65536)
    if not chunk:
        break
    data += chunk
out = [msg.decode(), data.decode(), len(fds)]`);
  const argv = denoArgv(["run", "--allow-ffi", EXAMPLE, "send", path, "data.txt"]);
  const out = await new Deno.Command("sh", {
    args: ["-c", 'f=$1; shift; exec "$@" < "$f"', "sh", file, ...argv],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, dec.decode(out.stderr));
  assertEquals(dec.decode(out.stdout), `sent descriptor 0 (data.txt) to ${path}\n`);
  assertEquals(await receiver.result(), ["data.txt", CONTENT, 1]);
});
