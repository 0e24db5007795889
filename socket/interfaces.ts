/**
 * Network interfaces: `if_nameindex`, `if_nametoindex`, `if_indextoname`.
 *
 * @module
 */
import { constants as C, struct } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { error, fromErrno, lastErrno } from "../core/errors.ts";
import { typeName } from "../core/repr.ts";
import { intRange } from "../core/ints.ts";
import { fsDecode, fsDecodeC, fsEncode, withNul } from "../core/text.ts";
import { copyUint8 } from "../core/view.ts";
import { interfaceTable } from "../sys/platform.ts";

const IFNAMSIZ = C.IF_NAMESIZE ?? 16;

/** The bytes of a C string libc owns, read byte by byte up to its NUL. */
function cBytes(p: Deno.PointerObject): Uint8Array {
  const view = new Deno.UnsafePointerView(p);
  let n = 0;
  while (view.getUint8(n) !== 0) n++;
  return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p, n)).slice();
}

/**
 * Lists the network interfaces as `[index, name]` pairs. Corresponds to
 * `if_nameindex(3)`; on Windows, as CPython there, `GetIfTable2Ex` with
 * `ConvertInterfaceLuidToNameW` for each interface's name.
 *
 * @example
 * ```ts
 * import { if_nameindex } from "@libc/socket";
 * console.log(if_nameindex()); // [[1, "lo"], [2, "eth0"]]
 * ```
 */
export function if_nameindex(): [index: number, name: string][] {
  const table = interfaceTable();
  if (table !== null) return table;
  const head = libc.if_nameindex();
  if (head === null) throw fromErrno(lastErrno(), "if_nameindex");
  const S = struct("if_nameindex");
  const view = new Deno.UnsafePointerView(head);
  const out: [number, string][] = [];
  try {
    for (let at = 0;; at += S.size) {
      const index = view.getUint32(at + S.fields.if_index.offset);
      if (index === 0) break;
      const name = view.getPointer(at + S.fields.if_name.offset);
      out.push([index, name === null ? "" : fsDecode(cBytes(name))]);
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
export function if_nametoindex(if_name: string | Uint8Array): number {
  // As CPython (PyUnicode_FSConverter): a string in the file-system
  // encoding (surrogateescape), or bytes; a NUL inside is a RangeError.
  const bytes = typeof if_name === "string" ? fsEncode(if_name) : copyUint8(if_name);
  if (bytes === null) {
    throw new TypeError(`if_nametoindex() argument must be str, not ${typeName(if_name)}`);
  }
  if (bytes.includes(0)) throw new RangeError("if_nametoindex(): embedded null byte");
  const index = libc.if_nametoindex(withNul(bytes));
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
  // Stricter than CPython 3.11, which truncates to unsigned int (2**32 + 1
  // would name interface 1).
  const index = intRange(if_index, 0, 0xffffffff, "if_indextoname() if_index");
  const buf = new Uint8Array(IFNAMSIZ + 1);
  if (libc.if_indextoname(index, buf) === null) throw fromErrno(lastErrno(), "if_indextoname");
  return fsDecodeC(buf);
}
