/**
 * examples/reuseport_workers.ts: N Workers, one port (SO_REUSEPORT). python3
 * makes 200 loopback connections (60 under qemu; bounded) to the served port; every reply
 * must be right, and more than one Worker must have served. Then the
 * example's own client mode (`--clients`) once.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { DENO_PREFIX, denoCommand } from "../_helpers.ts";
import { py } from "../_py.ts";

const EXAMPLE = new URL("../../examples/reuseport_workers.ts", import.meta.url).pathname;
// Fewer under qemu-user (the aarch64 CI), where four emulated Workers are slow.
const QEMU = DENO_PREFIX.some((p) => p.includes("qemu"));
const CONNECTIONS = QEMU ? 60 : 200;
const SELF_CLIENTS = QEMU ? 20 : 60;

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value);
  }
  reader.releaseLock();
  return text.split("\n")[0];
}

Deno.test(`reuseport: ${CONNECTIONS} python clients spread over 4 Workers, every reply correct`, async () => {
  const child = denoCommand(["run", "--allow-ffi", "--allow-read", EXAMPLE, "4"], {
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const line = await firstLine(child.stdout);
    const m = /^4 workers listening on 127\.0\.0\.1:(\d+) \(SO_REUSEPORT\)$/.exec(line);
    assert(m, line);
    const replies = await py<string[]>(`
out = []
for i in range(${CONNECTIONS}):
    s = socket.create_connection(("127.0.0.1", ${m[1]}), timeout=60)
    s.sendall(b"client %d\\n" % i)
    data = b""
    while not data.endswith(b"\\n"):
        chunk = s.recv(1024)
        if not chunk:
            break
        data += chunk
    s.close()
    out.append(data.decode())`);
    assertEquals(replies.length, CONNECTIONS);
    const perWorker = new Map<number, number[]>();
    replies.forEach((r, i) => {
      const x = /^worker ([1-4])\/4 served its connection #(\d+): client (\d+)\n$/.exec(r);
      assert(x, JSON.stringify(r));
      assertEquals(Number(x[3]), i);
      const w = Number(x[1]);
      perWorker.set(w, [...perWorker.get(w) ?? [], Number(x[2])]);
    });
    assert(perWorker.size > 1, `one worker served everything: ${[...perWorker.keys()]}`);
    // Each Worker numbered its own connections 1, 2, 3, … in order.
    for (const [, ns] of perWorker) assertEquals(ns, ns.map((_, i) => i + 1));
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
});

Deno.test("reuseport: the example's own --clients mode", async () => {
  const out = await denoCommand(
    ["run", "--allow-ffi", "--allow-read", EXAMPLE, "3", "--clients", String(SELF_CLIENTS)],
    { stdout: "piped", stderr: "piped" },
  ).output();
  const text = new TextDecoder().decode(out.stdout);
  assertEquals(out.code, 0, text + new TextDecoder().decode(out.stderr));
  const last = text.trim().split("\n").at(-1)!;
  assertMatch(last, new RegExp(`^${SELF_CLIENTS} connections, every reply correct; per worker: `));
  const counts = [...last.matchAll(/(\d): (\d+)/g)].map((x) => Number(x[2]));
  assertEquals(counts.reduce((a, b) => a + b, 0), SELF_CLIENTS);
});
