/**
 * The try → EAGAIN → wait → retry loops behind every socket call, and their
 * deadlines (CPython's `sock_call_ex`):
 * - blocking sockets with a timeout sleep in `poll(2)` on the calling
 *   thread ({@linkcode ioBlocking}); so do blocking-mode sockets where the
 *   OS descriptor is non-blocking anyway (Windows), with no deadline;
 * - the async twins wait on this thread's reactor ({@linkcode ioAsync});
 * - EINTR retries (PEP 475); a spurious wake-up simply retries;
 * - a wait never exceeds {@linkcode MAX_WAIT_MS} (poll's `int`, and
 *   `setTimeout`'s limit): longer deadlines wait in slices until the real one.
 *
 * Internal module: the Socket class calls these with its descriptor getter,
 * which throws once the socket is closed.
 *
 * @module
 */
import { table } from "../constants/mod.ts";
import { errno } from "../ffi/errno.ts";
import { fromErrno, restack, timedOut } from "../core/errors.ts";
import { aboutAddress } from "./_subject.ts";
import { type Direction, reactor, WRITE as WRITE_DIR } from "../sys/reactor.ts";
import { ALWAYS_NONBLOCKING, pollFd } from "../sys/platform.ts";

const EAGAIN = table.errnoNames.EAGAIN;
const EWOULDBLOCK = table.errnoNames.EWOULDBLOCK ?? EAGAIN;
const EINTR = table.errnoNames.EINTR;

/** The "timer expired" outcome of `retryLater`'s wait: not an error. */
export const RETRY = Symbol("retry");
/** The "slice of a long wait expired" outcome of `waitReady`: not an error. */
export const SLICE = Symbol("slice");
/**
 * The longest single wait, in ms: `poll(2)` takes a C `int`, and
 * `setTimeout` fires at once (TimeoutOverflowWarning) beyond 2^31-1 ms.
 * Longer timeouts wait in slices until the real deadline.
 */
export const MAX_WAIT_MS = 0x7fff_ffff;
/** Whether `e` says "try again later" (EAGAIN, EWOULDBLOCK). */
export function isAgain(e: number): boolean {
  return e === EAGAIN || e === EWOULDBLOCK;
}

/**
 * Sleeps in `poll(2)` until `fd` is ready for `dir` or the `deadline`
 * (a `performance.now()` value; Infinity: none) passes. Each `poll` waits at
 * most {@linkcode MAX_WAIT_MS}; longer deadlines poll again. Returns false
 * once the deadline has passed.
 */
export function pollUntil(fd: number, dir: Direction, deadline: number, connect = false): boolean {
  if (deadline === Infinity) return pollWait(fd, dir, -1, connect);
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    if (pollWait(fd, dir, Math.min(Math.ceil(left), MAX_WAIT_MS), connect)) return true;
  }
}

/** Sleeps in `poll(2)` until `fd` is ready for `dir` or `ms` pass (-1: forever). */
export function pollWait(fd: number, dir: Direction, ms: number, connect = false): boolean {
  const r = pollFd(fd, dir, ms, connect);
  if (r === -1) {
    const e = errno();
    if (e === EINTR) return true; // let the caller retry (PEP 475)
    throw fromErrno(e, "poll");
  }
  return r > 0;
}

/**
 * Runs `attempt` (a syscall returning -1 on failure) with CPython's
 * semantics: retry on EINTR; in timeout mode (`timeout` > 0), wait for
 * readiness in `poll(2)` on EAGAIN until `deadline` (default: now +
 * timeout), then `TimeoutError`; otherwise throw the errno's error.
 *
 * @param fd Returns the live descriptor (throws once closed).
 * @param timeout The socket's timeout in seconds (`null`: blocking).
 * @param sa The sockaddr the call passes, if any: its error names it.
 * @param proto The socket's protocol, to decode `sa`.
 */
export function ioBlocking(
  fd: () => number,
  timeout: number | null,
  dir: Direction,
  attempt: (fd: number) => number,
  syscall: string,
  deadline?: number,
  sa?: Uint8Array,
  proto = 0,
): number {
  for (;;) {
    const s = fd();
    const r = attempt(s);
    if (r !== -1) return r;
    const e = errno();
    if (e === EINTR) continue;
    // Blocking mode waits too where the descriptor is non-blocking anyway (Windows).
    if (isAgain(e) && (timeout === null ? ALWAYS_NONBLOCKING : timeout > 0)) {
      deadline ??= timeout === null ? Infinity : performance.now() + timeout * 1000;
      if (!pollUntil(s, dir, deadline)) throw about(timedOut(syscall), syscall, sa, proto);
      continue;
    }
    throw about(fromErrno(e, syscall), syscall, sa, proto);
  }
}

/** `e`, naming `sa` when there is one (see `aboutAddress`). */
function about<T>(e: T, syscall: string, sa: Uint8Array | undefined, proto: number): T {
  return sa === undefined ? e : aboutAddress(e, sa, proto, syscall);
}

/** The deadline (a `performance.now()` value) of a timeout in seconds, if any. */
export function deadlineFor(timeout: number | null): number | undefined {
  return timeout ? performance.now() + timeout * 1000 : undefined;
}

/**
 * Waits for readiness on the reactor, honouring signal and deadline.
 * Resolves `undefined` when woken; `false` when a slice of a wait longer
 * than {@linkcode MAX_WAIT_MS} expired before the deadline (the caller
 * retries, as after a spurious wake-up, and waits again). Rejects with
 * `TimeoutError` at the deadline, or with the signal's reason.
 */
export function waitReady(
  fd: number,
  dir: Direction,
  signal: AbortSignal | undefined,
  deadline: number | undefined,
  syscall: string,
): Promise<void | false> {
  if (deadline === undefined) return reactor.wait(fd, dir, signal);
  const left = deadline - performance.now();
  if (left <= MAX_WAIT_MS) {
    return reactor.wait(fd, dir, signal, left, () => timedOut(syscall));
  }
  return reactor.wait(fd, dir, signal, MAX_WAIT_MS, () => SLICE).catch((e) => {
    if (e === SLICE) return false as const;
    throw e;
  });
}

/**
 * Runs a MSG_DONTWAIT-style attempt until it stops returning EAGAIN,
 * waiting on the reactor in between (EINTR retries at once).
 *
 * Errors made while it waits (the deadline's timer, a `close()` elsewhere)
 * are given this call's stack, down to the caller awaiting it.
 *
 * @param fd Returns the live descriptor (re-read after every wait).
 * @param waitFirst The caller has just tried `attempt` and got EAGAIN.
 * @param sa The sockaddr the call passes, if any: its error names it.
 * @param proto The socket's protocol, to decode `sa`.
 */
export async function ioAsync(
  fd: () => number,
  dir: Direction,
  attempt: (fd: number) => number,
  syscall: string,
  signal: AbortSignal | undefined,
  deadline: number | undefined,
  waitFirst = false,
  sa?: Uint8Array,
  proto = 0,
): Promise<number> {
  // The caller's own attempt just returned EAGAIN: wait before the next one
  // (nothing can have been dispatched in between: no await has run).
  let wait = waitFirst;
  for (;;) {
    if (wait) {
      try {
        await waitReady(fd(), dir, signal, deadline, syscall);
      } catch (e) {
        // Made off this chain (a timer, a close() elsewhere): our stack.
        throw about(restack(e), syscall, sa, proto);
      }
    }
    const r = attemptOnce(fd(), attempt, syscall, sa, proto);
    if (r >= 0) return r;
    wait = r === NOT_READY;
  }
}

/** {@linkcode attemptOnce}: the socket was not ready (EAGAIN); wait before the next attempt. */
export const NOT_READY = -1;
/** {@linkcode attemptOnce}: nothing was decided (EINTR, or no attempt made); attempt again. */
export const UNDECIDED = -2;

/**
 * One MSG_DONTWAIT-style attempt: its result (≥ 0); {@linkcode NOT_READY}
 * after EAGAIN; {@linkcode UNDECIDED} after EINTR. Any other failure is
 * thrown, naming `sa` when there is one. {@linkcode ioAsync}'s every
 * attempt, and an async operation's first one, made on the caller's turn.
 */
export function attemptOnce(
  fd: number,
  attempt: (fd: number) => number,
  syscall: string,
  sa?: Uint8Array,
  proto = 0,
): number {
  const r = attempt(fd);
  if (r !== -1) return r;
  const e = errno();
  if (isAgain(e)) return NOT_READY;
  if (e === EINTR) return UNDECIDED;
  throw about(fromErrno(e, syscall), syscall, sa, proto);
}

/** Waits `ms` (at most until `deadline`) before a retry; rejects like {@linkcode waitReady}. */
export async function retryLater(
  fd: number,
  ms: number,
  signal: AbortSignal | undefined,
  deadline: number | undefined,
  syscall: string,
): Promise<void> {
  const left = deadline === undefined ? ms : deadline - performance.now();
  if (left <= 0) throw timedOut(syscall);
  try {
    await reactor.wait(fd, WRITE_DIR, signal, Math.min(ms, left), () => RETRY);
  } catch (e) {
    if (e !== RETRY) throw restack(e);
  }
}
