/**
 * The Windows half of the platform layer (model: socket2's
 * `src/sys/windows.rs`): what `sys/platform.ts` does on Windows, over
 * Winsock (`ffi/winsock.ts`).
 *
 * - Handles are non-inheritable from birth (`WSASocketW` with
 *   `WSA_FLAG_NO_HANDLE_INHERIT`; `SetHandleInformation` after `accept`), as
 *   CPython's.
 * - Every handle a socket object holds is non-blocking in Winsock
 *   (`ioctlsocket(FIONBIO)`, when the object takes it): Windows has no
 *   `MSG_DONTWAIT` and no way to read the mode back, so the socket object
 *   keeps its mode (`getblocking()`, `gettimeout()`, as CPython tracks it
 *   there too), and a blocking-mode call waits in `WSAPoll` after
 *   `WSAEWOULDBLOCK` with no deadline (`socket/_io.ts`). The async twins
 *   then never toggle the mode around an attempt.
 * - `socketpair()` is a loopback TCP connection, as CPython's `Lib/socket.py`
 *   builds it where the OS has none, checked to be our own two ends.
 * - `SO_PROTOCOL_INFOW` tells an adopted handle's family, type and protocol,
 *   as in CPython's `socket(fileno=...)`.
 *
 * Internal module, imported by `sys/platform.ts` only.
 *
 * @module
 */
import { constants as C, struct, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { fdOf, systemMessage, winsock } from "../ffi/winsock.ts";
import { check, ConnectionError, type error, fromErrno, fromWinerror } from "../core/errors.ts";
import { LITTLE_ENDIAN } from "../core/memory.ts";

const EWOULDBLOCK = table.errnoNames.EWOULDBLOCK;
const EINTR_WSA = table.errnoNames.WSAEINTR;

/**
 * The errno of a kernel32 error code, as CPython's `winerror_to_errno`
 * (`PC/errmap.h`) has it for the codes handle calls return:
 * `ERROR_ACCESS_DENIED` (5) is EACCES, `ERROR_INVALID_HANDLE` (6) EBADF,
 * anything else EINVAL (its default).
 */
function systemErrno(code: number): number {
  const n = table.errnoNames;
  return code === 5 ? n.EACCES : code === 6 ? n.EBADF : n.EINVAL;
}

/**
 * The error of a Windows error code a call returned (iphlpapi's
 * `NETIO_STATUS`), as CPython's `PyErr_SetFromWindowsErr(code)`.
 */
export function systemError(code: number, syscall: string): error {
  return fromWinerror(code, systemErrno(code), syscall, systemMessage(code));
}

/**
 * The error of a failed kernel32 call, from `GetLastError()`, as CPython's
 * `PyErr_SetFromWindowsErr(0)`.
 */
function lastSystemError(syscall: string): error {
  return systemError(winsock().kernel32.GetLastError(), syscall);
}

/** `ioctlsocket(fd, FIONBIO, &on)`: Winsock's non-blocking switch. */
export function setNonblocking(fd: number, on: boolean): void {
  const arg = new Uint32Array([on ? 1 : 0]);
  // FIONBIO is stored unsigned (0x8004667e); `long` is 32-bit: pass its bits.
  check(
    winsock().ws2.ioctlsocket(BigInt(fd), C.FIONBIO | 0, new Uint8Array(arg.buffer)),
    "ioctlsocket",
  );
}

/** Closes `fd`, keeping the last error of the call that failed before. */
function closeQuietly(fd: number): void {
  winsock().ws2.closesocket(BigInt(fd));
}

/**
 * Creates a non-inheritable socket: `WSASocketW` with
 * `WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT` (the Winsock face's
 * `socket`). The socket object makes it non-blocking.
 */
export function newSocket(family: number, type: number, proto: number): number {
  return check(libc.socket(family, type, proto), "socket");
}

/**
 * Accepts one connection: `accept`, then `SetHandleInformation` (no
 * inheritance, as CPython). Returns -1 with the Winsock error set when
 * accepting fails (so callers can wait on `WSAEWOULDBLOCK`); throws (the
 * new handle closed) if `SetHandleInformation` fails.
 */
export function acceptConn(fd: number, sa: Uint8Array | null, len: Uint8Array | null): number {
  const n = libc.accept(fd, sa, len);
  if (n < 0) return n;
  setInheritable(n, false, true);
  return n;
}

/**
 * Whether the handle is inherited by child processes:
 * `GetHandleInformation` and `HANDLE_FLAG_INHERIT`.
 */
export function getInheritable(fd: number): boolean {
  const flags = new Uint32Array(1);
  if (!winsock().kernel32.GetHandleInformation(BigInt(fd), new Uint8Array(flags.buffer))) {
    throw lastSystemError("GetHandleInformation");
  }
  return (flags[0] & C.HANDLE_FLAG_INHERIT) !== 0;
}

/**
 * Sets whether the handle is inherited by child processes:
 * `SetHandleInformation(HANDLE_FLAG_INHERIT)`. With `closeOnError`, the
 * handle is closed before the error is thrown.
 */
export function setInheritable(fd: number, on: boolean, closeOnError = false): void {
  const flag = C.HANDLE_FLAG_INHERIT;
  if (!winsock().kernel32.SetHandleInformation(BigInt(fd), flag, on ? flag : 0)) {
    const e = lastSystemError("SetHandleInformation");
    if (closeOnError) closeQuietly(fd);
    throw e;
  }
}

/** The `WSAPROTOCOL_INFOW` of a handle (`getsockopt(SO_PROTOCOL_INFOW)`). */
function protocolInfo(fd: number): DataView {
  const info = new Uint8Array(struct("WSAPROTOCOL_INFOW").size);
  const len = new Int32Array([info.length]);
  check(
    libc.getsockopt(fd, C.SOL_SOCKET, C.SO_PROTOCOL_INFOW, info, new Uint8Array(len.buffer)),
    "getsockopt",
  );
  return new DataView(info.buffer);
}

/** An adopted handle's family, type or protocol, from its `WSAPROTOCOL_INFOW`. */
export function protocolField(
  fd: number,
  field: "iAddressFamily" | "iSocketType" | "iProtocol",
): number {
  const f = struct("WSAPROTOCOL_INFOW").fields[field];
  return protocolInfo(fd).getInt32(f.offset, LITTLE_ENDIAN);
}

/**
 * The `WSAPROTOCOL_INFOW` that lets process `pid` open the same socket:
 * `WSADuplicateSocketW` (CPython's `socket.share()`).
 *
 * @param pid A process id, already checked to be a `DWORD`.
 */
export function shareSocket(fd: number, pid: number): Uint8Array {
  const info = new Uint8Array(struct("WSAPROTOCOL_INFOW").size);
  check(winsock().ws2.WSADuplicateSocketW(BigInt(fd), pid, info), "WSADuplicateSocketW");
  return info;
}

/**
 * Opens the socket a `WSAPROTOCOL_INFOW` describes (from
 * {@linkcode shareSocket}): `WSASocketW(FROM_PROTOCOL_INFO, …)`,
 * non-inheritable (`WSA_FLAG_NO_HANDLE_INHERIT`, where CPython's
 * `fromshare` calls `SetHandleInformation` after).
 *
 * @param info Exactly `sizeof(WSAPROTOCOL_INFOW)` bytes (checked by the caller).
 * @returns The handle, and the family, type and protocol the info names.
 */
export function socketFromInfo(info: Uint8Array): [number, number, number, number] {
  const from = C.FROM_PROTOCOL_INFO;
  const flags = C.WSA_FLAG_OVERLAPPED | C.WSA_FLAG_NO_HANDLE_INHERIT;
  const fd = check(fdOf(winsock().ws2.WSASocketW(from, from, from, info, 0, flags)), "WSASocketW");
  const v = new DataView(info.buffer, info.byteOffset, info.byteLength);
  const f = struct("WSAPROTOCOL_INFOW").fields;
  const field = (name: string) => v.getInt32(f[name].offset, LITTLE_ENDIAN);
  return [fd, field("iAddressFamily"), field("iSocketType"), field("iProtocol")];
}

/**
 * Duplicates a handle for this process: `WSADuplicateSocketW` then
 * `WSASocketW(FROM_PROTOCOL_INFO, …)`, non-inheritable and non-blocking, as
 * CPython's `socket.dup()` on Windows.
 */
export function dupSocket(fd: number): number {
  return socketFromInfo(shareSocket(fd, winsock().kernel32.GetCurrentProcessId()))[0];
}

/**
 * `WSAIoctl(fd, code, input, …)`, synchronous (no overlapped structure),
 * with no output buffer. Throws a `socket.error` on failure.
 *
 * @param code The control code, already checked to be a `DWORD`.
 * @returns The byte count WSAIoctl reports (`lpcbBytesReturned`).
 */
export function wsaIoctl(fd: number, code: number, input: Uint8Array): number {
  const returned = new Uint32Array(1);
  check(
    winsock().ws2.WSAIoctl(
      BigInt(fd),
      code,
      input,
      input.byteLength,
      null,
      0,
      new Uint8Array(returned.buffer),
      null,
      null,
    ),
    "WSAIoctl",
  );
  return returned[0];
}

// ---------------------------------------------------------------------------
// socketpair(), as Lib/socket.py builds it where the OS has none

/** The loopback address of `family` with port 0, as Winsock lays it out. */
function loopback(family: number): Uint8Array {
  const text = new TextEncoder().encode(family === C.AF_INET6 ? "::1\0" : "127.0.0.1\0");
  const sa = new Uint8Array(struct("sockaddr_storage").size);
  const len = new Int32Array([sa.length]);
  check(
    winsock().ws2.WSAStringToAddressA(text, family, null, sa, new Uint8Array(len.buffer)),
    "WSAStringToAddressA",
  );
  return sa.subarray(0, len[0]);
}

/** `getsockname` or `getpeername` of `fd`: the sockaddr's bytes. */
function name(fd: number, peer: boolean): Uint8Array {
  const sa = new Uint8Array(struct("sockaddr_storage").size);
  const len = new Int32Array([sa.length]);
  const call = peer ? libc.getpeername : libc.getsockname;
  check(call(fd, sa, new Uint8Array(len.buffer)), peer ? "getpeername" : "getsockname");
  return sa.subarray(0, len[0]);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Waits in `WSAPoll` (no deadline) until `fd` is ready for `events`. */
function waitFor(fd: number, events: number): void {
  for (;;) {
    const r = pollOne(fd, events, -1);
    if (r > 0) return;
    if (r < 0) {
      const e = errno();
      if (e !== EINTR_WSA) throw fromErrno(e, "WSAPoll");
    }
  }
}

/**
 * A connected pair of TCP sockets over the loopback interface, as CPython's
 * `Lib/socket.py` makes `socketpair()` where the OS has none: a listener on
 * port 0, a non-blocking connect to it, an accept; then each end's name must
 * be the other's peer ("Unexpected peer connection" otherwise: someone else
 * connected first).
 *
 * @returns `[server end, client end]`, both non-inheritable and non-blocking.
 * @throws {RangeError} For a family other than AF_INET/AF_INET6, a type
 *   other than SOCK_STREAM, or a protocol other than 0 (CPython's ValueError).
 */
export function newSocketpair(family: number, type: number, proto: number): [number, number] {
  if (family !== C.AF_INET && family !== C.AF_INET6) {
    throw new RangeError("Only AF_INET and AF_INET6 socket address families are supported");
  }
  if (type !== C.SOCK_STREAM) throw new RangeError("Only SOCK_STREAM socket type is supported");
  if (proto !== 0) throw new RangeError("Only protocol zero is supported");
  const lsock = newSocket(family, type, proto);
  let ssock = -1;
  let csock = -1;
  try {
    setNonblocking(lsock, true);
    const sa = loopback(family);
    check(libc.bind(lsock, sa, sa.length), "bind");
    check(libc.listen(lsock, 1), "listen");
    const addr = name(lsock, false);
    csock = newSocket(family, type, proto);
    setNonblocking(csock, true);
    if (libc.connect(csock, addr, addr.length) !== 0) {
      const e = errno();
      if (e !== EWOULDBLOCK && e !== EINTR_WSA) throw fromErrno(e, "connect");
    }
    for (;;) {
      ssock = acceptConn(lsock, null, null);
      if (ssock >= 0) {
        setNonblocking(ssock, true);
        break;
      }
      const e = errno();
      if (e !== EWOULDBLOCK && e !== EINTR_WSA) throw fromErrno(e, "accept");
      waitFor(lsock, C.POLLIN);
    }
    waitFor(csock, C.POLLOUT);
    if (
      !sameBytes(name(ssock, false), name(csock, true)) ||
      !sameBytes(name(csock, false), name(ssock, true))
    ) {
      throw new ConnectionError("Unexpected peer connection");
    }
    return [ssock, csock];
  } catch (e) {
    if (ssock >= 0) closeQuietly(ssock);
    if (csock >= 0) closeQuietly(csock);
    throw e;
  } finally {
    closeQuietly(lsock);
  }
}

// ---------------------------------------------------------------------------
// WSAPoll on one handle

const PFD = struct("pollfd");

/**
 * `WSAPoll` on one handle for `events` (`POLLIN`, `POLLOUT`: Winsock takes
 * no other request bits), for `ms` milliseconds (-1: no limit). Returns
 * WSAPoll's result: 1 when ready (or failed: `POLLERR`, `POLLHUP`), 0 on
 * timeout, -1 with the Winsock error set.
 */
export function pollOne(fd: number, events: number, ms: number): number {
  const pfd = new Uint8Array(PFD.size);
  const v = new DataView(pfd.buffer);
  v.setBigUint64(PFD.fields.fd.offset, BigInt(fd), LITTLE_ENDIAN);
  v.setInt16(PFD.fields.events.offset, events, LITTLE_ENDIAN);
  return winsock().ws2.WSAPoll(pfd, 1, ms);
}
