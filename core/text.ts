// Private: Python's str → bytes rules for strings that reach libc.
//  - strict UTF-8 (PyUnicode_AsUTF8): a lone surrogate is an error
//    (UnicodeEncodeError, a RangeError here), never a silent U+FFFD;
//  - the file-system encoding (os.fsencode / PyUnicode_FSConverter):
//    UTF-8 with "surrogateescape", so U+DC80..U+DCFF stand for the raw
//    bytes 0x80..0xFF, and fsDecode is its exact inverse;
//  - last, plain C strings where no Python rule applies (cstr, fromCBytes):
//    lenient UTF-8, a lone surrogate becoming U+FFFD.

import { typeAndRepr, typeName } from "./repr.ts";

const encoder = new TextEncoder();
const fatal = new TextDecoder("utf-8", { fatal: true });
const decoder = new TextDecoder();

function hex4(c: number): string {
  return "\\u" + c.toString(16).padStart(4, "0");
}

/** The code-point index of UTF-16 index `at` in `s`, as Python counts positions. */
function codePointIndex(s: string, at: number): number {
  let n = 0;
  for (let i = 0; i < at; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < at) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) i++;
    }
  }
  return n;
}

/** The UTF-16 index of the first lone surrogate in `s`, or -1. */
function loneSurrogate(s: string, from = 0): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c >= 0xe000) continue;
    if (c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

function surrogateError(s: string, at: number): RangeError {
  return new RangeError(
    `'utf-8' codec can't encode character '${hex4(s.charCodeAt(at))}' in position ${
      codePointIndex(s, at)
    }: surrogates not allowed`,
  );
}

/** Strict UTF-8 of `s`: a lone surrogate is a RangeError (UnicodeEncodeError). */
export function utf8(s: string): Uint8Array {
  if (!s.isWellFormed()) throw surrogateError(s, loneSurrogate(s));
  return encoder.encode(s);
}

/** `bytes` plus a terminating NUL: a C string. */
export function withNul(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/**
 * Python's "s" format: `s` as a NUL-terminated strict UTF-8 C string.
 * A non-string is a TypeError, a lone surrogate a RangeError
 * (UnicodeEncodeError), an embedded NUL a RangeError (ValueError
 * "embedded null character"), in Python's order.
 */
export function cString(s: unknown, what: string): Uint8Array {
  if (typeof s !== "string") throw new TypeError(`${what} must be str, not ${typeAndRepr(s)}`);
  const bytes = utf8(s);
  if (bytes.includes(0)) throw new RangeError(`${what}: embedded null character`);
  return withNul(bytes);
}

/**
 * The file-system encoding of `s` (os.fsencode): UTF-8, with U+DC80..U+DCFF
 * written as the bytes 0x80..0xFF; any other lone surrogate is a RangeError.
 */
export function fsEncode(s: string): Uint8Array {
  if (s.isWellFormed()) return encoder.encode(s);
  const parts: number[] = [];
  let start = 0;
  for (let at = loneSurrogate(s); at >= 0; at = loneSurrogate(s, at + 1)) {
    const c = s.charCodeAt(at);
    if (c < 0xdc80 || c > 0xdcff) throw surrogateError(s, at);
    parts.push(...encoder.encode(s.slice(start, at)), c - 0xdc00);
    start = at + 1;
  }
  parts.push(...encoder.encode(s.slice(start)));
  return new Uint8Array(parts);
}

/** The length of the valid UTF-8 sequence at `b[i]`, or 0 (Python's strict rules). */
function sequenceLength(b: Uint8Array, i: number): number {
  const x = b[i];
  if (x < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < b.length && b[j] >= lo && b[j] <= hi;
  if (x >= 0xc2 && x <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (x >= 0xe0 && x <= 0xef) {
    const lo = x === 0xe0 ? 0xa0 : 0x80;
    const hi = x === 0xed ? 0x9f : 0xbf; // no encoded surrogates
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (x >= 0xf0 && x <= 0xf4) {
    const lo = x === 0xf0 ? 0x90 : 0x80;
    const hi = x === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/** Decodes as os.fsdecode: UTF-8, each undecodable byte as U+DC80..U+DCFF. */
export function fsDecode(bytes: Uint8Array): string {
  try {
    return fatal.decode(bytes);
  } catch {
    // fall through: some bytes are not UTF-8
  }
  let out = "";
  let start = 0;
  for (let i = 0; i < bytes.length;) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += fatal.decode(bytes.subarray(start, i)) + String.fromCharCode(0xdc00 + bytes[i]);
    start = ++i;
  }
  return out + fatal.decode(bytes.subarray(start));
}

/** `fsDecode` of the bytes before the first NUL (or all of them). */
export function fsDecodeC(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return fsDecode(end < 0 ? bytes : bytes.subarray(0, end));
}

// C strings with no Python rule behind them: names libc parses (inet_pton)
// and text libc writes into our buffers.

/** A NUL-terminated UTF-8 copy of `s`; embedded NULs are a TypeError. */
export function cstr(s: string, what = "string"): Uint8Array {
  if (typeof s !== "string") {
    throw new TypeError(`${what} must be a string, not ${typeName(s)}`);
  }
  if (s.includes("\0")) {
    throw new TypeError(`${what} must not contain null character`);
  }
  const bytes = new Uint8Array(s.length * 3 + 1); // UTF-8 (lone surrogates as U+FFFD)
  const { written } = encoder.encodeInto(s, bytes);
  return bytes.subarray(0, written + 1);
}

/** Decodes UTF-8 bytes up to the first NUL (or the end). */
export function fromCBytes(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}
