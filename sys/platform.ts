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
 * - `fcntl` with the calling convention of this ABI ({@linkcode fcntl}).
 *
 * Internal module: none of it is re-exported from `mod.ts`.
 *
 * @module
 */
import { constants as C, struct } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { check, fromErrno } from "../core/errors.ts";
import { target } from "./target.ts";

export { target } from "./target.ts";

/** `SOCK_NONBLOCK | SOCK_CLOEXEC` where the OS has them (else 0): not part of a socket's type. */
export const TYPE_FLAGS: number = (C.SOCK_NONBLOCK ?? 0) | (C.SOCK_CLOEXEC ?? 0);

/** Flags every send ORs in: `MSG_NOSIGNAL`, or 0 where SIGPIPE is kept away otherwise. */
export const SEND_FLAGS: number = target.msgNoSignal ? C.MSG_NOSIGNAL : 0;

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
 * non-blocking on either path. Throws a `socket.error` on failure.
 *
 * @returns The new descriptor.
 */
export function newSocket(family: number, type: number, proto: number): number {
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
 * `SOCK_CLOEXEC`, or `socketpair(2)` then `fcntl(2)` on each.
 *
 * @returns The two descriptors.
 */
export function newSocketpair(family: number, type: number, proto: number): [number, number] {
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
 * then `fcntl(2)`. The new descriptor is close-on-exec and blocking. Like
 * the syscall, returns -1 with errno set when accepting fails (so callers
 * can wait on EAGAIN); throws if fixing up an accepted descriptor fails.
 *
 * @param fd The listening socket.
 * @param sa The buffer for the peer's address, or `null` for none.
 * @param len `socklen_t` in/out length of `sa` (4 bytes), or `null`.
 */
export function acceptConn(fd: number, sa: Uint8Array | null, len: Uint8Array | null): number {
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
 * where the OS has it, else the family field of `getsockname(2)` (macOS).
 */
export function socketFamily(fd: number): number {
  if (target.soDomain) return intOption(fd, C.SOL_SOCKET, C.SO_DOMAIN);
  const sa = new Uint8Array(struct("sockaddr_storage").size);
  const len = new Uint32Array([sa.byteLength]);
  check(libc.getsockname(fd, sa, new Uint8Array(len.buffer)), "getsockname");
  // sa_family: 16 bits (Linux) or 8 bits after sa_len (BSD, macOS)
  const { offset, size } = struct("sockaddr").fields.sa_family;
  return size === 2 ? sa[offset] | (sa[offset + 1] << 8) : sa[offset];
}

/** The protocol of a socket someone handed us: `SO_PROTOCOL`, or 0 where the OS lacks it. */
export function socketProtocol(fd: number): number {
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
