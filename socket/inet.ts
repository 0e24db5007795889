/**
 * Address text ⇄ packed bytes: `inet_aton`, `inet_ntoa`, `inet_pton`,
 * `inet_ntop`, with CPython's acceptance rules (they call the same libc).
 *
 * @module
 */
import { constants as C } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { error, fromErrno, lastErrno } from "../core/errors.ts";
import { formatIPv4, formatIPv6 } from "./address/mod.ts";
import { cInt } from "../core/ints.ts";
import { pyType } from "../core/repr.ts";
import { cString } from "../core/text.ts";
import { copyBytes } from "../core/view.ts";

/**
 * A bytes-like argument (Python's "y*"), copied by its intrinsic size: a
 * view claiming more than its memory holds (an own or inherited `length`)
 * is read only as far as it really goes.
 */
function packed(v: unknown, fn: string): Uint8Array {
  const b = copyBytes(v);
  if (b === null) {
    throw new TypeError(`${fn}() argument must be a bytes-like object, not ${pyType(v)}`);
  }
  return b;
}

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
 * @throws {RangeError} For an embedded NUL or a lone surrogate (Python's
 *   ValueError, UnicodeEncodeError).
 */
export function inet_aton(ip_string: string): Uint8Array {
  // As CPython ("s"): a lone surrogate or an embedded NUL is a RangeError
  // (UnicodeEncodeError, ValueError), not an OSError.
  const src = cString(ip_string, "inet_aton() argument 1");
  const out = new Uint8Array(4);
  if (libc.inet_aton(src, out) === 0) {
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
export function inet_ntoa(packed_ip: ArrayBufferView | ArrayBuffer): string {
  const b = packed(packed_ip, "inet_ntoa");
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
 * @throws {RangeError} For a family outside C `int`, an embedded NUL or a
 *   lone surrogate (Python's OverflowError, ValueError, UnicodeEncodeError).
 */
export function inet_pton(address_family: number, ip_string: string): Uint8Array {
  // As CPython ("is"): the family as a C int, the string, then libc,
  // whose EAFNOSUPPORT for another family is the OSError.
  const af = cInt(address_family, "inet_pton() address_family");
  const src = cString(ip_string, "inet_pton() argument 2");
  const out = new Uint8Array(16);
  const rc = libc.inet_pton(af, src, out);
  if (rc < 0) throw fromErrno(lastErrno(), "inet_pton");
  if (rc === 0) throw new error("illegal IP address string passed to inet_pton");
  return out.slice(0, af === C.AF_INET6 ? 16 : 4);
}

/**
 * Converts packed bytes of `address_family` to a string (`inet_ntop(3)`).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.inet_ntop(socket.AF_INET, new Uint8Array([127, 0, 0, 1]))); // "127.0.0.1"
 * ```
 * @throws {RangeError} For a wrong length, an unknown family, or a family
 *   outside C `int`.
 */
export function inet_ntop(
  address_family: number,
  packed_ip: ArrayBufferView | ArrayBuffer,
): string {
  const af = cInt(address_family, "inet_ntop() address_family");
  const b = packed(packed_ip, "inet_ntop");
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
