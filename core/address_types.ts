/**
 * The JS forms of socket addresses, by family: what methods take and
 * return. The codec that packs them into `struct sockaddr_*` is
 * `socket/address/mod.ts`, which re-exports these types.
 *
 * @module
 */
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
/**
 * An AF_PACKET address: `[ifname, proto, pkttype, hatype, addr]`, `proto`
 * being the Ethernet protocol number in host order (e.g. `ETH_P_IP`).
 * Where an address is given, `[ifname, proto, pkttype?, hatype?, addr?]`.
 */
export type PacketAddress = [
  ifname: string,
  proto: number,
  pkttype: number,
  hatype: number,
  addr: Uint8Array,
];
/** An AF_ALG address: `[type, name, feat, mask]` (`[type, name]` accepted). */
export type AlgAddress = [type: string, name: string, feat: number, mask: number];
/**
 * An AF_CAN address, whose form depends on the socket's protocol:
 * `[ifname]` for CAN_RAW and CAN_BCM, `[ifname, rx_addr, tx_addr]` for
 * CAN_ISOTP, `[ifname, name, pgn, addr]` for CAN_J1939 (the 64-bit `name` is
 * returned as a `bigint`; a `number` is accepted). `""` means any interface.
 */
export type CanAddress =
  | [ifname: string]
  | [ifname: string, rx_addr: number, tx_addr: number]
  | [ifname: string, name: bigint, pgn: number, addr: number];
/**
 * An AF_TIPC address: `[addr_type, v1, v2, v3, scope]`; by `addr_type`,
 * `TIPC_ADDR_NAMESEQ`: `[type, lower, upper]`, `TIPC_ADDR_NAME`:
 * `[type, instance, (ignored)]`, `TIPC_ADDR_ID`: `[node, ref, (ignored)]`.
 * `scope` defaults to `TIPC_CLUSTER_SCOPE` where an address is given.
 */
export type TipcAddress = [
  addr_type: number,
  v1: number,
  v2: number,
  v3: number,
  scope: number,
];
/** An AF_QIPCRTR address: `[node, port]`. */
export type QipcrtrAddress = [node: number, port: number];
/** An address of a family this library has no codec for: `[family, bytes]`. */
export type RawAddress = [family: number, data: Uint8Array];

/** Any socket address, as methods return it. */
export type Address =
  | IPv4Address
  | IPv6Address
  | UnixAddress
  | NetlinkAddress
  | VsockAddress
  | PacketAddress
  | AlgAddress
  | CanAddress
  | TipcAddress
  | QipcrtrAddress
  | RawAddress;

/** What methods accept as an address (IPv6 may be given as a pair). */
export type AddressLike =
  | Address
  | [host: string, port: number]
  | [host: string, port: number, flowinfo: number]
  | readonly unknown[];
