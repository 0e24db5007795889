/**
 * examples/peercred_server.ts: a python client with this process's uid is
 * welcomed; one started as uid/gid 65534 (`setpriv`, which needs root) is
 * refused. The pid, uid and gid the server reports are the ones each python
 * client reports for itself. The server listens on an abstract Unix address,
 * so no file permission stands in the way of the other user.
 */
import { assert, assertEquals } from "@std/assert";
import { denoCommand } from "../_helpers.ts";

// The system python: another user cannot run a python installed under /root.
const PYTHON = ["/usr/bin/python3", "/usr/local/bin/python3"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
}) ?? "python3";
const EXAMPLE = new URL("../../examples/peercred_server.ts", import.meta.url).pathname;
const dec = new TextDecoder();

const CLIENT = `
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(b"\\0" + sys.argv[1].encode())
data = b""
while True:
    chunk = s.recv(1024)
    if not chunk:
        break
    data += chunk
print(json.dumps([os.getpid(), os.getuid(), os.getgid(), data.decode()]))
`;

function canSetpriv(): string | null {
  if (Deno.uid() !== 0) return "needs root (setpriv --reuid)";
  try {
    const r = new Deno.Command("setpriv", {
      args: ["--reuid=65534", "--regid=65534", "--clear-groups", PYTHON, "-c", "pass"],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    return r.success ? null : `setpriv failed: ${dec.decode(r.stderr).trim()}`;
  } catch (e) {
    return `cannot run setpriv: ${(e as Error).message}`;
  }
}

let serverExited = false;

async function client(
  name: string,
  prefix: string[] = [],
): Promise<[number, number, number, string]> {
  const [cmd, ...args] = [...prefix, PYTHON, "-c", CLIENT, name];
  for (let i = 0;; i++) {
    const out = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    if (out.success) return JSON.parse(dec.decode(out.stdout));
    // The server may not be listening yet: retry, bounded.
    if (
      i >= 200 || serverExited || !dec.decode(out.stderr).includes("ConnectionRefusedError")
    ) {
      throw new Error(dec.decode(out.stderr));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const reason = canSetpriv();
if (reason) console.log(`peercred_test.ts: the other-uid client is skipped: ${reason}`);

Deno.test("peercred: the same uid is welcomed; another uid is refused; pid/uid/gid are the client's", async () => {
  const name = `libc-socket-peercred-test-${Deno.pid}`;
  const clients = reason ? 1 : 2;
  const server = denoCommand(
    ["run", "--allow-ffi", EXAMPLE, `@${name}`, "-c", String(clients)],
    { stdout: "piped", stderr: "piped" },
  ).spawn();
  const timer = setTimeout(() => server.kill("SIGKILL"), 120_000); // bounded
  server.status.then(() => serverExited = true);
  try {
    const [pid, uid, gid, reply] = await client(name);
    assertEquals(uid, Deno.uid());
    assertEquals(reply, `welcome, uid ${uid} (pid ${pid}, gid ${gid})\n`);
    let other: [number, number, number, string] | null = null;
    if (!reason) {
      other = await client(name, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
      assertEquals([other[1], other[2]], [65534, 65534]);
      assertEquals(other[3], "refused: uid 65534 is not on the allow list\n");
    }
    const out = await server.output();
    assert(out.success, dec.decode(out.stderr));
    const lines = dec.decode(out.stdout).trim().split("\n");
    assertEquals(lines, [
      `listening on @${name}; allowed uids: ${Deno.uid()}`,
      `accepted pid ${pid} uid ${uid} gid ${gid}`,
      ...(other ? [`refused pid ${other[0]} uid 65534 gid 65534`] : []),
    ]);
  } finally {
    clearTimeout(timer);
  }
});
