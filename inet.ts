/**
 * Address text ⇄ packed bytes: `inet_aton`, `inet_ntoa`, `inet_pton`,
 * `inet_ntop`, with CPython's acceptance rules (they call the same libc).
 *
 * @module
 */
import { constants as C, table } from "./constants/mod.ts";
import { libc } from "./ffi/library.ts";
import { error } from "./errors.ts";
import { formatIPv4, formatIPv6 } from "./address.ts";
import { cstr, int, toBytes, typeName } from "./_util.ts";

/**
 * Converts an IPv4 address in any form `inet_aton(3)` accepts
 * (`"127.1"`, `"0x7f.1"`, …) to 4 packed bytes.
 *
 * @example
 * ```ts
 * import { inet_aton } from "@libc/socket";
 * console.log(inet_aton("127.1")); // Uint8Array(4) [127, 0, 0, 1]
 * ```
 * @throws {error} "illegal IP address string passed to inet_aton".
 * @throws {RangeError} For an embedded NUL (Python's ValueError).
 */
export function inet_aton(ip_string: string): Uint8Array {
  if (typeof ip_string !== "string") {
    throw new TypeError(`inet_aton() argument must be str, not ${typeName(ip_string)}`);
  }
  // As CPython: an embedded NUL is a ValueError (RangeError), not an OSError.
  if (ip_string.includes("\0")) throw new RangeError("embedded null character");
  const out = new Uint8Array(4);
  if (libc.inet_aton(cstr(ip_string), out) === 0) {
    throw new error("illegal IP address string passed to inet_aton");
  }
  return out;
}

/**
 * Converts 4 packed bytes to a dotted-quad string (`inet_ntoa(3)`).
 *
 * @example
 * ```ts
 * import { inet_ntoa } from "@libc/socket";
 * console.log(inet_ntoa(new Uint8Array([10, 0, 0, 1]))); // "10.0.0.1"
 * ```
 * @throws {error} "packed IP wrong length for inet_ntoa".
 */
export function inet_ntoa(packed_ip: Uint8Array): string {
  const b = toBytes(packed_ip, "packed_ip");
  if (typeof packed_ip === "string") {
    throw new TypeError("inet_ntoa() argument must be a bytes-like object, not string");
  }
  if (b.length !== 4) throw new error("packed IP wrong length for inet_ntoa");
  return formatIPv4(b);
}

/**
 * Converts an address string of `address_family` (`AF_INET` or `AF_INET6`)
 * to packed bytes (`inet_pton(3)`).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.inet_pton(socket.AF_INET6, "::1").length); // 16
 * ```
 * @throws {error} For an illegal string, or EAFNOSUPPORT for another family.
 * @throws {RangeError} For an embedded NUL (Python's ValueError).
 */
export function inet_pton(address_family: number, ip_string: string): Uint8Array {
  const af = int(address_family, "address_family");
  if (typeof ip_string !== "string") {
    throw new TypeError(`inet_pton() argument 2 must be str, not ${typeName(ip_string)}`);
  }
  if (ip_string.includes("\0")) throw new RangeError("embedded null character");
  if (af !== C.AF_INET && af !== C.AF_INET6) throw new error(table.errnoNames.EAFNOSUPPORT);
  const out = new Uint8Array(af === C.AF_INET6 ? 16 : 4);
  if (libc.inet_pton(af, cstr(ip_string), out) !== 1) {
    throw new error("illegal IP address string passed to inet_pton");
  }
  return out;
}

/**
 * Converts packed bytes of `address_family` to a string (`inet_ntop(3)`).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.inet_ntop(socket.AF_INET, new Uint8Array([127, 0, 0, 1]))); // "127.0.0.1"
 * ```
 * @throws {RangeError} For a wrong length or an unknown family.
 */
export function inet_ntop(address_family: number, packed_ip: Uint8Array): string {
  const af = int(address_family, "address_family");
  if (typeof packed_ip === "string") {
    throw new TypeError("inet_ntop() argument 2 must be a bytes-like object, not string");
  }
  const b = toBytes(packed_ip, "packed_ip");
  if (af === C.AF_INET) {
    if (b.length !== 4) throw new RangeError("invalid length of packed IP address string");
    return formatIPv4(b);
  }
  if (af === C.AF_INET6) {
    if (b.length !== 16) throw new RangeError("invalid length of packed IP address string");
    return formatIPv6(b);
  }
  throw new RangeError(`unknown address family ${af}`);
}
