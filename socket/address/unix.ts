/**
 * AF_UNIX addresses: a path `string` (the file-system encoding) or a
 * `Uint8Array` (bytes as they are; a leading NUL is Linux's abstract
 * namespace) ⇄ `sockaddr_un`, of exactly the length the kernel needs.
 *
 * @module
 */
import type { PlatformTable } from "../../constants/mod.ts";
import { typeName } from "../../core/repr.ts";
import { fsDecode, fsEncode } from "../../core/text.ts";
import { copyBytes } from "../../core/view.ts";
import type { UnixAddress } from "../../core/address_types.ts";
import { newSockaddr, type SockaddrTable, sockaddrTable } from "./_sockaddr.ts";

/** Packs an AF_UNIX address (`family` as `t` numbers it) in `t`'s layout. */
export function encodeUnix(
  family: number,
  address: unknown,
  fn: string,
  t: PlatformTable,
): Uint8Array {
  const { SUN } = sockaddrTable(t); // `t`'s layout
  // A string is the file-system encoding of the path, as os.fsencode
  // (UTF-8, U+DC80..U+DCFF standing for undecodable bytes); bytes are
  // taken as they are, by their real size.
  const path = typeof address === "string" ? fsEncode(address) : copyBytes(address);
  if (path === null) {
    throw new TypeError(
      `${fn}AF_UNIX address must be a string or Uint8Array, not ${typeName(address)}`,
    );
  }
  // Stricter than CPython, which passes a path with a NUL inside and so
  // silently names the file by what precedes it.
  if (path.length > 0 && path[0] !== 0 && path.includes(0)) {
    throw new RangeError(`${fn}AF_UNIX path: embedded null byte`);
  }
  const room = SUN.fields.sun_path.size;
  const abstract = path.length > 0 && path[0] === 0;
  // A path needs room for its terminating NUL; an abstract name does not.
  if (abstract ? path.length > room : path.length >= room) {
    throw new RangeError(
      `${fn}AF_UNIX path too long: ${path.length} bytes, the limit is ${
        abstract ? room : room - 1
      }`,
    );
  }
  const off = SUN.fields.sun_path.offset;
  // An empty path is just the family: Linux then autobinds to a fresh
  // abstract name (as CPython passes it). Paths get their NUL counted.
  const nul = abstract || path.length === 0 ? 0 : 1;
  const [buf] = newSockaddr(off + path.length + nul, family, t);
  buf.set(path, off);
  return buf;
}

/** The path (or abstract name) in the first `len` bytes of a `sockaddr_un`. */
export function decodeUnix(buf: Uint8Array, len: number, s: SockaddrTable): UnixAddress {
  const { SUN } = s;
  const off = SUN.fields.sun_path.offset;
  const path = buf.subarray(off, Math.max(off, Math.min(len, buf.length)));
  if (path.length > 0 && path[0] === 0) return path.slice(); // abstract
  // As CPython: the file-system decoding, so a name that is not UTF-8
  // comes back with U+DC80..U+DCFF for its undecodable bytes (and
  // encodes back to the same bytes).
  const end = path.indexOf(0);
  return fsDecode(end < 0 ? path : path.subarray(0, end));
}
