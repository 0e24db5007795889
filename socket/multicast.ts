/**
 * Multicast membership and sending options, typed: packers for the request
 * structs (`ip_mreq`, `ip_mreqn`, `ip_mreq_source`, `ipv6_mreq`,
 * `group_req`, `group_source_req`), built from the generated layouts, and
 * helpers that join, leave (any-source or source-specific), and set the TTL
 * (hop limit), loopback and outgoing interface of IPv4 and IPv6 sockets.
 *
 * Raw `setsockopt` bytes keep working, as in Python: the packers only save
 * packing the structs by hand.
 *
 * An interface is named by its index (`number`) or its name (`"eth0"`,
 * resolved with `if_nametoindex(3)`); for IPv4, a dotted-quad string is an
 * interface's local address instead.
 *
 * @module
 */
import { constants as C, struct, structWhereAvailable } from "../constants/mod.ts";
import { encodeAddress } from "./address/mod.ts";
import { inet_pton } from "./inet.ts";
import { if_nametoindex } from "./interfaces.ts";
import { intIn } from "../core/ints.ts";
import { LITTLE_ENDIAN as L } from "../core/memory.ts";
import { typeName } from "../core/repr.ts";
import type { Socket } from "./socket.ts";

/** An interface: its index, its name, or (IPv4 only) its local address. */
export type MulticastInterface = number | string;

const MREQ = struct("ip_mreq");
const MREQN = structWhereAvailable("ip_mreqn");
const MREQ6 = struct("ipv6_mreq");
// ip_mreq_source, group_req and group_source_req are looked up when used:
// a platform's table may lack them.

function v4(host: string, what: string): Uint8Array {
  if (typeof host !== "string") throw new TypeError(`${what} must be str, not ${typeName(host)}`);
  return inet_pton(C.AF_INET, host);
}

function v6(host: string, what: string): Uint8Array {
  if (typeof host !== "string") throw new TypeError(`${what} must be str, not ${typeName(host)}`);
  return inet_pton(C.AF_INET6, host);
}

function isDottedQuad(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s);
}

/** The index of `iface`: a number as it is, a name through if_nametoindex. */
function ifindex(iface: MulticastInterface | undefined): number {
  if (iface === undefined) return 0;
  if (typeof iface === "number") return intIn(iface, 0, 0xffffffff, "interface index");
  if (typeof iface === "string") return if_nametoindex(iface);
  throw new TypeError(`interface must be an index or a name, not ${typeName(iface)}`);
}

function familyOf(sock: Socket): number {
  const f = sock.family;
  if (f !== C.AF_INET && f !== C.AF_INET6) {
    throw new RangeError(`multicast needs an AF_INET or AF_INET6 socket, not family ${f}`);
  }
  return f;
}

/** A `sockaddr_in`/`sockaddr_in6` of `host` (port 0), zero-padded to `sockaddr_storage`. */
function storage(family: number, host: string, what: string): Uint8Array {
  // Numeric only (inet_pton throws for anything else): never a DNS lookup.
  if (family === C.AF_INET6) v6(host, what);
  else v4(host, what);
  const sa = encodeAddress(family, family === C.AF_INET6 ? [host, 0, 0, 0] : [host, 0]);
  const out = new Uint8Array(struct("sockaddr_storage").size);
  out.set(sa);
  return out;
}

/**
 * Packs a `struct ip_mreq` (for `IP_ADD_MEMBERSHIP`/`IP_DROP_MEMBERSHIP`).
 *
 * @example
 * ```ts
 * import { packIpMreq } from "@libc/socket";
 * console.log(packIpMreq("239.1.2.3")); // Uint8Array(8) [239, 1, 2, 3, 0, 0, 0, 0]
 * ```
 * @param group The multicast group, dotted quad.
 * @param iface The local address of the interface (default `0.0.0.0`: the kernel picks).
 * @throws {error} For an address that is not a dotted quad.
 */
export function packIpMreq(group: string, iface = "0.0.0.0"): Uint8Array {
  const buf = new Uint8Array(MREQ.size);
  buf.set(v4(group, "group"), MREQ.fields.imr_multiaddr.offset);
  buf.set(v4(iface, "iface"), MREQ.fields.imr_interface.offset);
  return buf;
}

/**
 * Packs a `struct ip_mreqn` (for `IP_ADD_MEMBERSHIP` or `IP_MULTICAST_IF`),
 * which names the interface by index.
 *
 * @example
 * ```ts
 * import { packIpMreqn } from "@libc/socket";
 * console.log(packIpMreqn("239.1.2.3", "0.0.0.0", 1).length); // 12
 * ```
 * @param group The multicast group (`0.0.0.0` for `IP_MULTICAST_IF`).
 * @param address A local address of the interface (default `0.0.0.0`).
 * @param iface The interface, by index or name (default 0: any).
 */
export function packIpMreqn(
  group: string,
  address = "0.0.0.0",
  iface?: MulticastInterface,
): Uint8Array {
  const buf = new Uint8Array(MREQN.size);
  buf.set(v4(group, "group"), MREQN.fields.imr_multiaddr.offset);
  buf.set(v4(address, "address"), MREQN.fields.imr_address.offset);
  new DataView(buf.buffer).setInt32(MREQN.fields.imr_ifindex.offset, ifindex(iface) | 0, L);
  return buf;
}

/**
 * Packs a `struct ip_mreq_source` (for `IP_ADD_SOURCE_MEMBERSHIP`,
 * `IP_DROP_SOURCE_MEMBERSHIP`, `IP_BLOCK_SOURCE`, `IP_UNBLOCK_SOURCE`).
 * The arguments follow the C field order.
 *
 * @example
 * ```ts
 * import { packIpMreqSource } from "@libc/socket";
 * console.log(packIpMreqSource("232.1.1.1", "0.0.0.0", "10.0.0.1").length); // 12
 * ```
 */
export function packIpMreqSource(group: string, iface: string, source: string): Uint8Array {
  const MREQ_SOURCE = struct("ip_mreq_source");
  const buf = new Uint8Array(MREQ_SOURCE.size);
  buf.set(v4(group, "group"), MREQ_SOURCE.fields.imr_multiaddr.offset);
  buf.set(v4(iface, "iface"), MREQ_SOURCE.fields.imr_interface.offset);
  buf.set(v4(source, "source"), MREQ_SOURCE.fields.imr_sourceaddr.offset);
  return buf;
}

/**
 * Packs a `struct ipv6_mreq` (for `IPV6_JOIN_GROUP`/`IPV6_LEAVE_GROUP`).
 *
 * @example
 * ```ts
 * import { packIpv6Mreq } from "@libc/socket";
 * console.log(packIpv6Mreq("ff02::1", 1).length); // 20
 * ```
 * @param group The IPv6 multicast group.
 * @param iface The interface, by index or name (default 0: the kernel picks).
 */
export function packIpv6Mreq(group: string, iface?: MulticastInterface): Uint8Array {
  const buf = new Uint8Array(MREQ6.size);
  buf.set(v6(group, "group"), MREQ6.fields.ipv6mr_multiaddr.offset);
  new DataView(buf.buffer).setUint32(MREQ6.fields.ipv6mr_interface.offset, ifindex(iface), L);
  return buf;
}

/**
 * Packs a `struct group_req` (RFC 3678, for `MCAST_JOIN_GROUP`/`MCAST_LEAVE_GROUP`,
 * at level `IPPROTO_IP` or `IPPROTO_IPV6`).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.packGroupReq(socket.AF_INET6, 1, "ff02::1").length); // 136
 * ```
 * @param family `AF_INET` or `AF_INET6`: the family of the group's sockaddr.
 * @param iface The interface, by index or name (0: the kernel picks).
 * @param group The multicast group.
 */
export function packGroupReq(family: number, iface: MulticastInterface, group: string): Uint8Array {
  const GROUP_REQ = struct("group_req");
  const buf = new Uint8Array(GROUP_REQ.size);
  new DataView(buf.buffer).setUint32(GROUP_REQ.fields.gr_interface.offset, ifindex(iface), L);
  buf.set(storage(family, group, "group"), GROUP_REQ.fields.gr_group.offset);
  return buf;
}

/**
 * Packs a `struct group_source_req` (RFC 3678, for `MCAST_JOIN_SOURCE_GROUP`,
 * `MCAST_LEAVE_SOURCE_GROUP`, `MCAST_BLOCK_SOURCE`, `MCAST_UNBLOCK_SOURCE`).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.packGroupSourceReq(socket.AF_INET, 0, "232.1.1.1", "10.0.0.1").length); // 264
 * ```
 */
export function packGroupSourceReq(
  family: number,
  iface: MulticastInterface,
  group: string,
  source: string,
): Uint8Array {
  const GROUP_SOURCE_REQ = struct("group_source_req");
  const buf = new Uint8Array(GROUP_SOURCE_REQ.size);
  const f = GROUP_SOURCE_REQ.fields;
  new DataView(buf.buffer).setUint32(f.gsr_interface.offset, ifindex(iface), L);
  buf.set(storage(family, group, "group"), f.gsr_group.offset);
  buf.set(storage(family, source, "source"), f.gsr_source.offset);
  return buf;
}

/** The membership request for an any-source join or leave. */
function membership(sock: Socket, group: string, iface: MulticastInterface | undefined) {
  if (familyOf(sock) === C.AF_INET6) {
    return { level: C.IPPROTO_IPV6, v6: true, req: packIpv6Mreq(group, iface) };
  }
  const req = typeof iface === "string" && isDottedQuad(iface)
    ? packIpMreq(group, iface)
    : packIpMreqn(group, "0.0.0.0", iface);
  return { level: C.IPPROTO_IP, v6: false, req };
}

/**
 * Joins multicast `group` on a UDP (or raw) socket. Corresponds to
 * `setsockopt(2)` with `IP_ADD_MEMBERSHIP` (`ip_mreqn`, or `ip_mreq` when
 * `iface` is an address) or `IPV6_JOIN_GROUP` (`ipv6_mreq`), by the
 * socket's family.
 *
 * @example Join and leave (not run by `deno test --doc`: joining sends a
 * membership report, and the tests send multicast only inside a network
 * namespace, tests/multicast_test.ts)
 * ```ts ignore
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * socket.joinGroup(s, "239.255.0.1", "eth0");
 * socket.leaveGroup(s, "239.255.0.1", "eth0");
 * ```
 * @param iface Interface index, name, or (IPv4) local address; default: the kernel picks.
 * @throws {error} From the kernel, e.g. EINVAL for a group that is not multicast.
 */
export function joinGroup(sock: Socket, group: string, iface?: MulticastInterface): void {
  const m = membership(sock, group, iface);
  sock.setsockopt(m.level, m.v6 ? C.IPV6_JOIN_GROUP : C.IP_ADD_MEMBERSHIP, m.req);
}

/**
 * Leaves multicast `group`. Corresponds to `setsockopt(2)` with
 * `IP_DROP_MEMBERSHIP` or `IPV6_LEAVE_GROUP`.
 *
 * @example IPv6, by interface name (not run by `deno test --doc`: see joinGroup)
 * ```ts ignore
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
 * socket.joinGroup(s, "ff02::1:3", "eth0");
 * socket.leaveGroup(s, "ff02::1:3", "eth0");
 * ```
 * @throws {error} EADDRNOTAVAIL when the socket is not a member.
 */
export function leaveGroup(sock: Socket, group: string, iface?: MulticastInterface): void {
  const m = membership(sock, group, iface);
  sock.setsockopt(m.level, m.v6 ? C.IPV6_LEAVE_GROUP : C.IP_DROP_MEMBERSHIP, m.req);
}

function sourceRequest(
  sock: Socket,
  join: boolean,
  group: string,
  source: string,
  iface: MulticastInterface | undefined,
): void {
  const family = familyOf(sock);
  if (
    family === C.AF_INET &&
    (iface === undefined || typeof iface === "string" && isDottedQuad(iface))
  ) {
    const req = packIpMreqSource(group, iface ?? "0.0.0.0", source);
    sock.setsockopt(
      C.IPPROTO_IP,
      join ? C.IP_ADD_SOURCE_MEMBERSHIP : C.IP_DROP_SOURCE_MEMBERSHIP,
      req,
    );
    return;
  }
  const req = packGroupSourceReq(family, iface ?? 0, group, source);
  sock.setsockopt(
    family === C.AF_INET6 ? C.IPPROTO_IPV6 : C.IPPROTO_IP,
    join ? C.MCAST_JOIN_SOURCE_GROUP : C.MCAST_LEAVE_SOURCE_GROUP,
    req,
  );
}

/**
 * Joins `group`, receiving only what `source` sends to it (source-specific
 * multicast). Corresponds to `setsockopt(2)` with `IP_ADD_SOURCE_MEMBERSHIP`
 * (`ip_mreq_source`) for IPv4 with no interface or an interface address, and
 * `MCAST_JOIN_SOURCE_GROUP` (`group_source_req`) otherwise.
 *
 * @example Receive only 10.0.0.1's datagrams to 232.1.1.1 (not run by
 * `deno test --doc`: see joinGroup)
 * ```ts ignore
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * socket.joinSourceGroup(s, "232.1.1.1", "10.0.0.1", "eth0");
 * socket.leaveSourceGroup(s, "232.1.1.1", "10.0.0.1", "eth0");
 * ```
 */
export function joinSourceGroup(
  sock: Socket,
  group: string,
  source: string,
  iface?: MulticastInterface,
): void {
  sourceRequest(sock, true, group, source, iface);
}

/**
 * Leaves a source-specific membership. Corresponds to `setsockopt(2)` with
 * `IP_DROP_SOURCE_MEMBERSHIP` or `MCAST_LEAVE_SOURCE_GROUP`.
 *
 * @example IPv6 (not run by `deno test --doc`: see joinGroup)
 * ```ts ignore
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
 * socket.joinSourceGroup(s, "ff3e::1234", "fd00::1", "eth0");
 * socket.leaveSourceGroup(s, "ff3e::1234", "fd00::1", "eth0");
 * ```
 */
export function leaveSourceGroup(
  sock: Socket,
  group: string,
  source: string,
  iface?: MulticastInterface,
): void {
  sourceRequest(sock, false, group, source, iface);
}

/**
 * Sets the TTL (IPv4) or hop limit (IPv6) of outgoing multicast datagrams.
 * Corresponds to `setsockopt(2)` with `IP_MULTICAST_TTL` or
 * `IPV6_MULTICAST_HOPS`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * socket.setMulticastTtl(s, 4);
 * console.log(socket.getMulticastTtl(s)); // 4
 * ```
 * @throws {RangeError} Outside 0..255.
 */
export function setMulticastTtl(sock: Socket, ttl: number): void {
  const v = intIn(ttl, 0, 255, "ttl");
  if (familyOf(sock) === C.AF_INET6) sock.setsockopt(C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, v);
  else sock.setsockopt(C.IPPROTO_IP, C.IP_MULTICAST_TTL, v);
}

/**
 * Reads the multicast TTL or hop limit. Corresponds to `getsockopt(2)` with
 * `IP_MULTICAST_TTL` or `IPV6_MULTICAST_HOPS`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
 * console.log(socket.getMulticastTtl(s)); // 1
 * ```
 */
export function getMulticastTtl(sock: Socket): number {
  return familyOf(sock) === C.AF_INET6
    ? sock.getsockopt(C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS)
    : sock.getsockopt(C.IPPROTO_IP, C.IP_MULTICAST_TTL);
}

/**
 * Chooses whether this host's own members receive what the socket sends.
 * Corresponds to `setsockopt(2)` with `IP_MULTICAST_LOOP` or
 * `IPV6_MULTICAST_LOOP`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * socket.setMulticastLoop(s, false);
 * console.log(socket.getMulticastLoop(s)); // false
 * ```
 */
export function setMulticastLoop(sock: Socket, loop: boolean): void {
  if (typeof loop !== "boolean") {
    throw new TypeError(`loop must be a boolean, not ${typeName(loop)}`);
  }
  if (familyOf(sock) === C.AF_INET6) sock.setsockopt(C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP, loop);
  else sock.setsockopt(C.IPPROTO_IP, C.IP_MULTICAST_LOOP, loop);
}

/**
 * Reads the multicast loopback option. Corresponds to `getsockopt(2)` with
 * `IP_MULTICAST_LOOP` or `IPV6_MULTICAST_LOOP`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * console.log(socket.getMulticastLoop(s)); // true
 * ```
 */
export function getMulticastLoop(sock: Socket): boolean {
  return (familyOf(sock) === C.AF_INET6
    ? sock.getsockopt(C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP)
    : sock.getsockopt(C.IPPROTO_IP, C.IP_MULTICAST_LOOP)) !== 0;
}

/**
 * Chooses the interface outgoing multicast datagrams leave by.
 * Corresponds to `setsockopt(2)` with `IP_MULTICAST_IF` (an `ip_mreqn` by
 * index, or the interface's address) or `IPV6_MULTICAST_IF` (an index).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * socket.setMulticastInterface(s, "lo");
 * socket.setMulticastInterface(s, "127.0.0.1");
 * ```
 * @param iface Interface index or name, or (IPv4) its local address; 0 resets.
 */
export function setMulticastInterface(sock: Socket, iface: MulticastInterface): void {
  if (familyOf(sock) === C.AF_INET6) {
    sock.setsockopt(C.IPPROTO_IPV6, C.IPV6_MULTICAST_IF, ifindex(iface) | 0);
  } else if (typeof iface === "string" && isDottedQuad(iface)) {
    sock.setsockopt(C.IPPROTO_IP, C.IP_MULTICAST_IF, v4(iface, "iface"));
  } else {
    sock.setsockopt(C.IPPROTO_IP, C.IP_MULTICAST_IF, packIpMreqn("0.0.0.0", "0.0.0.0", iface));
  }
}
