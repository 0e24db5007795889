/**
 * Byte-order conversions: `ntohl`, `ntohs`, `htonl`, `htons`. Results are
 * unsigned; values that do not fit 32 (or 16) bits raise `RangeError`.
 *
 * @module
 */
import { LITTLE_ENDIAN } from "../core/memory.ts";
import { cInt, integer } from "../core/ints.ts";

// As CPython: htonl/ntohl take any int (bool included) and refuse what does
// not fit 32 unsigned bits; htons/ntohs parse a C int first ("i"), then
// refuse what does not fit 16 unsigned bits. A float is a TypeError.
function u32(x: unknown, fn: string): number {
  const n = integer(x, `${fn}() argument`);
  if (n < 0n) throw new RangeError(`${fn}: can't convert negative value to unsigned int`);
  if (n > 0xffffffffn) throw new RangeError(`${fn}: int larger than 32 bits`);
  return Number(n);
}

function u16(x: unknown, fn: string): number {
  const n = cInt(x, `${fn}() argument`);
  if (n < 0) {
    throw new RangeError(`${fn}: can't convert negative Python int to C 16-bit unsigned integer`);
  }
  if (n > 0xffff) {
    throw new RangeError(`${fn}: Python int too large to convert to C 16-bit unsigned integer`);
  }
  return n;
}

function swap32(n: number): number {
  if (!LITTLE_ENDIAN) return n;
  return (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;
}

function swap16(n: number): number {
  return LITTLE_ENDIAN ? ((n & 0xff) << 8) | (n >>> 8) : n;
}

/**
 * Converts a 32-bit integer from network to host byte order (`ntohl(3)`).
 *
 * @example
 * ```ts
 * import { ntohl } from "@libc/socket";
 * console.log(ntohl(0x01020304).toString(16)); // "4030201" on little-endian hosts
 * ```
 * @throws {RangeError} For values outside 0..2^32-1.
 */
export function ntohl(x: number): number {
  return swap32(u32(x, "ntohl"));
}

/**
 * Converts a 16-bit integer from network to host byte order (`ntohs(3)`).
 *
 * @example
 * ```ts
 * import { ntohs } from "@libc/socket";
 * console.log(ntohs(0x0102)); // 513 on little-endian hosts
 * ```
 * @throws {RangeError} For values outside 0..65535.
 */
export function ntohs(x: number): number {
  return swap16(u16(x, "ntohs"));
}

/**
 * Converts a 32-bit integer from host to network byte order (`htonl(3)`).
 *
 * @example
 * ```ts
 * import { htonl } from "@libc/socket";
 * console.log(htonl(1)); // 16777216 on little-endian hosts
 * ```
 * @throws {RangeError} For values outside 0..2^32-1.
 */
export function htonl(x: number): number {
  return swap32(u32(x, "htonl"));
}

/**
 * Converts a 16-bit integer from host to network byte order (`htons(3)`).
 *
 * @example
 * ```ts
 * import { htons } from "@libc/socket";
 * console.log(htons(1)); // 256 on little-endian hosts
 * ```
 * @throws {RangeError} For values outside 0..65535.
 */
export function htons(x: number): number {
  return swap16(u16(x, "htons"));
}
