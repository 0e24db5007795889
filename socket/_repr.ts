/**
 * `String(sock)` of `Socket` (socket.ts): Python's `repr()` of a socket,
 * with family and type by name. Takes the socket's state; the class
 * documents it.
 *
 * Internal module.
 *
 * @module
 */
import { constants as C } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { addressStr } from "../core/repr.ts";
import { decodeAddress, SOCKADDR_MAX } from "./address/mod.ts";
import type { SocketState } from "./_state.ts";

const SOCK_TYPES = [
  "SOCK_STREAM",
  "SOCK_DGRAM",
  "SOCK_RAW",
  "SOCK_RDM",
  "SOCK_SEQPACKET",
  "SOCK_DCCP",
  "SOCK_PACKET",
];
const FAMILY_NAMES = new Map<number, string>();
const TYPE_NAMES = new Map<number, string>();
{
  // Python's canonical names first where several share a value.
  for (const name of ["AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"]) {
    if (C[name] !== undefined) FAMILY_NAMES.set(C[name], name);
  }
  for (const [name, v] of Object.entries(C)) {
    if (name.startsWith("AF_") && name !== "AF_MAX" && !FAMILY_NAMES.has(v)) {
      FAMILY_NAMES.set(v, name);
    }
  }
  for (const name of SOCK_TYPES) if (C[name] !== undefined) TYPE_NAMES.set(C[name], name);
}

function familyName(family: number): string {
  return FAMILY_NAMES.get(family) ?? String(family);
}

function typeNameOf(type: number): string {
  return TYPE_NAMES.get(type) ?? String(type);
}

/** `toString()`: `<socket.socket fd=…, family=…, type=…, proto=…, laddr=…, raddr=…>`. */
export function repr(st: SocketState): string {
  const closed = st.closed ? " [closed]" : "";
  let s = `<socket.socket${closed} fd=${st.fd}, family=${familyName(st.family)}, ` +
    `type=${typeNameOf(st.type)}, proto=${st.proto}`;
  if (st.fd >= 0 && !st.closed) {
    for (
      const [key, get] of [["laddr", libc.getsockname], ["raddr", libc.getpeername]] as const
    ) {
      const sa = new Uint8Array(SOCKADDR_MAX);
      const len = new Uint32Array([SOCKADDR_MAX]);
      if (get(st.fd, sa, new Uint8Array(len.buffer)) !== 0) continue;
      try {
        const addr = decodeAddress(sa, len[0], st.proto);
        const text = addressStr(addr);
        if (text !== "" && text !== "b''") s += `, ${key}=${text}`;
      } catch { /* an address we cannot decode: left out */ }
    }
  }
  return s + ">";
}
