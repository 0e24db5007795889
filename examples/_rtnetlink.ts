/**
 * A small rtnetlink decoder for examples/netlink_routes.ts: netlink
 * messages (`struct nlmsghdr`), their route attributes (`struct rtattr`),
 * and the link, address and route messages (`ifinfomsg`, `ifaddrmsg`,
 * `rtmsg`) of `RTM_GETLINK`/`RTM_GETADDR`/`RTM_GETROUTE` dumps, read with
 * the generated layouts (rtnetlink(7), netlink(7)).
 *
 * @module
 */
import * as socket from "../mod.ts";
import { constants as K, struct } from "../constants/mod.ts";

const NLMSGHDR = struct("nlmsghdr");
const RTATTR = struct("rtattr");
const IFINFOMSG = struct("ifinfomsg");
const IFADDRMSG = struct("ifaddrmsg");
const RTMSG = struct("rtmsg");
const NLMSGERR = struct("nlmsgerr");
const H = NLMSGHDR.fields;
const A = RTATTR.fields;
/** Netlink is in host byte order. */
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `NLMSG_ALIGN`/`RTA_ALIGN`: round up to the 4-byte alignment of netlink. */
export function align(n: number, to: number = K.NLMSG_ALIGNTO): number {
  return (n + to - 1) & ~(to - 1);
}

/** One netlink message: its header fields and payload. */
export interface NlMsg {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Uint8Array;
}

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Splits a datagram into netlink messages (`NLMSG_OK`/`NLMSG_NEXT`): stops at
 * a length that is too short for a header or runs past the buffer.
 */
export function messages(buf: Uint8Array): NlMsg[] {
  const out: NlMsg[] = [];
  let at = 0;
  while (at + NLMSGHDR.size <= buf.length) {
    const v = dv(buf.subarray(at));
    const len = v.getUint32(H.nlmsg_len.offset, LE);
    if (len < NLMSGHDR.size || at + len > buf.length) break;
    out.push({
      type: v.getUint16(H.nlmsg_type.offset, LE),
      flags: v.getUint16(H.nlmsg_flags.offset, LE),
      seq: v.getUint32(H.nlmsg_seq.offset, LE),
      pid: v.getUint32(H.nlmsg_pid.offset, LE),
      payload: buf.subarray(at + align(NLMSGHDR.size), at + len),
    });
    at += align(len);
  }
  return out;
}

/**
 * Route attributes (`RTA_OK`/`RTA_NEXT`) after a fixed header of `skip`
 * bytes: type → value. A later attribute of the same type wins.
 */
export function attributes(payload: Uint8Array, skip: number): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let at = align(skip, K.RTA_ALIGNTO);
  while (at + RTATTR.size <= payload.length) {
    const v = dv(payload.subarray(at));
    const len = v.getUint16(A.rta_len.offset, LE);
    if (len < RTATTR.size || at + len > payload.length) break;
    out.set(
      v.getUint16(A.rta_type.offset, LE),
      payload.subarray(at + align(RTATTR.size, K.RTA_ALIGNTO), at + len),
    );
    at += align(len, K.RTA_ALIGNTO);
  }
  return out;
}

/** A request: `nlmsghdr` then a zeroed family header whose first byte is the family. */
export function request(
  type: number,
  flags: number,
  seq: number,
  header: number,
  family = 0,
): Uint8Array {
  const len = align(NLMSGHDR.size) + header;
  const buf = new Uint8Array(align(len));
  const v = dv(buf);
  v.setUint32(H.nlmsg_len.offset, len, LE);
  v.setUint16(H.nlmsg_type.offset, type, LE);
  v.setUint16(H.nlmsg_flags.offset, flags, LE);
  v.setUint32(H.nlmsg_seq.offset, seq, LE);
  buf[align(NLMSGHDR.size)] = family; // ifi_family / ifa_family / rtm_family at offset 0
  return buf;
}

const cstr = (b: Uint8Array | undefined) => {
  if (!b) return undefined;
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? b : b.subarray(0, nul));
};
const u32 = (b: Uint8Array | undefined) => b && b.length >= 4 ? dv(b).getUint32(0, LE) : undefined;
const mac = (b: Uint8Array | undefined) =>
  b ? [...b].map((x) => x.toString(16).padStart(2, "0")).join(":") : undefined;
function ip(family: number, b: Uint8Array | undefined): string | undefined {
  if (!b) return undefined;
  if (family === socket.AF_INET && b.length === 4) return socket.inet_ntop(family, b);
  if (family === socket.AF_INET6 && b.length === 16) return socket.inet_ntop(family, b);
  return undefined;
}

/** A link, from `RTM_NEWLINK`. */
export interface Link {
  index: number;
  name: string;
  flags: number;
  mtu?: number;
  address?: string;
}

/** Decodes an `ifinfomsg` and its `IFLA_*` attributes. */
export function decodeLink(payload: Uint8Array): Link {
  const v = dv(payload);
  const a = attributes(payload, IFINFOMSG.size);
  return {
    index: v.getInt32(IFINFOMSG.fields.ifi_index.offset, LE),
    flags: v.getUint32(IFINFOMSG.fields.ifi_flags.offset, LE),
    name: cstr(a.get(K.IFLA_IFNAME)) ?? "?",
    mtu: u32(a.get(K.IFLA_MTU)),
    address: mac(a.get(K.IFLA_ADDRESS)),
  };
}

/** An address, from `RTM_NEWADDR`. */
export interface Addr {
  family: number;
  prefixlen: number;
  index: number;
  scope: number;
  /** `IFA_LOCAL` where present (the interface's own address), else `IFA_ADDRESS`. */
  address?: string;
  /** `IFA_ADDRESS`: the peer on point-to-point links, else the same address. */
  peer?: string;
  label?: string;
}

/** Decodes an `ifaddrmsg` and its `IFA_*` attributes. */
export function decodeAddr(payload: Uint8Array): Addr {
  const f = IFADDRMSG.fields;
  const v = dv(payload);
  const family = v.getUint8(f.ifa_family.offset);
  const a = attributes(payload, IFADDRMSG.size);
  return {
    family,
    prefixlen: v.getUint8(f.ifa_prefixlen.offset),
    scope: v.getUint8(f.ifa_scope.offset),
    index: v.getUint32(f.ifa_index.offset, LE),
    address: ip(family, a.get(K.IFA_LOCAL)) ?? ip(family, a.get(K.IFA_ADDRESS)),
    peer: ip(family, a.get(K.IFA_ADDRESS)),
    label: cstr(a.get(K.IFA_LABEL)),
  };
}

/** A route, from `RTM_NEWROUTE`. */
export interface Route {
  family: number;
  dst_len: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  dst?: string;
  gateway?: string;
  oif?: number;
  prefsrc?: string;
  priority?: number;
}

/** Decodes an `rtmsg` and its `RTA_*` attributes. */
export function decodeRoute(payload: Uint8Array): Route {
  const f = RTMSG.fields;
  const v = dv(payload);
  const family = v.getUint8(f.rtm_family.offset);
  const a = attributes(payload, RTMSG.size);
  return {
    family,
    dst_len: v.getUint8(f.rtm_dst_len.offset),
    // RTA_TABLE carries table ids above 255; rtm_table is the low byte.
    table: u32(a.get(K.RTA_TABLE)) ?? v.getUint8(f.rtm_table.offset),
    protocol: v.getUint8(f.rtm_protocol.offset),
    scope: v.getUint8(f.rtm_scope.offset),
    type: v.getUint8(f.rtm_type.offset),
    dst: ip(family, a.get(K.RTA_DST)),
    gateway: ip(family, a.get(K.RTA_GATEWAY)),
    oif: u32(a.get(K.RTA_OIF)),
    prefsrc: ip(family, a.get(K.RTA_PREFSRC)),
    priority: u32(a.get(K.RTA_PRIORITY)),
  };
}

/** The errno of an `NLMSG_ERROR` payload (`struct nlmsgerr`): 0 is an acknowledgement. */
export function errorOf(payload: Uint8Array): number {
  return -dv(payload).getInt32(NLMSGERR.fields.error.offset, LE);
}

/** The size of the family header a dump request of `type` carries. */
const HEADER: Record<number, number> = {
  [K.RTM_GETLINK]: IFINFOMSG.size,
  [K.RTM_GETADDR]: IFADDRMSG.size,
  [K.RTM_GETROUTE]: RTMSG.size,
};

let nextSeq = 1;

/**
 * Sends a dump request (`NLM_F_REQUEST | NLM_F_DUMP`) on a `NETLINK_ROUTE`
 * socket and collects the payloads of its answers until `NLMSG_DONE`.
 *
 * @throws {socket.error} With the errno of an `NLMSG_ERROR` answer.
 */
export function dump(
  sock: socket.Socket,
  type: number,
  family = socket.AF_UNSPEC,
  flags: number = K.NLM_F_REQUEST | K.NLM_F_DUMP,
): Uint8Array[] {
  const seq = nextSeq++;
  sock.sendto(request(type, flags, seq, HEADER[type], family), [0, 0]);
  const out: Uint8Array[] = [];
  for (;;) {
    const data = sock.recv(65536);
    for (const m of messages(data)) {
      if (m.seq !== seq) continue;
      if (m.type === K.NLMSG_DONE) return out;
      if (m.type === K.NLMSG_ERROR) {
        const e = errorOf(m.payload);
        if (e === 0) return out;
        throw new socket.error(e);
      }
      if (m.type !== K.NLMSG_NOOP) out.push(m.payload);
    }
  }
}
