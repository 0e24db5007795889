/**
 * Winsock, opened once per JS thread on Windows, and its POSIX face: the
 * `libc` object the rest of the library calls (`ffi/library.ts` hands it
 * out on Windows), each function mapped to its Winsock call:
 *
 * - a `SOCKET` goes in as `BigInt(fd)` and comes back as a number, with
 *   `INVALID_SOCKET` as -1, so that `check()` and every `fd < 0` test work
 *   unchanged (CPython's `fileno()` is an int there too);
 * - `close` is `closesocket`; `socket` is `WSASocketW` with
 *   `WSA_FLAG_NO_HANDLE_INHERIT` (a non-inheritable handle from birth, as
 *   CPython's); `poll` is `WSAPoll`; `inet_aton` is `inet_addr`, as in
 *   CPython on Windows; `gai_strerror` and `hstrerror` give CPython's
 *   Windows messages ("getaddrinfo failed", "host not found");
 * - `size_t` lengths become Winsock's `int`;
 * - what Windows lacks (`fcntl`, `pipe`, `socketpair`, `sendmsg`, `recvmsg`,
 *   `sethostname`, ...) throws, naming the call: `sys/platform.ts` takes
 *   another path there, and the public methods CPython lacks on Windows
 *   throw a `TypeError` before they get here.
 *
 * `WSAStartup(2.2)` runs once, when the library is opened. The last error is
 * `WSAGetLastError()` ({@linkcode lastError}), the messages come from
 * `FormatMessageW` ({@linkcode systemMessage}).
 *
 * @module
 */
import { constants as C, struct, table } from "../constants/mod.ts";
import { target } from "../sys/target.ts";
import { KERNEL32, type Kernel32, UCRT, type Ucrt, type Ws2, WS2_32 } from "./ws2_32.ts";
import { IPHLPAPI, type Iphlpapi } from "./iphlpapi.ts";
import type { Libc } from "./symbols.ts";

/** `INVALID_SOCKET`: `(SOCKET)(~0)`. */
export const INVALID_SOCKET = 0xffff_ffff_ffff_ffffn;

/** The opened Windows libraries (iphlpapi apart: {@linkcode iphlpapi}). */
export interface Winsock {
  readonly ws2: Ws2;
  readonly kernel32: Kernel32;
  readonly ucrt: Ucrt;
}

let opened: Winsock | undefined;

function open(): Winsock {
  const ws2 = Deno.dlopen("ws2_32.dll", WS2_32).symbols;
  const data = new Uint8Array(struct("WSADATA").size);
  // MAKEWORD(2, 2); WSAStartup returns the error itself (no WSAGetLastError yet).
  const rc = ws2.WSAStartup(0x0202, data);
  if (rc !== 0) throw new Error(`@libc/socket: WSAStartup(2.2) failed with error ${rc}`);
  return {
    ws2,
    kernel32: Deno.dlopen("kernel32.dll", KERNEL32).symbols,
    ucrt: Deno.dlopen("ucrtbase.dll", UCRT).symbols,
  };
}

/** The Windows libraries, opened (and Winsock started) on first use. */
export function winsock(): Winsock {
  return opened ??= open();
}

let helper: Iphlpapi | undefined;

/**
 * IP Helper (`iphlpapi.dll`), opened on first use: only the interface-name
 * calls need it (`if_nametoindex`, `if_indextoname`, `if_nameindex`).
 */
export function iphlpapi(): Iphlpapi {
  return helper ??= Deno.dlopen("iphlpapi.dll", IPHLPAPI).symbols;
}

/** `WSAGetLastError()`: the calling thread's last Winsock error. */
export function lastError(): number {
  return (opened ?? winsock()).ws2.WSAGetLastError();
}

/**
 * The Windows error code behind a last-error value: the value itself where
 * it is a Winsock code (10000–11999, CPython's range in `winerror_to_errno`)
 * on Windows, else `undefined` (always, off Windows).
 */
export function winerrorOf(n: number): number | undefined {
  return target.winsock && n >= 10000 && n < 12000 ? n : undefined;
}

/**
 * CPython's `winerror_to_errno` (`PC/errmap.h`) for a Winsock code: the six
 * Winsock copies of C errno values (`WSAEINTR`, `WSAEBADF`, `WSAEACCES`,
 * `WSAEFAULT`, `WSAEINVAL`, `WSAEMFILE`) give that errno (4, 9, 13, 14, 22,
 * 24); every other Winsock code is its own errno (`errno.ECONNREFUSED` is
 * 10061 there).
 */
export function winerrorToErrno(code: number): number {
  return WSA_COPIES.get(code) ?? code;
}

const WSA_COPIES = new Map<number, number>();
for (const name of ["EINTR", "EBADF", "EACCES", "EFAULT", "EINVAL", "EMFILE"]) {
  const wsa = table.errnoNames[`WSA${name}`];
  if (wsa !== undefined) WSA_COPIES.set(wsa, table.errnoNames[name]);
}

/** A `SOCKET` result as a descriptor number: -1 for `INVALID_SOCKET`. */
export function fdOf(h: number | bigint): number {
  return BigInt(h) === INVALID_SOCKET ? -1 : Number(h);
}

const MESSAGE_CHARS = 1024;
const utf16 = new TextDecoder("utf-16le");

/**
 * `FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
 * ..., MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT))`: the system's message for
 * a Windows error code, as CPython's `PyErr_SetExcFromWindowsErr` makes
 * `strerror`: trailing white space, line breaks and dots removed, and
 * `Windows Error 0x…` where the system has no message.
 */
export function systemMessage(code: number): string {
  const buf = new Uint16Array(MESSAGE_CHARS);
  const n = winsock().kernel32.FormatMessageW(
    C.FORMAT_MESSAGE_FROM_SYSTEM | C.FORMAT_MESSAGE_IGNORE_INSERTS,
    null,
    code >>> 0,
    (C.SUBLANG_DEFAULT << 10) | C.LANG_NEUTRAL,
    new Uint8Array(buf.buffer),
    MESSAGE_CHARS,
    null,
  );
  let len = Math.min(n, MESSAGE_CHARS);
  while (len > 0 && (buf[len - 1] <= 0x20 || buf[len - 1] === 0x2e)) len--;
  if (len === 0) return `Windows Error 0x${(code >>> 0).toString(16)}`;
  return utf16.decode(buf.subarray(0, len));
}

/** The C runtime's `strerror(n)`, for errno values that are not Windows error codes. */
export function crtMessage(n: number): string | undefined {
  const p = winsock().ucrt.strerror(n);
  return p === null ? undefined : new Deno.UnsafePointerView(p).getCString();
}

/** A C string that lives as long as the module, for calls that return `const char *`. */
function staticString(text: string): Deno.PointerValue {
  const bytes = new TextEncoder().encode(`${text}\0`);
  keep.push(bytes);
  return Deno.UnsafePointer.of(bytes);
}
const keep: Uint8Array[] = [];

/** A function standing for a C call Windows does not have. */
function absent(name: string): () => never {
  return () => {
    throw new Error(`@libc/socket: ${name}() does not exist on Windows`);
  };
}

/** Winsock's `int` length for a `size_t` one (every caller's fits: see MAX_IO). */
function len32(n: bigint): number {
  return n > 0x7fffffffn ? 0x7fffffff : Number(n);
}

/**
 * Builds the `libc` face over Winsock (see the module doc). Called once,
 * by `ffi/library.ts`, on Windows only.
 */
export function winsockLibc(): Libc {
  const { ws2, ucrt } = winsock();
  const flags = C.WSA_FLAG_OVERLAPPED | C.WSA_FLAG_NO_HANDLE_INHERIT;
  // CPython on Windows has neither gai_strerror nor hstrerror: these messages.
  const gaiMessage = staticString("getaddrinfo failed");
  const hostMessage = staticString("host not found");
  const face = {
    socket: (af: number, type: number, proto: number) =>
      fdOf(ws2.WSASocketW(af, type, proto, null, 0, flags)),
    bind: (fd: number, sa: Uint8Array | null, n: number) => ws2.bind(BigInt(fd), sa, n),
    connect: (fd: number, sa: Uint8Array | null, n: number) => ws2.connect(BigInt(fd), sa, n),
    listen: (fd: number, backlog: number) => ws2.listen(BigInt(fd), backlog),
    accept: (fd: number, sa: Uint8Array | null, n: Uint8Array | null) =>
      fdOf(ws2.accept(BigInt(fd), sa, n)),
    getsockname: (fd: number, sa: Uint8Array | null, n: Uint8Array | null) =>
      ws2.getsockname(BigInt(fd), sa, n),
    getpeername: (fd: number, sa: Uint8Array | null, n: Uint8Array | null) =>
      ws2.getpeername(BigInt(fd), sa, n),
    getsockopt: (fd: number, lv: number, name: number, v: Uint8Array | null, n: Uint8Array) =>
      ws2.getsockopt(BigInt(fd), lv, name, v, n),
    setsockopt: (fd: number, lv: number, name: number, v: Uint8Array | null, n: number) =>
      ws2.setsockopt(BigInt(fd), lv, name, v, n),
    recv: (fd: number, b: Uint8Array | null, n: bigint, f: number) =>
      ws2.recv(BigInt(fd), b, len32(n), f),
    recvfrom: (
      fd: number,
      b: Uint8Array | null,
      n: bigint,
      f: number,
      sa: Uint8Array | null,
      sn: Uint8Array | null,
    ) => ws2.recvfrom(BigInt(fd), b, len32(n), f, sa, sn),
    send: (fd: number, b: Uint8Array | null, n: bigint, f: number) =>
      ws2.send(BigInt(fd), b, len32(n), f),
    sendto: (
      fd: number,
      b: Uint8Array | null,
      n: bigint,
      f: number,
      sa: Uint8Array | null,
      sn: number,
    ) => ws2.sendto(BigInt(fd), b, len32(n), f, sa, sn),
    shutdown: (fd: number, how: number) => ws2.shutdown(BigInt(fd), how),
    close: (fd: number) => ws2.closesocket(BigInt(fd)),
    poll: (pfd: Uint8Array | null, n: bigint, ms: number) => ws2.WSAPoll(pfd, Number(n), ms),
    poll_nb: (pfd: Uint8Array | null, n: bigint, ms: number) => ws2.WSAPoll_nb(pfd, Number(n), ms),
    getaddrinfo: ws2.getaddrinfo,
    getaddrinfo_nb: ws2.getaddrinfo_nb,
    freeaddrinfo: ws2.freeaddrinfo,
    getnameinfo: ws2.getnameinfo,
    gai_strerror: (_code: number) => gaiMessage,
    hstrerror: (_code: number) => hostMessage,
    gethostname: (b: Uint8Array | null, n: bigint) => ws2.gethostname(b, len32(n)),
    gethostbyname2: (name: Uint8Array | null, af: number) => {
      if (af !== C.AF_INET) {
        throw new Error("@libc/socket: gethostbyname() is IPv4-only on Windows");
      }
      return ws2.gethostbyname(name);
    },
    gethostbyaddr: ws2.gethostbyaddr,
    getprotobyname: ws2.getprotobyname,
    getservbyname: ws2.getservbyname,
    getservbyport: ws2.getservbyport,
    inet_pton: ws2.inet_pton,
    inet_ntop: (af: number, src: Uint8Array | null, dst: Uint8Array | null, n: number) =>
      ws2.inet_ntop(af, src, dst, BigInt(n)),
    inet_aton: (cp: Uint8Array | null, out: Uint8Array | null) => inetAton(ws2, cp, out),
    if_nametoindex: (name: Uint8Array | null) => iphlpapi().if_nametoindex(name),
    if_indextoname: (index: number, name: Uint8Array | null) =>
      iphlpapi().if_indextoname(index, name),
    sethostname: () => {
      throw new TypeError(
        "socket.sethostname() is not available on Windows (CPython has none there)",
      );
    },
    strerror: ucrt.strerror,
    address_of: ucrt.address_of,
    // Optional in the Unix table, and absent here: callers test for null.
    epoll_wait_nb: null,
    epoll_pwait2: null,
    ppoll: null,
    eventfd: null,
    kqueue: null,
    kevent: null,
    kevent_nb: null,
    __h_errno_location: null,
    h_errno: null,
  };
  const out: Record<string, unknown> = { ...face };
  for (
    const name of [
      "socketpair",
      "accept4",
      "sendmsg",
      "recvmsg",
      "recvmmsg",
      "sendmmsg",
      "sendfile",
      "fcntl",
      "fcntl_stack",
      "pipe",
      "read",
      "pread",
      "write",
      "epoll_create1",
      "epoll_ctl",
      "epoll_wait",
      "gethostbyname2_r",
      "gethostbyaddr_r",
      "getprotobyname_r",
      "getservbyname_r",
      "getservbyport_r",
      "if_nameindex",
      "if_freenameindex",
      "errno_location",
    ]
  ) {
    out[name] = absent(name);
  }
  return out as unknown as Libc;
}

/**
 * `inet_aton` as CPython builds it on Windows: `inet_addr`, with
 * "255.255.255.255" (which is also `inet_addr`'s `INADDR_NONE`) taken as
 * the broadcast address. Returns 1 and writes the 4 bytes, or 0.
 */
function inetAton(ws2: Ws2, cp: Uint8Array | null, out: Uint8Array | null): number {
  if (cp === null || out === null) return 0;
  const text = new TextDecoder().decode(cp.subarray(0, Math.max(0, cp.indexOf(0))));
  let addr = ws2.inet_addr(cp);
  if (text === "255.255.255.255") addr = C.INADDR_BROADCAST;
  else if (addr === C.INADDR_NONE) return 0;
  // inet_addr's u_long is in network order in memory: its bytes as they lie.
  new DataView(out.buffer, out.byteOffset, 4).setUint32(0, addr, true);
  return 1;
}
