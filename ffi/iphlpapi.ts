/**
 * The symbol table of `iphlpapi.dll` (IP Helper, `<netioapi.h>`): the
 * interface-name calls CPython's `socket` module makes on Windows
 * (`if_nametoindex`, `if_indextoname`, and for `if_nameindex`
 * `GetIfTable2Ex`, `ConvertInterfaceLuidToNameW`, `FreeMibTable`).
 * `ffi/winsock.ts` opens it on first use, on Windows only.
 *
 * Conventions are `ffi/ws2_32.ts`'s. `NETIO_STATUS` is a `DWORD` Win32
 * error code (`<netioapi.h>` with `<iphlpapi.h>`), `NO_ERROR` (0) on
 * success; the calls returning one do not set the last error.
 *
 * @module
 */

/** iphlpapi.dll: interface names and the interface table. */
export const IPHLPAPI = {
  // NET_IFINDEX if_nametoindex(PCSTR InterfaceName);
  if_nametoindex: { parameters: ["buffer"], result: "u32" },
  // PCHAR if_indextoname(NET_IFINDEX InterfaceIndex, PCHAR InterfaceName);
  if_indextoname: { parameters: ["u32", "buffer"], result: "pointer" },
  // NETIO_STATUS GetIfTable2Ex(MIB_IF_TABLE_LEVEL Level, PMIB_IF_TABLE2 *Table);
  //   (the table is allocated by the call: FreeMibTable releases it)
  GetIfTable2Ex: { parameters: ["i32", "buffer"], result: "u32" },
  // VOID FreeMibTable(PVOID Memory);
  FreeMibTable: { parameters: ["pointer"], result: "void" },
  // NETIO_STATUS ConvertInterfaceLuidToNameW(const NET_LUID *InterfaceLuid,
  //                                          PWSTR InterfaceName, SIZE_T Length);
  //   (Length in WCHARs, the terminating NUL included; the LUID is passed
  //   as a copy of its 8 bytes)
  ConvertInterfaceLuidToNameW: { parameters: ["buffer", "buffer", "usize"], result: "u32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The opened iphlpapi symbols. */
export type Iphlpapi = Deno.DynamicLibrary<typeof IPHLPAPI>["symbols"];
