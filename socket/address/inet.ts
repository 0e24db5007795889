/**
 * AF_INET and AF_INET6 addresses: `[host, port]` and
 * `[host, port, flowinfo, scope_id]` ⇄ `sockaddr_in`/`sockaddr_in6`, with
 * CPython's setipaddr (wildcard, broadcast, numeric hosts without the
 * resolver, names through `getaddrinfo(3)`) and the kept sockaddrs of
 * numeric addresses.
 *
 * @module
 */
import { constants as C, type PlatformTable, struct, table } from "../../constants/mod.ts";
import { error } from "../../core/errors.ts";
import { libc } from "../../ffi/library.ts";
import { LITTLE_ENDIAN as L } from "../../core/memory.ts";
import { lookup, lookupAsync } from "../_gai.ts";
import { cInt, integer } from "../../core/ints.ts";
import { cstr, fromCBytes, withNul } from "../../core/text.ts";
import { hostForAddress } from "../_idna.ts";
import { repr } from "../../core/repr.ts";
import type { IPv4Address, IPv6Address } from "../../core/address_types.ts";
import { familyOf, newSockaddr, type SockaddrTable, sockaddrTable, tupleArg } from "./_sockaddr.ts";

const SIN = struct("sockaddr_in");
const SIN6 = struct("sockaddr_in6");

/** Formats 4 bytes as a dotted quad. */
export function formatIPv4(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

const ntopBuf = new Uint8Array(64);
const ntopSrc = new Uint8Array(16);
/** Formats 16 bytes as an IPv6 address (`inet_ntop`). */
export function formatIPv6(b: Uint8Array, at = 0): string {
  // Copied into kept memory: a fresh array per address costs more than the call.
  const bytes = b.subarray(at, at + 16);
  if (bytes.length !== 16) throw new RangeError("an IPv6 address is 16 bytes");
  ntopSrc.set(bytes);
  if (libc.inet_ntop(C.AF_INET6, ntopSrc, ntopBuf, ntopBuf.length) === null) {
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

// Numeric IP addresses encode the same way every time, and a datagram server
// sends to the same few peers over and over: their sockaddrs are kept (a
// bounded map). Names are never kept (they resolve anew each time), nor
// scoped IPv6 hosts ("fe80::1%eth0": an interface can come and go).
const NUMERIC_V4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const inetCache = new Map<string, Uint8Array>();
const INET_CACHE_MAX = 256;
/** The entry the last call found or made, with the parts it was read from. */
let lastInet:
  | { family: number; host: string; port: number; flowinfo: number; scope: number; sa: Uint8Array }
  | undefined;

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
  // The peer of the last call again (a server answering a client): no key, no lookup.
  const l = lastInet;
  if (
    l !== undefined && host === l.host && port === l.port && family === l.family &&
    flowinfo === l.flowinfo && scope === l.scope
  ) {
    return l.sa;
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
  lastInet = { family, host, port, flowinfo, scope, sa };
  return sa;
}

/**
 * Packs an AF_INET/AF_INET6 address (`family` as `t` numbers it; the
 * sockaddr in `t`'s layout). A numeric address for the running platform
 * comes from the kept sockaddrs.
 */
export function encodeInet(
  family: number,
  address: unknown,
  fn: string,
  t: PlatformTable,
): Uint8Array {
  const { C: TC } = sockaddrTable(t); // `t`'s numbers
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

/** {@linkcode encodeInet} for the running platform, resolving on a worker thread. */
export async function encodeInetAsync(
  family: number,
  address: unknown,
  fn: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const parsed = parseInet(family, address, fn);
  return packInet(parsed, await setipaddrAsync(parsed.host, family, signal), fn);
}

/** The `[host, port]` of a `sockaddr_in` (laid out as `s` says; `buf` holds all of it). */
export function decodeIPv4(buf: Uint8Array, s: SockaddrTable): IPv4Address {
  const { SIN } = s;
  const p = SIN.fields.sin_port.offset; // network byte order
  return [hostIPv4(buf, SIN.fields.sin_addr.offset), (buf[p] << 8) | buf[p + 1]];
}

// The dotted quad last formatted, by its 32-bit value: a server hears from
// the same few peers over and over (strings are immutable: sharing is safe).
let lastQuad = -1;
let lastHost = "";

/** {@linkcode formatIPv4}, reusing the last string when the 4 bytes repeat. */
function hostIPv4(b: Uint8Array, at: number): string {
  const quad = ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  if (quad !== lastQuad) {
    lastHost = formatIPv4(b, at);
    lastQuad = quad;
  }
  return lastHost;
}

/** The `[host, port, flowinfo, scope_id]` of a `sockaddr_in6` (laid out as `s` says). */
export function decodeIPv6(buf: Uint8Array, view: DataView, s: SockaddrTable): IPv6Address {
  const { SIN6 } = s;
  return [
    formatIPv6(buf, SIN6.fields.sin6_addr.offset),
    view.getUint16(SIN6.fields.sin6_port.offset, false),
    view.getUint32(SIN6.fields.sin6_flowinfo.offset, false),
    view.getUint32(SIN6.fields.sin6_scope_id.offset, L),
  ];
}
