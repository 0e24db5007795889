/**
 * The per-thread reactor behind the async methods: one interface, a backend
 * per readiness mechanism (epoll on Linux, kqueue on macOS and the BSDs,
 * poll(2) anywhere, WSAPoll on Windows), chosen by `sys/target.ts`.
 *
 * Contract (every backend keeps it):
 * - One reactor per JS thread (module state: a Worker gets its own).
 * - Callers try their syscall first and wait only after EAGAIN; so for the
 *   edge-triggered backends (epoll `EPOLLET`, kqueue `EV_CLEAR`), an edge that
 *   arrives later always finds its waiter registered. The level-triggered
 *   poll backend asks only for the descriptors, and the directions, that
 *   have waiters right now.
 * - The pump first polls synchronously (timeout 0, a fraction of a
 *   microsecond) after letting woken operations run; only when nothing is
 *   ready does it hop to a worker thread for a blocking wait. Right after a
 *   round that handled events, it may instead wait briefly on this thread
 *   (microseconds, in the kernel), for as long as `sys/linger.ts` finds it
 *   pays: it measures how often such waits find events, how soon, and what
 *   a hop costs. An idle reactor spends no CPU: it never lingers, and the
 *   worker thread sleeps in the kernel.
 * - Edge-triggered backends let a stream reader skip a `recv` that would
 *   only say EAGAIN: after a read that emptied the queue
 *   ({@linkcode Reactor.markDrained}), the descriptor stays drained until
 *   the backend reports it readable again.
 * - No waiter, no pump: nothing keeps the process alive once every operation
 *   has settled. Cancelled waiters are settled only after an in-flight
 *   thread wait has returned (the backend's waker interrupts it: eventfd,
 *   `EVFILT_USER`, or a pipe), so no FFI call is ever left pending behind a
 *   settled promise.
 *
 * @module
 */
import { target } from "./target.ts";
import type { BackendName } from "./target.ts";
import { EpollBackend } from "./epoll.ts";
import { KqueueBackend } from "./kqueue.ts";
import { PollBackend } from "./poll.ts";
import { wsaPollBackend } from "./wsapoll.ts";
import { LingerPolicy } from "./linger.ts";
import { constants as C, struct } from "../constants/mod.ts";
import {
  type Backend,
  type Direction,
  READ,
  type Ready,
  type Registration,
  type Waiter,
  WRITE,
} from "./backend.ts";

export { type Direction, READ, WRITE } from "./backend.ts";
export type { BackendName } from "./target.ts";

/** Microtask turns granted to woken operations before polling again. */
const YIELDS = 3;
/** One brief wait in this many (a power of two) reads the clock. */
const CLOCK_SAMPLE = 4;
/** Synchronous rounds in a row before the pump lets macrotasks run. */
const SPIN_LIMIT = 64;

/** The waiters of one thread, and the pump that wakes them. */
export class Reactor {
  #backend: Backend;
  #byToken = new Map<number, Registration>();
  #byFd = new Map<number, Registration>();
  #nextToken = 1;
  #waiting = 0;
  #toSettle: [Waiter, unknown][] = [];
  #onSettled: (() => void)[] = [];
  #running = false;
  #inThread = false;
  #ready: Ready = (token, readable, writable, ended) =>
    this.#wakeReady(token, readable, writable, ended);
  /** Counters for tests and benchmarks. */
  readonly stats = {
    syncPolls: 0,
    threadWaits: 0,
    events: 0,
    /** Brief waits on this thread right after a busy round, and how many found events. */
    lingers: 0,
    lingerHits: 0,
    /** Polls of the bounded loop that stands in for a brief wait where the backend has none. */
    spinPolls: 0,
  };
  /** What the brief waits and hops measured: see `sys/linger.ts`. */
  readonly policy: LingerPolicy = new LingerPolicy();

  /** @param backend The readiness mechanism; see {@linkcode createReactor}. */
  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** The backend's name: `epoll`, `kqueue`, `poll` or `wsapoll`. */
  get backend(): BackendName {
    return this.#backend.name;
  }

  #register(fd: number): Registration {
    let reg = this.#byFd.get(fd);
    if (reg !== undefined) return reg;
    const token = this.#nextToken;
    this.#nextToken = token >= 0xfffffffe ? 1 : token + 1;
    reg = { fd, token, readers: [], writers: [], drained: false, ended: false };
    this.#backend.watch(reg);
    this.#byFd.set(fd, reg);
    this.#byToken.set(token, reg);
    return reg;
  }

  /** Waits until `fd` may be ready for `dir`. */
  wait(
    fd: number,
    dir: Direction,
    signal?: AbortSignal,
    timeoutMs?: number,
    onTimeout?: () => unknown,
  ): Promise<void> {
    // An "abort" event has already fired (e.g. between an operation's wake-up
    // and its retry): a listener added now would never run.
    if (signal?.aborted) return Promise.reject(signal.reason);
    const reg = this.#register(fd);
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, reg, dir };
      (dir === READ ? reg.readers : reg.writers).push(w);
      this.#waiting++;
      if (signal !== undefined) {
        w.signal = signal;
        w.onAbort = () => this.#cancel(w, signal.reason);
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      if (timeoutMs !== undefined) {
        w.timer = setTimeout(() => this.#cancel(w, onTimeout!()), Math.max(0, timeoutMs));
      }
      this.#backend.changed(reg, dir, true);
      if (!this.#running) this.#run();
    });
  }

  /** Drops `fd` (before it is closed), rejecting its waiters with `reason`. */
  forget(fd: number, reason: () => unknown): void {
    const reg = this.#byFd.get(fd);
    if (reg === undefined) return;
    this.#byFd.delete(fd);
    this.#byToken.delete(reg.token);
    this.#backend.unwatch(reg);
    for (const w of [...reg.readers, ...reg.writers]) this.#cancel(w, reason());
  }

  /**
   * Records that a read of the stream `fd` just emptied its receive queue (it
   * returned less than it asked for). Until the backend next reports `fd`
   * readable, {@linkcode drained} says so, and a reader can wait at once
   * instead of paying for a `recv` that would say EAGAIN. Only edge-triggered
   * backends keep it: they report every arrival after this moment. End of
   * stream is not an arrival that repeats: once the backend has reported the
   * read side ended, the descriptor is never marked drained again.
   */
  markDrained(fd: number): void {
    if (!this.#backend.edgeTriggered) return;
    const reg = this.#byFd.get(fd);
    if (reg !== undefined && !reg.ended) reg.drained = true;
  }

  /** Whether `fd` was found drained and nothing has arrived since (see {@linkcode markDrained}). */
  drained(fd: number): boolean {
    return this.#byFd.get(fd)?.drained === true;
  }

  /** How many waiters `fd` has (for tests). */
  pending(fd: number): number {
    const reg = this.#byFd.get(fd);
    return reg === undefined ? 0 : reg.readers.length + reg.writers.length;
  }

  #detach(w: Waiter): boolean {
    const list = w.dir === READ ? w.reg.readers : w.reg.writers;
    const i = list.indexOf(w);
    if (i < 0) return false;
    list.splice(i, 1);
    this.#waiting--;
    this.#cleanup(w);
    this.#backend.changed(w.reg, w.dir, false);
    return true;
  }

  #cleanup(w: Waiter): void {
    if (w.timer !== undefined) clearTimeout(w.timer);
    if (w.onAbort !== undefined) w.signal!.removeEventListener("abort", w.onAbort);
  }

  #cancel(w: Waiter, reason: unknown): void {
    if (!this.#detach(w)) return;
    if (this.#inThread) {
      this.#toSettle.push([w, reason]);
      this.#backend.wake();
    } else {
      w.reject(reason);
    }
  }

  #wakeAll(reg: Registration, dir: Direction): void {
    const list = dir === READ ? reg.readers : reg.writers;
    if (dir === READ) reg.readers = [];
    else reg.writers = [];
    this.#waiting -= list.length;
    this.#backend.changed(reg, dir, false);
    for (const w of list) {
      this.#cleanup(w);
      w.resolve();
    }
  }

  #wakeReady(token: number, readable: boolean, writable: boolean, ended: boolean): void {
    const reg = this.#byToken.get(token);
    if (reg === undefined) return;
    if (readable) reg.drained = false;
    if (ended) reg.ended = true;
    if (readable && reg.readers.length > 0) this.#wakeAll(reg, READ);
    if (writable && reg.writers.length > 0) this.#wakeAll(reg, WRITE);
  }

  #dispatch(n: number): void {
    this.stats.events += n;
    this.#backend.dispatch(n, this.#ready);
  }

  #settleCancelled(): void {
    const list = this.#toSettle;
    if (list.length > 0) {
      this.#toSettle = [];
      for (const [w, reason] of list) w.reject(reason);
    }
    const done = this.#onSettled;
    if (done.length > 0) {
      this.#onSettled = [];
      for (const f of done) f();
    }
  }

  /**
   * Resolves once every waiter cancelled so far (by {@linkcode forget}, an
   * abort or a timeout) has been rejected: a cancellation made while this
   * thread's wait runs on a worker is delivered when that wait returns.
   */
  settled(): Promise<void> {
    if (this.#toSettle.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#onSettled.push(resolve));
  }

  /**
   * Waits on this thread for as long as the policy says (a brief wait in the
   * kernel, or a bounded poll loop where the backend has none), and tells the
   * policy how it went. Returns the event count.
   */
  #linger(us: number): number {
    const backend = this.#backend;
    // Reading the clock costs about as much as a syscall on some machines:
    // only one brief wait in CLOCK_SAMPLE is timed (a timed-out one lasted
    // its budget, so only hits need the clock to measure the gap).
    const timed = (++this.stats.lingers & (CLOCK_SAMPLE - 1)) === 0;
    let t0 = timed ? performance.now() : 0;
    let n = backend.pollFor(us);
    if (n < 0) {
      if (!timed) t0 = performance.now();
      const end = t0 + us / 1000;
      do {
        n = backend.pollNow();
        this.stats.spinPolls++;
      } while (n === 0 && performance.now() < end);
    }
    if (n > 0) {
      this.stats.lingerHits++;
      this.policy.hit(timed ? (performance.now() - t0) * 1000 : undefined);
    } else {
      this.policy.miss(us);
    }
    return n;
  }

  /** Lets the operations just woken run their continuations. */
  async #yieldToWoken(): Promise<void> {
    for (let i = 0; i < YIELDS; i++) await undefined;
  }

  async #run(): Promise<void> {
    this.#running = true;
    const backend = this.#backend;
    try {
      let spins = 0;
      let busy = false;
      for (;;) {
        this.#settleCancelled();
        if (this.#waiting === 0) break;
        // Right after handling events, more may follow within microseconds:
        // waiting for them here can beat a thread hop (sys/linger.ts decides).
        // A brief wait returns at once when events are already there, so it
        // stands in for the plain poll.
        const linger = busy ? this.policy.budget() : 0;
        this.stats.syncPolls++;
        const n = linger > 0 ? this.#linger(linger) : backend.pollNow();
        if (n > 0) {
          this.#dispatch(n);
          busy = true;
          if (++spins < SPIN_LIMIT) {
            await this.#yieldToWoken();
            continue;
          }
        }
        // Nothing ready (or time to let timers and other I/O run): wait on
        // a worker thread. After a busy streak, only peek (timeout 0).
        const timeout = n > 0 ? 0 : -1;
        spins = 0;
        this.#inThread = true;
        this.stats.threadWaits++;
        let m: number;
        const t0 = timeout === 0 ? performance.now() : 0;
        try {
          m = await backend.waitThread(timeout);
        } finally {
          this.#inThread = false;
        }
        if (timeout === 0) this.policy.hop((performance.now() - t0) * 1000);
        busy = m > 0;
        if (busy) {
          this.#dispatch(m);
          await this.#yieldToWoken();
        }
      }
    } catch (e) {
      for (const reg of this.#byFd.values()) {
        for (const w of [...reg.readers, ...reg.writers]) {
          this.#detach(w);
          w.reject(e);
        }
      }
      this.#settleCancelled();
    } finally {
      this.#running = false;
    }
  }
}

/**
 * Makes a reactor on the named backend. The process's reactor is
 * {@linkcode reactor}; tests make others to run every backend this OS has.
 *
 * @param name `epoll` (Linux), `kqueue` (macOS, BSD), `poll` (anywhere but
 *   Windows) or `wsapoll` (Windows).
 */
export function createReactor(name: BackendName): Reactor {
  switch (name) {
    case "epoll":
      return new Reactor(new EpollBackend());
    case "kqueue":
      // struct kevent exists only in the tables of the kqueue platforms.
      return new Reactor(new KqueueBackend(struct("kevent"), C));
    case "poll":
      return new Reactor(new PollBackend());
    case "wsapoll":
      return new Reactor(wsaPollBackend());
  }
}

/** This thread's reactor, on the backend `sys/target.ts` chose. */
export const reactor: Reactor = createReactor(target.backend);
