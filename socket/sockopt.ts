/**
 * Typed socket-option and ancillary-data structs, packed and unpacked from
 * the generated layouts: `struct linger` (`SO_LINGER`), `struct timeval`
 * (`SO_RCVTIMEO`/`SO_SNDTIMEO`), `struct tcp_info` (`TCP_INFO`, decoded to
 * named fields) and `struct in_pktinfo`/`struct in6_pktinfo` (`IP_PKTINFO`,
 * `IPV6_PKTINFO` ancillary data). `struct ucred` has `packUcred`/`unpackUcred`.
 *
 * The raw `setsockopt`/`getsockopt` bytes keep working, as in Python; these
 * only save the `struct.pack` format strings.
 *
 * @module
 */
import { constants as C, struct, type StructLayout, table } from "../constants/mod.ts";
import { formatIPv4, formatIPv6 } from "./address/mod.ts";
import { inet_pton } from "./inet.ts";
import { toBytes } from "../core/bytes.ts";
import { cint, intIn } from "../core/ints.ts";
import { LITTLE_ENDIAN as L } from "../core/memory.ts";
import { typeName } from "../core/repr.ts";
import type { Socket } from "./socket.ts";

const LINGER = struct("linger");
const TIMEVAL = struct("timeval");
const PKTINFO = struct("in_pktinfo");
const PKTINFO6 = struct("in6_pktinfo");

function view(data: Uint8Array, layout: StructLayout, what: string): DataView {
  const b = toBytes(data, "data");
  if (b.byteLength < layout.size) {
    throw new RangeError(`struct ${what} needs ${layout.size} bytes, got ${b.byteLength}`);
  }
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function setInt(v: DataView, offset: number, size: number, n: number): void {
  if (size === 8) v.setBigInt64(offset, BigInt(n), L);
  else v.setInt32(offset, n, L);
}

function getInt(v: DataView, offset: number, size: number): number {
  return size === 8 ? Number(v.getBigInt64(offset, L)) : v.getInt32(offset, L);
}

/** `struct linger`: `[l_onoff, l_linger]`, linger on close and for how many seconds. */
export type Linger = [onoff: boolean, seconds: number];

/**
 * Packs a `struct linger` for `setsockopt(SOL_SOCKET, SO_LINGER, …)`.
 *
 * @example Reset the connection on close (linger on, 0 seconds)
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket();
 * s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, socket.packLinger([true, 0]));
 * ```
 * @throws {RangeError} For seconds outside the C `int` range.
 */
export function packLinger([onoff, seconds]: Linger): Uint8Array {
  if (typeof onoff !== "boolean") {
    throw new TypeError(`onoff must be a boolean, not ${typeName(onoff)}`);
  }
  const buf = new Uint8Array(LINGER.size);
  const v = new DataView(buf.buffer);
  v.setInt32(LINGER.fields.l_onoff.offset, onoff ? 1 : 0, L);
  v.setInt32(LINGER.fields.l_linger.offset, cint(seconds, "seconds"), L);
  return buf;
}

/**
 * Unpacks a `struct linger`, as `getsockopt(SOL_SOCKET, SO_LINGER, 8)` returns it.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket();
 * console.log(socket.unpackLinger(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))); // [false, 0]
 * ```
 * @throws {RangeError} When `data` is shorter than a `struct linger`.
 */
export function unpackLinger(data: Uint8Array): Linger {
  const v = view(data, LINGER, "linger");
  return [
    v.getInt32(LINGER.fields.l_onoff.offset, L) !== 0,
    v.getInt32(LINGER.fields.l_linger.offset, L),
  ];
}

/** Size of a `struct timeval` (the `buflen` for `getsockopt`). */
export const TIMEVAL_SIZE: number = TIMEVAL.size;

/**
 * Packs seconds (fractions allowed) as a `struct timeval`, for
 * `SO_RCVTIMEO`/`SO_SNDTIMEO`. 0 means "no timeout" to the kernel.
 *
 * @example A 1.5 s receive timeout on a blocking socket
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, socket.packTimeval(1.5));
 * const tv = s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, socket.TIMEVAL_SIZE);
 * console.log(socket.unpackTimeval(tv)); // 1.5
 * ```
 * @throws {RangeError} For a negative, non-finite or too large value.
 */
export function packTimeval(seconds: number): Uint8Array {
  if (typeof seconds !== "number") {
    throw new TypeError(`seconds must be a number, not ${typeName(seconds)}`);
  }
  const secSize = TIMEVAL.fields.tv_sec.size;
  const max = secSize === 8 ? Number.MAX_SAFE_INTEGER : 0x7fffffff;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > max) {
    throw new RangeError(`timeval seconds out of range: ${seconds}`);
  }
  let sec = Math.floor(seconds);
  let usec = Math.round((seconds - sec) * 1e6);
  if (usec === 1e6) {
    sec += 1;
    usec = 0;
  }
  const buf = new Uint8Array(TIMEVAL.size);
  const v = new DataView(buf.buffer);
  setInt(v, TIMEVAL.fields.tv_sec.offset, secSize, sec);
  setInt(v, TIMEVAL.fields.tv_usec.offset, TIMEVAL.fields.tv_usec.size, usec);
  return buf;
}

/**
 * Unpacks a `struct timeval` to seconds.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.unpackTimeval(socket.packTimeval(2.25))); // 2.25
 * ```
 * @throws {RangeError} When `data` is shorter than a `struct timeval`.
 */
export function unpackTimeval(data: Uint8Array): number {
  const v = view(data, TIMEVAL, "timeval");
  const sec = getInt(v, TIMEVAL.fields.tv_sec.offset, TIMEVAL.fields.tv_sec.size);
  const usec = getInt(v, TIMEVAL.fields.tv_usec.offset, TIMEVAL.fields.tv_usec.size);
  return sec + usec / 1e6;
}

/**
 * `struct tcp_info` (`<netinet/tcp.h>`), field by field without the `tcpi_`
 * prefix. Times are in microseconds (`rto`, `ato`, `rtt`, `rttvar`,
 * `rcv_rtt`) or milliseconds ago (`last_*`), as the kernel reports them.
 */
export interface TcpInfo {
  /** Connection state: `TCP_ESTABLISHED`, `TCP_LISTEN`, … */
  state: number;
  /** Congestion-avoidance state: `TCP_CA_Open`, … */
  ca_state: number;
  /** Unrecovered RTO timeouts of the current episode. */
  retransmits: number;
  /** Unanswered zero-window probes. */
  probes: number;
  /** RTO exponential backoff. */
  backoff: number;
  /** `TCPI_OPT_*` bits: timestamps, SACK, window scaling, ECN. */
  options: number;
  /** Send window scale (the low nibble of the bit-field byte). */
  snd_wscale: number;
  /** Receive window scale (the high nibble). */
  rcv_wscale: number;
  /** Retransmission timeout, µs. */
  rto: number;
  /** Delayed-ACK timeout, µs. */
  ato: number;
  /** Sending maximum segment size. */
  snd_mss: number;
  /** Receiving maximum segment size (estimated). */
  rcv_mss: number;
  /** Segments sent and not yet acknowledged. */
  unacked: number;
  /** Segments selectively acknowledged. */
  sacked: number;
  /** Segments deemed lost. */
  lost: number;
  /** Segments being retransmitted. */
  retrans: number;
  /** Forward-acknowledged segments (unused by modern kernels). */
  fackets: number;
  /** Milliseconds since data was last sent. */
  last_data_sent: number;
  /** Not remembered by the kernel (always 0). */
  last_ack_sent: number;
  /** Milliseconds since data was last received. */
  last_data_recv: number;
  /** Milliseconds since an ACK was last received. */
  last_ack_recv: number;
  /** Path MTU. */
  pmtu: number;
  /** Receive slow-start threshold. */
  rcv_ssthresh: number;
  /** Smoothed round-trip time, µs. */
  rtt: number;
  /** Round-trip time variance, µs. */
  rttvar: number;
  /** Send slow-start threshold. */
  snd_ssthresh: number;
  /** Congestion window, in segments. */
  snd_cwnd: number;
  /** Advertised maximum segment size. */
  advmss: number;
  /** Reordering metric. */
  reordering: number;
  /** Receiver-side round-trip estimate, µs. */
  rcv_rtt: number;
  /** Receive buffer space advertised. */
  rcv_space: number;
  /** Total retransmitted segments over the connection. */
  total_retrans: number;
}

/**
 * Size of the `struct tcp_info` the headers declare (the `buflen` for
 * `getsockopt`); 0 on a platform whose table has no `struct tcp_info`.
 */
export const TCP_INFO_SIZE: number = Object.hasOwn(table.structs, "tcp_info")
  ? table.structs.tcp_info.size
  : 0;

/**
 * Decodes a `struct tcp_info` to named fields.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket();
 * const raw = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, socket.TCP_INFO_SIZE);
 * console.log(socket.unpackTcpInfo(raw).state === socket.TCP_CLOSE); // true
 * ```
 * @throws {RangeError} When `data` is shorter than the struct.
 */
export function unpackTcpInfo(data: Uint8Array): TcpInfo {
  // Looked up here, not at import: not every platform has a struct tcp_info.
  const TCP_INFO = struct("tcp_info");
  const v = view(data, TCP_INFO, "tcp_info");
  const out: Record<string, number> = {};
  for (const [name, f] of Object.entries(TCP_INFO.fields)) {
    out[name.slice("tcpi_".length)] = f.size === 1
      ? v.getUint8(f.offset)
      : f.size === 2
      ? v.getUint16(f.offset, L)
      : v.getUint32(f.offset, L);
  }
  // `tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4` share the byte after
  // tcpi_options; offsetof cannot name bit-fields. GCC allocates them from
  // the low bits on little-endian targets (the kernel's own struct agrees).
  const wscale = v.getUint8(TCP_INFO.fields.tcpi_options.offset + 1);
  out.snd_wscale = wscale & 0x0f;
  out.rcv_wscale = wscale >> 4;
  return out as unknown as TcpInfo;
}

/**
 * Reads `TCP_INFO` of a TCP socket. Corresponds to
 * `getsockopt(fd, IPPROTO_TCP, TCP_INFO, …)`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using srv = socket.create_server(["127.0.0.1", 0]);
 * using c = socket.create_connection(srv.getsockname());
 * const info = socket.getTcpInfo(c);
 * console.log(info.state === socket.TCP_ESTABLISHED, info.snd_mss > 0); // true true
 * srv.accept()[0].close();
 * ```
 * @throws {error} EOPNOTSUPP on a socket that is not TCP (Linux).
 */
export function getTcpInfo(sock: Socket): TcpInfo {
  return unpackTcpInfo(sock.getsockopt(C.IPPROTO_TCP, C.TCP_INFO, struct("tcp_info").size));
}

/** `struct in_pktinfo`: `[ipi_ifindex, ipi_spec_dst, ipi_addr]`. */
export type InPktinfo = [ifindex: number, spec_dst: string, addr: string];
/** `struct in6_pktinfo`: `[ipi6_addr, ipi6_ifindex]`. */
export type In6Pktinfo = [addr: string, ifindex: number];

/**
 * Packs a `struct in_pktinfo`: `IP_PKTINFO` ancillary data for `sendmsg`
 * (the interface and source address to send from).
 *
 * @example Send from 127.0.0.1 through `lo`
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * using r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * r.bind(["127.0.0.1", 0]);
 * const info = socket.packInPktinfo([1, "127.0.0.1", "0.0.0.0"]);
 * s.sendmsg(["hi"], [[socket.IPPROTO_IP, socket.IP_PKTINFO, info]], 0, r.getsockname());
 * console.log(r.recv(16)); // Uint8Array(2) [104, 105]
 * ```
 */
export function packInPktinfo([ifindex, spec_dst, addr]: InPktinfo): Uint8Array {
  const buf = new Uint8Array(PKTINFO.size);
  new DataView(buf.buffer).setInt32(
    PKTINFO.fields.ipi_ifindex.offset,
    intIn(ifindex, 0, 0x7fffffff, "ifindex"),
    L,
  );
  buf.set(inet_pton(C.AF_INET, spec_dst), PKTINFO.fields.ipi_spec_dst.offset);
  buf.set(inet_pton(C.AF_INET, addr), PKTINFO.fields.ipi_addr.offset);
  return buf;
}

/**
 * Unpacks a `struct in_pktinfo`, as `recvmsg` delivers it for a socket
 * with `IP_PKTINFO` set: the arriving interface, the local address the
 * datagram was routed to, and its header destination address.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * r.bind(["127.0.0.1", 0]);
 * r.setsockopt(socket.IPPROTO_IP, socket.IP_PKTINFO, 1);
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * s.sendto("x", r.getsockname());
 * const [, [[, , data]]] = r.recvmsg(16, socket.CMSG_SPACE(12));
 * console.log(socket.unpackInPktinfo(data)); // [1, "127.0.0.1", "127.0.0.1"]
 * ```
 * @throws {RangeError} When `data` is shorter than the struct.
 */
export function unpackInPktinfo(data: Uint8Array): InPktinfo {
  const v = view(data, PKTINFO, "in_pktinfo");
  const b = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return [
    v.getInt32(PKTINFO.fields.ipi_ifindex.offset, L),
    formatIPv4(b, PKTINFO.fields.ipi_spec_dst.offset),
    formatIPv4(b, PKTINFO.fields.ipi_addr.offset),
  ];
}

/**
 * Packs a `struct in6_pktinfo`: `IPV6_PKTINFO` ancillary data for `sendmsg`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.packIn6Pktinfo(["::1", 1]).length); // 20
 * ```
 */
export function packIn6Pktinfo([addr, ifindex]: In6Pktinfo): Uint8Array {
  const buf = new Uint8Array(PKTINFO6.size);
  buf.set(inet_pton(C.AF_INET6, addr), PKTINFO6.fields.ipi6_addr.offset);
  new DataView(buf.buffer).setUint32(
    PKTINFO6.fields.ipi6_ifindex.offset,
    intIn(ifindex, 0, 0xffffffff, "ifindex"),
    L,
  );
  return buf;
}

/**
 * Unpacks a `struct in6_pktinfo`, as `recvmsg` delivers it for a socket
 * with `IPV6_RECVPKTINFO` set.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.unpackIn6Pktinfo(socket.packIn6Pktinfo(["::1", 1]))); // ["::1", 1]
 * ```
 * @throws {RangeError} When `data` is shorter than the struct.
 */
export function unpackIn6Pktinfo(data: Uint8Array): In6Pktinfo {
  const v = view(data, PKTINFO6, "in6_pktinfo");
  const b = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return [
    formatIPv6(b, PKTINFO6.fields.ipi6_addr.offset),
    v.getUint32(PKTINFO6.fields.ipi6_ifindex.offset, L),
  ];
}
