/**
 * Network interfaces: `if_nameindex`, `if_nametoindex`, `if_indextoname`.
 *
 * @module
 */
import { constants as C, struct } from "./constants/mod.ts";
import { libc } from "./ffi/library.ts";
import { error, fromErrno, lastErrno } from "./errors.ts";
import { cstr, fromCBytes, intIn, readCString, typeName } from "./_util.ts";

/**
 * Lists the network interfaces as `[index, name]` pairs. Corresponds to
 * `if_nameindex(3)`.
 *
 * @example
 * ```ts
 * import { if_nameindex } from "@libc/socket";
 * console.log(if_nameindex()); // [[1, "lo"], [2, "eth0"]]
 * ```
 */
export function if_nameindex(): [index: number, name: string][] {
  const head = libc.if_nameindex();
  if (head === null) throw fromErrno(lastErrno(), "if_nameindex");
  const S = struct("if_nameindex");
  const view = new Deno.UnsafePointerView(head);
  const out: [number, string][] = [];
  try {
    for (let at = 0;; at += S.size) {
      const index = view.getUint32(at + S.fields.if_index.offset);
      if (index === 0) break;
      out.push([index, readCString(view.getPointer(at + S.fields.if_name.offset))]);
    }
  } finally {
    libc.if_freenameindex(head);
  }
  return out;
}

/**
 * Returns the index of the interface named `if_name`. Corresponds to
 * `if_nametoindex(3)`.
 *
 * @example
 * ```ts
 * import { if_nametoindex } from "@libc/socket";
 * console.log(if_nametoindex("lo")); // 1
 * ```
 * @throws {error} "no interface with this name".
 */
export function if_nametoindex(if_name: string): number {
  if (typeof if_name !== "string") {
    throw new TypeError(`if_nametoindex() argument must be str, not ${typeName(if_name)}`);
  }
  const index = libc.if_nametoindex(cstr(if_name, "if_name"));
  // As CPython: a message only, errno None (whatever errno libc left).
  if (index === 0) throw new error("no interface with this name");
  return index;
}

/**
 * Returns the name of the interface with index `if_index`. Corresponds to
 * `if_indextoname(3)`.
 *
 * @example
 * ```ts
 * import { if_indextoname } from "@libc/socket";
 * console.log(if_indextoname(1)); // "lo"
 * ```
 * @throws {RangeError} For an index outside 0..2^32-1.
 * @throws {error} ENXIO when there is no such interface.
 */
export function if_indextoname(if_index: number): string {
  const index = intIn(if_index, 0, 0xffffffff, "if_index");
  const buf = new Uint8Array((C.IF_NAMESIZE ?? 16) + 1);
  if (libc.if_indextoname(index, buf) === null) throw fromErrno(lastErrno(), "if_indextoname");
  return fromCBytes(buf);
}
