/**
 * Python's exception classes for socket errors, and the one path by which
 * a failing libc call becomes an exception.
 *
 * The Python hierarchy is real for `instanceof`: `ConnectionRefusedError`
 * is a `ConnectionError` is an `error` (Python's `OSError`). Errors raised
 * for an errno that Deno also knows are, in addition, instances of the
 * matching `Deno.errors` class, so `e instanceof Deno.errors.ConnectionRefused`
 * holds too, and `e.code` is `"ECONNREFUSED"` just as for Deno's own errors.
 *
 * Every error is built in the frame of the call that failed, so its stack
 * names the caller's line. An async method's errors are built on its own
 * async chain, and one made off it (a timeout's timer, a `close()` elsewhere
 * failing a pending wait) is re-stacked where the method awaits it
 * ({@linkcode restack}): the stack then runs through V8's `at async …`
 * frames to the line awaiting the method.
 *
 * @module
 */
import { errnoMessage, table } from "../constants/mod.ts";
import { errno as readErrno, winerrorOf, winerrorToErrno } from "../ffi/errno.ts";
import type { Address } from "./address_types.ts";
import { reprStr, typeAndRepr } from "./repr.ts";

const PY_CLASS = Symbol("@libc/socket python class");
const ABOUT = Symbol("@libc/socket subject");
type AnyClass = abstract new (...args: never[]) => unknown;

function pyIsInstance(value: unknown, cls: AnyClass): boolean {
  if (typeof value !== "object" || value === null) return false;
  let k: unknown = (value as Record<symbol, unknown>)[PY_CLASS];
  while (typeof k === "function") {
    if (k === cls) return true;
    k = Object.getPrototypeOf(k);
  }
  return false;
}

function errnoCode(n: number): string | null {
  return table.errno[n]?.[0] ?? null;
}

/**
 * `socket.error`, Python's `OSError`: raised for socket- and address-related
 * failures of the operating system.
 *
 * `new error(errno, strerror?)` carries an errno; `new error(message)` a
 * message only (errno `null`), as in Python. Errors thrown by this library
 * for failed system calls also carry `syscall`, the libc function that failed,
 * and name what the call was about, after Python's `[Errno N] strerror`:
 * `[Errno 111] Connection refused: 127.0.0.1:8080`, with the same subject in
 * `address` (socket addresses), `filename` (AF_UNIX paths) or `hostname`
 * (resolver errors). `errno` and `strerror` stay exactly Python's.
 *
 * Its `name` is Python's: `"OSError"`, with the errno's symbol when it has
 * one (`"OSError [EADDRINUSE]"`), for the errors Python raises as a plain
 * `OSError`; the subclass's own name (`"ConnectionRefusedError"`) otherwise.
 *
 * @example Catching a refused connection
 * ```ts
 * import * as socket from "@libc/socket";
 * const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * try {
 *   s.connect(["127.0.0.1", 1]);
 * } catch (e) {
 *   if (!(e instanceof socket.error)) throw e;
 *   console.log(e.errno === socket.errnoOf("ECONNREFUSED"), e.code, e.strerror);
 * } finally {
 *   s.close();
 * }
 * ```
 */
export class error extends Error {
  /** The errno value, or `null` when the error carries only a message. */
  errno: number | null;
  /** The message for `errno` (`strerror(errno)`), or `null`. */
  strerror: string | null;
  /** The symbolic errno name, e.g. `"ECONNREFUSED"`, or `null`. */
  code: string | null;
  /** The libc call that failed, when the error comes from one. */
  syscall?: string;
  /**
   * The socket address the failed call was about (`bind`, `connect`,
   * `sendto`, `sendmsg`, `getnameinfo`), as the kernel got it: for a host
   * name, the address it resolved to.
   */
  address?: Address;
  /** The AF_UNIX path (or abstract name) the failed call was about, as Python's `filename`. */
  filename?: string | Uint8Array;
  /** The host name a failed lookup was about (`getaddrinfo`, `gethostbyname`, …). */
  hostname?: string;
  /**
   * Windows only, as CPython's `winerror`: the Windows error code
   * (`WSAECONNREFUSED`, 10061) of a failed Winsock or system call; `errno`
   * then holds the errno CPython derives from it (`winerror_to_errno`), and
   * the message reads `[WinError 10061] …`.
   */
  winerror?: number;

  /**
   * Creates an error from an errno (and optional message) or a message alone.
   *
   * @param errnoOrMessage An errno value, or a message.
   * @param strerror The message for the errno; defaults to `strerror(errno)`.
   */
  constructor(errnoOrMessage?: number | string, strerror?: string) {
    const hasErrno = typeof errnoOrMessage === "number";
    const text = hasErrno ? strerror ?? errnoMessage(errnoOrMessage) : null;
    super(hasErrno ? `[Errno ${errnoOrMessage}] ${text}` : (errnoOrMessage ?? ""));
    this.errno = hasErrno ? errnoOrMessage : null;
    this.strerror = text;
    this.code = hasErrno ? errnoCode(errnoOrMessage) : null;
    const cls = new.target;
    Object.defineProperty(this, PY_CLASS, { value: cls });
    // Python's name: socket.error is OSError (an errno that has no subclass
    // of its own gets its symbol, so an uncaught one reads as what it is).
    const name = cls !== error ? cls.name : this.code ? `OSError [${this.code}]` : "OSError";
    Object.defineProperty(this, "name", { value: name, configurable: true, writable: true });
  }

  /** Python-style `isinstance`, so a subclass check sees through Deno hybrids. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return pyIsInstance(value, this);
  }
}

/** Python's `ConnectionError`: the base of connection-related errors. */
export class ConnectionError extends error {}
/** Python's `BrokenPipeError`: EPIPE or ESHUTDOWN, writing to a closed peer. */
export class BrokenPipeError extends ConnectionError {}
/** Python's `ConnectionAbortedError`: ECONNABORTED. */
export class ConnectionAbortedError extends ConnectionError {}
/** Python's `ConnectionRefusedError`: ECONNREFUSED. */
export class ConnectionRefusedError extends ConnectionError {}
/** Python's `ConnectionResetError`: ECONNRESET. */
export class ConnectionResetError extends ConnectionError {}
/** Python's `BlockingIOError`: EAGAIN, EWOULDBLOCK, EALREADY, EINPROGRESS. */
export class BlockingIOError extends error {
  /**
   * How many bytes a buffered write took before it would have blocked (set
   * by `makefile()` files, as CPython's `BufferedWriter`); otherwise unset.
   */
  characters_written?: number;
}
/** Python's `InterruptedError`: EINTR. */
export class InterruptedError extends error {}
/**
 * Python's `TimeoutError` (also exported as `timeout`): ETIMEDOUT from the
 * OS, or a socket timeout set with `settimeout` that expired.
 */
export class TimeoutError extends error {}
/** Python's `PermissionError`: EACCES, EPERM. */
export class PermissionError extends error {}
/** Python's `FileNotFoundError`: ENOENT (e.g. connecting to a missing Unix path). */
export class FileNotFoundError extends error {}
/** Python's `FileExistsError`: EEXIST. */
export class FileExistsError extends error {}
/** Python's `IsADirectoryError`: EISDIR. */
export class IsADirectoryError extends error {}
/** Python's `NotADirectoryError`: ENOTDIR. */
export class NotADirectoryError extends error {}
/** Python's `ProcessLookupError`: ESRCH. */
export class ProcessLookupError extends error {}
/** Python's `ChildProcessError`: ECHILD. */
export class ChildProcessError extends error {}

/**
 * `socket.herror`: a failed host-database lookup (`gethostbyaddr`,
 * `gethostbyname_ex`). `errno` holds `h_errno`, `strerror` holds
 * `hstrerror(h_errno)`.
 */
export class herror extends error {}

/**
 * `socket.gaierror`: a failed `getaddrinfo`/`getnameinfo`. `errno` holds the
 * (negative on glibc) `EAI_*` code, `strerror` holds `gai_strerror(code)`, and
 * `code` its name, e.g. `"EAI_NONAME"`.
 */
export class gaierror extends error {}

// `satisfies`: deno doc shows the alias it is, not a copy of the class.
/** Python's alias `socket.timeout` for {@linkcode TimeoutError}. */
export const timeout: typeof TimeoutError = TimeoutError satisfies typeof TimeoutError;

const BY_ERRNO = new Map<number, typeof error>();
const DENO_BY_ERRNO = new Map<number, AnyClass>();
{
  const n = table.errnoNames;
  const py: [typeof error, string[]][] = [
    [BlockingIOError, ["EAGAIN", "EWOULDBLOCK", "EALREADY", "EINPROGRESS"]],
    [ChildProcessError, ["ECHILD"]],
    [BrokenPipeError, ["EPIPE", "ESHUTDOWN"]],
    [ConnectionAbortedError, ["ECONNABORTED"]],
    [ConnectionRefusedError, ["ECONNREFUSED"]],
    [ConnectionResetError, ["ECONNRESET"]],
    [FileExistsError, ["EEXIST"]],
    [FileNotFoundError, ["ENOENT"]],
    [IsADirectoryError, ["EISDIR"]],
    [NotADirectoryError, ["ENOTDIR"]],
    [InterruptedError, ["EINTR"]],
    [PermissionError, ["EACCES", "EPERM"]],
    [ProcessLookupError, ["ESRCH"]],
    [TimeoutError, ["ETIMEDOUT"]],
  ];
  for (const [cls, names] of py) {
    for (const name of names) if (name in n) BY_ERRNO.set(n[name], cls);
  }
  const deno: [string, string[]][] = [
    ["WouldBlock", ["EAGAIN", "EWOULDBLOCK"]],
    ["BrokenPipe", ["EPIPE"]],
    ["ConnectionAborted", ["ECONNABORTED"]],
    ["ConnectionRefused", ["ECONNREFUSED"]],
    ["ConnectionReset", ["ECONNRESET"]],
    ["AlreadyExists", ["EEXIST"]],
    ["NotFound", ["ENOENT"]],
    ["IsADirectory", ["EISDIR"]],
    ["NotADirectory", ["ENOTDIR"]],
    ["Interrupted", ["EINTR"]],
    ["PermissionDenied", ["EACCES", "EPERM"]],
    ["TimedOut", ["ETIMEDOUT"]],
    ["AddrInUse", ["EADDRINUSE"]],
    ["AddrNotAvailable", ["EADDRNOTAVAIL"]],
    ["NotConnected", ["ENOTCONN"]],
    ["BadResource", ["EBADF"]],
    ["NetworkUnreachable", ["ENETUNREACH"]],
    ["Busy", ["EBUSY"]],
    ["NotSupported", ["EOPNOTSUPP"]],
    ["FilesystemLoop", ["ELOOP"]],
  ];
  const errors = Deno.errors as unknown as Record<string, AnyClass | undefined>;
  for (const [denoName, names] of deno) {
    const cls = errors[denoName];
    if (cls === undefined) continue;
    for (const name of names) if (name in n) DENO_BY_ERRNO.set(n[name], cls);
  }
}

/** Cached prototypes whose chain runs through a Deno error class. */
const hybrids = new Map<string, object>();

function hybrid(py: typeof error, deno: AnyClass): object {
  const key = `${py.name}/${deno.name}`;
  let proto = hybrids.get(key);
  if (proto === undefined) {
    proto = Object.create(deno.prototype, {
      constructor: { value: py, writable: true, configurable: true },
    }) as object;
    hybrids.set(key, proto);
  }
  return proto;
}

/**
 * The Python class for an errno (`ConnectionRefusedError` for ECONNREFUSED,
 * plain `error` when Python has no subclass for it).
 */
export function errorClassFor(errnum: number): typeof error {
  return BY_ERRNO.get(errnum) ?? error;
}

/**
 * Builds the exception for an errno: the right Python class, and also an
 * instance of the matching `Deno.errors` class where there is one. It is
 * built here, in the failing call's frame, so its stack names the caller.
 */
export function fromErrno(
  errnum: number,
  syscall?: string,
  cls?: typeof error,
): error {
  const winerror = winerrorOf(errnum);
  if (winerror !== undefined) {
    return fromWinerror(winerror, winerrorToErrno(winerror), syscall, errnoMessage(winerror), cls);
  }
  return build(errnum, syscall, cls ?? errorClassFor(errnum));
}

function build(errnum: number, syscall: string | undefined, cls: typeof error, text?: string) {
  const e = new cls(errnum, text);
  // The Deno class goes into the prototype chain after construction: a
  // constructor given as `new.target` that is not on the stack (as
  // Reflect.construct would need) makes V8 drop every frame of the stack.
  const deno = DENO_BY_ERRNO.get(errnum);
  if (deno) Object.setPrototypeOf(e, hybrid(cls, deno));
  if (syscall !== undefined) e.syscall = syscall;
  return e;
}

/**
 * Builds the exception for a Windows error code, as CPython's
 * `PyErr_SetExcFromWindowsErr`: `winerror` holds the code, `errno` the
 * errno CPython derives from it (which picks the class), `strerror` the
 * system's message, and the message reads `[WinError code] strerror`.
 *
 * @param winerror The Windows error code (`WSAGetLastError()`, `GetLastError()`).
 * @param errnum The errno for it (`winerror_to_errno`).
 * @param syscall The failed call.
 * @param strerror The system's message for the code (`FormatMessageW`).
 * @param cls The class, when not the errno's.
 */
export function fromWinerror(
  winerror: number,
  errnum: number,
  syscall: string | undefined,
  strerror: string,
  cls: typeof error = errorClassFor(errnum),
): error {
  const e = build(errnum, syscall, cls, strerror);
  e.winerror = winerror;
  e.message = `[WinError ${winerror}] ${strerror}`;
  return e;
}

/** What a failed call was about: the properties {@linkcode annotate} sets. */
export interface Subject {
  address?: Address;
  filename?: string | Uint8Array;
  hostname?: string;
}

/**
 * Names what a failed call was about: `": " + text` after the message (as
 * Node does; Python's `errno` and `strerror` are left as they are) and the
 * properties in `subject`. Only OS errors (`socket.error` and subclasses)
 * are annotated, each once; anything else is returned as it is.
 */
export function annotate<T>(e: T, text: string, subject: Subject): T {
  if (!(e instanceof error) || (e as unknown as Record<symbol, unknown>)[ABOUT]) return e;
  Object.defineProperty(e, ABOUT, { value: true });
  e.message = `${e.message}: ${text}`;
  if (subject.address !== undefined) e.address = subject.address;
  if (subject.filename !== undefined) e.filename = subject.filename;
  if (subject.hostname !== undefined) e.hostname = subject.hostname;
  return e;
}

/**
 * Gives one of our errors the stack of the code running now. For errors
 * made off an async call's chain (a timer's timeout, a `close()` elsewhere
 * failing a pending wait) and caught where the call awaits them: the new
 * stack names the awaiting frames (`at async …`) down to the caller's line.
 */
export function restack<T>(e: T): T {
  if (e instanceof error) Error.captureStackTrace(e, restack);
  return e;
}

/** The timeout error of an expired socket timeout, as CPython's `timed out`. */
export function timedOut(syscall?: string): TimeoutError {
  // Built from errno alone: no `winerror` on Windows either (as CPython's).
  const e = build(table.errnoNames.ETIMEDOUT, syscall, TimeoutError) as TimeoutError;
  e.message = "timed out";
  e.strerror = "timed out";
  return e;
}

/**
 * The single path from a libc return value to an exception: returns `ret`
 * unless it is -1, in which case errno is read at once and thrown as the
 * matching class.
 */
export function check(ret: number, syscall: string): number {
  if (ret === -1) throw fromErrno(readErrno(), syscall);
  return ret;
}

/** The errno of the last failed call on this thread (read it immediately). */
export const lastErrno: () => number = readErrno;

/**
 * Looks up an errno value by its symbolic name on this platform.
 *
 * @example
 * ```ts
 * import { errnoOf } from "@libc/socket";
 * console.log(errnoOf("ECONNREFUSED")); // 111 on Linux
 * ```
 *
 * @param name A name such as `"ECONNREFUSED"`.
 * @returns The number.
 * @throws {TypeError} When `name` is not a string.
 * @throws {RangeError} When the platform has no such errno.
 */
export function errnoOf(name: string): number {
  if (typeof name !== "string") {
    throw new TypeError(`errnoOf(): name must be a string, not ${typeAndRepr(name)}`);
  }
  const v = Object.hasOwn(table.errnoNames, name) ? table.errnoNames[name] : undefined;
  if (v === undefined) throw new RangeError(`errnoOf(): unknown errno name ${reprStr(name)}`);
  return v;
}
