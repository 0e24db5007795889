/**
 * The network interface list on Windows, as CPython's `if_nameindex()`
 * builds it there (Windows has no `if_nameindex(3)`): `GetIfTable2Ex
 * (MibIfTableRaw)`, then for each row `ConvertInterfaceLuidToNameW` of its
 * LUID, paired with its `InterfaceIndex`; `FreeMibTable` at the end.
 *
 * The layouts of `MIB_IF_TABLE2` and `MIB_IF_ROW2` are the generated ones
 * (`<netioapi.h>` of mingw-w64, `constants/_gen/spec_windows.ts`): the rows
 * start at `Table`'s offset, one `sizeof(MIB_IF_ROW2)` apart.
 *
 * Internal module, imported by `sys/platform.ts` only.
 *
 * @module
 */
import { constants as C, struct } from "../constants/mod.ts";
import { iphlpapi } from "../ffi/winsock.ts";
import { systemError } from "./windows.ts";

/**
 * `[index, name]` of every interface, in the table's order. A failing call
 * is a `socket.error` with its Windows error code (`winerror`), as
 * CPython's `PyErr_SetFromWindowsErr(ret)`.
 */
export function interfaceTable(): [number, string][] {
  const ip = iphlpapi();
  const TABLE = struct("MIB_IF_TABLE2");
  const ROW = struct("MIB_IF_ROW2");
  if (TABLE.fields.Table.size !== ROW.size) {
    throw new Error("@libc/socket: MIB_IF_TABLE2.Table is not an array of MIB_IF_ROW2");
  }
  const out = new BigUint64Array(1);
  const rc = ip.GetIfTable2Ex(C.MibIfTableRaw, new Uint8Array(out.buffer));
  if (rc !== 0) throw systemError(rc, "GetIfTable2Ex");
  const table = Deno.UnsafePointer.create(out[0]);
  if (table === null) return [];
  try {
    const view = new Deno.UnsafePointerView(table);
    const count = view.getUint32(TABLE.fields.NumEntries.offset);
    // NDIS_IF_MAX_STRING_SIZE + 1 WCHARs, as CPython's buffer
    // (`IF_NAMESIZE` is NDIS_IF_MAX_STRING_SIZE in <netioapi.h>).
    const chars = C.IF_NAMESIZE + 1;
    const name = new Uint16Array(chars);
    const nameBytes = new Uint8Array(name.buffer);
    const luid = new Uint8Array(ROW.fields.InterfaceLuid.size);
    const list: [number, string][] = [];
    for (let i = 0; i < count; i++) {
      const row = TABLE.fields.Table.offset + i * ROW.size;
      view.copyInto(luid, row + ROW.fields.InterfaceLuid.offset);
      const index = view.getUint32(row + ROW.fields.InterfaceIndex.offset);
      name.fill(0);
      const err = ip.ConvertInterfaceLuidToNameW(luid, nameBytes, BigInt(chars));
      if (err !== 0) throw systemError(err, "ConvertInterfaceLuidToNameW");
      list.push([index, wideString(name)]);
    }
    return list;
  } finally {
    ip.FreeMibTable(table);
  }
}

/**
 * The WCHARs before the first NUL, as a string; lone surrogates are kept,
 * as CPython's `PyUnicode_FromWideChar` keeps them.
 */
function wideString(units: Uint16Array): string {
  const end = units.indexOf(0);
  const used = units.subarray(0, end < 0 ? units.length : end);
  let s = "";
  for (let i = 0; i < used.length; i += 4096) {
    s += String.fromCharCode(...used.subarray(i, i + 4096));
  }
  return s;
}
