// Private: what a failed call was about, in its error. An OS error of a call
// that takes an address (bind, connect, sendto, sendmsg) names it after
// Python's "[Errno N] strerror", as Node does: "…: 127.0.0.1:8080",
// "…: [::1]:8080", "…: /tmp/x.sock", "…: b'\x00abstract'". The address is
// decoded from the sockaddr the kernel got, only once the call has failed:
// the success path passes nothing but the bytes it already holds.

import { constants as C } from "../constants/mod.ts";
import { annotate, error, fromErrno } from "../core/errors.ts";
import { errno as readErrno } from "../ffi/errno.ts";
import { type Address, decodeAddress, familyOf } from "./address/mod.ts";
import { addressStr, plainText, reprBytes } from "../core/repr.ts";

/**
 * The text naming `address` of `family`: `host:port` (AF_INET),
 * `[host]:port` (AF_INET6, `[host%scope]:port` with a scope), the path
 * (AF_UNIX; an abstract name as Python's bytes repr), else Python's `str()`
 * of the address.
 */
export function describeAddress(family: number, address: Address): string {
  if (Array.isArray(address) && typeof address[0] === "string") {
    if (family === C.AF_INET) return `${address[0]}:${address[1]}`;
    if (family === C.AF_INET6) {
      const scope = address[3] ? `%${address[3]}` : "";
      return `[${address[0]}${scope}]:${address[1]}`;
    }
  }
  if (family === C.AF_UNIX) {
    if (typeof address === "string") return plainText(address);
    if (address instanceof Uint8Array) return reprBytes(address);
  }
  return addressStr(address);
}

/**
 * Annotates `e` (when it is an OS error of `syscall`) with the address in
 * `sa`, the sockaddr the failed call passed: the message names it, and
 * `address` holds it (`filename` too, for AF_UNIX). Returns `e`.
 */
export function aboutAddress<T>(e: T, sa: Uint8Array, proto: number, syscall: string): T {
  if (!(e instanceof error) || e.syscall !== syscall) return e;
  let address: Address;
  let family: number;
  try {
    family = familyOf(sa);
    address = decodeAddress(sa, sa.length, proto);
  } catch {
    return e; // nothing we can name
  }
  const filename = family === C.AF_UNIX ? address as string | Uint8Array : undefined;
  return annotate(e, describeAddress(family, address), { address, filename });
}

/**
 * `check()` for a call that passed the sockaddr `sa`: returns `ret` unless
 * it is -1, in which case errno is read at once and thrown, naming `sa`.
 */
export function checkAt(ret: number, syscall: string, sa: Uint8Array, proto: number): number {
  if (ret === -1) throw aboutAddress(fromErrno(readErrno(), syscall), sa, proto, syscall);
  return ret;
}
