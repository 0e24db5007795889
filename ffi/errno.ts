/**
 * Reads the last error of the calling thread: `errno` (and `h_errno`), or
 * on Windows `WSAGetLastError()` (`sys/target.ts` `winsock`), which Winsock
 * uses for both.
 *
 * `__errno_location()` (glibc, musl) or `__error()` (macOS; `sys/target.ts`
 * says which) returns the address of this thread's errno; the view over it
 * is made once per JS thread, so a read costs a typed-array load. Call
 * `errno()` immediately after the failing call, before anything else that
 * could call into libc.
 *
 * On Windows the value is the Winsock error code (`WSAECONNREFUSED`,
 * 10061): what `connect_ex` returns and `SO_ERROR` holds, as in CPython.
 * {@linkcode winerrorOf} tells such a code from an errno, and
 * {@linkcode winerrorToErrno} gives the errno CPython's `OSError` carries
 * for it (`PC/errmap.h`).
 *
 * @module
 */
import { libc } from "./library.ts";
import { lastError } from "./winsock.ts";
import { target } from "../sys/target.ts";

let cell: Int32Array | undefined;

function unixErrno(): number {
  if (cell === undefined) {
    const p = libc.errno_location();
    if (p === null) throw new Error(`${target.errnoSymbol}() returned NULL`);
    cell = new Int32Array(Deno.UnsafePointerView.getArrayBuffer(p, 4));
  }
  return cell[0];
}

/** The current thread's `errno` (on Windows: `WSAGetLastError()`). */
export const errno: () => number = target.winsock ? lastError : unixErrno;

let hCell: Int32Array | undefined;

function unixHErrno(): number {
  if (hCell === undefined) {
    const p = target.hErrnoSymbol === "h_errno"
      ? libc.h_errno
      : libc.__h_errno_location?.() ?? null;
    if (p === null) throw new Error(`@libc/socket: no ${target.hErrnoSymbol} in the C library`);
    hCell = new Int32Array(Deno.UnsafePointerView.getArrayBuffer(p, 4));
  }
  return hCell[0];
}

/**
 * `h_errno`, where the non-reentrant `gethostbyname2`/`gethostbyaddr` leave
 * their error: through `__h_errno_location()` (glibc, musl; this thread's),
 * or macOS's `h_errno` variable (`sys/target.ts` `hErrnoSymbol` says
 * which); on Windows `WSAGetLastError()` (`<winsock2.h>` defines `h_errno`
 * so). Read it immediately after the failing call.
 */
export const hErrno: () => number = target.winsock ? lastError : unixHErrno;

export { winerrorOf, winerrorToErrno } from "./winsock.ts";
