/**
 * The argument checks of the ssl module's read and write methods, before
 * anything reaches OpenSSL: sizes are integers (TypeError) and not
 * negative (RangeError), flags are C ints and must be 0 on TLS, and a read
 * never allocates more than one call can return.
 *
 * @module
 */
import { cint, int } from "../core/ints.ts";
import { byteLength, writableBytes } from "../core/bytes.ts";

/**
 * The most one `SSL_read_ex` returns (a TLS record carries at most 16 KiB
 * of plaintext): a larger `len` reads the same, without allocating it all.
 */
export const MAX_READ = 1 << 20;

/** `read(len)`'s `len` without a buffer: the size to allocate. */
export function readSize(len: unknown, what = "len"): number {
  const n = int(len, what);
  if (n < 0) throw new RangeError("size should not be negative");
  return Math.min(n, MAX_READ);
}

/**
 * `read(len, buffer)`: the part of `buffer` to fill (all of it when `len`
 * is 0, negative, or more than it holds, as CPython). Re-derive it after
 * every wait.
 */
export function readInto(len: unknown, buffer: unknown, what = "len"): Uint8Array {
  const n = int(len, what);
  const view = writableBytes(buffer);
  const size = byteLength(view);
  return view.subarray(0, n <= 0 || n > size ? size : n);
}

/**
 * `recv_into(buffer, nbytes)`'s count: `nbytes`, or the whole buffer for 0;
 * RangeError when negative or more than the buffer holds.
 */
export function intoCount(buffer: unknown, nbytes: unknown, method: string): number {
  const size = byteLength(writableBytes(buffer));
  const n = int(nbytes, "nbytes");
  if (n < 0) throw new RangeError(`negative buffersize in ${method}`);
  if (n > size) throw new RangeError("buffer too small for requested bytes");
  return n === 0 ? size : n;
}

/** Flags on TLS: a C int (TypeError), and 0 (RangeError, CPython's ValueError). */
export function noFlags(flags: unknown, method: string): void {
  if (cint(flags, "flags") !== 0) {
    throw new RangeError(`non-zero flags not allowed in calls to ${method}() on SSLSocket`);
  }
}

/** CPython's ValueError/NotImplementedError for a method TLS cannot carry. */
export function notAllowed(method: string): RangeError {
  return new RangeError(`${method} not allowed on instances of SSLSocket`);
}
