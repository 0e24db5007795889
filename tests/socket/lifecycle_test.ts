/**
 * Process-level lifecycle of the reactor, checked in subprocesses:
 * - a script whose async socket work is done exits by itself;
 * - a process holding pending `recvAsync`s on 100 sockets is idle (no busy spin);
 * - `examples/async_echo_server.ts` serves 1000 concurrent async clients.
 *
 * Subprocesses run `Deno.execPath()`, prefixed with the words of
 * `LIBC_SOCKET_DENO_PREFIX` when set (e.g. "qemu-aarch64-static" in CI).
 *
 * Descriptor limits: the echo test holds 1000 client sockets in this process
 * and 1000 accepted ones in the server. Deno cannot call setrlimit, so the
 * server is started under `sh -c 'ulimit -n <hard limit>; exec …'`, and this
 * process (whose limit is what it is) lowers the number of clients to fit its
 * soft limit read from /proc/self/limits (20000 here, so the full 1000 run).
 */

import { assert, assertEquals, assertLess, assertMatch } from "@std/assert";
import * as socket from "../../mod.ts";

const PREFIX = (Deno.env.get("LIBC_SOCKET_DENO_PREFIX") ?? "").split(" ").filter((w) => w !== "");
/** Emulation (qemu) is slow: scale the generous time limits. */
const SLOW = PREFIX.length > 0 ? 6 : 1;
const HERE = new URL("..", import.meta.url);
const dec = new TextDecoder();

/** `[program, ...args]` that runs Deno (behind the prefix) with `args`. */
function denoArgv(args: string[]): string[] {
  return [...PREFIX, Deno.execPath(), ...args];
}

function fixture(name: string): string {
  return new URL(`fixtures/${name}`, HERE).pathname;
}

/** Soft and hard limits on open files, from /proc/self/limits. */
function nofileLimits(): [number, number] {
  try {
    const line = Deno.readTextFileSync("/proc/self/limits").split("\n")
      .find((l) => l.startsWith("Max open files"));
    const [, soft, hard] = line!.split(/\s{2,}/);
    const num = (s: string) => (s === "unlimited" ? Infinity : Number(s));
    return [num(soft), num(hard)];
  } catch {
    return [1024, 1024];
  }
}

/** user + system CPU time of `pid` (all its threads), in milliseconds. */
function cpuMs(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the parenthesised command name; utime and stime are fields
  // 14 and 15 (1-based) of the whole line, in clock ticks (USER_HZ = 100).
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) * 10;
}

/** Reads `stream` until a line matches `re`; returns the match. */
async function waitForLine(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  re: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; got: ${text}`)),
      timeoutMs,
    );
  });
  try {
    for (;;) {
      for (const line of text.split("\n").slice(0, -1)) {
        const m = line.match(re);
        if (m) return m;
      }
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error(`stream ended before a line matching ${re}; got: ${text}`);
      text += dec.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Kills `child` by pid (if still running) and waits for it, releasing its pipes. */
async function stop(
  child: Deno.ChildProcess,
  reader?: ReadableStreamDefaultReader<Uint8Array>,
): Promise<string> {
  try {
    child.kill("SIGKILL");
  } catch { /* already exited */ }
  await reader?.cancel();
  const [, err] = await Promise.all([child.status, new Response(child.stderr).text()]);
  return err;
}

Deno.test("lifecycle: a script whose async work is done exits by itself", async () => {
  const [cmd, ...args] = denoArgv(["run", "--allow-all", fixture("exit_after_async.ts")]);
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).spawn();
  const output = child.output();
  const limit = 15_000 * SLOW;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t0 = performance.now();
  const outcome = await Promise.race([
    output.then(() => "exited"),
    new Promise<string>((r) => timer = setTimeout(() => r("hung"), limit)),
  ]);
  clearTimeout(timer);
  if (outcome === "hung") {
    child.kill("SIGKILL"); // by pid: this child only
    await output;
    throw new Error(`the script did not exit within ${limit} ms`);
  }
  const { code, stdout, stderr } = await output;
  assertEquals(code, 0, dec.decode(stderr));
  assertEquals(dec.decode(stdout).trim(), "done");
  console.log(`  exited after ${Math.round(performance.now() - t0)} ms`);
});

Deno.test("lifecycle: pending recvAsync on 100 sockets uses no CPU", async () => {
  const [cmd, ...args] = denoArgv(["run", "--allow-all", fixture("idle_waiters.ts"), "100"]);
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).spawn();
  const reader = child.stdout.getReader();
  try {
    await waitForLine(reader, /^ready$/, 20_000 * SLOW);
    const before = cpuMs(child.pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    const used = cpuMs(child.pid) - before;
    const seconds = (performance.now() - t0) / 1000;
    // A busy-spinning reactor burns ~1000 ms per second; idle is ~0 natively.
    // Under qemu-user the emulator's own work for Deno's idle threads shows
    // up too (130 ms/s seen on a loaded machine), so the bound is looser there.
    const bound = PREFIX.length > 0 ? 300 : 100;
    assertLess(used / seconds, bound, `idle process used ${used} ms CPU in ${seconds} s`);
  } finally {
    await stop(child, reader);
  }
});

Deno.test("lifecycle: the async echo server serves 1000 concurrent async clients (250 emulated)", async () => {
  const [soft, hard] = nofileLimits();
  // This process: 1000 clients plus what the test runner already holds.
  // Under emulation 250: qemu-user, with another test file running beside
  // this one, once failed a server recv with ENOMEM at 1000 (CI, aarch64);
  // the 1000 are proven natively, the emulated run checks the same code.
  const N = Math.min(PREFIX.length > 0 ? 250 : 1000, soft - 300);
  assert(N >= 100, `open-file limit ${soft} too low`);
  const raise = Number.isFinite(hard) ? String(hard) : "65536";
  const argv = denoArgv([
    "run",
    "--allow-all",
    new URL("../examples/async_echo_server.ts", HERE).pathname,
    "127.0.0.1",
    "0",
  ]);
  // Deno has no setrlimit: raise the server's soft limit in the shell that execs it.
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      `ulimit -n ${raise} 2>/dev/null || ulimit -n 4096 2>/dev/null; exec "$@"`,
      "sh",
      ...argv,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  let serverErr = "";
  try {
    const m = await waitForLine(reader, /^listening on (\d+)$/, 20_000 * SLOW);
    const port = Number(m[1]);
    assert(port > 0);

    // Every client connects first; only when all N are open at once does
    // any of them send, so the server really holds N connections together.
    let connected = 0;
    let allConnected!: () => void;
    const barrier = new Promise<void>((r) => allConnected = r);
    const clients = Array.from({ length: N }, async (_, i) => {
      using c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
      await c.connectAsync(["127.0.0.1", port]);
      if (++connected === N) allConnected();
      await barrier;
      const msg = `hello from client ${i} `.repeat(1 + (i % 7));
      await c.sendallAsync(msg);
      let echoed = "";
      const buf = new Uint8Array(4096);
      while (echoed.length < msg.length) {
        const n = await c.recv_intoAsync(buf);
        if (n === 0) throw new Error(`client ${i}: server closed early`);
        echoed += dec.decode(buf.subarray(0, n));
      }
      assertEquals(echoed, msg);
      // Half-close: the server sees end of stream and closes its side.
      c.shutdown(socket.SHUT_WR);
      assertEquals((await c.recvAsync(16)).length, 0);
    });
    const results = await Promise.allSettled(clients);
    const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    assertEquals(failed.length, 0, `${failed.length} clients failed, e.g. ${failed[0]?.reason}`);
    assertEquals(connected, N);
  } finally {
    serverErr = await stop(child, reader);
  }
  assert(!/error|failed/i.test(serverErr), `server stderr: ${serverErr}`);
});

Deno.test("lifecycle: the echo server example rejects a bad port", async () => {
  const [cmd, ...args] = denoArgv([
    "run",
    "--allow-all",
    new URL("../examples/async_echo_server.ts", HERE).pathname,
    "127.0.0.1",
    "not-a-port",
  ]);
  const { code, stderr } = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" })
    .output();
  assertEquals(code, 2);
  assertMatch(dec.decode(stderr), /bad port/);
});
