// select() and the poll object, both on poll(2), with their async twins.
import { constants as C } from "../constants/mod.ts";
import { available, POLL_EXCEPTIONAL, requireFeature } from "../sys/platform.ts";
import { fromErrno } from "../core/errors.ts";
import { typeName } from "../core/repr.ts";
import {
  badFd,
  deadlineOf,
  ENOENT,
  fdOf,
  type FileDescriptorLike,
  KeyError,
  PollFds,
  pollLoop,
  secondsTimeout,
  SELECT_EX,
  SELECT_IN,
  SELECT_OUT,
} from "./_common.ts";
import { type Direction, READ, waitAny, type Want, WRITE } from "./_async.ts";

/** Whether `select.poll` exists here (CPython has none on Windows). */
export const HAS_POLL: boolean = available("poll");

/** Options of the async twins: an `AbortSignal` that cancels the wait. */
export interface SelectAsyncOptions {
  /** Aborting it rejects the pending call with the signal's reason. */
  signal?: AbortSignal;
}

/** The three lists `select()` returns: subsets of the ones passed in. */
export type SelectResult<R, W, X> = [R[], W[], X[]];

/** The POLL* bits that make a poll waiter wait for input, and for output. */
const WANT_IN = C.POLLIN | C.POLLPRI | (C.POLLRDNORM ?? 0) | (C.POLLRDBAND ?? 0) |
  (C.POLLRDHUP ?? 0);
const WANT_OUT = C.POLLOUT | (C.POLLWRNORM ?? 0) | (C.POLLWRBAND ?? 0);

function toArray<T>(list: Iterable<T>, n: number): T[] {
  if (
    list === null || typeof list !== "object" && typeof list !== "string" ||
    typeof (list as Iterable<T>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(`arguments 1-3 must be sequences, not ${typeName(list)} (argument ${n})`);
  }
  return Array.from(list);
}

/** The descriptors of one select() call, merged into one pollfd array. */
class SelectPlan<R, W, X> {
  readonly lists: [R[], W[], X[]];
  readonly fds: [number[], number[], number[]] = [[], [], []];
  readonly unique: number[] = [];
  readonly events: number[] = [];
  readonly index = new Map<number, number>();

  constructor(rlist: Iterable<R>, wlist: Iterable<W>, xlist: Iterable<X>) {
    this.lists = [toArray(rlist, 1), toArray(wlist, 2), toArray(xlist, 3)];
    const bits = [C.POLLIN, C.POLLOUT, POLL_EXCEPTIONAL];
    for (let k = 0; k < 3; k++) {
      for (const obj of this.lists[k]) {
        const fd = fdOf(obj);
        this.fds[k].push(fd);
        let i = this.index.get(fd);
        if (i === undefined) {
          i = this.unique.length;
          this.index.set(fd, i);
          this.unique.push(fd);
          this.events.push(0);
        }
        this.events[i] |= bits[k];
      }
    }
  }

  pollfds(): PollFds {
    return new PollFds(this.unique, this.events);
  }

  wants(): Want[] {
    const out: Want[] = [];
    for (let i = 0; i < this.unique.length; i++) {
      const ev = this.events[i];
      if (ev & (C.POLLIN | POLL_EXCEPTIONAL)) out.push([this.unique[i], READ]);
      if (ev & C.POLLOUT) out.push([this.unique[i], WRITE]);
    }
    return out;
  }

  /** The three ready lists; EBADF for a descriptor poll(2) calls invalid. */
  result(pfds: PollFds, always?: Set<number>): SelectResult<R, W, X> {
    const masks = [SELECT_IN, SELECT_OUT, SELECT_EX];
    const out: [unknown[], unknown[], unknown[]] = [[], [], []];
    for (let i = 0; i < pfds.length; i++) {
      if (pfds.revents(i) & C.POLLNVAL) throw badFd("select");
    }
    for (let k = 0; k < 3; k++) {
      const objs = this.lists[k] as unknown[];
      const fds = this.fds[k];
      for (let j = 0; j < fds.length; j++) {
        const fd = fds[j];
        const rev = pfds.revents(this.index.get(fd)!);
        if ((rev & masks[k]) !== 0 || always?.has(fd)) out[k].push(objs[j]);
      }
    }
    return out as SelectResult<R, W, X>;
  }
}

/**
 * Waits until one or more descriptors are ready for I/O: Python's
 * `select.select`. Built on `poll(2)`, so descriptors above `FD_SETSIZE`
 * (1024) work. Blocks the calling thread (and the event loop) while it waits;
 * see {@linkcode selectAsync}.
 *
 * A descriptor counts as readable on POLLIN, POLLHUP or POLLERR, writable on
 * POLLOUT or POLLERR, and exceptional on POLLPRI, as the kernel's select(2)
 * (on Windows, `WSAPoll`'s POLLRDBAND: out-of-band data; three empty lists
 * fail there with WSAEINVAL, as CPython's select does).
 * EINTR is retried with the time left (PEP 475).
 *
 * @example A socket pair: one end becomes readable
 * ```ts
 * import * as socket from "@libc/socket";
 * import { select } from "@libc/socket/select";
 * const [a, b] = socket.socketpair();
 * b.send("x");
 * const [r, w, x] = select([a, b], [a], [], 1.0);
 * console.log(r.length, r[0] === a, w[0] === a, x.length); // 1 true true 0
 * a.close();
 * b.close();
 * ```
 *
 * @param rlist Descriptors to wait for until ready for reading: integers or
 * objects with a `fileno()` method.
 * @param wlist Descriptors to wait for until ready for writing.
 * @param xlist Descriptors to wait for an "exceptional condition" (POLLPRI).
 * @param timeout Seconds to wait; `null`/omitted blocks, `0` only polls.
 * Timeouts longer than poll(2) takes are waited for in slices.
 * @returns The subsets of the three lists that are ready, holding the very
 * objects passed in (an object listed twice appears twice).
 * @throws {TypeError} A list is not iterable, an item is neither an integer
 * nor has `fileno()`, or `timeout` is not a number.
 * @throws {RangeError} A negative descriptor, or a negative or NaN timeout
 * (Python's ValueError).
 * @throws {error} EBADF for a descriptor that is not open.
 */
export function select<
  R extends FileDescriptorLike,
  W extends FileDescriptorLike,
  X extends FileDescriptorLike,
>(
  rlist: Iterable<R>,
  wlist: Iterable<W>,
  xlist: Iterable<X>,
  timeout?: number | null,
): SelectResult<R, W, X> {
  const plan = new SelectPlan(rlist, wlist, xlist);
  const t = secondsTimeout(timeout);
  const pfds = plan.pollfds();
  pollLoop(pfds, deadlineOf(t === null ? null : t * 1000));
  return plan.result(pfds);
}

/**
 * Async `select`: waits on this thread's reactor without blocking the event
 * loop. Same arguments and results as {@linkcode select}, plus `{ signal }`.
 * Descriptors the reactor can't watch (regular files) count as ready.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { selectAsync } from "@libc/socket/select";
 * const [a, b] = socket.socketpair();
 * setTimeout(() => b.send("x"), 10);
 * const [r] = await selectAsync([a], [], [], 5);
 * console.log(r[0] === a); // true
 * a.close();
 * b.close();
 * ```
 *
 * @param rlist Descriptors to wait for until ready for reading.
 * @param wlist Descriptors to wait for until ready for writing.
 * @param xlist Descriptors to wait for an exceptional condition.
 * @param timeout Seconds to wait; `null`/omitted waits until ready.
 * @param options `signal` cancels the wait.
 * @returns The ready subsets of the three lists.
 * @throws {TypeError} As {@linkcode select}.
 * @throws {RangeError} As {@linkcode select}.
 * @throws {error} EBADF for a descriptor that is not open, and for a
 *   socket this library closes while the call waits (on every OS: the
 *   closed number is not polled again, as another thread may own it).
 */
export async function selectAsync<
  R extends FileDescriptorLike,
  W extends FileDescriptorLike,
  X extends FileDescriptorLike,
>(
  rlist: Iterable<R>,
  wlist: Iterable<W>,
  xlist: Iterable<X>,
  timeout?: number | null,
  options?: SelectAsyncOptions,
): Promise<SelectResult<R, W, X>> {
  const signal = options?.signal;
  signal?.throwIfAborted();
  const plan = new SelectPlan(rlist, wlist, xlist);
  const t = secondsTimeout(timeout);
  const deadline = deadlineOf(t === null ? null : t * 1000);
  const pfds = plan.pollfds();
  for (;;) {
    pfds.clear();
    if (pollLoop(pfds, 0) > 0) {
      const res = plan.result(pfds);
      if (res[0].length + res[1].length + res[2].length > 0) return res;
    }
    if (deadline !== null && performance.now() >= deadline) return [[], [], []];
    const closed = new Set<number>();
    const refused = await waitAny(plan.wants(), deadline, signal, closed);
    // Closed by this library mid-wait: select(2)'s EBADF, without polling
    // the number again (a parallel thread may have it already).
    if (closed.size > 0) throw badFd("select");
    if (refused.size > 0) {
      pfds.clear();
      pollLoop(pfds, 0);
      return plan.result(pfds, refused);
    }
  }
}

/** A poll timeout in ms as CPython's `poll.poll` takes it (null: block). */
function msTimeout(timeout: unknown): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== "number") {
    throw new TypeError(`timeout must be an integer or None, not ${typeName(timeout)}`);
  }
  if (Number.isNaN(timeout)) throw new RangeError("Invalid value NaN (not a number)");
  return timeout < 0 ? null : Math.ceil(timeout);
}

function eventMask(v: unknown, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`eventmask must be an integer, not ${typeName(v)}`);
  }
  if (v < 0 || v > max) {
    throw new RangeError(`eventmask ${v} is out of range (0-${max})`);
  }
  return v;
}

/**
 * A poll object: Python's `select.poll()` result, a set of registered
 * descriptors checked with one `poll(2)` call.
 */
export class Poll {
  #fds = new Map<number, number>();

  /**
   * Creates an empty poll object; prefer {@linkcode poll}.
   *
   * @throws {TypeError} On Windows, where CPython has no `select.poll`.
   */
  constructor() {
    requireFeature("poll", "select.poll()");
  }

  /**
   * Registers a descriptor (or changes its mask, if already registered).
   *
   * @example
   * ```ts
   * import { poll, POLLIN } from "@libc/socket/select";
   * const p = poll();
   * p.register(0, POLLIN);
   * p.unregister(0);
   * ```
   *
   * @param fd An integer or an object with `fileno()`.
   * @param eventmask POLL* bits; default `POLLIN | POLLPRI | POLLOUT`.
   * @throws {RangeError} A negative descriptor, or a mask outside 0-65535.
   */
  register(fd: FileDescriptorLike, eventmask: number = C.POLLIN | C.POLLPRI | C.POLLOUT): void {
    const n = fdOf(fd);
    this.#fds.set(n, eventMask(eventmask, 0xffff));
  }

  /**
   * Changes the mask of a registered descriptor.
   *
   * @example
   * ```ts
   * import { poll, POLLIN, POLLOUT } from "@libc/socket/select";
   * const p = poll();
   * p.register(1, POLLOUT);
   * p.modify(1, POLLIN | POLLOUT);
   * ```
   *
   * @param fd An integer or an object with `fileno()`.
   * @param eventmask The new POLL* bits.
   * @throws {FileNotFoundError} ENOENT if `fd` is not registered (as CPython).
   */
  modify(fd: FileDescriptorLike, eventmask: number): void {
    const n = fdOf(fd);
    const mask = eventMask(eventmask, 0xffff);
    if (!this.#fds.has(n)) throw fromErrno(ENOENT, "poll.modify");
    this.#fds.set(n, mask);
  }

  /**
   * Removes a descriptor.
   *
   * @example
   * ```ts
   * import { poll } from "@libc/socket/select";
   * const p = poll();
   * p.register(0);
   * p.unregister(0);
   * ```
   *
   * @param fd An integer or an object with `fileno()`.
   * @throws {KeyError} If `fd` is not registered (Python's KeyError).
   */
  unregister(fd: FileDescriptorLike): void {
    const n = fdOf(fd);
    if (!this.#fds.delete(n)) throw new KeyError(String(n));
  }

  #pack(skip?: ReadonlySet<number>): [PollFds, number[]] {
    if (skip === undefined) {
      const fds = [...this.#fds.keys()];
      return [new PollFds(fds, [...this.#fds.values()]), fds];
    }
    const entries = [...this.#fds].filter(([fd]) => !skip.has(fd));
    const fds = entries.map(([fd]) => fd);
    return [new PollFds(fds, entries.map(([, ev]) => ev)), fds];
  }

  static #result(pfds: PollFds, fds: number[], extra?: Map<number, number>): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < fds.length; i++) {
      const rev = pfds.revents(i) | (extra?.get(fds[i]) ?? 0);
      if (rev !== 0) out.push([fds[i], rev]);
    }
    return out;
  }

  /**
   * Waits for events on the registered descriptors with `poll(2)`. Blocks
   * the thread; EINTR is retried with the time left.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { poll, POLLIN } from "@libc/socket/select";
   * const [a, b] = socket.socketpair();
   * const p = poll();
   * p.register(a, POLLIN);
   * b.send("x");
   * console.log(p.poll(1000)); // [[a.fileno(), POLLIN]]
   * a.close();
   * b.close();
   * ```
   *
   * @param timeout Milliseconds; `null`, omitted or negative blocks.
   * @returns `[fd, revents]` pairs for descriptors with events (POLLNVAL
   * for one that is not open).
   * @throws {TypeError} A timeout that is not a number.
   */
  poll(timeout?: number | null): [number, number][] {
    const ms = msTimeout(timeout);
    const [pfds, fds] = this.#pack();
    pollLoop(pfds, deadlineOf(ms));
    return Poll.#result(pfds, fds);
  }

  /**
   * Async `poll`: waits on this thread's reactor without blocking the event
   * loop. Descriptors the reactor can't watch count as ready for the events
   * they were registered for.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { poll, POLLIN } from "@libc/socket/select";
   * const [a, b] = socket.socketpair();
   * const p = poll();
   * p.register(a, POLLIN);
   * setTimeout(() => b.send("x"), 10);
   * console.log((await p.pollAsync(5000)).length); // 1
   * a.close();
   * b.close();
   * ```
   *
   * @param timeout Milliseconds; `null`, omitted or negative waits until ready.
   * @param options `signal` cancels the wait.
   * @returns `[fd, revents]` pairs.
   */
  async pollAsync(
    timeout?: number | null,
    options?: SelectAsyncOptions,
  ): Promise<[number, number][]> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    const deadline = deadlineOf(msTimeout(timeout));
    for (;;) {
      const [pfds, fds] = this.#pack();
      if (pollLoop(pfds, 0) > 0) return Poll.#result(pfds, fds);
      if (deadline !== null && performance.now() >= deadline) return [];
      const wants: Want[] = [];
      for (const [fd, ev] of this.#fds) {
        const dirs: Direction[] = [];
        if (ev & WANT_IN) dirs.push(READ);
        if (ev & WANT_OUT) dirs.push(WRITE);
        if (dirs.length === 0) dirs.push(READ); // POLLHUP/POLLERR only: readers wake on them
        for (const d of dirs) wants.push([fd, d]);
      }
      const closed = new Set<number>();
      const refused = await waitAny(wants, deadline, signal, closed);
      if (refused.size > 0 || closed.size > 0) {
        const extra = new Map<number, number>();
        for (const fd of refused) {
          const ev = this.#fds.get(fd);
          if (ev !== undefined) extra.set(fd, ev & (WANT_IN | WANT_OUT) & ~(C.POLLRDHUP ?? 0));
        }
        // A socket this library closed mid-wait is POLLNVAL, as poll(2)
        // reports a closed descriptor, and its number is not polled again:
        // another thread may own it by now.
        const [p2, f2] = this.#pack(closed);
        pollLoop(p2, 0);
        const out = Poll.#result(p2, f2, extra);
        for (const fd of closed) if (this.#fds.has(fd)) out.push([fd, C.POLLNVAL]);
        return out;
      }
    }
  }
}

/**
 * Returns a new poll object: Python's `select.poll()`.
 *
 * @example
 * ```ts
 * import { poll } from "@libc/socket/select";
 * const p = poll();
 * console.log(p.poll(0)); // []
 * ```
 *
 * @returns An empty {@linkcode Poll}.
 */
export function poll(): Poll {
  requireFeature("poll", "select.poll()");
  return new Poll();
}
