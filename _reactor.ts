// The per-thread epoll reactor behind the async methods.
//
// - One reactor per JS thread (module state: a Worker gets its own).
// - Every descriptor is registered once, edge-triggered, for input and output;
//   an operation first tries its syscall and only waits after EAGAIN, so an
//   edge that arrives later always finds its waiter registered.
// - The pump first polls synchronously (`epoll_wait(…, 0)`, a fraction of a
//   microsecond) after letting woken operations run; only when nothing is
//   ready does it hop to a worker thread for a blocking `epoll_wait`.
// - No waiter, no pump: nothing keeps the process alive once every operation
//   has settled. Cancelled waiters are settled only after an in-flight
//   thread wait has returned (an eventfd wakes it), so no FFI call is ever
//   left pending behind a settled promise.
import { constants as C, struct, table } from "./constants/mod.ts";
import { libc } from "./ffi/library.ts";
import { errno } from "./ffi/errno.ts";
import { fromErrno } from "./errors.ts";
import { LITTLE_ENDIAN } from "./_util.ts";

/** Readiness directions a waiter waits for. */
export const READ = 0;
export const WRITE = 1;
export type Direction = typeof READ | typeof WRITE;

const EV = struct("epoll_event");
const EV_SIZE = EV.size;
const EV_EVENTS = EV.fields.events.offset;
const EV_DATA = EV.fields.data.offset;
const MAX_EVENTS = 512;
/** Microtask turns granted to woken operations before polling again. */
const YIELDS = 3;
/** Synchronous rounds in a row before the pump lets macrotasks run. */
const SPIN_LIMIT = 64;
/**
 * Extra synchronous polls after a busy round finds nothing, before paying
 * for a thread hop. Bounded: a few tens of microseconds, and only right
 * after events were handled, so an idle reactor never spins.
 */
const IDLE_POLLS = 100;

const IN_MASK = C.EPOLLIN | C.EPOLLHUP | C.EPOLLERR | C.EPOLLRDHUP | C.EPOLLPRI;
const OUT_MASK = C.EPOLLOUT | C.EPOLLHUP | C.EPOLLERR;
const INTEREST = C.EPOLLIN | C.EPOLLOUT | C.EPOLLRDHUP | C.EPOLLET;

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  reg: Registration;
  dir: Direction;
  timer?: ReturnType<typeof setTimeout>;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Registration {
  fd: number;
  token: number;
  readers: Waiter[];
  writers: Waiter[];
}

class Reactor {
  #epfd = -1;
  #evfd = -1;
  #events = new Uint8Array(MAX_EVENTS * EV_SIZE);
  #view = new DataView(this.#events.buffer);
  #ctl = new Uint8Array(EV_SIZE);
  #ctlView = new DataView(this.#ctl.buffer);
  #byToken = new Map<number, Registration>();
  #byFd = new Map<number, Registration>();
  #nextToken = 1;
  #waiting = 0;
  #toSettle: [Waiter, unknown][] = [];
  #running = false;
  #inThread = false;
  /** Counters for tests and benchmarks. */
  readonly stats = { syncPolls: 0, threadWaits: 0, events: 0 };

  #init(): void {
    if (this.#epfd >= 0) return;
    const ep = libc.epoll_create1(C.EPOLL_CLOEXEC);
    if (ep < 0) throw fromErrno(errno(), "epoll_create1");
    const ev = libc.eventfd(0, C.EFD_CLOEXEC | C.EFD_NONBLOCK);
    if (ev < 0) {
      const e = errno();
      libc.close(ep);
      throw fromErrno(e, "eventfd");
    }
    this.#epfd = ep;
    this.#evfd = ev;
    this.#control(C.EPOLL_CTL_ADD, ev, C.EPOLLIN, 0);
  }

  #control(op: number, fd: number, events: number, token: number): number {
    this.#ctlView.setUint32(EV_EVENTS, events, LITTLE_ENDIAN);
    this.#ctlView.setUint32(EV_DATA, token, LITTLE_ENDIAN);
    this.#ctlView.setUint32(EV_DATA + 4, 0, LITTLE_ENDIAN);
    return libc.epoll_ctl(this.#epfd, op, fd, this.#ctl) === 0 ? 0 : errno();
  }

  #register(fd: number): Registration {
    let reg = this.#byFd.get(fd);
    if (reg !== undefined) return reg;
    this.#init();
    const token = this.#nextToken;
    this.#nextToken = token >= 0xfffffffe ? 1 : token + 1;
    let err = this.#control(C.EPOLL_CTL_ADD, fd, INTEREST, token);
    if (err === table.errnoNames.EEXIST) err = this.#control(C.EPOLL_CTL_MOD, fd, INTEREST, token);
    if (err !== 0) throw fromErrno(err, "epoll_ctl");
    reg = { fd, token, readers: [], writers: [] };
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
      if (!this.#running) this.#run();
    });
  }

  /** Drops `fd` (before it is closed), rejecting its waiters with `reason`. */
  forget(fd: number, reason: () => unknown): void {
    const reg = this.#byFd.get(fd);
    if (reg === undefined) return;
    this.#byFd.delete(fd);
    this.#byToken.delete(reg.token);
    this.#control(C.EPOLL_CTL_DEL, fd, 0, 0);
    for (const w of [...reg.readers, ...reg.writers]) this.#cancel(w, reason());
  }

  /** Whether `fd` has waiters (for tests). */
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
      const one = new BigUint64Array([1n]);
      libc.write(this.#evfd, new Uint8Array(one.buffer), 8n);
    } else {
      w.reject(reason);
    }
  }

  #wakeAll(list: Waiter[]): void {
    this.#waiting -= list.length;
    for (const w of list) {
      this.#cleanup(w);
      w.resolve();
    }
  }

  #dispatch(n: number): void {
    this.stats.events += n;
    const view = this.#view;
    for (let i = 0; i < n; i++) {
      const base = i * EV_SIZE;
      const events = view.getUint32(base + EV_EVENTS, LITTLE_ENDIAN);
      const token = view.getUint32(base + EV_DATA, LITTLE_ENDIAN);
      if (token === 0) {
        const drain = new Uint8Array(8);
        libc.read(this.#evfd, drain, 8n);
        continue;
      }
      const reg = this.#byToken.get(token);
      if (reg === undefined) continue;
      if ((events & IN_MASK) !== 0 && reg.readers.length > 0) {
        const list = reg.readers;
        reg.readers = [];
        this.#wakeAll(list);
      }
      if ((events & OUT_MASK) !== 0 && reg.writers.length > 0) {
        const list = reg.writers;
        reg.writers = [];
        this.#wakeAll(list);
      }
    }
  }

  #settleCancelled(): void {
    const list = this.#toSettle;
    if (list.length === 0) return;
    this.#toSettle = [];
    for (const [w, reason] of list) w.reject(reason);
  }

  /** Lets the operations just woken run their continuations. */
  async #yieldToWoken(): Promise<void> {
    for (let i = 0; i < YIELDS; i++) await undefined;
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      let spins = 0;
      let busy = false;
      for (;;) {
        this.#settleCancelled();
        if (this.#waiting === 0) break;
        let n = libc.epoll_wait(this.#epfd, this.#events, MAX_EVENTS, 0);
        this.stats.syncPolls++;
        // Right after handling events, more usually follow within
        // microseconds: a few more cheap polls beat a thread hop.
        for (let i = 0; n === 0 && busy && i < IDLE_POLLS; i++) {
          n = libc.epoll_wait(this.#epfd, this.#events, MAX_EVENTS, 0);
        }
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
        try {
          m = await libc.epoll_wait_nb(this.#epfd, this.#events, MAX_EVENTS, timeout);
        } finally {
          this.#inThread = false;
        }
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

/** This thread's reactor. */
export const reactor: Reactor = new Reactor();
