/**
 * The poll(2) backend: portable, the fallback where neither epoll nor
 * kqueue exists, and the reactor of `LIBC_SOCKET_PORTABLE=1` on Linux.
 *
 * poll is level-triggered, so the set it is given is rebuilt from the
 * waiters: only descriptors that have waiters right now, each asking only
 * for the directions waited for (`POLLIN`, `POLLOUT`). A descriptor whose
 * waiters were woken leaves the set before the next poll, so a readiness
 * nobody has consumed yet cannot spin the pump. The waker at index 0 (a
 * self-pipe) wakes a thread wait, both to settle cancelled waiters and when
 * a new waiter is not covered by the set the thread is polling.
 *
 * Windows' `WSAPoll` is the same mechanism: `sys/wsapoll.ts` runs this
 * backend with a socket-pair waker, and the Winsock face of `libc` maps
 * `poll` to `WSAPoll` (whose `fd` is a 64-bit `SOCKET`).
 *
 * @module
 */
import { constants as C, struct, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { fromErrno } from "../core/errors.ts";
import { LITTLE_ENDIAN } from "../core/memory.ts";
import { newPipe } from "./platform.ts";
import {
  type Backend,
  type Direction,
  type Ready,
  type Registration,
  ShortTimespec,
  type Waker,
} from "./backend.ts";

/** A self-pipe: the poll backend's waker. */
export function pipeWaker(): Waker {
  const [r, w] = newPipe();
  const byte = new Uint8Array(1);
  const drain = new Uint8Array(64);
  return {
    fd: r,
    wake: () => void libc.write(w, byte, 1n),
    drain: () => {
      while (libc.read(r, drain, 64n) === 64);
    },
  };
}

/** poll(2) behind the reactor's {@linkcode Backend} interface. */
export class PollBackend implements Backend {
  readonly name: "poll" | "wsapoll";
  #pfd = struct("pollfd");
  #size = this.#pfd.size;
  #offFd = this.#pfd.fields.fd.offset;
  /** `fd` is a 64-bit `SOCKET` (WSAPoll), not an `int`. */
  #wideFd = this.#pfd.fields.fd.size === 8;
  #offEvents = this.#pfd.fields.events.offset;
  #offRevents = this.#pfd.fields.revents.offset;
  #readMask = C.POLLIN | C.POLLHUP | C.POLLERR | C.POLLNVAL;
  #writeMask = C.POLLOUT | C.POLLHUP | C.POLLERR | C.POLLNVAL;
  /** Watched registrations by token. */
  #regs = new Map<number, Registration>();
  /** The pollfd array handed to the kernel, and how many entries are live. */
  #buf = new Uint8Array(64 * this.#size);
  #view = new DataView(this.#buf.buffer);
  #count = 0;
  #nfds = 0n;
  /** Token of each pollfd entry (index 0: the waker). */
  #tokens: number[] = [0];
  /** Events each token asks for in the built array. */
  #built = new Map<number, number>();
  #dirty = true;
  #inThread = false;
  #makeWaker: () => Waker;
  #waker: Waker | undefined;
  readonly edgeTriggered = false;
  /** ppoll's timeout (made on first use: Windows has no `struct timespec`). */
  #ts: ShortTimespec | undefined;

  /**
   * @param name `poll`, or `wsapoll` (the same mechanism on Windows).
   * @param makeWaker Makes the waker, on the first watch: a self-pipe by default.
   */
  constructor(name: "poll" | "wsapoll" = "poll", makeWaker: () => Waker = pipeWaker) {
    this.name = name;
    this.#makeWaker = makeWaker;
  }

  #init(): void {
    this.#waker ??= this.#makeWaker();
  }

  watch(reg: Registration): void {
    this.#init();
    this.#regs.set(reg.token, reg);
  }

  unwatch(reg: Registration): void {
    this.#regs.delete(reg.token);
    this.#dirty = true;
  }

  changed(reg: Registration, dir: Direction, added: boolean): void {
    this.#dirty = true;
    if (added && this.#inThread) {
      const want = dir === 0 ? C.POLLIN : C.POLLOUT;
      if (((this.#built.get(reg.token) ?? 0) & want) === 0) this.wake();
    }
  }

  #entry(i: number, fd: number, events: number, token: number): void {
    const base = i * this.#size;
    if (this.#wideFd) this.#view.setBigUint64(base + this.#offFd, BigInt(fd), LITTLE_ENDIAN);
    else this.#view.setInt32(base + this.#offFd, fd, LITTLE_ENDIAN);
    this.#view.setInt16(base + this.#offEvents, events, LITTLE_ENDIAN);
    this.#view.setInt16(base + this.#offRevents, 0, LITTLE_ENDIAN);
    this.#tokens[i] = token;
  }

  /** Rebuilds the pollfd array from the current waiters (never during a thread wait). */
  #build(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#built.clear();
    const need = (this.#regs.size + 1) * this.#size;
    if (need > this.#buf.byteLength) {
      this.#buf = new Uint8Array(Math.max(need, this.#buf.byteLength * 2));
      this.#view = new DataView(this.#buf.buffer);
    }
    this.#entry(0, this.#waker!.fd, C.POLLIN, 0);
    let i = 1;
    for (const reg of this.#regs.values()) {
      const events = (reg.readers.length > 0 ? C.POLLIN : 0) |
        (reg.writers.length > 0 ? C.POLLOUT : 0);
      if (events === 0) continue;
      this.#entry(i++, reg.fd, events, reg.token);
      this.#built.set(reg.token, events);
    }
    this.#count = i;
    this.#tokens.length = i;
    this.#nfds = BigInt(i);
  }

  pollNow(): number {
    this.#build();
    const n = libc.poll(this.#buf, this.#nfds, 0);
    if (n < 0) {
      const e = errno();
      if (e !== table.errnoNames.EINTR) throw fromErrno(e, "poll");
      return 0;
    }
    return n;
  }

  pollFor(us: number): number {
    // ppoll: Linux and the BSDs; macOS has only poll's milliseconds.
    if (libc.ppoll === null) return -1;
    this.#build();
    this.#ts ??= new ShortTimespec();
    const n = libc.ppoll(this.#buf, this.#nfds, this.#ts.set(us), null);
    if (n < 0) {
      const e = errno();
      if (e !== table.errnoNames.EINTR) throw fromErrno(e, "ppoll");
      return 0;
    }
    return n;
  }

  async waitThread(timeout: 0 | -1): Promise<number> {
    this.#build();
    this.#inThread = true;
    try {
      return await libc.poll_nb(this.#buf, this.#nfds, timeout);
    } finally {
      this.#inThread = false;
    }
  }

  dispatch(n: number, ready: Ready): void {
    const view = this.#view;
    for (let i = 0, found = 0; i < this.#count && found < n; i++) {
      const revents = view.getInt16(i * this.#size + this.#offRevents, LITTLE_ENDIAN);
      if (revents === 0) continue;
      found++;
      if (i === 0) {
        this.#waker!.drain();
        continue;
      }
      // Level-triggered: nothing is drained here, so `ended` is never needed.
      ready(
        this.#tokens[i],
        (revents & this.#readMask) !== 0,
        (revents & this.#writeMask) !== 0,
        false,
      );
    }
  }

  wake(): void {
    this.#waker?.wake();
  }
}
