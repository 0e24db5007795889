// Private helpers of select/, selectors/ and socketserver/: turning
// file objects into descriptors, checking timeouts, the KeyError class,
// and the one poll(2) call with its EINTR loop.
import { constants as C, struct, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { error, fromErrno } from "../core/errors.ts";
import { POLL_EXCEPTIONAL } from "../sys/platform.ts";
import { LITTLE_ENDIAN } from "../core/memory.ts";
import { typeName } from "../core/repr.ts";

/** An integer descriptor, or an object whose `fileno()` returns one. */
export type FileDescriptorLike = number | { fileno(): number };

/**
 * Python's `KeyError`, as `select` and `selectors` raise it: a lookup of a
 * file object or descriptor that is not registered (or registered twice).
 * It is a `RangeError`, so code that catches range errors catches it too.
 *
 * @example Unregistering a descriptor that was never registered
 * ```ts
 * import { KeyError, poll } from "@libc/socket/select";
 * const p = poll();
 * try {
 *   p.unregister(0);
 * } catch (e) {
 *   console.log(e instanceof KeyError, e instanceof RangeError); // true true
 * }
 * ```
 */
export class KeyError extends RangeError {
  /** Creates the error; `message` names the missing key. */
  constructor(message?: string) {
    super(message);
    this.name = "KeyError";
  }
}

export const EBADF: number = table.errnoNames.EBADF;
export const EINTR: number = table.errnoNames.EINTR;
export const ENOENT: number = table.errnoNames.ENOENT;
export const EPERM: number = table.errnoNames.EPERM;

/** The largest timeout one poll(2)/epoll_wait(2) call takes, in ms (INT_MAX). */
export const MAX_WAIT_MS = 0x7fffffff;

/**
 * CPython's `PyObject_AsFileDescriptor`: an int, or the result of
 * `fileno()`. A `fileno()` that throws propagates; a negative result is a
 * RangeError (Python's ValueError).
 */
export function fdOf(obj: unknown): number {
  let fd: unknown = obj;
  if (typeof obj !== "number") {
    const fileno = (obj as { fileno?: unknown } | null)?.fileno;
    if (typeof obj !== "object" || obj === null || typeof fileno !== "function") {
      throw new TypeError(
        `argument must be an int, or have a fileno() method, not ${typeName(obj)}`,
      );
    }
    fd = fileno.call(obj);
    if (typeof fd !== "number") {
      throw new TypeError(`fileno() returned a non-integer (${typeName(fd)})`);
    }
  }
  const n = fd as number;
  if (!Number.isInteger(n)) {
    throw new TypeError(`file descriptor must be an integer, not ${n}`);
  }
  if (n < 0) {
    throw new RangeError(`file descriptor cannot be a negative integer (${n})`);
  }
  if (n > 0x7fffffff) throw new RangeError(`file descriptor ${n} is out of range for a C int`);
  return n === 0 ? 0 : n; // -0 → 0
}

/**
 * A timeout in seconds as CPython's `select()` takes it: `null`/`undefined`
 * → `null` (block), else a non-negative number. NaN and negative values are
 * RangeErrors (ValueError), anything else but a number a TypeError.
 */
export function secondsTimeout(timeout: unknown, what = "timeout"): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== "number") {
    throw new TypeError(`${what} must be a float or None, not ${typeName(timeout)}`);
  }
  if (Number.isNaN(timeout)) throw new RangeError("Invalid value NaN (not a number)");
  if (timeout < 0) throw new RangeError(`${what} must be non-negative`);
  return timeout;
}

/** A deadline in `performance.now()` ms for a timeout in ms (`null`: none). */
export function deadlineOf(ms: number | null): number | null {
  return ms === null || !Number.isFinite(ms) ? null : performance.now() + ms;
}

/**
 * The timeout for one kernel wait: -1 (forever) without a deadline,
 * else the remaining ms rounded up, clamped to INT_MAX (the caller loops).
 */
export function sliceMs(deadline: number | null): number {
  if (deadline === null) return -1;
  const left = Math.ceil(deadline - performance.now());
  return left <= 0 ? 0 : Math.min(left, MAX_WAIT_MS);
}

// struct pollfd, from the generated layout.
const PFD = struct("pollfd");
export const PFD_SIZE: number = PFD.size;
const PFD_FD = PFD.fields.fd.offset;
const PFD_EVENTS = PFD.fields.events.offset;
const PFD_REVENTS = PFD.fields.revents.offset;
const L = LITTLE_ENDIAN;

/** An array of `struct pollfd`, packed once per call. */
export class PollFds {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly length: number;

  constructor(fds: readonly number[], events: readonly number[]) {
    this.length = fds.length;
    // Never an empty buffer: Deno passes NULL for one, and nfds is 0 anyway.
    this.bytes = new Uint8Array(Math.max(1, fds.length) * PFD_SIZE);
    this.view = new DataView(this.bytes.buffer);
    for (let i = 0; i < fds.length; i++) {
      this.view.setInt32(i * PFD_SIZE + PFD_FD, fds[i], L);
      this.view.setInt16(i * PFD_SIZE + PFD_EVENTS, events[i] << 16 >> 16, L);
    }
  }

  revents(i: number): number {
    return this.view.getUint16(i * PFD_SIZE + PFD_REVENTS, L);
  }

  clear(): void {
    for (let i = 0; i < this.length; i++) this.view.setInt16(i * PFD_SIZE + PFD_REVENTS, 0, L);
  }
}

/**
 * Calls `poll(2)` until it returns or the deadline passes: EINTR and
 * timeouts longer than INT_MAX ms are retried with the time that is left
 * (PEP 475). A `null` deadline blocks. Returns the count of ready entries.
 */
export function pollLoop(pfds: PollFds, deadline: number | null): number {
  for (;;) {
    const ms = sliceMs(deadline);
    const r = libc.poll(pfds.bytes, BigInt(pfds.length), ms);
    if (r >= 0) {
      if (r > 0 || ms === 0 || ms === -1) return r;
      if (deadline !== null && performance.now() >= deadline) return 0;
      continue; // a slice of a longer timeout ended: wait for the rest
    }
    const e = errno();
    if (e !== EINTR) throw fromErrno(e, "poll");
    pfds.clear();
  }
}

/** The EBADF error CPython's select() raises for a closed descriptor. */
export function badFd(syscall: string): error {
  return fromErrno(EBADF, syscall);
}

/** The POLL* bits select(2) counts as readable, writable, exceptional (Linux fs/select.c). */
export const SELECT_IN: number = C.POLLIN | C.POLLHUP | C.POLLERR;
export const SELECT_OUT: number = C.POLLOUT | C.POLLERR;
export const SELECT_EX: number = POLL_EXCEPTIONAL;
