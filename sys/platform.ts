/**
 * The platform layer: small functions that do one job the way this OS wants
 * it done, so that `socket.ts` and the conveniences never ask which OS this
 * is. The decisions come from `sys/target.ts`; this module carries them out
 * (model: socket2's `src/sys/unix.rs`).
 *
 * - descriptors are close-on-exec from birth: `SOCK_CLOEXEC` in `socket()`,
 *   `socketpair()` and `accept4()` where the kernel takes it, otherwise
 *   `fcntl(F_SETFD, FD_CLOEXEC)` right after the call;
 * - no SIGPIPE: `MSG_NOSIGNAL` in every send ({@linkcode SEND_FLAGS}), or
 *   `SO_NOSIGPIPE` once per socket ({@linkcode afterCreate}); on a portable
 *   Linux run neither, and Deno's own `SIG_IGN` for SIGPIPE keeps the process
 *   alive (a vanished peer gives EPIPE, i.e. BrokenPipeError);
 * - `fcntl` with the calling convention of this ABI ({@linkcode fcntl});
 * - on Windows, Winsock's ways (`sys/windows.ts`): non-inheritable handles
 *   from `WSASocketW`, every handle non-blocking ({@linkcode
 *   ALWAYS_NONBLOCKING}), `socketpair()` over loopback TCP, `WSAPoll`.
 *
 * Internal module: none of it is re-exported from `mod.ts`.
 *
 * @module
 */
import { constants as C, struct, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { check, fromErrno } from "../core/errors.ts";
import { LITTLE_ENDIAN } from "../core/memory.ts";
import { target } from "./target.ts";
import * as win from "./windows.ts";
import { interfaceTable as winInterfaceTable } from "./windows_interfaces.ts";

export { target } from "./target.ts";

/** `SOCK_NONBLOCK | SOCK_CLOEXEC` where the OS has them (else 0): not part of a socket's type. */
export const TYPE_FLAGS: number = (C.SOCK_NONBLOCK ?? 0) | (C.SOCK_CLOEXEC ?? 0);

/** Flags every send ORs in: `MSG_NOSIGNAL`, or 0 where SIGPIPE is kept away otherwise. */
export const SEND_FLAGS: number = target.msgNoSignal ? C.MSG_NOSIGNAL : 0;

const WIN = target.winsock;

/**
 * Every descriptor a socket object holds is non-blocking in the OS, whatever
 * its timeout (Windows: no `MSG_DONTWAIT`, and no way to read the mode
 * back). Blocking mode is then the socket object's: a call that would block
 * waits for readiness with no deadline (`socket/_io.ts`).
 */
export const ALWAYS_NONBLOCKING: boolean = WIN;

/**
 * `MSG_DONTWAIT`, which the async twins add to a call on a blocking-mode
 * socket; 0 where every descriptor is non-blocking anyway (Windows).
 */
export const MSG_DONTWAIT: number = C.MSG_DONTWAIT ?? 0;

/**
 * The error a non-blocking `connect` reports while the connection is being
 * made: EINPROGRESS, or on Windows `WSAEWOULDBLOCK` (which CPython's
 * `connect_ex` returns there).
 */
export const CONNECT_PENDING: number = WIN
  ? table.errnoNames.EWOULDBLOCK
  : table.errnoNames.EINPROGRESS;

/**
 * The POLL* bit that asks for, and reports, `select()`'s "exceptional
 * condition" (out-of-band data): POLLPRI, or POLLRDBAND for WSAPoll, which
 * takes no POLLPRI request ("not supported by the Microsoft Winsock
 * provider").
 */
export const POLL_EXCEPTIONAL: number = WIN ? C.POLLRDBAND : C.POLLPRI;

/** A Python call that CPython does not build on every OS (its `#ifdef`s). */
export type Feature = "poll" | "msg" | "mmsg" | "ioctl" | "share";

/**
 * The features this OS lacks in CPython: on Windows `select.poll`,
 * `sendmsg`/`recvmsg`/`recvmsg_into` with the `CMSG_*` helpers (and so
 * `send_fds`/`recv_fds`), and `recvmmsg`/`sendmmsg`; elsewhere the
 * Windows-only `socket.ioctl()` (`WSAIoctl`) and `socket.share()` with
 * `fromshare()` (`WSADuplicateSocketW`).
 */
const LACKS: ReadonlySet<Feature> = new Set<Feature>(
  WIN ? ["poll", "msg", "mmsg"] : ["ioctl", "share"],
);

/** This OS, as the `TypeError` of a missing feature names it. */
const OS_NAME = WIN
  ? "Windows"
  : ({ linux: "Linux", darwin: "macOS" } as Record<string, string>)[target.os] ?? target.os;

/** Whether CPython has `feature` on this OS. */
export function available(feature: Feature): boolean {
  return !LACKS.has(feature);
}

/**
 * Throws a `TypeError` naming `api` where CPython lacks `feature` on this
 * OS (there, Python raises AttributeError: no such function).
 *
 * @param feature What the call needs.
 * @param api The public call, e.g. `socket.sendmsg()`.
 */
export function requireFeature(feature: Feature, api: string): void {
  if (LACKS.has(feature)) {
    throw new TypeError(`${api} is not available on ${OS_NAME} (CPython has none there)`);
  }
}

/** The family `socketpair()` defaults to: AF_UNIX, or AF_INET on Windows (as CPython). */
export const SOCKETPAIR_FAMILY: number = WIN ? C.AF_INET : C.AF_UNIX;

/**
 * Calls `fcntl(fd, cmd, arg)` with an int argument, declared the way this
 * ABI passes a variadic int (see `fcntl_stack` in `ffi/symbols.ts`).
 * Returns libc's result: -1 with errno set on failure.
 */
export function fcntl(fd: number, cmd: number, arg: number): number {
  if (target.variadicOnStack) {
    return libc.fcntl_stack(fd, cmd, 0, 0, 0, 0, 0, 0, BigInt(arg));
  }
  return libc.fcntl(fd, cmd, arg);
}

/** Sets `FD_CLOEXEC`, and `O_NONBLOCK` when asked; throws (fd left open) on failure. */
function setFdFlags(fd: number, nonblock: boolean): void {
  const fdFlags = check(fcntl(fd, C.F_GETFD, 0), "fcntl");
  if ((fdFlags & C.FD_CLOEXEC) === 0) check(fcntl(fd, C.F_SETFD, fdFlags | C.FD_CLOEXEC), "fcntl");
  const fl = check(fcntl(fd, C.F_GETFL, 0), "fcntl");
  // BSD accept() hands out the listener's O_NONBLOCK; accept4 (and thus
  // every path here) hands out a blocking descriptor unless asked.
  const want = nonblock ? fl | C.O_NONBLOCK : fl & ~C.O_NONBLOCK;
  if (want !== fl) check(fcntl(fd, C.F_SETFL, want), "fcntl");
}

/**
 * Everything a descriptor this library just created or accepted still
 * needs on this OS: close-on-exec and non-blocking where the creating call
 * could not set them, and `SO_NOSIGPIPE` where that is how SIGPIPE is kept
 * away. On failure the descriptor is closed and the error thrown.
 *
 * @param fd The new descriptor.
 * @param nonblock Whether the caller asked for `SOCK_NONBLOCK`.
 * @param flagsDone Whether the creating call already applied the type flags.
 */
export function afterCreate(fd: number, nonblock: boolean, flagsDone: boolean): number {
  try {
    if (!flagsDone) setFdFlags(fd, nonblock);
    noSigpipe(fd);
  } catch (e) {
    libc.close(fd);
    throw e;
  }
  return fd;
}

/**
 * Sets `SO_NOSIGPIPE` on `fd` where that is how this OS keeps SIGPIPE away
 * (macOS, BSD); a no-op elsewhere. Also for descriptors a caller hands in.
 */
export function noSigpipe(fd: number): void {
  if (!target.soNoSigpipe) return;
  const one = new Int32Array([1]);
  check(
    libc.setsockopt(fd, C.SOL_SOCKET, C.SO_NOSIGPIPE, new Uint8Array(one.buffer), 4),
    "setsockopt",
  );
}

/**
 * Creates a close-on-exec socket: `socket(2)` with `SOCK_CLOEXEC`, or
 * `socket(2)` then `fcntl(2)`. `SOCK_NONBLOCK` in `type` makes it
 * non-blocking on either path. On Windows: `WSASocketW` with
 * `WSA_FLAG_NO_HANDLE_INHERIT`. Throws a `socket.error` on failure.
 *
 * @returns The new descriptor.
 */
export function newSocket(family: number, type: number, proto: number): number {
  if (WIN) return win.newSocket(family, type, proto);
  if (target.typeFlags) {
    return afterCreate(
      check(libc.socket(family, type | C.SOCK_CLOEXEC, proto), "socket"),
      false,
      true,
    );
  }
  const fd = check(libc.socket(family, type & ~TYPE_FLAGS, proto), "socket");
  return afterCreate(fd, nonblockIn(type), false);
}

/**
 * Creates a connected pair of close-on-exec sockets: `socketpair(2)` with
 * `SOCK_CLOEXEC`, or `socketpair(2)` then `fcntl(2)` on each. On Windows,
 * a loopback TCP connection (AF_INET or AF_INET6, SOCK_STREAM only), as
 * CPython's `Lib/socket.py` makes it.
 *
 * @returns The two descriptors.
 */
export function newSocketpair(family: number, type: number, proto: number): [number, number] {
  if (WIN) return win.newSocketpair(family, type, proto);
  const fds = new Int32Array(2);
  const sv = new Uint8Array(fds.buffer);
  if (target.typeFlags) {
    check(libc.socketpair(family, type | C.SOCK_CLOEXEC, proto, sv), "socketpair");
  } else {
    check(libc.socketpair(family, type & ~TYPE_FLAGS, proto, sv), "socketpair");
  }
  const done = target.typeFlags;
  try {
    afterCreate(fds[0], nonblockIn(type), done);
  } catch (e) {
    libc.close(fds[1]);
    throw e;
  }
  try {
    afterCreate(fds[1], nonblockIn(type), done);
  } catch (e) {
    libc.close(fds[0]);
    throw e;
  }
  return [fds[0], fds[1]];
}

/**
 * Accepts one connection: `accept4(2)` with `SOCK_CLOEXEC`, or `accept(2)`
 * then `fcntl(2)`; on Windows `accept` then `SetHandleInformation`. The
 * new descriptor is close-on-exec and blocking. Like
 * the syscall, returns -1 with errno set when accepting fails (so callers
 * can wait on EAGAIN); throws if fixing up an accepted descriptor fails.
 *
 * @param fd The listening socket.
 * @param sa The buffer for the peer's address, or `null` for none.
 * @param len `socklen_t` in/out length of `sa` (4 bytes), or `null`.
 */
export function acceptConn(fd: number, sa: Uint8Array | null, len: Uint8Array | null): number {
  if (WIN) return win.acceptConn(fd, sa, len);
  if (target.accept4) return libc.accept4(fd, sa, len, C.SOCK_CLOEXEC);
  const n = libc.accept(fd, sa, len);
  if (n < 0) return n;
  return afterCreate(n, false, false);
}

/** Whether `type` (as given to `socket()`) asks for `SOCK_NONBLOCK`. */
export function nonblockIn(type: number): boolean {
  return C.SOCK_NONBLOCK !== undefined && (type & C.SOCK_NONBLOCK) !== 0;
}

/**
 * Creates a close-on-exec, non-blocking pipe (`pipe(2)` then `fcntl(2)`:
 * `pipe2` is not portable). Used as a reactor's waker.
 *
 * @returns `[readEnd, writeEnd]`.
 */
export function newPipe(): [number, number] {
  const fds = new Int32Array(2);
  if (libc.pipe(new Uint8Array(fds.buffer)) !== 0) throw fromErrno(errno(), "pipe");
  try {
    setFdFlags(fds[0], true);
    setFdFlags(fds[1], true);
  } catch (e) {
    libc.close(fds[0]);
    libc.close(fds[1]);
    throw e;
  }
  return [fds[0], fds[1]];
}

/**
 * The address family of a socket someone handed us: `getsockopt(SO_DOMAIN)`
 * where the OS has it, else the family field of `getsockname(2)` (macOS);
 * on Windows, that of `getsockopt(SO_PROTOCOL_INFOW)`.
 */
export function socketFamily(fd: number): number {
  if (WIN) return win.protocolField(fd, "iAddressFamily");
  if (target.soDomain) return intOption(fd, C.SOL_SOCKET, C.SO_DOMAIN);
  const sa = new Uint8Array(struct("sockaddr_storage").size);
  const len = new Uint32Array([sa.byteLength]);
  check(libc.getsockname(fd, sa, new Uint8Array(len.buffer)), "getsockname");
  // sa_family: 16 bits (Linux) or 8 bits after sa_len (BSD, macOS)
  const { offset, size } = struct("sockaddr").fields.sa_family;
  return size === 2 ? sa[offset] | (sa[offset + 1] << 8) : sa[offset];
}

/**
 * The protocol of a socket someone handed us: `SO_PROTOCOL`, or 0 where the
 * OS lacks it; on Windows, that of `getsockopt(SO_PROTOCOL_INFOW)`.
 */
export function socketProtocol(fd: number): number {
  if (WIN) return win.protocolField(fd, "iProtocol");
  return C.SO_PROTOCOL === undefined ? 0 : intOption(fd, C.SOL_SOCKET, C.SO_PROTOCOL);
}

/** Reads an `int` socket option (`getsockopt(2)`), throwing on failure. */
export function intOption(fd: number, level: number, name: number): number {
  const value = new Int32Array(1);
  const len = new Uint32Array([4]);
  check(
    libc.getsockopt(fd, level, name, new Uint8Array(value.buffer), new Uint8Array(len.buffer)),
    "getsockopt",
  );
  return value[0];
}

/**
 * Puts `fd` in the OS mode its socket object's timeout asks for:
 * non-blocking (`O_NONBLOCK`, with `fcntl(2)`) or blocking. On Windows
 * every handle stays non-blocking ({@linkcode ALWAYS_NONBLOCKING}):
 * `ioctlsocket(FIONBIO)` turns it on, and `on = false` does nothing.
 */
export function setNonblocking(fd: number, on: boolean): void {
  if (WIN) {
    if (on) win.setNonblocking(fd, true);
    return;
  }
  const flags = check(fcntl(fd, C.F_GETFL, 0), "fcntl");
  const want = on ? flags | C.O_NONBLOCK : flags & ~C.O_NONBLOCK;
  if (want !== flags) check(fcntl(fd, C.F_SETFL, want), "fcntl");
}

/**
 * Runs `call` (a syscall returning -1 with errno set) on a blocking-mode
 * `fd` without blocking: `O_NONBLOCK` is set around it and restored after
 * (a no-op wrap on Windows, where the handle is non-blocking already).
 *
 * @returns `[result, errno]` (errno 0 on success), errno read before the
 *   mode is restored.
 */
export function nonblockingCall(fd: number, call: () => number): [number, number] {
  if (WIN) {
    const r = call();
    return [r, r === -1 ? errno() : 0];
  }
  const flags = check(fcntl(fd, C.F_GETFL, 0), "fcntl");
  check(fcntl(fd, C.F_SETFL, flags | C.O_NONBLOCK), "fcntl");
  const r = call();
  const e = r === -1 ? errno() : 0;
  fcntl(fd, C.F_SETFL, flags);
  return [r, e];
}

/**
 * Whether `fd` is inherited by child processes: no `FD_CLOEXEC`
 * (`fcntl(F_GETFD)`), or on Windows `HANDLE_FLAG_INHERIT`
 * (`GetHandleInformation`).
 */
export function getInheritable(fd: number): boolean {
  if (WIN) return win.getInheritable(fd);
  return (check(fcntl(fd, C.F_GETFD, 0), "fcntl") & C.FD_CLOEXEC) === 0;
}

/**
 * Sets whether `fd` is inherited by child processes: `FD_CLOEXEC` with
 * `fcntl(F_SETFD)`, or on Windows `SetHandleInformation`.
 */
export function setInheritable(fd: number, inheritable: boolean): void {
  if (WIN) return win.setInheritable(fd, inheritable);
  const flags = check(fcntl(fd, C.F_GETFD, 0), "fcntl");
  const want = inheritable ? flags & ~C.FD_CLOEXEC : flags | C.FD_CLOEXEC;
  if (want !== flags) check(fcntl(fd, C.F_SETFD, want), "fcntl");
}

/**
 * Duplicates `fd`, non-inheritable: `fcntl(F_DUPFD_CLOEXEC)`, or on Windows
 * `WSADuplicateSocketW` + `WSASocketW`. Throws a `socket.error` on failure.
 */
export function dupFd(fd: number): number {
  if (WIN) return win.dupSocket(fd);
  return check(fcntl(fd, C.F_DUPFD_CLOEXEC, 0), "fcntl");
}

/** Throws where a Windows-only call (gated by {@linkcode requireFeature}) is reached elsewhere. */
function windowsOnly(call: string): never {
  throw new TypeError(`${call} is not available on ${OS_NAME} (CPython has none there)`);
}

/**
 * `WSAIoctl(fd, code, input)` with no output buffer (Windows only: the
 * Windows-only `socket.ioctl()`). Returns the byte count it reports.
 */
export function ioctlSocket(fd: number, code: number, input: Uint8Array): number {
  return WIN ? win.wsaIoctl(fd, code, input) : windowsOnly("socket.ioctl()");
}

/**
 * The `WSAPROTOCOL_INFOW` bytes that let process `pid` open the socket:
 * `WSADuplicateSocketW` (Windows only: `socket.share()`).
 */
export function shareSocket(fd: number, pid: number): Uint8Array {
  return WIN ? win.shareSocket(fd, pid) : windowsOnly("socket.share()");
}

/**
 * Opens a shared socket from its `WSAPROTOCOL_INFOW` bytes:
 * `WSASocketW(FROM_PROTOCOL_INFO, …)`, non-inheritable (Windows only:
 * `socket.fromshare()`).
 *
 * @returns `[fd, family, type, proto]`.
 */
export function socketFromShare(info: Uint8Array): [number, number, number, number] {
  return WIN ? win.socketFromInfo(info) : windowsOnly("socket.fromshare()");
}

/**
 * The interface list where the OS has no `if_nameindex(3)` (Windows:
 * `GetIfTable2Ex` and `ConvertInterfaceLuidToNameW`, as CPython), or `null`:
 * the caller asks libc's `if_nameindex(3)`.
 */
export function interfaceTable(): [number, string][] | null {
  return WIN ? winInterfaceTable() : null;
}

const PFD = struct("pollfd");

/**
 * Waits until `fd` is readable (`dir` 0) or writable (1), or `ms` pass
 * (-1: no limit), on the calling thread: `poll(2)`, or `WSAPoll` on Windows.
 * With `connect`, an error also ends the wait (`POLLERR`; WSAPoll always
 * reports it, and takes no such request bit).
 *
 * @returns The call's result: >0 ready, 0 timed out, -1 with errno set.
 */
export function pollFd(fd: number, dir: 0 | 1, ms: number, connect = false): number {
  const events = dir === 0 ? C.POLLIN : C.POLLOUT;
  if (WIN) return win.pollOne(fd, events, ms);
  const pfd = new Uint8Array(PFD.size);
  const v = new DataView(pfd.buffer);
  v.setInt32(PFD.fields.fd.offset, fd, LITTLE_ENDIAN);
  v.setInt16(PFD.fields.events.offset, connect ? events | C.POLLERR : events, LITTLE_ENDIAN);
  return libc.poll(pfd, 1n, ms);
}
