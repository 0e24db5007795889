/**
 * The one place that knows the byte layout of socket addresses: JS address
 * values ⇄ `struct sockaddr_*`, by family, with every size and offset taken
 * from the generated table of this platform. This file dispatches by family
 * to the codecs: `inet.ts` (AF_INET, AF_INET6), `unix.ts` (AF_UNIX) and
 * `linux.ts` (AF_NETLINK, AF_VSOCK, AF_PACKET, AF_ALG, AF_CAN, AF_TIPC,
 * AF_QIPCRTR), on the sockaddr ground of `_sockaddr.ts`.
 *
 * @module
 */
import { constants as C, type PlatformTable, table } from "../../constants/mod.ts";
import { error } from "../../core/errors.ts";
import type { Address } from "../../core/address_types.ts";
import { familyOf, sockaddrTable } from "./_sockaddr.ts";
import { decodeIPv4, decodeIPv6, encodeInet, encodeInetAsync } from "./inet.ts";
import { decodeUnix, encodeUnix } from "./unix.ts";
import {
  decodeAlg,
  decodeCan,
  decodeNetlink,
  decodePacket,
  decodeQipcrtr,
  decodeTipc,
  decodeVsock,
  encodeAlg,
  encodeCan,
  encodeNetlink,
  encodePacket,
  encodeQipcrtr,
  encodeTipc,
  encodeVsock,
} from "./linux.ts";

export type {
  Address,
  AddressLike,
  AlgAddress,
  CanAddress,
  IPv4Address,
  IPv6Address,
  NetlinkAddress,
  PacketAddress,
  QipcrtrAddress,
  RawAddress,
  TipcAddress,
  UnixAddress,
  VsockAddress,
} from "../../core/address_types.ts";
export { familyOf, SOCKADDR_MAX } from "./_sockaddr.ts";
export { formatIPv4, formatIPv6, parseNumeric, setipaddr, setipaddrAsync } from "./inet.ts";

/**
 * {@linkcode encodeAddress} with any name resolution on a worker thread
 * (`getaddrinfo(3)` is thread-safe): the same checks in the same order, the
 * same bytes. For the async methods (`connectAsync`, `sendtoAsync`, …).
 */
export async function encodeAddressAsync(
  family: number,
  address: unknown,
  fn = "",
  proto = 0,
  options: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  if (family !== C.AF_INET && family !== C.AF_INET6) {
    return encodeAddress(family, address, fn, proto);
  }
  return await encodeInetAsync(family, address, fn, options.signal);
}

/**
 * Packs `address` for `family` into a zeroed `sockaddr` of exactly the
 * length to pass to the kernel. The result is only read (by libc): for a
 * numeric IP address it may be a kept copy shared between calls.
 *
 * @param fn The calling method, for error messages (`"connect(): "`).
 * @param proto The socket's protocol: the AF_CAN address form depends on it.
 */
export function encodeAddress(
  family: number,
  address: unknown,
  fn = "",
  proto = 0,
  t: PlatformTable = table,
): Uint8Array {
  const { C: TC } = sockaddrTable(t); // `t`'s numbers
  if (family === TC.AF_INET || family === TC.AF_INET6) return encodeInet(family, address, fn, t);
  if (family === TC.AF_UNIX) return encodeUnix(family, address, fn, t);
  if (family === TC.AF_NETLINK) return encodeNetlink(family, address, fn);
  if (family === TC.AF_VSOCK) return encodeVsock(family, address, fn);
  if (family === TC.AF_PACKET) return encodePacket(address, fn);
  if (family === TC.AF_ALG) return encodeAlg(address, fn);
  if (family === TC.AF_CAN) return encodeCan(address, fn, proto);
  if (family === TC.AF_TIPC) return encodeTipc(address, fn);
  if (family === TC.AF_QIPCRTR) return encodeQipcrtr(family, address, fn);
  throw new error(`${fn}bad family ${family}: no address codec for it`);
}

/**
 * Unpacks the first `len` bytes of `buf` (as filled in by the kernel) into a
 * JS address. Families without a codec give `[family, bytes]`.
 *
 * @param proto The socket's protocol: the AF_CAN address form depends on it.
 * @param t The table whose layouts `buf` has (default: the running platform's).
 */
export function decodeAddress(
  buf: Uint8Array,
  len: number,
  proto = 0,
  t: PlatformTable = table,
): Address {
  const s = sockaddrTable(t);
  const { C, SA_FAMILY, FIXED } = s; // `t`'s numbers and layouts
  if (len < SA_FAMILY.offset + SA_FAMILY.size) {
    // Unnamed (e.g. an unbound AF_UNIX socket or socketpair peer).
    return "";
  }
  const family = familyOf(buf, t);
  // A datagram server decodes a sender per receive: IPv4 needs no DataView.
  if (family === C.AF_INET && len >= s.SIN.size && buf.length >= s.SIN.size) {
    return decodeIPv4(buf, s);
  }
  // Only the first `len` bytes are the kernel's answer (`buf` may be reused
  // memory): fields past them read as zeros, as from CPython's zeroed
  // sockaddr buffer, never as what an earlier call left there.
  const whole = FIXED.get(family) ?? 0;
  if (len < whole || buf.length < whole) {
    const padded = new Uint8Array(whole);
    padded.set(buf.subarray(0, Math.min(len, whole)));
    buf = padded;
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (family === C.AF_INET) return decodeIPv4(buf, s);
  if (family === C.AF_INET6) return decodeIPv6(buf, view, s);
  if (family === C.AF_UNIX) return decodeUnix(buf, len, s);
  if (family === C.AF_NETLINK) return decodeNetlink(view);
  if (family === C.AF_VSOCK) return decodeVsock(view);
  if (family === C.AF_PACKET) return decodePacket(buf, len, view);
  if (family === C.AF_ALG) return decodeAlg(buf, view);
  if (family === C.AF_CAN) return decodeCan(buf, view, proto, C);
  if (family === C.AF_TIPC) return decodeTipc(buf, view, C);
  if (family === C.AF_QIPCRTR) return decodeQipcrtr(view);
  const start = SA_FAMILY.offset + SA_FAMILY.size;
  return [family, buf.slice(start, Math.max(start, len))];
}
