/**
 * UDP segmentation offload on Linux: one `send` of up to 64 KiB that the
 * kernel cuts into datagrams of a fixed size (GSO, `UDP_SEGMENT`), and one
 * `recv` that hands back many same-sized datagrams glued together (GRO,
 * `UDP_GRO`, with the segment size in ancillary data).
 *
 * @module
 */
import { constants as C } from "../constants/mod.ts";
import { intIn } from "../core/ints.ts";
import { LITTLE_ENDIAN as L } from "../core/memory.ts";

/**
 * Packs a GSO segment size as `UDP_SEGMENT` ancillary data (a C `uint16_t`),
 * for one `sendmsg`/`sendmmsg` message. No libc call. (For every send on a
 * socket, set it once instead: `setsockopt(SOL_UDP, UDP_SEGMENT, size)`.)
 *
 * @example Send 3000 bytes as three 1000-byte datagrams
 * ```ts
 * import * as socket from "@libc/socket";
 * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * rx.bind(["127.0.0.1", 0]);
 * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * tx.sendmsg(
 *   [new Uint8Array(3000)],
 *   [[socket.SOL_UDP, socket.UDP_SEGMENT, socket.packUdpSegment(1000)]],
 *   0,
 *   rx.getsockname(),
 * );
 * console.log(rx.recv(2000).length); // 1000
 * ```
 *
 * @throws {RangeError} Outside 1-65535.
 */
export function packUdpSegment(size: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, intIn(size, 1, 0xffff, "segment size"), L);
  return b;
}

/**
 * The GRO segment size of a datagram received with `UDP_GRO` enabled: the
 * `[SOL_UDP, UDP_GRO, int]` item of `recvmsg`'s ancillary data, or `null`
 * when the kernel coalesced nothing. No libc call.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * rx.setsockopt(socket.SOL_UDP, socket.UDP_GRO, 1);
 * rx.bind(["127.0.0.1", 0]);
 * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * tx.sendto("hi", rx.getsockname());
 * const [data, ancdata] = rx.recvmsg(65535, socket.CMSG_SPACE(4));
 * console.log(data.length, socket.udpGroSegment(ancdata)); // 2, a size or null
 * ```
 */
export function udpGroSegment(
  ancdata: Iterable<readonly [number, number, Uint8Array]>,
): number | null {
  for (const [level, type, data] of ancdata) {
    if (level === C.SOL_UDP && type === C.UDP_GRO && data.byteLength >= 2) {
      const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
      return data.byteLength >= 4 ? v.getInt32(0, L) : v.getUint16(0, L);
    }
  }
  return null;
}
