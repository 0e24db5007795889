/**
 * What a `Socket` (socket.ts) knows about itself, and what every family of
 * its calls needs: creating or adopting the descriptor, the live-descriptor
 * check, close/detach/dup, the blocking/timeout modes and inheritability,
 * and the socket-bound forms of the wait-and-retry loops of `_io.ts`.
 *
 * The class keeps one {@linkcode SocketState} in a `#private` field and
 * passes it to the functions of its per-concern files (`_connect.ts`,
 * `_options.ts`, `_send_recv.ts`, `_msg.ts`, `_sendfile.ts`, `_streams.ts`,
 * `_repr.ts`). The finalizer that closes a leaked socket's descriptor
 * watches the state, not the object: the state is reachable from the object
 * and from every operation in flight, so the descriptor closes once neither
 * remains (a pending async call keeps it open, as its closures once kept the
 * object itself alive).
 *
 * Internal module.
 *
 * @module
 */
import { constants as C, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { type error, fromErrno, restack } from "../core/errors.ts";
import { type Direction, reactor } from "../sys/reactor.ts";
import {
  ALWAYS_NONBLOCKING,
  dupFd,
  getInheritable,
  intOption,
  newSocket,
  nonblockIn,
  nonblockingCall,
  setInheritable,
  setNonblocking,
  socketFamily,
  socketProtocol,
  TYPE_FLAGS,
} from "../sys/platform.ts";
import { cint, fdArg } from "../core/ints.ts";
import {
  attemptOnce,
  deadlineFor,
  ioAsync,
  ioBlocking,
  retryLater,
  UNDECIDED,
  waitReady,
} from "./_io.ts";
import { getdefaulttimeout, timeoutArg } from "./timeout.ts";
import type { AsyncOptions } from "./types.ts";

const EINTR = table.errnoNames.EINTR;
const EBADF = table.errnoNames.EBADF;
const ECONNRESET = table.errnoNames.ECONNRESET;
const TYPE_MASK = ~TYPE_FLAGS;

/** Everything a socket object knows about itself. */
export interface SocketState {
  /** The descriptor; -1 once closed or detached. */
  fd: number;
  readonly family: number;
  /** The type without `SOCK_NONBLOCK`/`SOCK_CLOEXEC`. */
  readonly type: number;
  readonly proto: number;
  /**
   * A TCP stream: a read that returns less than it asked for emptied the
   * receive queue (not so for datagrams, nor for AF_UNIX streams, whose
   * reads stop at a change of sender credentials or at passed descriptors).
   */
  readonly tcpStream: boolean;
  /** Seconds; `null`: blocking, 0: non-blocking. */
  timeout: number | null;
  /** Whether `close()` (or `detach()`) has been called. */
  closed: boolean;
  /** Open makefile() objects; the descriptor closes only after the last. */
  ioRefs: number;
  closePending: boolean;
}

/** Makes the socket object for a new descriptor of the same kind as `st`'s. */
export type Spawn<S> = (st: SocketState, fd: number) => S;

// ---------------------------------------------------------------------------
// Leaked sockets are closed when garbage-collected.

/** The EBADF of a closed socket: a `socket.error` and a `Deno.errors.BadResource`. */
function badFd(syscall?: string, message?: string): error {
  const e = fromErrno(EBADF, syscall);
  if (message !== undefined) e.message = `[Errno ${EBADF}] ${message}`;
  return e;
}

// Holds the descriptor number; `release()` unregisters before it gives the
// descriptor up, so the number is still the socket's when this runs.
const finalizer = new FinalizationRegistry<number>((fd) => {
  reactor.forget(fd, () => badFd(undefined, "socket was garbage-collected"));
  libc.close(fd);
});

/** Socket objects opened and not yet closed or detached by their program. */
let unreleased = 0;

/**
 * How many socket objects were opened and not closed or detached, counting
 * those the garbage collector closed (a leak even so). Internal: the tests'
 * leak check of the documentation's examples.
 */
export function unreleasedSockets(): number {
  return unreleased;
}

function setNonblockFlag(fd: number, on: boolean): void {
  setNonblocking(fd, on);
}

/**
 * The constructor's work: creates a socket (or adopts `fileno`) and returns
 * its state, with a finalizer that closes the descriptor if the state is
 * collected unclosed.
 */
export function open(
  family: number,
  type: number,
  proto: number,
  fileno: number | null,
): SocketState {
  // C ints, as CPython's "iii" (OverflowError there, RangeError here).
  family = cint(family, "family");
  type = cint(type, "type");
  proto = cint(proto, "proto");
  let fd: number;
  if (fileno !== null && fileno !== undefined) {
    fd = fdArg(fileno, "fileno");
    const probe = (name: number) => intOption(fd, C.SOL_SOCKET, name);
    if (family === -1) family = socketFamily(fd);
    if (type === -1) type = probe(C.SO_TYPE);
    if (proto === -1) proto = socketProtocol(fd);
  } else {
    if (family === -1) family = C.AF_INET;
    if (type === -1) type = C.SOCK_STREAM;
    if (proto === -1) proto = 0;
    fd = newSocket(family, type, proto);
  }
  const bare = type & TYPE_MASK;
  const st: SocketState = {
    fd,
    family,
    type: bare,
    proto,
    tcpStream: (family === C.AF_INET || family === C.AF_INET6) &&
      bare === C.SOCK_STREAM && (proto === 0 || proto === C.IPPROTO_TCP),
    // As CPython: SOCK_NONBLOCK in the type means timeout 0; otherwise the
    // default timeout applies.
    timeout: nonblockIn(type) ? 0 : getdefaulttimeout(),
    closed: false,
    ioRefs: 0,
    closePending: false,
  };
  // As CPython, an adopted descriptor keeps its flags unless a timeout
  // applies (on Windows every handle is made non-blocking: ALWAYS_NONBLOCKING).
  if ((st.timeout !== null || ALWAYS_NONBLOCKING) && !nonblockIn(type)) {
    try {
      setNonblockFlag(fd, true);
    } catch (e) {
      // A failed adoption leaves the descriptor alone (it is not ours);
      // a socket we created is closed.
      st.fd = -1;
      st.closed = true;
      if (fileno === null || fileno === undefined) libc.close(fd);
      throw e;
    }
  }
  // Only a fully built socket gets a finalizer: one registered for a
  // failed adoption would later close whatever reused that number.
  finalizer.register(st, fd, st);
  unreleased++;
  return st;
}

// ---------------------------------------------------------------------------
// Descriptor plumbing

/** The live descriptor, or an EBADF error once closed. */
export function liveFd(st: SocketState): number {
  const fd = st.fd;
  if (fd < 0) throw badFd();
  return fd;
}

function release(st: SocketState): number {
  const fd = st.fd;
  st.fd = -1;
  st.closed = true;
  if (finalizer.unregister(st)) unreleased--;
  if (fd >= 0) {
    reactor.forget(fd, () => badFd("close", "socket closed while an operation was pending"));
  }
  return fd;
}

/** `close()`: see its documentation in socket.ts. */
export function close(st: SocketState): void {
  if (st.closed) return;
  if (st.ioRefs > 0) {
    st.closePending = true;
    st.closed = true;
    return;
  }
  const fd = release(st);
  if (fd >= 0 && libc.close(fd) === -1) {
    const e = errno();
    // The descriptor is released either way; ECONNRESET is not an error
    // worth reporting on close (as CPython).
    if (e !== ECONNRESET && e !== EINTR) throw fromErrno(e, "close");
  }
}

/**
 * The wait of `[Symbol.asyncDispose]()` after its `close()`: resolves once
 * the async operations that were pending on the socket have settled. The
 * close cancelled their waits (a cancellation made while the reactor waits
 * on a worker thread is delivered when that wait returns); one macrotask
 * then lets each operation's own chain reach its caller.
 */
export async function closed(): Promise<void> {
  await reactor.settled();
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** `detach()`: releases the descriptor without closing it and returns it. */
export function detach(st: SocketState): number {
  if (st.closed && !st.closePending) return -1;
  const fd = release(st);
  st.closePending = false;
  return fd;
}

/**
 * makefile() bookkeeping: counts a file opened (+1) or closed (-1). Returns
 * true when the last file closed and a deferred `close()` is now due (the
 * state is then open again, for the caller's `close()` to close it).
 */
export function ioref(st: SocketState, delta: 1 | -1): boolean {
  st.ioRefs += delta;
  if (delta < 0 && st.ioRefs === 0 && st.closePending) {
    st.closePending = false;
    st.closed = false;
    return true;
  }
  return false;
}

/**
 * `dup()`: a new socket object over `fcntl(F_DUPFD_CLOEXEC)` of the
 * descriptor; the copy is closed if the object cannot be made.
 */
export function dup<S>(st: SocketState, spawn: Spawn<S>): S {
  const fd = dupFd(liveFd(st));
  try {
    return spawn(st, fd);
  } catch (e) {
    libc.close(fd);
    throw e;
  }
}

/** `get_inheritable()`: no `FD_CLOEXEC`. */
export function get_inheritable(st: SocketState): boolean {
  return getInheritable(liveFd(st));
}

/** `set_inheritable()`: sets or clears `FD_CLOEXEC`. */
export function set_inheritable(st: SocketState, inheritable: boolean): void {
  setInheritable(liveFd(st), inheritable);
}

// ---------------------------------------------------------------------------
// Blocking, non-blocking and timeout modes

/** Sets the timeout and, to match it, the descriptor's `O_NONBLOCK`. */
export function setTimeoutState(st: SocketState, t: number | null): void {
  st.timeout = t;
  setNonblockFlag(liveFd(st), t !== null);
}

/** `setblocking()`: `settimeout(null)` or `settimeout(0)`. */
export function setblocking(st: SocketState, flag: boolean | number): void {
  liveFd(st);
  setTimeoutState(st, flag ? null : 0);
}

/** `getblocking()`: as CPython, `gettimeout() !== 0`. */
export function getblocking(st: SocketState): boolean {
  liveFd(st);
  return st.timeout !== 0;
}

/** `settimeout()`: checks the value, then sets it. */
export function settimeout(st: SocketState, value: number | null): void {
  const t = timeoutArg(value);
  liveFd(st);
  setTimeoutState(st, t);
}

// ---------------------------------------------------------------------------
// The wait-and-retry loops, bound to a socket

/**
 * Runs `attempt` (a syscall returning -1 on failure) with CPython's
 * semantics: retry on EINTR; in timeout mode, wait for readiness on
 * EAGAIN with a deadline; otherwise throw.
 */
export function io(
  st: SocketState,
  dir: Direction,
  attempt: (fd: number) => number,
  syscall: string,
  deadline?: number,
  sa?: Uint8Array,
): number {
  const fd = () => liveFd(st);
  return ioBlocking(fd, st.timeout, dir, attempt, syscall, deadline, sa, st.proto);
}

/** The deadline of an operation starting now under the socket's timeout. */
export function deadline(st: SocketState): number | undefined {
  return deadlineFor(st.timeout);
}

/**
 * Waits for readiness on the reactor, honouring signal and timeout.
 * Resolves `undefined` when woken; `false` when a slice of a wait longer
 * than `MAX_WAIT_MS` (see `_io.ts`) expired before the deadline (the caller
 * retries, as after a spurious wake-up, and waits again).
 */
export async function wait(
  st: SocketState,
  dir: Direction,
  options: AsyncOptions | undefined,
  deadline: number | undefined,
  syscall: string,
): Promise<void | false> {
  try {
    return await waitReady(liveFd(st), dir, options?.signal, deadline, syscall);
  } catch (e) {
    // Made off this chain (a timer, a close() elsewhere): the awaiting stack.
    throw restack(e);
  }
}

/**
 * An async operation's fast path: one attempt at once, on the caller's
 * turn, so that an operation that can complete costs one syscall and no
 * reactor turn. What `attemptOnce` (`_io.ts`) returns or throws, or
 * `UNDECIDED` without an attempt when the signal is aborted or the socket
 * closed (the slow path reports those).
 */
export function attemptNow(
  st: SocketState,
  attempt: (fd: number) => number,
  syscall: string,
  options: AsyncOptions | undefined,
  sa?: Uint8Array,
): number {
  if (options?.signal?.aborted === true || st.fd < 0) return UNDECIDED;
  return attemptOnce(st.fd, attempt, syscall, sa, st.proto);
}

/** Runs a MSG_DONTWAIT-style attempt until it stops returning EAGAIN. */
export function ioAsyncOn(
  st: SocketState,
  dir: Direction,
  attempt: (fd: number) => number,
  syscall: string,
  options?: AsyncOptions,
  deadlineAt?: number,
  waitFirst = false,
  sa?: Uint8Array,
): Promise<number> {
  options?.signal?.throwIfAborted();
  deadlineAt ??= deadline(st);
  const fd = () => liveFd(st);
  const signal = options?.signal;
  return ioAsync(fd, dir, attempt, syscall, signal, deadlineAt, waitFirst, sa, st.proto);
}

/** Toggles O_NONBLOCK around `fn` when the descriptor is in blocking mode. */
export function nonblocking(st: SocketState, fd: number, fn: () => number): [number, number] {
  if (st.timeout !== null) {
    const r = fn();
    return [r, r === -1 ? errno() : 0];
  }
  return nonblockingCall(fd, fn);
}

/** Waits `ms` (at most until `deadline`) before a retry; rejects like {@linkcode wait}. */
export function retryLaterOn(
  st: SocketState,
  ms: number,
  options: AsyncOptions | undefined,
  deadline: number | undefined,
  syscall: string,
): Promise<void> {
  return retryLater(liveFd(st), ms, options?.signal, deadline, syscall);
}
