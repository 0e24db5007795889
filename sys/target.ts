/**
 * The target: which operating system this is, and which path the library
 * takes wherever operating systems differ. This is the one module that reads
 * `Deno.build.os` (and `LIBC_SOCKET_PORTABLE`); everything else asks it.
 *
 * It sits below `ffi/` (which asks it for the libc path, the errno symbol and
 * the `fcntl` calling convention) and imports nothing that calls C (only the
 * generated table, for facts the headers answer).
 *
 * `LIBC_SOCKET_PORTABLE=1` makes a Linux process take the paths macOS takes
 * wherever Linux supports them too: `fcntl` after `socket()`/`accept()`
 * instead of `SOCK_CLOEXEC`/`accept4`, no `MSG_NOSIGNAL`, the poll(2)
 * reactor, and the non-reentrant netdb lookups (`gethostbyname2`, …). CI runs the whole suite that way, so those paths are tested here.
 *
 * Environment variables are read only when `Deno.permissions.querySync`
 * says env access to them is already granted: reading never prompts.
 *
 * @module
 */

import { table } from "../constants/mod.ts";

/** The reactor backends (see `sys/reactor.ts`). */
export type BackendName = "epoll" | "kqueue" | "poll" | "wsapoll";

/**
 * Returns an environment variable's value, or `undefined` when it is unset,
 * empty, or when reading it would need a permission not already granted.
 * Never raises a permission prompt.
 *
 * @param name The variable, e.g. `LIBC_SOCKET_LIBC`.
 * @returns Its value, or `undefined`.
 */
export function readEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // e.g. a Worker without the permissions API
  }
}

const os: string = Deno.build.os;
const arch: string = Deno.build.arch;
const darwin = os === "darwin";
const linuxLike = os === "linux" || os === "android";
const windows = os === "windows";

/** Whether `LIBC_SOCKET_PORTABLE=1` asked for the portable paths. */
export const PORTABLE: boolean = readEnv("LIBC_SOCKET_PORTABLE") === "1";

/** Facts about the running platform that the layers above branch on. */
export interface Target {
  /** `Deno.build.os`, e.g. `linux`, `darwin`. */
  readonly os: string;
  /** `Deno.build.arch`, e.g. `x86_64`, `aarch64`. */
  readonly arch: string;
  /** `LIBC_SOCKET_PORTABLE=1` is in effect. */
  readonly portable: boolean;
  /** File names to try, in order, for the C library. */
  readonly libcCandidates: readonly string[];
  /** The libc function returning the thread's errno address. */
  readonly errnoSymbol: "__errno_location" | "__error";
  /**
   * Variadic arguments travel on the stack (Apple arm64): `fcntl`'s third
   * argument must be passed as the ninth, first-stack-slot, parameter.
   */
  readonly variadicOnStack: boolean;
  /** `socket()`/`socketpair()` take `SOCK_CLOEXEC`/`SOCK_NONBLOCK` in `type`. */
  readonly typeFlags: boolean;
  /** `accept4()` exists and is used (else `accept()` + `fcntl`). */
  readonly accept4: boolean;
  /** Sends pass `MSG_NOSIGNAL` (else SIGPIPE is kept away another way). */
  readonly msgNoSignal: boolean;
  /** `SO_NOSIGPIPE` is set once on every new socket (BSD, macOS). */
  readonly soNoSigpipe: boolean;
  /** An adopted socket's family is read with `SO_DOMAIN` (else from `getsockname(2)`). */
  readonly soDomain: boolean;
  /** Linux `sendfile(2)` is used (else `pread` + `send`). */
  readonly sendfile: boolean;
  /** sockaddrs begin with a length byte (`sin_len`), `sa_family` is 8 bits. */
  readonly sockaddrLength: boolean;
  /** The reactor backend the async methods use. */
  readonly backend: BackendName;
  /**
   * The netdb lookups use the re-entrant `gethostbyname2_r`,
   * `gethostbyaddr_r`, `getprotobyname_r`, `getservbyname_r` and
   * `getservbyport_r` (glibc, musl). Where false, the classic calls
   * (`gethostbyname2`, …), whose results live in libc's memory: macOS has
   * no `_r` versions (its Libinfo keeps those results per thread).
   */
  readonly reentrantNetdb: boolean;
  /**
   * Where the thread's `h_errno` lives: returned by the function
   * `__h_errno_location()` (glibc, musl), or the variable `h_errno`
   * itself (macOS's `extern int h_errno` in `<netdb.h>`).
   */
  readonly hErrnoSymbol: "__h_errno_location" | "h_errno";
  /**
   * Sockets come from Winsock (`ws2_32.dll`), not from a C library: `SOCKET`
   * handles, `WSAGetLastError()` for the last error, `closesocket`,
   * `ioctlsocket(FIONBIO)`, `WSAPoll` (Windows; see `ffi/winsock.ts`).
   */
  readonly winsock: boolean;
}

function libcCandidates(): readonly string[] {
  const override = readEnv("LIBC_SOCKET_LIBC");
  if (override !== undefined) return [override];
  switch (os) {
    case "linux":
      return ["libc.so.6", `/lib/${arch}-linux-gnu/libc.so.6`, "libc.so"];
    case "android":
      return ["libc.so"];
    case "darwin":
      return ["/usr/lib/libSystem.B.dylib"];
    case "freebsd":
      return ["libc.so.7"];
    case "netbsd":
      return ["libc.so.12"];
    case "openbsd":
      return ["libc.so"];
    default:
      return [];
  }
}

function backend(): BackendName {
  if (windows) return "wsapoll";
  if (PORTABLE) return "poll";
  if (linuxLike) return "epoll";
  if (darwin || os === "freebsd" || os === "netbsd" || os === "openbsd") return "kqueue";
  return "poll";
}

/** The running platform's answers. */
export const target: Target = Object.freeze(
  {
    os,
    arch,
    portable: PORTABLE,
    libcCandidates: Object.freeze(libcCandidates()),
    errnoSymbol: darwin ? "__error" : "__errno_location",
    variadicOnStack: darwin && arch === "aarch64",
    typeFlags: linuxLike && !PORTABLE,
    accept4: linuxLike && !PORTABLE,
    msgNoSignal: linuxLike && !PORTABLE,
    soNoSigpipe: darwin,
    sendfile: linuxLike && !PORTABLE,
    soDomain: linuxLike && !PORTABLE,
    // The generated `sizes.sa_len` (offsetof(struct sockaddr, sa_family));
    // for tables generated before that field existed: darwin has it, Linux not.
    sockaddrLength: ((table.sizes as { sa_len?: number }).sa_len ?? (darwin ? 1 : 0)) > 0,
    backend: backend(),
    reentrantNetdb: linuxLike && !PORTABLE,
    hErrnoSymbol: darwin ? "h_errno" : "__h_errno_location",
    winsock: windows,
  } as const,
);
