/**
 * Module-level functions that make or handle descriptors: `socket`,
 * `socketpair`, `fromfd`, `fromshare` (Windows), `close`, `dup`, and the
 * fd-passing helpers `send_fds`/`recv_fds`.
 *
 * @module
 */
import { constants as C, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { fromErrno, lastErrno } from "../core/errors.ts";
import { type Address, type AddressLike } from "./address/mod.ts";
import { Socket } from "./socket.ts";
import type { Family, Kind } from "../core/families.ts";
import { CMSG_LEN, packFds, unpackFds } from "./ancillary.ts";
import { type Data } from "../core/bytes.ts";
import { cint, fdArg, int } from "../core/ints.ts";
import { dupFd, newSocketpair, requireFeature, SOCKETPAIR_FAMILY } from "../sys/platform.ts";
import { fromshareFd } from "./_windows_only.ts";

/**
 * Creates a socket: Python's `socket.socket(family=AF_INET,
 * type=SOCK_STREAM, proto=0, fileno=None)`. Corresponds to `socket(2)`
 * (always close-on-exec, as Python's sockets are non-inheritable).
 *
 * @example The seed's echo client
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * console.log(s.family === socket.AF_INET, s.type === socket.SOCK_STREAM); // true true
 * ```
 *
 * @param family Address family (default `AF_INET`, or the descriptor's with `fileno`).
 * @param type Socket type (default `SOCK_STREAM`, or the descriptor's with `fileno`).
 * @param proto Protocol (default 0, or the descriptor's with `fileno`).
 * @param fileno Adopt this descriptor instead of creating one.
 * @returns A socket typed by its family and type where they are constants
 *   (`socket(AF_INET6)` returns 4-tuple addresses), by `AF_INET` and
 *   `SOCK_STREAM` when omitted; `Socket` (any address) for numbers only
 *   known at run time, or when adopting `fileno` without naming them.
 */
export function socket<
  F extends number = Family<"AF_INET">,
  T extends number = Kind<"SOCK_STREAM">,
>(family?: F, type?: T, proto?: number, fileno?: null): Socket<F, T>;
/** `socket(family, type, proto, fileno)`: adopts `fileno`, of the given (or its own) family. */
export function socket<F extends number = number, T extends number = number>(
  family: F | undefined,
  type: T | undefined,
  proto: number | undefined,
  fileno: number | null,
): Socket<F, T>;
export function socket(
  family: number = -1,
  type: number = -1,
  proto: number = -1,
  fileno: number | null = null,
): Socket {
  // -1 (the default, as in Python's signature): AF_INET, SOCK_STREAM and 0
  // for a new socket; for `fileno`, read from the descriptor itself.
  return new Socket(family, type, proto, fileno);
}

/**
 * Creates a pair of connected sockets. Corresponds to `socketpair(2)`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * const [a, b] = socket.socketpair();
 * a.send("x");
 * console.log(b.recv(1).length); // 1
 * a.close();
 * b.close();
 * ```
 *
 * @param family `AF_UNIX` (default). On Windows the default is `AF_INET`, as
 *   CPython's there, and the pair a loopback TCP connection (AF_INET or
 *   AF_INET6, `SOCK_STREAM` only); pass the family to type the sockets so.
 * @param type `SOCK_STREAM` (default), `SOCK_DGRAM` or `SOCK_SEQPACKET`.
 * @param proto Protocol (default 0).
 */
export function socketpair<
  F extends number = Family<"AF_UNIX">,
  T extends number = Kind<"SOCK_STREAM">,
>(
  family?: F,
  type?: T,
  proto: number = 0,
): [Socket<F, T>, Socket<F, T>] {
  // Optional parameters rather than `= SOCKETPAIR_FAMILY`: deno doc can show
  // neither that default nor a cast, and documents them below instead.
  family ??= SOCKETPAIR_FAMILY as F;
  type ??= C.SOCK_STREAM as T;
  const [fd0, fd1] = newSocketpair(
    cint(family, "family"),
    cint(type, "type"),
    cint(proto, "proto"),
  );
  return [new Socket(family, type, proto, fd0), new Socket(family, type, proto, fd1)];
}

/**
 * Duplicates `fd` and builds a socket on the copy (the original stays
 * yours to close). Corresponds to `fcntl(F_DUPFD_CLOEXEC)`; useful for
 * descriptors a program inherits (inetd, systemd socket activation).
 *
 * @example Adopting a descriptor
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket();
 * using t = socket.fromfd(s.fileno(), socket.AF_INET, socket.SOCK_STREAM);
 * ```
 *
 * @param fd The descriptor to duplicate (it stays open and yours).
 * @param family Its address family (required, as in CPython).
 * @param type Its socket type (required, as in CPython).
 * @param proto Its protocol (default 0).
 */
export function fromfd<F extends number, T extends number>(
  fd: number,
  family: F,
  type: T,
  proto = 0,
): Socket<F, T> {
  const copy = dup(fd);
  try {
    return new Socket<F, T>(family, type, proto, copy);
  } catch (e) {
    libc.close(copy);
    throw e;
  }
}

/**
 * Opens a socket shared by {@linkcode Socket.share} (in this or another
 * process): Python's `socket.fromshare(info)`. Corresponds to `WSASocketW`
 * with `FROM_PROTOCOL_INFO` and the shared `WSAPROTOCOL_INFOW`; family,
 * type and protocol are the shared socket's. The new handle is
 * non-inheritable. Windows only, as in CPython.
 *
 * @example Sharing with this very process (Windows)
 * ```ts
 * import * as socket from "@libc/socket";
 * if (Deno.build.os === "windows") {
 *   using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 *   using t = socket.fromshare(s.share(Deno.pid));
 *   console.log(t.type === socket.SOCK_DGRAM); // true
 * }
 * ```
 *
 * @param data The bytes `share()` returned.
 * @throws {TypeError} Off Windows, or for data that is not a `Uint8Array`.
 * @throws {RangeError} For data of another size than a `WSAPROTOCOL_INFOW`
 *   ("socket descriptor string has wrong size, should be 628 bytes.", as
 *   CPython's ValueError).
 */
export function fromshare(data: Uint8Array): Socket {
  const [fd, family, type, proto] = fromshareFd(data);
  try {
    return new Socket(family, type, proto, fd);
  } catch (e) {
    libc.close(fd);
    throw e;
  }
}

/**
 * Closes a socket descriptor. Corresponds to `close(2)`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * socket.close(socket.socket().detach());
 * ```
 */
export function close(fd: number): void {
  const n = fdArg(fd);
  if (libc.close(n) === -1) {
    const e = lastErrno();
    if (e !== table.errnoNames.ECONNRESET) throw fromErrno(e, "close");
  }
}

/**
 * Duplicates a descriptor; the copy is non-inheritable. Corresponds to
 * `fcntl(F_DUPFD_CLOEXEC)`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket();
 * socket.close(socket.dup(s.fileno()));
 * ```
 */
export function dup(fd: number): number {
  return dupFd(fdArg(fd));
}

/**
 * Sends descriptors over an AF_UNIX socket with `SCM_RIGHTS`: Python's
 * `socket.send_fds`. Built on `sendmsg`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * const [a, b] = socket.socketpair();
 * socket.send_fds(a, ["fd"], [a.fileno()]);
 * const [msg, fds] = socket.recv_fds(b, 16, 1);
 * fds.forEach(socket.close);
 * a.close();
 * b.close();
 * ```
 */
export function send_fds(
  sock: Socket,
  buffers: Iterable<Data>,
  fds: Iterable<number>,
  flags = 0,
  address: AddressLike | null = null,
): number {
  requireFeature("msg", "socket.send_fds()");
  return sock.sendmsg(buffers, [[C.SOL_SOCKET, C.SCM_RIGHTS, packFds(fds)]], flags, address);
}

/**
 * Receives data and up to `maxfds` descriptors sent with `SCM_RIGHTS`:
 * Python's `socket.recv_fds`. Built on `recvmsg`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * const [a, b] = socket.socketpair();
 * socket.send_fds(a, ["x"], [a.fileno()]);
 * const [msg, fds, flags, addr] = socket.recv_fds(b, 1024, 4);
 * fds.forEach(socket.close);
 * a.close();
 * b.close();
 * ```
 *
 * @returns `[data, fds, msg_flags, address]`.
 */
export function recv_fds(
  sock: Socket,
  bufsize: number,
  maxfds: number,
  flags = 0,
): [Uint8Array, number[], number, Address | null] {
  requireFeature("msg", "socket.recv_fds()");
  const [data, ancdata, msgFlags, addr] = sock.recvmsg(
    bufsize,
    CMSG_LEN(int(maxfds, "maxfds") * 4),
    flags,
  );
  const fds: number[] = [];
  for (const [level, type, payload] of ancdata) {
    if (level === C.SOL_SOCKET && type === C.SCM_RIGHTS) fds.push(...unpackFds(payload));
  }
  return [data, fds, msgFlags, addr];
}
