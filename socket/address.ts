/**
 * The one place that knows the byte layout of socket addresses: JS address
 * values ⇄ `struct sockaddr_*`, by family, with every size and offset taken
 * from the generated table of this platform.
 *
 * @module
 */
import {
  constants as C,
  type FieldLayout,
  type PlatformTable,
  struct,
  type StructLayout,
  table,
} from "../constants/mod.ts";
import { error, fromErrno, lastErrno } from "../core/errors.ts";
import { libc } from "../ffi/library.ts";
import { cstr, fromCBytes, int, intIn, LITTLE_ENDIAN, typeName } from "../core/util.ts";
import { lookup, lookupAsync } from "./_gai.ts";
import { cInt, integer } from "../core/ints.ts";
import { cString, fsDecode, fsDecodeC, fsEncode, withNul } from "../core/text.ts";
import { hostForAddress } from "./_idna.ts";
import { copyBytes, copyUint8 } from "../core/view.ts";
import { repr } from "../core/repr.ts";

import type {
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
} from "../core/address_types.ts";
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
};

const L = LITTLE_ENDIAN;
const SIN = struct("sockaddr_in");
const SIN6 = struct("sockaddr_in6");
const SS_SIZE = struct("sockaddr_storage").size;

/** Size of `struct sockaddr_storage`: large enough for any address. */
export const SOCKADDR_MAX: number = SS_SIZE;

/** Formats 4 bytes as a dotted quad. */
export function formatIPv4(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

const ntopBuf = new Uint8Array(64);
/** Formats 16 bytes as an IPv6 address (`inet_ntop`). */
export function formatIPv6(b: Uint8Array, at = 0): string {
  const src = at === 0 && b.length === 16 ? b : b.slice(at, at + 16);
  if (libc.inet_ntop(C.AF_INET6, src, ntopBuf, ntopBuf.length) === null) {
    throw new Error("inet_ntop(AF_INET6) failed");
  }
  return fromCBytes(ntopBuf);
}

/** Parses a numeric address of `family` (`inet_pton`), or returns null. */
export function parseNumeric(family: number, host: string): Uint8Array | null {
  if (host.includes("\0")) return null;
  const out = new Uint8Array(family === C.AF_INET6 ? 16 : 4);
  return libc.inet_pton(family, cstr(host), out) === 1 ? out : null;
}

const latin1 = new TextDecoder("latin1");

/**
 * CPython's setipaddr: the sockaddr (AF_INET or AF_INET6, as the platform's
 * struct) for host bytes `name` (already encoded, no NUL), in family `af`
 * (AF_INET, AF_INET6 or AF_UNSPEC). `""` is the wildcard, `"<broadcast>"`
 * and `"255.255.255.255"` are INADDR_BROADCAST (an OSError "address family
 * mismatched" for AF_INET6), numeric addresses skip the resolver, and
 * everything else is the first `getaddrinfo(3)` result.
 */
export function setipaddr(name: Uint8Array, af: number): Uint8Array {
  return withoutResolver(name, af) ?? resolved(lookup(withNul(name), null, af)[0].sa);
}

/** `setipaddr` with the resolution, if one is needed, on a worker thread. */
export async function setipaddrAsync(
  name: Uint8Array,
  af: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return withoutResolver(name, af) ??
    resolved((await lookupAsync(withNul(name), null, af, signal))[0].sa);
}

function resolved(sa: Uint8Array): Uint8Array {
  const fam = familyOf(sa);
  if (fam !== C.AF_INET && fam !== C.AF_INET6) throw new error("unknown address family");
  return sa;
}

/** The steps of setipaddr before the resolver; null when it is needed. */
function withoutResolver(name: Uint8Array, af: number): Uint8Array | null {
  if (name.length === 0) {
    if (af === C.AF_INET) return newSockaddr(SIN.size, af)[0]; // INADDR_ANY
    if (af === C.AF_INET6) return newSockaddr(SIN6.size, af)[0]; // in6addr_any
    const res = lookup(null, withNul(new Uint8Array([0x30])), af, C.SOCK_DGRAM, C.AI_PASSIVE);
    const fam = res[0].family;
    if (fam !== C.AF_INET && fam !== C.AF_INET6) throw new error("unsupported address family");
    if (res.length > 1) throw new error("wildcard resolved to multiple address");
    return res[0].sa;
  }
  const text = latin1.decode(name);
  if (text === "255.255.255.255" || text === "<broadcast>") {
    if (af !== C.AF_INET && af !== C.AF_UNSPEC) throw new error("address family mismatched");
    const [buf] = newSockaddr(SIN.size, C.AF_INET);
    buf.fill(255, SIN.fields.sin_addr.offset, SIN.fields.sin_addr.offset + 4);
    return buf;
  }
  const cname = withNul(name);
  if (af === C.AF_UNSPEC || af === C.AF_INET) {
    const out = new Uint8Array(4);
    if (libc.inet_pton(C.AF_INET, cname, out) === 1) {
      const [buf] = newSockaddr(SIN.size, C.AF_INET);
      buf.set(out, SIN.fields.sin_addr.offset);
      return buf;
    }
  }
  // A scope ("fe80::1%lo") needs getaddrinfo to map the interface name.
  if ((af === C.AF_UNSPEC || af === C.AF_INET6) && !name.includes(0x25)) {
    const out = new Uint8Array(16);
    if (libc.inet_pton(C.AF_INET6, cname, out) === 1) {
      const [buf] = newSockaddr(SIN6.size, C.AF_INET6);
      buf.set(out, SIN6.fields.sin6_addr.offset);
      return buf;
    }
  }
  return null;
}

/** An address's port, as CPython's "i": beyond C int it is already a RangeError. */
function portArg(port: unknown, fn: string): number {
  try {
    return cInt(port, `${fn}port`);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new RangeError(`${fn}port must be 0-65535, not ${repr(port)}`);
    }
    throw e;
  }
}

/** The port range, checked (as CPython) only once the host has resolved. */
function portRange(p: number, fn: string): number {
  if (p < 0 || p > 65535) throw new RangeError(`${fn}port must be 0-65535, not ${p}`);
  return p;
}

/**
 * The family numbers and portable sockaddr layouts of a table: the running
 * platform's, unless a caller (a test) selects another explicitly.
 */
interface SockaddrTable {
  readonly C: Readonly<Record<string, number>>;
  readonly SIN: StructLayout;
  readonly SIN6: StructLayout;
  readonly SUN: StructLayout;
  readonly SA_FAMILY: FieldLayout;
  /**
   * By family, the size of the struct whose fields `decodeAddress` reads at
   * fixed offsets (AF_UNIX and codec-less families read only `len` bytes).
   */
  readonly FIXED: ReadonlyMap<number, number>;
}
const FIXED_LAYOUTS = [
  ["AF_INET", "sockaddr_in"],
  ["AF_INET6", "sockaddr_in6"],
  ["AF_NETLINK", "sockaddr_nl"],
  ["AF_VSOCK", "sockaddr_vm"],
  ["AF_PACKET", "sockaddr_ll"],
  ["AF_ALG", "sockaddr_alg"],
  ["AF_CAN", "sockaddr_can"],
  ["AF_TIPC", "sockaddr_tipc"],
  ["AF_QIPCRTR", "sockaddr_qrtr"],
] as const;
const SOCKADDR_TABLES = new WeakMap<PlatformTable, SockaddrTable>();
function sockaddrTable(t: PlatformTable): SockaddrTable {
  let s = SOCKADDR_TABLES.get(t);
  if (!s) {
    s = {
      C: t.constants,
      SIN: struct("sockaddr_in", t),
      SIN6: struct("sockaddr_in6", t),
      SUN: struct("sockaddr_un", t),
      SA_FAMILY: struct("sockaddr", t).fields.sa_family,
      FIXED: new Map(
        FIXED_LAYOUTS.filter(([af, name]) =>
          t.constants[af] !== undefined && Object.hasOwn(t.structs, name)
        ).map(([af, name]) => [t.constants[af], t.structs[name].size]),
      ),
    };
    SOCKADDR_TABLES.set(t, s);
  }
  return s;
}

function newSockaddr(
  size: number,
  family: number,
  t: PlatformTable = table,
): [Uint8Array, DataView] {
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  const fam = sockaddrTable(t).SA_FAMILY;
  if (fam.size === 2) view.setUint16(fam.offset, family, L);
  else view.setUint8(fam.offset, family);
  // BSD/macOS: a length byte (sin_len, sin6_len, sun_len) before an 8-bit
  // family; it holds the length passed to the kernel.
  if (t.sizes.sa_len) view.setUint8(0, size);
  return [buf, view];
}

function tupleArg(
  address: unknown,
  min: number,
  max: number,
  fn: string,
  what: string,
  form?: string,
): readonly unknown[] {
  if (!Array.isArray(address)) {
    throw new TypeError(`${fn}${what} address must be an array, not ${typeName(address)}`);
  }
  if (address.length < min || address.length > max) {
    const want = form !== undefined
      ? form
      : min === max
      ? "a pair [host, port]"
      : "[host, port, flowinfo?, scope_id?]";
    throw new TypeError(`${fn}${what} address must be ${want}, not ${typeName(address)}`);
  }
  return address;
}

const IFNAMSIZ = C.IF_NAMESIZE ?? 16;

/** The index of the interface `name`, as the SIOCGIFINDEX CPython issues. */
function interfaceIndex(name: Uint8Array | string, fn: string): number {
  const index = libc.if_nametoindex(
    typeof name === "string" ? cString(name, `${fn}interface name`) : name,
  );
  if (index === 0) throw fromErrno(lastErrno() || table.errnoNames.ENODEV, "if_nametoindex");
  return index;
}

/** The name of interface `index`, or `""` (none, or no longer there). */
function interfaceName(index: number): string {
  if (index === 0) return "";
  const buf = new Uint8Array(IFNAMSIZ + 1);
  return libc.if_indextoname(index, buf) === null ? "" : fsDecodeC(buf);
}

/** `[ifname, proto, pkttype=0, hatype=0, addr=b""]` → sockaddr_ll. */
function encodePacket(address: unknown, fn: string): Uint8Array {
  const a = tupleArg(
    address,
    2,
    5,
    fn,
    "AF_PACKET",
    "[ifname, proto, pkttype?, hatype?, addr?]",
  );
  if (typeof a[0] !== "string") {
    throw new TypeError(`${fn}AF_PACKET interface name must be a string, not ${typeName(a[0])}`);
  }
  const ifname = a[0];
  const proto = intIn(a[1], 0, 0xffff, `${fn}proto`);
  const pkttype = a.length > 2 ? intIn(a[2], 0, 0xff, `${fn}pkttype`) : 0;
  const hatype = a.length > 3 ? intIn(a[3], 0, 0xffff, `${fn}hatype`) : 0;
  const haddr = a.length > 4 ? copyBytes(a[4]) : new Uint8Array(0);
  if (haddr === null) {
    throw new TypeError(`${fn}AF_PACKET addr must be a bytes-like object, not ${typeName(a[4])}`);
  }
  const ll = struct("sockaddr_ll");
  if (haddr.length > ll.fields.sll_addr.size) {
    throw new RangeError(
      `${fn}Hardware address must be ${ll.fields.sll_addr.size} bytes or less`,
    );
  }
  const index = interfaceIndex(ifname, fn);
  const [buf, view] = newSockaddr(ll.size, C.AF_PACKET);
  view.setUint16(ll.fields.sll_protocol.offset, proto, false); // network order
  view.setInt32(ll.fields.sll_ifindex.offset, index, L);
  view.setUint16(ll.fields.sll_hatype.offset, hatype, L);
  buf[ll.fields.sll_pkttype.offset] = pkttype;
  buf[ll.fields.sll_halen.offset] = haddr.length;
  buf.set(haddr, ll.fields.sll_addr.offset);
  return buf;
}

/** A C string of at most `room - 1` bytes, for a fixed-size `char[room]`. */
function fixedString(v: unknown, room: number, fn: string, what: string): Uint8Array {
  if (typeof v !== "string") {
    throw new TypeError(`${fn}AF_ALG ${what} must be a string, not ${typeName(v)}`);
  }
  const bytes = cString(v, `${fn}AF_ALG ${what}`);
  if (bytes.length > room) throw new RangeError(`${fn}AF_ALG ${what} too long.`);
  return bytes;
}

/** `[type, name, feat=0, mask=0]` → sockaddr_alg. */
function encodeAlg(address: unknown, fn: string): Uint8Array {
  const a = tupleArg(address, 2, 4, fn, "AF_ALG", "[type, name, feat?, mask?]");
  const alg = struct("sockaddr_alg");
  const F = alg.fields;
  const type = fixedString(a[0], F.salg_type.size, fn, "type");
  const name = fixedString(a[1], F.salg_name.size, fn, "name");
  // As CPython ("HH"): feat and mask are parsed as unsigned shorts.
  const feat = a.length > 2 ? intIn(a[2], 0, 0xffff, `${fn}feat`) : 0;
  const mask = a.length > 3 ? intIn(a[3], 0, 0xffff, `${fn}mask`) : 0;
  const [buf, view] = newSockaddr(alg.size, C.AF_ALG);
  buf.set(type, F.salg_type.offset);
  buf.set(name, F.salg_name.offset);
  view.setUint32(F.salg_feat.offset, feat, L);
  view.setUint32(F.salg_mask.offset, mask, L);
  return buf;
}

/** The interface of an AF_CAN address: `""` (any), else its index. */
function canInterface(v: unknown, fn: string): number {
  // As CPython (PyUnicode_FSConverter): the file-system encoding, or bytes.
  const name = typeof v === "string" ? fsEncode(v) : copyUint8(v);
  if (name === null) {
    throw new TypeError(
      `${fn}AF_CAN interface name must be a string or Uint8Array, not ${typeName(v)}`,
    );
  }
  if (name.includes(0)) throw new RangeError(`${fn}AF_CAN interface name: embedded null byte`);
  if (name.length === 0) return 0;
  if (name.length >= IFNAMSIZ) throw new error(`${fn}AF_CAN interface name too long`);
  const z = new Uint8Array(name.length + 1);
  z.set(name);
  return interfaceIndex(z, fn);
}

/** The AF_CAN address forms, by protocol (see {@linkcode CanAddress}). */
function encodeCan(address: unknown, fn: string, proto: number): Uint8Array {
  const can = struct("sockaddr_can");
  const F = can.fields;
  let a: readonly unknown[];
  if (proto === C.CAN_RAW || proto === C.CAN_BCM) {
    a = tupleArg(address, 1, 1, fn, "AF_CAN", "[ifname]");
  } else if (proto === C.CAN_ISOTP) {
    a = tupleArg(address, 3, 3, fn, "AF_CAN", "[ifname, rx_addr, tx_addr] for CAN_ISOTP");
  } else if (proto === C.CAN_J1939) {
    a = tupleArg(address, 4, 4, fn, "AF_CAN", "[ifname, name, pgn, addr] for CAN_J1939");
  } else {
    throw new error(`${fn}unsupported CAN protocol`);
  }
  const [buf, view] = newSockaddr(can.size, C.AF_CAN);
  if (proto === C.CAN_ISOTP) {
    view.setUint32(F["can_addr.tp.rx_id"].offset, intIn(a[1], 0, 0xffffffff, `${fn}rx_addr`), L);
    view.setUint32(F["can_addr.tp.tx_id"].offset, intIn(a[2], 0, 0xffffffff, `${fn}tx_addr`), L);
  } else if (proto === C.CAN_J1939) {
    view.setBigUint64(F["can_addr.j1939.name"].offset, u64(a[1], `${fn}name`), L);
    view.setUint32(F["can_addr.j1939.pgn"].offset, intIn(a[2], 0, 0xffffffff, `${fn}pgn`), L);
    buf[F["can_addr.j1939.addr"].offset] = intIn(a[3], 0, 0xff, `${fn}addr`);
  }
  view.setInt32(F.can_ifindex.offset, canInterface(a[0], fn), L);
  return buf;
}

/** A 64-bit unsigned integer given as a bigint or a safe integer number. */
function u64(v: unknown, what: string): bigint {
  const n = typeof v === "bigint" ? v : BigInt(int(v, what));
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) {
    throw new RangeError(`${what} must be 0-18446744073709551615, got ${repr(n)}`);
  }
  return n;
}

/** `[addr_type, v1, v2, v3, scope=TIPC_CLUSTER_SCOPE]` → sockaddr_tipc. */
function encodeTipc(address: unknown, fn: string): Uint8Array {
  const a = tupleArg(address, 4, 5, fn, "AF_TIPC", "[addr_type, v1, v2, v3, scope?]");
  const t = struct("sockaddr_tipc");
  const F = t.fields;
  const atype = intIn(a[0], 0, 0xffffffff, `${fn}addr_type`);
  const v = [1, 2, 3].map((i) => intIn(a[i], 0, 0xffffffff, `${fn}v${i}`));
  const scope = a.length > 4 ? intIn(a[4], 0, 0xff, `${fn}scope`) : C.TIPC_CLUSTER_SCOPE;
  const fields = atype === C.TIPC_ADDR_NAMESEQ
    ? ["addr.nameseq.type", "addr.nameseq.lower", "addr.nameseq.upper"]
    : atype === C.TIPC_ADDR_NAME
    ? ["addr.name.name.type", "addr.name.name.instance"]
    : atype === C.TIPC_ADDR_ID
    ? ["addr.id.node", "addr.id.ref"]
    : null;
  if (fields === null) throw new TypeError(`${fn}Invalid address type`);
  const [buf, view] = newSockaddr(t.size, C.AF_TIPC);
  buf[F.addrtype.offset] = atype;
  buf[F.scope.offset] = scope;
  fields.forEach((f, i) => view.setUint32(F[f].offset, v[i], L));
  return buf;
}

/** An AF_INET/AF_INET6 address with its fields converted, not yet resolved. */
interface InetAddress {
  family: number;
  host: Uint8Array;
  port: number;
  flowinfo: bigint;
  scopeId: bigint;
}

/**
 * CPython's order: host (type, NUL, codec), port as a C int, flowinfo and
 * scope_id as integers; the resolution and the range checks come after.
 */
function parseInet(family: number, address: unknown, fn: string): InetAddress {
  const v6 = family === C.AF_INET6;
  const a = tupleArg(address, 2, v6 ? 4 : 2, fn, v6 ? "AF_INET6" : "AF_INET");
  return {
    family,
    host: hostForAddress(a[0], fn),
    port: portArg(a[1], fn),
    flowinfo: a.length > 2 ? integer(a[2], `${fn}flowinfo`) : 0n,
    scopeId: a.length > 3 ? integer(a[3], `${fn}scope_id`) : 0n,
  };
}

/** The sockaddr for a parsed address and its resolved host `sa`. */
function packInet(
  x: InetAddress,
  sa: Uint8Array,
  fn: string,
  t: PlatformTable = table,
): Uint8Array {
  // `sa` has this platform's layout; the result has `t`'s.
  const { C: TC, SIN: TSIN, SIN6: TSIN6 } = sockaddrTable(t);
  const p = portRange(x.port, fn);
  if (x.family === C.AF_INET) {
    const [buf, view] = newSockaddr(TSIN.size, TC.AF_INET, t);
    view.setUint16(TSIN.fields.sin_port.offset, p, false);
    const at = SIN.fields.sin_addr.offset;
    buf.set(sa.subarray(at, at + 4), TSIN.fields.sin_addr.offset);
    return buf;
  }
  if (x.flowinfo < 0n || x.flowinfo > 0xfffffn) {
    throw new RangeError(`${fn}flowinfo must be 0-1048575, got ${repr(x.flowinfo)}`);
  }
  // Stricter than CPython 3.11, which masks flowinfo and scope_id to 32
  // bits first (a scope_id of -1 becomes 4294967295, 2**32 + 1 becomes 1).
  if (x.scopeId < 0n || x.scopeId > 0xffffffffn) {
    throw new RangeError(`${fn}scope_id must be 0-4294967295, got ${repr(x.scopeId)}`);
  }
  const sv = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
  const resolvedScope = sv.getUint32(SIN6.fields.sin6_scope_id.offset, L);
  // Deliberately unlike CPython, which overwrites the scope parsed from
  // "fe80::1%lo" with the tuple's scope_id even when that is 0: a parsed
  // scope is kept unless the tuple gives a non-zero one.
  const scope = x.scopeId === 0n ? resolvedScope : Number(x.scopeId);
  const [buf, view] = newSockaddr(TSIN6.size, TC.AF_INET6, t);
  view.setUint16(TSIN6.fields.sin6_port.offset, p, false);
  view.setUint32(TSIN6.fields.sin6_flowinfo.offset, Number(x.flowinfo), false);
  const at = SIN6.fields.sin6_addr.offset;
  buf.set(sa.subarray(at, at + 16), TSIN6.fields.sin6_addr.offset);
  view.setUint32(TSIN6.fields.sin6_scope_id.offset, scope, L);
  return buf;
}

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
  const parsed = parseInet(family, address, fn);
  return packInet(parsed, await setipaddrAsync(parsed.host, family, options.signal), fn);
}

// Numeric IP addresses encode the same way every time, and a datagram server
// sends to the same few peers over and over: their sockaddrs are kept (a
// bounded map). Names are never kept (they resolve anew each time), nor
// scoped IPv6 hosts ("fe80::1%eth0": an interface can come and go).
const NUMERIC_V4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const inetCache = new Map<string, Uint8Array>();
const INET_CACHE_MAX = 256;

function plainInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && !Object.is(v, -0);
}

/**
 * The sockaddr of a numeric AF_INET/AF_INET6 address, from the cache or
 * encoded and kept; `undefined` for any other address. Each element is read
 * once, and what is encoded is a plain copy of what was read, so an address
 * whose getters change their answer can never put a wrong entry in the map.
 */
function cachedInet(family: number, address: unknown): Uint8Array | undefined {
  if (!Array.isArray(address)) return undefined;
  const n = address.length;
  if (n < 2 || n > (family === C.AF_INET ? 2 : 4)) return undefined;
  const host: unknown = address[0];
  const port: unknown = address[1];
  const flowinfo: unknown = n > 2 ? address[2] : 0;
  const scope: unknown = n > 3 ? address[3] : 0;
  if (typeof host !== "string" || !plainInt(port) || !plainInt(flowinfo) || !plainInt(scope)) {
    return undefined;
  }
  const numeric = family === C.AF_INET
    ? NUMERIC_V4.test(host)
    : host.includes(":") && !host.includes("%");
  if (!numeric) return undefined;
  const key = `${family} ${host} ${port} ${flowinfo} ${scope}`;
  let sa = inetCache.get(key);
  if (sa === undefined) {
    const copy = family === C.AF_INET ? [host, port] : [host, port, flowinfo, scope];
    const parsed = parseInet(family, copy, "");
    sa = packInet(parsed, setipaddr(parsed.host, family), "");
    if (inetCache.size >= INET_CACHE_MAX) inetCache.clear();
    inetCache.set(key, sa);
  }
  return sa;
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
  const { C: TC, SUN } = sockaddrTable(t); // `t`'s numbers and layouts
  if (family === TC.AF_INET || family === TC.AF_INET6) {
    // Parsed and resolved on this platform, packed in `t`'s layout.
    const af = family === TC.AF_INET ? C.AF_INET : C.AF_INET6;
    if (t === table) {
      // Errors are raised by the full path below, with this call's `fn`.
      let kept: Uint8Array | undefined;
      try {
        kept = cachedInet(af, address);
      } catch {
        kept = undefined;
      }
      if (kept !== undefined) return kept;
    }
    const parsed = parseInet(af, address, fn);
    return packInet(parsed, setipaddr(parsed.host, af), fn, t);
  }
  if (family === TC.AF_UNIX) {
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
  if (family === TC.AF_NETLINK) {
    const [pid, groups] = tupleArg(address, 2, 2, fn, "AF_NETLINK");
    const nl = struct("sockaddr_nl");
    const [buf, view] = newSockaddr(nl.size, family);
    view.setUint32(nl.fields.nl_pid.offset, intIn(pid, 0, 0xffffffff, "pid"), L);
    view.setUint32(
      nl.fields.nl_groups.offset,
      intIn(groups, 0, 0xffffffff, "groups"),
      L,
    );
    return buf;
  }
  if (family === TC.AF_VSOCK) {
    const [cid, port] = tupleArg(address, 2, 2, fn, "AF_VSOCK");
    const vm = struct("sockaddr_vm");
    const [buf, view] = newSockaddr(vm.size, family);
    view.setUint32(vm.fields.svm_cid.offset, intIn(cid, 0, 0xffffffff, "cid"), L);
    view.setUint32(vm.fields.svm_port.offset, intIn(port, 0, 0xffffffff, "port"), L);
    return buf;
  }
  if (family === TC.AF_PACKET) return encodePacket(address, fn);
  if (family === TC.AF_ALG) return encodeAlg(address, fn);
  if (family === TC.AF_CAN) return encodeCan(address, fn, proto);
  if (family === TC.AF_TIPC) return encodeTipc(address, fn);
  if (family === TC.AF_QIPCRTR) {
    const [node, port] = tupleArg(address, 2, 2, fn, "AF_QIPCRTR");
    const sq = struct("sockaddr_qrtr");
    const [buf, view] = newSockaddr(sq.size, family);
    view.setUint32(sq.fields.sq_node.offset, intIn(node, 0, 0xffffffff, `${fn}node`), L);
    view.setUint32(sq.fields.sq_port.offset, intIn(port, 0, 0xffffffff, `${fn}port`), L);
    return buf;
  }
  throw new error(`${fn}bad family ${family}: no address codec for it`);
}

/** Reads the family of a `sockaddr` in `buf` (laid out as `t` says). */
export function familyOf(buf: Uint8Array, t: PlatformTable = table): number {
  const { SA_FAMILY } = sockaddrTable(t);
  return SA_FAMILY.size === 2
    ? buf[SA_FAMILY.offset] | (buf[SA_FAMILY.offset + 1] << 8)
    : buf[SA_FAMILY.offset];
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
  const { C, SIN, SIN6, SUN, SA_FAMILY, FIXED } = sockaddrTable(t); // `t`'s numbers and layouts
  if (len < SA_FAMILY.offset + SA_FAMILY.size) {
    // Unnamed (e.g. an unbound AF_UNIX socket or socketpair peer).
    return "";
  }
  const family = familyOf(buf, t);
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
  if (family === C.AF_INET) {
    const port = view.getUint16(SIN.fields.sin_port.offset, false);
    return [formatIPv4(buf, SIN.fields.sin_addr.offset), port];
  }
  if (family === C.AF_INET6) {
    return [
      formatIPv6(buf, SIN6.fields.sin6_addr.offset),
      view.getUint16(SIN6.fields.sin6_port.offset, false),
      view.getUint32(SIN6.fields.sin6_flowinfo.offset, false),
      view.getUint32(SIN6.fields.sin6_scope_id.offset, L),
    ];
  }
  if (family === C.AF_UNIX) {
    const off = SUN.fields.sun_path.offset;
    const path = buf.subarray(off, Math.max(off, Math.min(len, buf.length)));
    if (path.length > 0 && path[0] === 0) return path.slice(); // abstract
    // As CPython: the file-system decoding, so a name that is not UTF-8
    // comes back with U+DC80..U+DCFF for its undecodable bytes (and
    // encodes back to the same bytes).
    const end = path.indexOf(0);
    return fsDecode(end < 0 ? path : path.subarray(0, end));
  }
  if (family === C.AF_NETLINK) {
    const nl = struct("sockaddr_nl");
    return [
      view.getUint32(nl.fields.nl_pid.offset, L),
      view.getUint32(nl.fields.nl_groups.offset, L),
    ];
  }
  if (family === C.AF_VSOCK) {
    const vm = struct("sockaddr_vm");
    return [
      view.getUint32(vm.fields.svm_cid.offset, L),
      view.getUint32(vm.fields.svm_port.offset, L),
    ];
  }
  if (family === C.AF_PACKET) {
    const F = struct("sockaddr_ll").fields;
    const at = F.sll_addr.offset;
    const halen = Math.min(buf[F.sll_halen.offset], buf.length - at);
    const hwaddr = buf.slice(at, at + halen);
    hwaddr.fill(0, Math.max(0, len - at)); // none past `len` (see above)
    return [
      interfaceName(view.getUint32(F.sll_ifindex.offset, L)),
      view.getUint16(F.sll_protocol.offset, false),
      buf[F.sll_pkttype.offset],
      view.getUint16(F.sll_hatype.offset, L),
      hwaddr,
    ];
  }
  if (family === C.AF_ALG) {
    const F = struct("sockaddr_alg").fields;
    const str = (f: FieldLayout) => fromCBytes(buf.subarray(f.offset, f.offset + f.size));
    return [
      str(F.salg_type),
      str(F.salg_name),
      view.getUint32(F.salg_feat.offset, L),
      view.getUint32(F.salg_mask.offset, L),
    ];
  }
  if (family === C.AF_CAN) {
    const F = struct("sockaddr_can").fields;
    const ifname = interfaceName(view.getUint32(F.can_ifindex.offset, L));
    if (proto === C.CAN_ISOTP) {
      return [
        ifname,
        view.getUint32(F["can_addr.tp.rx_id"].offset, L),
        view.getUint32(F["can_addr.tp.tx_id"].offset, L),
      ];
    }
    if (proto === C.CAN_J1939) {
      return [
        ifname,
        view.getBigUint64(F["can_addr.j1939.name"].offset, L),
        view.getUint32(F["can_addr.j1939.pgn"].offset, L),
        buf[F["can_addr.j1939.addr"].offset],
      ];
    }
    return [ifname];
  }
  if (family === C.AF_TIPC) {
    const F = struct("sockaddr_tipc").fields;
    const atype = buf[F.addrtype.offset];
    const scope = buf[F.scope.offset];
    const u = (f: string) => view.getUint32(F[f].offset, L);
    if (atype === C.TIPC_ADDR_NAMESEQ) {
      return [
        atype,
        u("addr.nameseq.type"),
        u("addr.nameseq.lower"),
        u("addr.nameseq.upper"),
        scope,
      ];
    }
    if (atype === C.TIPC_ADDR_NAME) {
      const instance = u("addr.name.name.instance");
      return [atype, u("addr.name.name.type"), instance, instance, scope];
    }
    if (atype === C.TIPC_ADDR_ID) return [atype, u("addr.id.node"), u("addr.id.ref"), 0, scope];
    throw new RangeError("Invalid address type");
  }
  if (family === C.AF_QIPCRTR) {
    const F = struct("sockaddr_qrtr").fields;
    return [view.getUint32(F.sq_node.offset, L), view.getUint32(F.sq_port.offset, L)];
  }
  const start = SA_FAMILY.offset + SA_FAMILY.size;
  return [family, buf.slice(start, Math.max(start, len))];
}
