/**
 * Local stand-in for `jsr:@std/bytes`: the functions this project uses,
 * with upstream's names and signatures.
 *
 * @module
 */

/** Concatenates byte arrays into a new one (upstream `concat`). */
export function concat(buffers: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const b of buffers) length += b.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const b of buffers) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Whether two byte arrays hold the same bytes (upstream `equals`). */
export function equals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Index of the first occurrence of `needle` in `source`, or -1 (upstream `indexOfNeedle`). */
export function indexOfNeedle(source: Uint8Array, needle: Uint8Array, start = 0): number {
  if (start < 0) start = Math.max(0, source.length + start);
  if (needle.length === 0) return start <= source.length ? start : -1;
  const first = needle[0];
  for (let i = source.indexOf(first, start); i !== -1; i = source.indexOf(first, i + 1)) {
    if (i + needle.length > source.length) return -1;
    let j = 1;
    while (j < needle.length && source[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
