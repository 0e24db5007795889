/**
 * The Linux address families: AF_NETLINK, AF_VSOCK, AF_PACKET, AF_ALG,
 * AF_CAN, AF_TIPC and AF_QIPCRTR tuples ⇄ their `sockaddr_*`, as CPython's
 * getsockaddrarg/makesockaddr. Each reads its layout from the generated
 * table; where a family is absent there is no constant to ask for it.
 *
 * @module
 */
import { constants as C, type FieldLayout, struct, table } from "../../constants/mod.ts";
import { error, fromErrno, lastErrno } from "../../core/errors.ts";
import { libc } from "../../ffi/library.ts";
import { int, intIn } from "../../core/ints.ts";
import { LITTLE_ENDIAN as L } from "../../core/memory.ts";
import { cString, fromCBytes, fsDecodeC, fsEncode } from "../../core/text.ts";
import { copyBytes, copyUint8 } from "../../core/view.ts";
import { repr, typeName } from "../../core/repr.ts";
import type {
  AlgAddress,
  CanAddress,
  NetlinkAddress,
  PacketAddress,
  QipcrtrAddress,
  TipcAddress,
  VsockAddress,
} from "../../core/address_types.ts";
import { newSockaddr, type SockaddrTable, tupleArg } from "./_sockaddr.ts";

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
export function encodePacket(address: unknown, fn: string): Uint8Array {
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
export function encodeAlg(address: unknown, fn: string): Uint8Array {
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
export function encodeCan(address: unknown, fn: string, proto: number): Uint8Array {
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
export function encodeTipc(address: unknown, fn: string): Uint8Array {
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

/** `[pid, groups]` → sockaddr_nl. */
export function encodeNetlink(family: number, address: unknown, fn: string): Uint8Array {
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

/** `[cid, port]` → sockaddr_vm. */
export function encodeVsock(family: number, address: unknown, fn: string): Uint8Array {
  const [cid, port] = tupleArg(address, 2, 2, fn, "AF_VSOCK");
  const vm = struct("sockaddr_vm");
  const [buf, view] = newSockaddr(vm.size, family);
  view.setUint32(vm.fields.svm_cid.offset, intIn(cid, 0, 0xffffffff, "cid"), L);
  view.setUint32(vm.fields.svm_port.offset, intIn(port, 0, 0xffffffff, "port"), L);
  return buf;
}

/** `[node, port]` → sockaddr_qrtr. */
export function encodeQipcrtr(family: number, address: unknown, fn: string): Uint8Array {
  const [node, port] = tupleArg(address, 2, 2, fn, "AF_QIPCRTR");
  const sq = struct("sockaddr_qrtr");
  const [buf, view] = newSockaddr(sq.size, family);
  view.setUint32(sq.fields.sq_node.offset, intIn(node, 0, 0xffffffff, `${fn}node`), L);
  view.setUint32(sq.fields.sq_port.offset, intIn(port, 0, 0xffffffff, `${fn}port`), L);
  return buf;
}

/** The `[pid, groups]` of a sockaddr_nl. */
export function decodeNetlink(view: DataView): NetlinkAddress {
  const nl = struct("sockaddr_nl");
  return [
    view.getUint32(nl.fields.nl_pid.offset, L),
    view.getUint32(nl.fields.nl_groups.offset, L),
  ];
}

/** The `[cid, port]` of a sockaddr_vm. */
export function decodeVsock(view: DataView): VsockAddress {
  const vm = struct("sockaddr_vm");
  return [
    view.getUint32(vm.fields.svm_cid.offset, L),
    view.getUint32(vm.fields.svm_port.offset, L),
  ];
}

/** The `[ifname, proto, pkttype, hatype, addr]` of a sockaddr_ll (its first `len` bytes). */
export function decodePacket(buf: Uint8Array, len: number, view: DataView): PacketAddress {
  const F = struct("sockaddr_ll").fields;
  const at = F.sll_addr.offset;
  const halen = Math.min(buf[F.sll_halen.offset], buf.length - at);
  const hwaddr = buf.slice(at, at + halen);
  hwaddr.fill(0, Math.max(0, len - at)); // none past `len` (see decodeAddress)
  return [
    interfaceName(view.getUint32(F.sll_ifindex.offset, L)),
    view.getUint16(F.sll_protocol.offset, false),
    buf[F.sll_pkttype.offset],
    view.getUint16(F.sll_hatype.offset, L),
    hwaddr,
  ];
}

/** The `[type, name, feat, mask]` of a sockaddr_alg. */
export function decodeAlg(buf: Uint8Array, view: DataView): AlgAddress {
  const F = struct("sockaddr_alg").fields;
  const str = (f: FieldLayout) => fromCBytes(buf.subarray(f.offset, f.offset + f.size));
  return [
    str(F.salg_type),
    str(F.salg_name),
    view.getUint32(F.salg_feat.offset, L),
    view.getUint32(F.salg_mask.offset, L),
  ];
}

/** The AF_CAN address of a sockaddr_can, in the form of protocol `proto` (numbered as `TC`, the table's constants). */
export function decodeCan(
  buf: Uint8Array,
  view: DataView,
  proto: number,
  TC: SockaddrTable["C"],
): CanAddress {
  const F = struct("sockaddr_can").fields;
  const ifname = interfaceName(view.getUint32(F.can_ifindex.offset, L));
  if (proto === TC.CAN_ISOTP) {
    return [
      ifname,
      view.getUint32(F["can_addr.tp.rx_id"].offset, L),
      view.getUint32(F["can_addr.tp.tx_id"].offset, L),
    ];
  }
  if (proto === TC.CAN_J1939) {
    return [
      ifname,
      view.getBigUint64(F["can_addr.j1939.name"].offset, L),
      view.getUint32(F["can_addr.j1939.pgn"].offset, L),
      buf[F["can_addr.j1939.addr"].offset],
    ];
  }
  return [ifname];
}

/** The `[addr_type, v1, v2, v3, scope]` of a sockaddr_tipc (numbered as `TC`, the table's constants). */
export function decodeTipc(buf: Uint8Array, view: DataView, TC: SockaddrTable["C"]): TipcAddress {
  const F = struct("sockaddr_tipc").fields;
  const atype = buf[F.addrtype.offset];
  const scope = buf[F.scope.offset];
  const u = (f: string) => view.getUint32(F[f].offset, L);
  if (atype === TC.TIPC_ADDR_NAMESEQ) {
    return [
      atype,
      u("addr.nameseq.type"),
      u("addr.nameseq.lower"),
      u("addr.nameseq.upper"),
      scope,
    ];
  }
  if (atype === TC.TIPC_ADDR_NAME) {
    const instance = u("addr.name.name.instance");
    return [atype, u("addr.name.name.type"), instance, instance, scope];
  }
  if (atype === TC.TIPC_ADDR_ID) return [atype, u("addr.id.node"), u("addr.id.ref"), 0, scope];
  throw new RangeError("Invalid address type");
}

/** The `[node, port]` of a sockaddr_qrtr. */
export function decodeQipcrtr(view: DataView): QipcrtrAddress {
  const F = struct("sockaddr_qrtr").fields;
  return [view.getUint32(F.sq_node.offset, L), view.getUint32(F.sq_port.offset, L)];
}
