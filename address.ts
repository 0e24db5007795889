/**
 * The one place that knows the byte layout of socket addresses: JS address
 * values ⇄ `struct sockaddr_*`, by family, with every size and offset taken
 * from the generated table of this platform.
 *
 * @module
 */
import { constants as C, struct } from "./constants/mod.ts";
import { error } from "./errors.ts";
import { libc } from "./ffi/library.ts";
import { cstr, fromCBytes, int, intIn, LITTLE_ENDIAN, typeName } from "./_util.ts";
import { resolveFirst } from "./resolver.ts";

/** An AF_INET address: `[host, port]`. */
export type IPv4Address = [host: string, port: number];
/**
 * An AF_INET6 address: `[host, port, flowinfo, scope_id]`. A short
 * `[host, port]` is accepted where an address is given.
 */
export type IPv6Address = [
  host: string,
  port: number,
  flowinfo: number,
  scope_id: number,
];
/** An AF_UNIX address: a path, or a `Uint8Array` (leading NUL: abstract name). */
export type UnixAddress = string | Uint8Array;
/** An AF_NETLINK address: `[pid, groups]`. */
export type NetlinkAddress = [pid: number, groups: number];
/** An AF_VSOCK address: `[cid, port]`. */
export type VsockAddress = [cid: number, port: number];
/** An address of a family this library has no codec for: `[family, bytes]`. */
export type RawAddress = [family: number, data: Uint8Array];

/** Any socket address, as methods return it. */
export type Address =
  | IPv4Address
  | IPv6Address
  | UnixAddress
  | NetlinkAddress
  | VsockAddress
  | RawAddress;

/** What methods accept as an address (IPv6 may be given as a pair). */
export type AddressLike =
  | Address
  | [host: string, port: number]
  | [host: string, port: number, flowinfo: number]
  | readonly unknown[];

const L = LITTLE_ENDIAN;
const SIN = struct("sockaddr_in");
const SIN6 = struct("sockaddr_in6");
const SUN = struct("sockaddr_un");
const SA_FAMILY = struct("sockaddr").fields.sa_family;
const SS_SIZE = struct("sockaddr_storage").size;
const encoder = new TextEncoder();

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

function hostArg(host: unknown, fn: string): string {
  if (typeof host === "string") {
    if (host.includes("\0")) {
      throw new TypeError(`${fn}host name must not contain null character`);
    }
    return host;
  }
  if (host instanceof Uint8Array) return new TextDecoder().decode(host);
  throw new TypeError(
    `${fn}host must be a string or Uint8Array, not ${typeName(host)}`,
  );
}

function portArg(port: unknown, fn: string): number {
  const p = int(port, `${fn}port`);
  if (p < 0 || p > 65535) throw new RangeError(`${fn}port must be 0-65535.`);
  return p;
}

/** The 4 address bytes of an AF_INET host, resolving names as CPython does. */
function ipv4Host(host: string): Uint8Array {
  if (host === "") return new Uint8Array(4); // INADDR_ANY
  if (host === "<broadcast>" || host === "255.255.255.255") {
    return new Uint8Array([255, 255, 255, 255]); // INADDR_BROADCAST
  }
  const numeric = parseNumeric(C.AF_INET, host);
  if (numeric) return numeric;
  const sa = resolveFirst(host, C.AF_INET);
  return sa.slice(SIN.fields.sin_addr.offset, SIN.fields.sin_addr.offset + 4);
}

/** The 16 address bytes and resolved scope of an AF_INET6 host. */
function ipv6Host(host: string): [Uint8Array, number] {
  if (host === "") return [new Uint8Array(16), 0]; // in6addr_any
  if (!host.includes("%")) {
    const numeric = parseNumeric(C.AF_INET6, host);
    if (numeric) return [numeric, 0];
  }
  const sa = resolveFirst(host, C.AF_INET6);
  const a = SIN6.fields.sin6_addr.offset;
  const scope = new DataView(sa.buffer, sa.byteOffset, sa.byteLength)
    .getUint32(SIN6.fields.sin6_scope_id.offset, L);
  return [sa.slice(a, a + 16), scope];
}

function newSockaddr(size: number, family: number): [Uint8Array, DataView] {
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  if (SA_FAMILY.size === 2) view.setUint16(SA_FAMILY.offset, family, L);
  else view.setUint8(SA_FAMILY.offset, family);
  return [buf, view];
}

function tupleArg(
  address: unknown,
  min: number,
  max: number,
  fn: string,
  what: string,
): readonly unknown[] {
  if (!Array.isArray(address)) {
    throw new TypeError(`${fn}${what} address must be an array, not ${typeName(address)}`);
  }
  if (address.length < min || address.length > max) {
    throw new TypeError(
      min === max
        ? `${what} address must be a pair (host, port)`
        : `${what} address must be [host, port, flowinfo?, scope_id?]`,
    );
  }
  return address;
}

/**
 * Packs `address` for `family` into a fresh, zeroed `sockaddr` of exactly the
 * length to pass to the kernel.
 *
 * @param fn The calling method, for error messages (`"connect(): "`).
 */
export function encodeAddress(
  family: number,
  address: unknown,
  fn = "",
): Uint8Array {
  if (family === C.AF_INET) {
    const [host, port] = tupleArg(address, 2, 2, fn, "AF_INET");
    const h = hostArg(host, fn);
    const p = portArg(port, fn);
    const [buf, view] = newSockaddr(SIN.size, family);
    view.setUint16(SIN.fields.sin_port.offset, p, false);
    buf.set(ipv4Host(h), SIN.fields.sin_addr.offset);
    return buf;
  }
  if (family === C.AF_INET6) {
    const a = tupleArg(address, 2, 4, fn, "AF_INET6");
    const h = hostArg(a[0], fn);
    const p = portArg(a[1], fn);
    const flowinfo = a.length > 2 ? int(a[2], `${fn}flowinfo`) : 0;
    if (flowinfo < 0 || flowinfo > 0xfffff) {
      throw new RangeError(`${fn}flowinfo must be 0-1048575.`);
    }
    let scope = a.length > 3 ? intIn(a[3], 0, 0xffffffff, `${fn}scope_id`) : 0;
    const [bytes, resolvedScope] = ipv6Host(h);
    // Deliberately unlike CPython, which overwrites the scope parsed from
    // "fe80::1%lo" with the tuple's scope_id even when that is 0: a parsed
    // scope is kept unless the tuple gives a non-zero one.
    if (scope === 0) scope = resolvedScope;
    const [buf, view] = newSockaddr(SIN6.size, family);
    view.setUint16(SIN6.fields.sin6_port.offset, p, false);
    view.setUint32(SIN6.fields.sin6_flowinfo.offset, flowinfo, false);
    buf.set(bytes, SIN6.fields.sin6_addr.offset);
    view.setUint32(SIN6.fields.sin6_scope_id.offset, scope, L);
    return buf;
  }
  if (family === C.AF_UNIX) {
    let path: Uint8Array;
    if (typeof address === "string") {
      if (address.includes("\0") && address[0] !== "\0") {
        throw new TypeError(`${fn}AF_UNIX path must not contain null character`);
      }
      path = encoder.encode(address);
    } else if (address instanceof Uint8Array) {
      path = address;
    } else if (ArrayBuffer.isView(address)) {
      path = new Uint8Array(address.buffer, address.byteOffset, address.byteLength);
    } else {
      throw new TypeError(
        `${fn}AF_UNIX address must be a string or Uint8Array, not ${typeName(address)}`,
      );
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
    const [buf] = newSockaddr(off + path.length + nul, family);
    buf.set(path, off);
    return buf;
  }
  if (family === C.AF_NETLINK) {
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
  if (family === C.AF_VSOCK) {
    const [cid, port] = tupleArg(address, 2, 2, fn, "AF_VSOCK");
    const vm = struct("sockaddr_vm");
    const [buf, view] = newSockaddr(vm.size, family);
    view.setUint32(vm.fields.svm_cid.offset, intIn(cid, 0, 0xffffffff, "cid"), L);
    view.setUint32(vm.fields.svm_port.offset, intIn(port, 0, 0xffffffff, "port"), L);
    return buf;
  }
  throw new error(`${fn}bad family ${family}: no address codec for it`);
}

/** Reads the family of a `sockaddr` in `buf`. */
export function familyOf(buf: Uint8Array): number {
  return SA_FAMILY.size === 2
    ? buf[SA_FAMILY.offset] | (buf[SA_FAMILY.offset + 1] << 8)
    : buf[SA_FAMILY.offset];
}

/**
 * Unpacks the first `len` bytes of `buf` (as filled in by the kernel) into a
 * JS address. Families without a codec give `[family, bytes]`.
 */
export function decodeAddress(buf: Uint8Array, len: number): Address {
  if (len < SA_FAMILY.offset + SA_FAMILY.size) {
    // Unnamed (e.g. an unbound AF_UNIX socket or socketpair peer).
    return "";
  }
  const family = familyOf(buf);
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
    return fromCBytes(path);
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
  const start = SA_FAMILY.offset + SA_FAMILY.size;
  return [family, buf.slice(start, Math.max(start, len))];
}
