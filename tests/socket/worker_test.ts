/**
 * The reactor inside Workers: each Worker runs an async echo server on its
 * own reactor (tests/_worker.ts) while the main thread's reactor is busy
 * with its own pending operations and async clients.
 */

import { assert, assertEquals } from "@std/assert";
import * as socket from "../../mod.ts";
import { reactor } from "../../sys/reactor.ts";

const dec = new TextDecoder();

interface Reply {
  port?: number;
  stopped?: boolean;
  served?: number;
  acceptError?: string;
  stats?: { syncPolls: number; threadWaits: number; events: number };
}

/** Starts tests/_worker.ts and returns it with a function awaiting its next message. */
function startWorker(): [Worker, () => Promise<Reply>] {
  const w = new Worker(new URL("../_worker.ts", import.meta.url), { type: "module" });
  const queue: Reply[] = [];
  const waiting: ((r: Reply) => void)[] = [];
  w.onmessage = (ev) => {
    const next = waiting.shift();
    if (next) next(ev.data);
    else queue.push(ev.data);
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    const next = waiting.shift();
    next?.({ acceptError: `worker error: ${ev.message}` });
  };
  const recv = () =>
    queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise<Reply>((r) => waiting.push(r));
  return [w, recv];
}

async function echoClients(port: number, n: number, tag: string): Promise<void> {
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    using c = socket.socket();
    await c.connectAsync(["127.0.0.1", port]);
    for (let round = 0; round < 3; round++) {
      const msg = `${tag}:${i}:${round}`;
      await c.sendallAsync(msg);
      let got = "";
      while (got.length < msg.length) got += dec.decode(await c.recvAsync(256));
      assertEquals(got, msg);
    }
  }));
}

Deno.test("worker: async echo servers in Workers, main-thread reactor active too", async () => {
  const workers = [startWorker(), startWorker()];
  try {
    for (const [w] of workers) w.postMessage({ cmd: "start" });
    const ports = await Promise.all(workers.map(async ([, recv]) => (await recv()).port!));
    for (const p of ports) assert(p > 0);

    // The main thread's reactor has its own long wait pending meanwhile.
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    const mainPending = b.recvAsync(100);
    const before = reactor.stats.threadWaits;

    // Async clients on the main thread against both workers at once.
    const N = 50;
    await Promise.all(ports.map((p, k) => echoClients(p, N, `w${k}`)));

    // Main-thread reactor still works, and the pending op was untouched.
    assertEquals(reactor.pending(b.fileno()), 1);
    a.send("main thread");
    assertEquals(dec.decode(await mainPending), "main thread");
    assert(reactor.stats.threadWaits > before);

    // Stop: each worker closes its listener (rejecting its own pending
    // acceptAsync) and reports its own reactor's counters.
    for (const [w] of workers) w.postMessage({ cmd: "stop" });
    const replies = await Promise.all(workers.map(([, recv]) => recv()));
    for (const r of replies) {
      assertEquals(r.acceptError, "EBADF");
      assertEquals(r.stopped, true);
      assertEquals(r.served, N);
      assert(r.stats!.events > 0);
    }
  } finally {
    for (const [w] of workers) w.terminate();
  }
});

Deno.test("worker: a Worker's pending ops do not block the main thread", async () => {
  const [w, recv] = startWorker();
  try {
    w.postMessage({ cmd: "start" });
    const { port } = await recv();
    // The worker sits in a blocking wait (acceptAsync, no clients). The main
    // thread meanwhile runs timers and its own socket I/O.
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    for (let i = 0; i < 20; i++) {
      const p = b.recvAsync(10);
      a.send(`${i}`);
      assertEquals(dec.decode(await p), `${i}`);
    }
    await new Promise((r) => setTimeout(r, 100));
    clearInterval(interval);
    assert(ticks > 5);
    await echoClients(port!, 5, "late");
    w.postMessage({ cmd: "stop" });
    const r = await recv();
    assertEquals(r.served, 5);
  } finally {
    w.terminate();
  }
});
