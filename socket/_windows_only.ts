/**
 * The calls CPython builds on Windows only: `socket.ioctl()` (`WSAIoctl`),
 * `socket.share()` and `fromshare()` (`WSADuplicateSocketW`, then
 * `WSASocketW(FROM_PROTOCOL_INFO)`), with CPython's argument rules
 * (`sock_ioctl`, `sock_share` and `sock_initobj` of
 * `Modules/socketmodule.c`). Elsewhere each throws a `TypeError` naming
 * itself (`requireFeature`), as Python has no such attribute there.
 *
 * Every integer is checked for its C type before FFI sees it: the control
 * code and the `tcp_keepalive` fields are `DWORD`/`u_long` (32-bit
 * unsigned on Windows, where `long` is 32-bit), the options and the
 * process id `unsigned int`/`DWORD`. Stricter than CPython, whose `k` and
 * `I` formats truncate to the type: out of range is a `RangeError` here.
 *
 * Internal module.
 *
 * @module
 */
import { constants as C, struct } from "../constants/mod.ts";
import { copyUint8 } from "../core/view.ts";
import { intRange } from "../core/ints.ts";
import { LITTLE_ENDIAN } from "../core/memory.ts";
import { pyType } from "../core/repr.ts";
import { ioctlSocket, requireFeature, shareSocket, socketFromShare } from "../sys/platform.ts";
import { liveFd, type SocketState } from "./_state.ts";

const U32_MAX = 0xffffffff;

/** The option of `ioctl()`: an int (or boolean), or SIO_KEEPALIVE_VALS' triple. */
export type IoctlOption = number | bigint | boolean | readonly [number, number, number];

/** An `unsigned int` (`DWORD`) input buffer. */
function dword(v: unknown, what: string): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, intRange(v, 0, U32_MAX, what), LITTLE_ENDIAN);
  return b;
}

/** `struct tcp_keepalive` (`<mstcpip.h>`) of `[onoff, keepalivetime, keepaliveinterval]`. */
function tcpKeepalive(option: unknown): Uint8Array {
  if (!Array.isArray(option)) {
    throw new TypeError(`ioctl() argument 2 must be 3-item sequence, not ${pyType(option)}`);
  }
  const items = Array.from(option as unknown[]);
  if (items.length !== 3) {
    throw new TypeError(`ioctl() argument 2 must be sequence of length 3, not ${items.length}`);
  }
  const S = struct("tcp_keepalive");
  const b = new Uint8Array(S.size);
  const v = new DataView(b.buffer);
  (["onoff", "keepalivetime", "keepaliveinterval"] as const).forEach((name, i) => {
    const n = intRange(items[i], 0, U32_MAX, `ioctl() SIO_KEEPALIVE_VALS ${name}`);
    v.setUint32(S.fields[name].offset, n, LITTLE_ENDIAN);
  });
  return b;
}

/** `ioctl(control, option)`: see its documentation in socket.ts. */
export function ioctl(st: SocketState, control: unknown, option: unknown): number {
  requireFeature("ioctl", "socket.ioctl()");
  const code = intRange(control, 0, U32_MAX, "ioctl() control");
  let input: Uint8Array;
  if (code === C.SIO_RCVALL) input = dword(option, "ioctl() SIO_RCVALL option");
  else if (code === C.SIO_KEEPALIVE_VALS) input = tcpKeepalive(option);
  else if (C.SIO_LOOPBACK_FAST_PATH !== undefined && code === C.SIO_LOOPBACK_FAST_PATH) {
    input = dword(option, "ioctl() SIO_LOOPBACK_FAST_PATH option");
  } else {
    throw new RangeError(`invalid ioctl command ${code}`);
  }
  return ioctlSocket(liveFd(st), code, input);
}

/** `share(process_id)`: see its documentation in socket.ts. */
export function share(st: SocketState, processId: unknown): Uint8Array {
  requireFeature("share", "socket.share()");
  const pid = intRange(processId, 0, U32_MAX, "share() process_id");
  return shareSocket(liveFd(st), pid);
}

/**
 * The handle `fromshare(data)` opens, with the family, type and protocol
 * its `WSAPROTOCOL_INFOW` names: `[fd, family, type, proto]`.
 *
 * @throws {TypeError} Where CPython has no `fromshare`, or for data that
 *   is not a `Uint8Array` (Python's `bytes`).
 * @throws {RangeError} For data of another size than `WSAPROTOCOL_INFOW`
 *   (CPython's ValueError, word for word).
 */
export function fromshareFd(data: unknown): [number, number, number, number] {
  requireFeature("share", "socket.fromshare()");
  const info = copyUint8(data);
  if (info === null) {
    throw new TypeError(`fromshare() argument must be bytes (Uint8Array), not ${pyType(data)}`);
  }
  const size = struct("WSAPROTOCOL_INFOW").size;
  if (info.byteLength !== size) {
    throw new RangeError(`socket descriptor string has wrong size, should be ${size} bytes.`);
  }
  return socketFromShare(info);
}
