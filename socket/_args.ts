/**
 * Argument checks and result shaping shared by the receiving and sending
 * calls of `Socket` (`_send_recv.ts`, `_msg.ts`).
 *
 * Internal module.
 *
 * @module
 */
import { byteLength, writableBytes } from "../core/bytes.ts";
import { int } from "../core/ints.ts";
import type { AsyncOptions } from "./types.ts";

/** Largest buffer a single call may request (fits the `i32` result). */
export const MAX_IO = 0x7fff_f000;

/** Checks a `bufsize` argument: an integer from 0 to {@linkcode MAX_IO}. */
export function sizeArg(bufsize: unknown, fn: string): number {
  const n = int(bufsize, "bufsize");
  if (n < 0) throw new RangeError(`negative buffersize in ${fn}`);
  if (n > MAX_IO) throw new RangeError(`buffersize too large in ${fn}: ${n}`);
  return n;
}

/**
 * Checks a `*_into` call's buffer and `nbytes`; returns the buffer's view
 * and how many bytes to receive (the buffer's intrinsic size when `nbytes`
 * is 0, and never more than the view holds). The view is valid until the
 * caller's next `await` (a wait may detach or shrink the buffer): an attempt
 * made before any wait uses it instead of deriving it again.
 */
export function intoView(buffer: unknown, nbytes: unknown, fn: string): [Uint8Array, number] {
  const view = writableBytes(buffer);
  const size = byteLength(view);
  const n = int(nbytes, "nbytes");
  if (n < 0) throw new RangeError(`negative buffersize in ${fn}`);
  if (n > size) throw new RangeError(`buffer too small for requested bytes`);
  return [view, Math.min(n === 0 ? size : n, MAX_IO)];
}

/**
 * What a receive into `buf` (of which `size` bytes were offered) returns
 * when the kernel reported `n`. `n` exceeds `size` only with `MSG_TRUNC`
 * (the datagram's true length): the result has that length, as in CPython,
 * but the bytes the kernel did not write are zeros, never stale memory.
 */
export function received(buf: Uint8Array, size: number, n: number, shared: boolean): Uint8Array {
  if (n > size) {
    const out = new Uint8Array(n);
    out.set(buf.subarray(0, size));
    return out;
  }
  return !shared && n === byteLength(buf) ? buf : buf.slice(0, n);
}

/**
 * Whether an async method's optional numeric argument (`flags`, `nbytes`,
 * `ancbufsize`) is the final options object given in its place:
 * `recvAsync(1024, { signal })`. A number is never an object, so this can't
 * be ambiguous; `null` stays a (wrong) number argument, as before. Socket's
 * and SSLSocket's async methods both ask it.
 */
export function isOptions(arg: unknown): arg is AsyncOptions {
  return typeof arg === "object" && arg !== null;
}
