/**
 * Names and options: `getpeername`, `getsockname`, `getsockopt` and
 * `setsockopt` of `Socket` (socket.ts). Each function takes the socket's
 * state; the class documents them.
 *
 * Internal module.
 *
 * @module
 */
import { libc } from "../ffi/library.ts";
import { check } from "../core/errors.ts";
import { type Address, decodeAddress, SOCKADDR_MAX } from "./address/mod.ts";
import { intOption } from "../sys/platform.ts";
import { byteLength, type Data, toBytes } from "../core/bytes.ts";
import { cint, int, intIn } from "../core/ints.ts";
import { EMPTY } from "../core/memory.ts";
import { liveFd, type SocketState } from "./_state.ts";

/** `getpeername()`. */
export function getpeername(st: SocketState): Address {
  const sa = new Uint8Array(SOCKADDR_MAX);
  const len = new Uint32Array([sa.length]);
  check(libc.getpeername(liveFd(st), sa, new Uint8Array(len.buffer)), "getpeername");
  return decodeAddress(sa, len[0], st.proto);
}

/** `getsockname()`. */
export function getsockname(st: SocketState): Address {
  const sa = new Uint8Array(SOCKADDR_MAX);
  const len = new Uint32Array([sa.length]);
  check(libc.getsockname(liveFd(st), sa, new Uint8Array(len.buffer)), "getsockname");
  return decodeAddress(sa, len[0], st.proto);
}

/** `getsockopt(level, optname, buflen?)`: an `int`, or up to `buflen` raw bytes. */
export function getsockopt(
  st: SocketState,
  level: number,
  optname: number,
  buflen?: number,
): number | Uint8Array {
  const lv = cint(level, "level");
  const name = cint(optname, "optname");
  if (buflen === undefined) return intOption(liveFd(st), lv, name);
  const n = int(buflen, "buflen");
  if (n <= 0 || n > 1024) throw new RangeError("getsockopt buflen out of range");
  const buf = new Uint8Array(n);
  const len = new Uint32Array([n]);
  check(
    libc.getsockopt(liveFd(st), lv, name, buf, new Uint8Array(len.buffer)),
    "getsockopt",
  );
  return buf.slice(0, len[0]);
}

/** `setsockopt(level, optname, value)`, or `(level, optname, null, optlen)`. */
export function setsockopt(
  st: SocketState,
  level: number,
  optname: number,
  value: number | boolean | Data | null,
  optlen?: number,
): void {
  const lv = cint(level, "level");
  const name = cint(optname, "optname");
  let buf: Uint8Array | null;
  let len: number;
  if (value === null) {
    if (optlen === undefined) {
      throw new TypeError("setsockopt(): optlen required with a null value");
    }
    buf = null;
    len = intIn(optlen, 0, 0xffffffff, "optlen");
  } else if (typeof value === "number" || typeof value === "boolean") {
    buf = new Uint8Array(new Int32Array([cint(value, "value")]).buffer);
    len = 4;
  } else {
    buf = toBytes(value, "value");
    len = byteLength(buf);
    // Deno FFI passes an empty buffer as NULL; the kernel tells NULL from
    // a valid pointer with length 0 (IP_IPSEC_POLICY: EMSGSIZE vs success).
    if (len === 0) buf = EMPTY;
  }
  check(libc.setsockopt(liveFd(st), lv, name, buf, len), "setsockopt");
}
