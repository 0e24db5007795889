/**
 * Reads `errno` of the calling thread.
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
