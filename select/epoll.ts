// The epoll object (Linux): Python's select.epoll, with an async poll that
// waits for the epoll descriptor itself to become readable on the reactor.
import { constants as C, struct } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { check, fromErrno } from "../core/errors.ts";
import { LITTLE_ENDIAN } from "../core/memory.ts";
import { typeName } from "../core/repr.ts";
import { deadlineOf, EINTR, fdOf, type FileDescriptorLike, sliceMs } from "./_common.ts";
import { READ, waitAny } from "./_async.ts";
import { reactor } from "../sys/reactor.ts";
import type { SelectAsyncOptions } from "./poll.ts";

/** Whether this platform has epoll (Python: `hasattr(select, "epoll")`). */
export const HAS_EPOLL: boolean = C.EPOLL_CTL_ADD !== undefined;

const EV = HAS_EPOLL ? struct("epoll_event") : undefined;
const EV_SIZE = EV?.size ?? 0;
const EV_EVENTS = EV?.fields.events.offset ?? 0;
const EV_DATA = EV?.fields.data.offset ?? 0;
const L = LITTLE_ENDIAN;
/** CPython's default maxevents (`FD_SETSIZE - 1`). */
const DEFAULT_MAXEVENTS = 1023;
/** The most events one call collects here (a bigger maxevents reads in turns). */
const BUFFER_MAXEVENTS = 65536;

function timeoutMs(timeout: unknown): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== "number") {
    throw new TypeError(`timeout must be an integer or None, not ${typeName(timeout)}`);
  }
  if (Number.isNaN(timeout)) throw new RangeError("Invalid value NaN (not a number)");
  return timeout < 0 ? null : Math.ceil(timeout * 1000);
}

function maxEvents(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`maxevents must be an integer, not ${typeName(v)}`);
  }
  if (v === -1) return DEFAULT_MAXEVENTS;
  if (v < 1) throw new RangeError(`maxevents must be greater than 0, got ${v}`);
  if (v > 0x7fffffff) throw new RangeError(`maxevents ${v} is out of range for a C int`);
  return Math.min(v, BUFFER_MAXEVENTS);
}

function unsignedMask(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`eventmask must be an integer, not ${typeName(v)}`);
  }
  // `EPOLLIN | EPOLLET` is negative in JavaScript: a C int's bits are
  // taken as the unsigned mask (CPython's "I" converter wraps likewise).
  if (v < -0x80000000 || v > 0xffffffff) {
    throw new RangeError(`eventmask ${v} is out of range for a 32-bit mask`);
  }
  return v >>> 0;
}

function closedError(): RangeError {
  return new RangeError("I/O operation on closed epoll object");
}

/**
 * An epoll object: Python's `select.epoll`, an edge- or level-triggered
 * interface to `epoll_create1(2)`/`epoll_ctl(2)`/`epoll_wait(2)`.
 * Close it with `close()` or `using`.
 */
export class Epoll {
  #fd: number;

  /**
   * Creates an epoll object with `epoll_create1(EPOLL_CLOEXEC)`, or adopts
   * `fd` (see {@linkcode Epoll.fromfd}). Prefer {@linkcode epoll}.
   *
   * @param sizehint Ignored, as in CPython; must be -1 or positive.
   * @param flags Deprecated and ignored, as in CPython; must be 0 or `EPOLL_CLOEXEC`.
   * @param fd Internal: an epoll descriptor to adopt.
   */
  constructor(sizehint = -1, flags = 0, fd?: number) {
    if (!HAS_EPOLL) throw new Error("epoll is not available on this platform");
    if (fd !== undefined) {
      this.#fd = fdOf(fd);
      return;
    }
    if (typeof sizehint !== "number" || !Number.isInteger(sizehint)) {
      throw new TypeError(`sizehint must be an integer, not ${typeName(sizehint)}`);
    }
    if (sizehint === 0 || sizehint < -1) throw new RangeError("negative sizehint");
    if (typeof flags !== "number" || !Number.isInteger(flags)) {
      throw new TypeError(`flags must be an integer, not ${typeName(flags)}`);
    }
    if (flags !== 0 && flags !== C.EPOLL_CLOEXEC) throw new RangeError("invalid flags");
    this.#fd = check(libc.epoll_create1(C.EPOLL_CLOEXEC), "epoll_create1");
  }

  /**
   * Wraps an existing epoll descriptor (not duplicated: closing the object
   * closes it), as Python's `epoll.fromfd`.
   *
   * @example
   * ```ts
   * import { epoll, Epoll } from "@libc/socket/select";
   * const a = epoll();
   * const b = Epoll.fromfd(a.fileno());
   * console.log(b.fileno() === a.fileno()); // true
   * b.close();
   * ```
   *
   * @param fd An epoll descriptor.
   * @returns An epoll object owning `fd`.
   */
  static fromfd(fd: number): Epoll {
    return new Epoll(-1, 0, fd);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  #live(): number {
    if (this.#fd < 0) throw closedError();
    return this.#fd;
  }

  /**
   * Returns the epoll descriptor.
   *
   * @example
   * ```ts
   * import { epoll } from "@libc/socket/select";
   * using ep = epoll();
   * console.log(ep.fileno() >= 0); // true
   * ```
   *
   * @returns The descriptor.
   * @throws {RangeError} When closed (Python's ValueError).
   */
  fileno(): number {
    return this.#live();
  }

  /**
   * Closes the epoll descriptor with `close(2)`. Idempotent.
   *
   * @example
   * ```ts
   * import { epoll } from "@libc/socket/select";
   * const ep = epoll();
   * ep.close();
   * console.log(ep.closed); // true
   * ```
   */
  close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    forgetEpfd(fd);
    libc.close(fd);
  }

  /** Closes the object at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.close();
  }

  #ctl(op: number, fd: FileDescriptorLike, mask: number, what: string): void {
    const epfd = this.#live();
    const n = fdOf(fd);
    const ev = new Uint8Array(EV_SIZE);
    const v = new DataView(ev.buffer);
    v.setUint32(EV_EVENTS, mask, L);
    v.setInt32(EV_DATA, n, L); // data.fd, as CPython
    if (libc.epoll_ctl(epfd, op, n, ev) !== 0) throw fromErrno(errno(), what);
  }

  /**
   * Registers a descriptor with `epoll_ctl(EPOLL_CTL_ADD)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { epoll, EPOLLIN } from "@libc/socket/select";
   * using ep = epoll();
   * using s = socket.socket();
   * ep.register(s, EPOLLIN);
   * ```
   *
   * @param fd An integer or an object with `fileno()`.
   * @param eventmask EPOLL* bits; default `EPOLLIN | EPOLLPRI | EPOLLOUT`.
   * @throws {FileExistsError} EEXIST when already registered.
   * @throws {PermissionError} EPERM for a descriptor epoll can't watch (a regular file).
   * @throws {error} EBADF for a descriptor that is not open.
   */
  register(fd: FileDescriptorLike, eventmask: number = C.EPOLLIN | C.EPOLLPRI | C.EPOLLOUT): void {
    this.#ctl(C.EPOLL_CTL_ADD, fd, unsignedMask(eventmask), "epoll_ctl");
  }

  /**
   * Changes a registered descriptor's mask with `epoll_ctl(EPOLL_CTL_MOD)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { epoll, EPOLLIN, EPOLLOUT } from "@libc/socket/select";
   * using ep = epoll();
   * using s = socket.socket();
   * ep.register(s, EPOLLIN);
   * ep.modify(s, EPOLLIN | EPOLLOUT);
   * ```
   *
   * @param fd An integer or an object with `fileno()`.
   * @param eventmask The new EPOLL* bits.
   * @throws {FileNotFoundError} ENOENT when not registered.
   */
  modify(fd: FileDescriptorLike, eventmask: number): void {
    this.#ctl(C.EPOLL_CTL_MOD, fd, unsignedMask(eventmask), "epoll_ctl");
  }

  /**
   * Removes a descriptor with `epoll_ctl(EPOLL_CTL_DEL)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { epoll } from "@libc/socket/select";
   * using ep = epoll();
   * using s = socket.socket();
   * ep.register(s);
   * ep.unregister(s);
   * ```
   *
   * @param fd An integer or an object with `fileno()`.
   * @throws {FileNotFoundError} ENOENT when not registered (as CPython: an
   * OSError, not a KeyError).
   * @throws {error} EBADF for a descriptor that is no longer open.
   */
  unregister(fd: FileDescriptorLike): void {
    this.#ctl(C.EPOLL_CTL_DEL, fd, 0, "epoll_ctl");
  }

  #collect(n: number, buf: Uint8Array): [number, number][] {
    const v = new DataView(buf.buffer);
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      out.push([v.getInt32(i * EV_SIZE + EV_DATA, L), v.getUint32(i * EV_SIZE + EV_EVENTS, L)]);
    }
    return out;
  }

  #wait(buf: Uint8Array, max: number, deadline: number | null): number {
    for (;;) {
      const ms = sliceMs(deadline);
      const r = libc.epoll_wait(this.#live(), buf, max, ms);
      if (r >= 0) {
        if (r > 0 || ms <= 0) return r;
        if (deadline !== null && performance.now() >= deadline) return 0;
        continue; // one slice of a timeout longer than INT_MAX ms
      }
      const e = errno();
      if (e !== EINTR) throw fromErrno(e, "epoll_wait");
    }
  }

  /**
   * Waits for events with `epoll_wait(2)`. Blocks the thread; EINTR is
   * retried with the time left.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { epoll, EPOLLIN } from "@libc/socket/select";
   * using ep = epoll();
   * const [a, b] = socket.socketpair();
   * ep.register(a, EPOLLIN);
   * b.send("x");
   * console.log(ep.poll(1)); // [[a.fileno(), EPOLLIN]]
   * a.close();
   * b.close();
   * ```
   *
   * @param timeout Seconds; `null`, omitted or negative blocks.
   * @param maxevents The most events to return; -1 (default) means 1023.
   * @returns `[fd, events]` pairs.
   * @throws {RangeError} Closed, or maxevents 0 or below -1.
   */
  poll(timeout?: number | null, maxevents = -1): [number, number][] {
    this.#live();
    const deadline = deadlineOf(timeoutMs(timeout));
    const max = maxEvents(maxevents);
    const buf = new Uint8Array(max * EV_SIZE);
    return this.#collect(this.#wait(buf, max, deadline), buf);
  }

  /**
   * Async `poll`: waits for the epoll descriptor to become readable on this
   * thread's reactor, without blocking the event loop.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { epoll, EPOLLIN } from "@libc/socket/select";
   * using ep = epoll();
   * const [a, b] = socket.socketpair();
   * ep.register(a, EPOLLIN);
   * setTimeout(() => b.send("x"), 10);
   * console.log((await ep.pollAsync(5)).length); // 1
   * a.close();
   * b.close();
   * ```
   *
   * @param timeout Seconds; `null`, omitted or negative waits until ready.
   * @param maxevents As {@linkcode Epoll.prototype.poll}.
   * @param options `signal` cancels the wait.
   * @returns `[fd, events]` pairs.
   */
  async pollAsync(
    timeout?: number | null,
    maxevents = -1,
    options?: SelectAsyncOptions,
  ): Promise<[number, number][]> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    this.#live();
    const deadline = deadlineOf(timeoutMs(timeout));
    const max = maxEvents(maxevents);
    const buf = new Uint8Array(max * EV_SIZE);
    for (;;) {
      const n = this.#wait(buf, max, 0);
      if (n > 0) return this.#collect(n, buf);
      if (deadline !== null && performance.now() >= deadline) return [];
      await waitAny([[this.#live(), READ]], deadline, signal);
    }
  }
}

/** Drops a closing epoll descriptor from the reactor, rejecting its waiters. */
function forgetEpfd(fd: number): void {
  reactor.forget(fd, closedError);
}

/**
 * Returns a new epoll object: Python's `select.epoll(sizehint=-1, flags=0)`.
 *
 * @example
 * ```ts
 * import { epoll } from "@libc/socket/select";
 * using ep = epoll();
 * console.log(ep.poll(0)); // []
 * ```
 *
 * @param sizehint Ignored; must be -1 or positive.
 * @param flags Ignored; must be 0 or `EPOLL_CLOEXEC` (the descriptor is
 * always close-on-exec).
 * @returns The epoll object.
 * @throws {RangeError} A bad sizehint or flags.
 */
export function epoll(sizehint = -1, flags = 0): Epoll {
  return new Epoll(sizehint, flags);
}
