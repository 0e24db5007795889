/**
 * The reactor's backends, each driven directly through `createReactor`:
 * epoll and poll here on Linux (kqueue where this OS has it), with real
 * socketpairs. Readiness by direction, abort, timeout, forget (close while
 * waiting), 1000 waiters, a new waiter joining while the pump sleeps in a
 * thread wait, an idle process using no CPU, and a script that exits by
 * itself once no wait is pending. `struct kevent` packing is checked
 * against Apple's layout from <sys/event.h>.
 */
import { assert, assertEquals, assertLess, assertRejects } from "@std/assert";
import * as S from "../../mod.ts";
import { createReactor, type Reactor, READ, WRITE } from "../../sys/reactor.ts";
import { type BackendName, target } from "../../sys/target.ts";
import { type Kevent, packKevent, unpackKevent } from "../../sys/kqueue.ts";
import { type StructLayout, SUPPORTED_PLATFORMS, tableFor } from "../../constants/mod.ts";
import { DENO_PREFIX, denoCommand } from "../_helpers.ts";

const SLOW = DENO_PREFIX.length > 0 ? 6 : 1;
const BACKENDS: BackendName[] = target.os === "linux" || target.os === "android"
  ? ["epoll", "poll"]
  : target.backend === "kqueue"
  ? ["kqueue", "poll"]
  : ["poll"];
const fixture = new URL("../fixtures/reactor_child.ts", import.meta.url).pathname;

/** Fails instead of hanging when `p` does not settle within `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `r` has entered a thread wait (counted in its stats). */
async function inThreadWait(r: Reactor, before: number): Promise<void> {
  for (let i = 0; i < 500 && r.stats.threadWaits === before; i++) {
    await new Promise((res) => setTimeout(res, 2));
  }
  assert(r.stats.threadWaits > before, "the pump never went to a thread wait");
}

for (const name of BACKENDS) {
  Deno.test(`reactor(${name}): read waits for data, write for room, each alone`, async () => {
    const r = createReactor(name);
    assertEquals(r.backend, name);
    const [a, b] = S.socketpair();
    using _a = a;
    using _b = b;
    // b is writable now: its write waiter wakes (for the edge-triggered
    // backends, through the edge that registering the descriptor reports),
    // and the read waiter stays.
    const writing = r.wait(b.fileno(), WRITE);
    const reading = r.wait(b.fileno(), READ);
    await within(writing, 5000 * SLOW, "write wait");
    assertEquals(r.pending(b.fileno()), 1, "the read waiter is still waiting");
    a.send("hello");
    await within(reading, 5000 * SLOW, "read wait");
    assertEquals(r.pending(b.fileno()), 0);
    assertEquals(new TextDecoder().decode(b.recv(10)), "hello");
    r.forget(a.fileno(), () => new Error("unused"));
    r.forget(b.fileno(), () => new Error("unused"));
  });

  Deno.test(`reactor(${name}): a full send buffer wakes its writer once drained`, async () => {
    const r = createReactor(name);
    const [a, b] = S.socketpair();
    using _a = a;
    using _b = b;
    a.setblocking(false);
    const chunk = new Uint8Array(65536);
    for (let i = 0; i < 1000; i++) {
      try {
        a.send(chunk);
      } catch (e) {
        assert(e instanceof S.BlockingIOError);
        break;
      }
    }
    const writing = r.wait(a.fileno(), WRITE);
    b.setblocking(false);
    for (;;) {
      try {
        if (b.recv(1 << 20).length === 0) break;
      } catch (e) {
        assert(e instanceof S.BlockingIOError);
        break;
      }
    }
    await within(writing, 5000 * SLOW, "write wait after drain");
    r.forget(a.fileno(), () => new Error("unused"));
  });

  Deno.test(`reactor(${name}): abort, already-aborted, timeout and forget reject`, async () => {
    const r = createReactor(name);
    const [a, b] = S.socketpair();
    using _a = a;
    const fd = b.fileno();
    // Abort while the pump sleeps in a thread wait: only the waker can end it.
    const ac = new AbortController();
    const before = r.stats.threadWaits;
    const aborted = r.wait(fd, READ, ac.signal);
    await inThreadWait(r, before);
    ac.abort(new Error("stop"));
    await assertRejects(() => within(aborted, 5000 * SLOW, "abort"), Error, "stop");
    assertEquals(r.pending(fd), 0);
    await assertRejects(
      () => r.wait(fd, WRITE, AbortSignal.abort(new Error("already"))),
      Error,
      "already",
    );
    const late = r.wait(fd, READ, undefined, 10, () => new Error("timed out"));
    await assertRejects(() => within(late, 5000 * SLOW, "timeout"), Error, "timed out");
    // Close while waiting: the socket's owner forgets the fd, then closes it.
    const reading = r.wait(fd, READ);
    const writing = r.wait(fd, WRITE, undefined, 60_000, () => new Error("never"));
    r.forget(fd, () => new Error("closed"));
    b.close();
    await assertRejects(() => reading, Error, "closed");
    // The write waiter may have been woken (writable) before the forget.
    await writing.catch((e) => assertEquals(e.message, "closed"));
    assertEquals(r.pending(fd), 0);
  });

  Deno.test(`reactor(${name}): a waiter joining during a thread wait is served`, async () => {
    const r = createReactor(name);
    const [a1, b1] = S.socketpair();
    const [a2, b2] = S.socketpair();
    using _ = { [Symbol.dispose]: () => [a1, b1, a2, b2].forEach((s) => s.close()) };
    const before = r.stats.threadWaits;
    const first = r.wait(b1.fileno(), READ);
    await inThreadWait(r, before);
    const second = r.wait(b2.fileno(), READ);
    a2.send("2");
    await within(second, 5000 * SLOW, "second waiter");
    assertEquals(r.pending(b1.fileno()), 1);
    a1.send("1");
    await within(first, 5000 * SLOW, "first waiter");
    for (const s of [b1, b2]) r.forget(s.fileno(), () => new Error("unused"));
  });

  Deno.test(`reactor(${name}): 1000 waiters on 1000 descriptors all wake`, async () => {
    const r = createReactor(name);
    const pairs = Array.from({ length: 500 }, () => S.socketpair());
    try {
      const waits = pairs.flatMap(([a, b]) => [r.wait(a.fileno(), READ), r.wait(b.fileno(), READ)]);
      assertEquals(
        pairs.reduce((n, [a, b]) => n + r.pending(a.fileno()) + r.pending(b.fileno()), 0),
        1000,
      );
      for (const [a, b] of pairs) {
        a.send("x");
        b.send("y");
      }
      await within(Promise.all(waits), 20_000 * SLOW, "1000 waiters");
      assert(r.stats.events >= 1, "events were dispatched");
    } finally {
      for (const [a, b] of pairs) {
        r.forget(a.fileno(), () => new Error("unused"));
        r.forget(b.fileno(), () => new Error("unused"));
        a.close();
        b.close();
      }
    }
  });

  Deno.test(`reactor(${name}): a busy pump lingers for the next events; an idle one never does`, async () => {
    const r = createReactor(name);
    const [a, b] = S.socketpair();
    using _a = a;
    using _b = b;
    try {
      // Ping-pong with ourselves: every round that handles an event is
      // followed by a brief wait that finds the next one.
      const one = new Uint8Array(1);
      for (let i = 0; i < 200; i++) {
        const reading = r.wait(b.fileno(), READ);
        a.send(one);
        await within(reading, 5000 * SLOW, "read wait");
        assertEquals(b.recv(1).length, 1);
      }
      assert(r.stats.lingers > 0, "a busy pump lingered");
      assert(r.stats.lingerHits > 0, "and its brief waits found events");
      // Idle: one waiter, no data. At most the round right after the last
      // event lingers; then the pump sleeps in a thread wait.
      const lingers = r.stats.lingers;
      const waits = r.stats.threadWaits;
      const idle = r.wait(b.fileno(), READ);
      await new Promise((res) => setTimeout(res, 300));
      assertLess(r.stats.lingers - lingers, 2, "an idle pump kept lingering");
      assert(r.stats.threadWaits > waits, "an idle pump waits on a thread");
      a.send(one);
      await within(idle, 5000 * SLOW, "idle read wait");
    } finally {
      r.forget(b.fileno(), () => new Error("unused"));
    }
  });

  Deno.test(`reactor(${name}): an idle process with 100 waiters uses no CPU`, async () => {
    const child = denoCommand(["run", "--allow-all", fixture, name, "idle"], {
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.getReader();
    try {
      let text = "";
      await within(
        (async () => {
          while (!/^ready/m.test(text)) {
            const { value, done } = await reader.read();
            if (done) throw new Error(`child ended early: ${text}`);
            text += new TextDecoder().decode(value);
          }
        })(),
        30_000 * SLOW,
        "child ready",
      );
      const cpu = () => {
        const stat = Deno.readTextFileSync(`/proc/${child.pid}/stat`);
        const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return (Number(rest[11]) + Number(rest[12])) * 10; // utime + stime, ms
      };
      // Let the child's startup work (compilation, GC) settle first.
      await new Promise((res) => setTimeout(res, SLOW > 1 ? 1000 : 500));
      const before = cpu();
      const t0 = performance.now();
      await new Promise((res) => setTimeout(res, SLOW > 1 ? 2000 : 1000));
      const used = cpu() - before;
      const seconds = (performance.now() - t0) / 1000;
      // A spinning pump burns ~1000 ms of CPU per second; idle is ~0 natively
      // (qemu-user's own housekeeping adds some under emulation).
      const limit = SLOW > 1 ? 300 : 100;
      assertLess(used / seconds, limit, `idle child used ${used} ms CPU in ${seconds} s`);
      assert(!text.includes("unexpected data"), text);
    } finally {
      child.kill("SIGKILL"); // this child, by pid
      await reader.cancel();
      await child.status;
      await child.stderr.cancel();
    }
  });

  Deno.test(`reactor(${name}): a script exits by itself once no wait is pending`, async () => {
    const child = denoCommand(["run", "--allow-all", fixture, name, "exit"], {
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    try {
      const { code, stdout, stderr } = await within(output, 30_000 * SLOW, "child exit");
      assertEquals(code, 0, new TextDecoder().decode(stderr));
      assertEquals(new TextDecoder().decode(stdout).trim(), "done");
    } catch (e) {
      try {
        child.kill("SIGKILL"); // this child, by pid
      } catch { /* exited */ }
      await output;
      throw e;
    }
  });
}

/** Apple's `struct kevent` (<sys/event.h>, LP64): 32 bytes. */
const APPLE_KEVENT: StructLayout = {
  size: 32,
  align: 8,
  fields: {
    ident: { offset: 0, size: 8 }, // uintptr_t
    filter: { offset: 8, size: 2 }, // int16_t
    flags: { offset: 10, size: 2 }, // uint16_t
    fflags: { offset: 12, size: 4 }, // uint32_t
    data: { offset: 16, size: 8 }, // intptr_t
    udata: { offset: 24, size: 8 }, // void *
  },
};

/** Apple's values from <sys/event.h>. */
const EVFILT_READ = -1, EVFILT_USER = -10, EV_ADD = 0x1, EV_CLEAR = 0x20, NOTE_TRIGGER = 0x01000000;

Deno.test("kqueue: struct kevent packs to Apple's layout and back", () => {
  for (const platform of ["darwin_aarch64", "darwin_x86_64"]) {
    if (!SUPPORTED_PLATFORMS.includes(platform)) continue;
    const { size, fields } = tableFor(platform).structs.kevent;
    assertEquals(
      { size, fields },
      { size: APPLE_KEVENT.size, fields: APPLE_KEVENT.fields },
      platform,
    );
  }
  const buf = new Uint8Array(3 * 32).fill(0xaa);
  const ev: Kevent = {
    ident: 7,
    filter: EVFILT_READ,
    flags: EV_ADD | EV_CLEAR,
    fflags: NOTE_TRIGGER,
    data: -5,
    udata: 0x12345678,
  };
  packKevent(APPLE_KEVENT, buf, 1, ev);
  assertEquals([...buf.subarray(0, 32)], new Array(32).fill(0xaa), "entry 0 untouched");
  assertEquals([...buf.subarray(64)], new Array(32).fill(0xaa), "entry 2 untouched");
  assertEquals([...buf.subarray(32, 64)], [
    ...[7, 0, 0, 0, 0, 0, 0, 0], // ident
    ...[0xff, 0xff], // filter -1
    ...[0x21, 0x00], // flags
    ...[0x00, 0x00, 0x00, 0x01], // fflags
    ...[0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // data -5
    ...[0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0], // udata
  ]);
  assertEquals(unpackKevent(APPLE_KEVENT, buf, 1), ev);
  const user: Kevent = {
    ident: 0,
    filter: EVFILT_USER,
    flags: 0,
    fflags: NOTE_TRIGGER,
    data: 0,
    udata: 0,
  };
  packKevent(APPLE_KEVENT, buf, 0, user);
  assertEquals(unpackKevent(APPLE_KEVENT, buf, 0), user);
  assertEquals(buf[8] | (buf[9] << 8), 0xfff6, "EVFILT_USER is -10 as int16");
});
