/**
 * Reads `errno` (and `h_errno`) of the calling thread.
 *
 * `__errno_location()` (glibc, musl) or `__error()` (macOS; `sys/target.ts`
 * says which) returns the address of this thread's errno; the view over it
 * is made once per JS thread, so a read costs a typed-array load. Call
 * `errno()` immediately after the failing call, before anything else that
 * could call into libc.
 *
 * @module
 */
import { libc } from "./library.ts";
import { target } from "../sys/target.ts";

let cell: Int32Array | undefined;

/** The current thread's `errno`. */
export function errno(): number {
  if (cell === undefined) {
    const p = libc.errno_location();
    if (p === null) throw new Error(`${target.errnoSymbol}() returned NULL`);
    cell = new Int32Array(Deno.UnsafePointerView.getArrayBuffer(p, 4));
  }
  return cell[0];
}

let hCell: Int32Array | undefined;

/**
 * `h_errno`, where the non-reentrant `gethostbyname2`/`gethostbyaddr` leave
 * their error: through `__h_errno_location()` (glibc, musl; this thread's),
 * or macOS's `h_errno` variable (`sys/target.ts` `hErrnoSymbol` says
 * which). Read it immediately after the failing call.
 */
export function hErrno(): number {
  if (hCell === undefined) {
    const p = target.hErrnoSymbol === "h_errno"
      ? libc.h_errno
      : libc.__h_errno_location?.() ?? null;
    if (p === null) throw new Error(`@libc/socket: no ${target.hErrnoSymbol} in the C library`);
    hCell = new Int32Array(Deno.UnsafePointerView.getArrayBuffer(p, 4));
  }
  return hCell[0];
}
