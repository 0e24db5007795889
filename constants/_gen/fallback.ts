/**
 * Integer constants Python's `socket` module exports on Linux that the
 * system headers do not define. The values are CPython's own, hard-coded
 * there for the same reason:
 *
 * - `ALG_SET_PUBKEY`, `ALG_OP_SIGN`, `ALG_OP_VERIFY`: `Modules/socketmodule.h`
 *   (`#ifndef ALG_SET_PUBKEY / #define ALG_SET_PUBKEY 6`, etc.); the kernel's
 *   `<linux/if_alg.h>` never gained them.
 * - `UDPLITE_SEND_CSCOV`, `UDPLITE_RECV_CSCOV`: `Modules/socketmodule.c`
 *   (`#ifndef UDPLITE_SEND_CSCOV / #define UDPLITE_SEND_CSCOV 10`); the kernel
 *   keeps them in the non-uapi `include/net/udplite.h`.
 *
 * CPython hard-codes nothing for macOS, so neither does this file.
 *
 * Windows: CPython takes these from the Windows SDK, whose `ws2ipdef.h`
 * defines them; the older mingw-w64 `ws2ipdef.h` in Zig 0.11 does not (newer
 * mingw-w64 releases define the same values):
 *
 * - `TCP_MAXSEG` 4, `TCP_KEEPIDLE` 3 (`TCP_KEEPALIVE`), `TCP_FASTOPEN` 15,
 *   `TCP_KEEPCNT` 16, `TCP_KEEPINTVL` 17: the SDK's `ws2ipdef.h`, documented
 *   in Microsoft's "IPPROTO_TCP socket options"; CPython exports them
 *   (`#ifdef TCP_KEEPIDLE / ADD_INT_MACRO(m, TCP_KEEPIDLE)` ...) and drops
 *   `TCP_KEEPIDLE`, `TCP_KEEPINTVL`, `TCP_KEEPCNT` and `TCP_FASTOPEN` at run
 *   time on Windows 10 builds older than 1709 (`win_runtime_flags`).
 * - `AF_HYPERV` 34: `Modules/socketmodule.h` (`#ifndef AF_HYPERV / #define
 *   AF_HYPERV 34`), which the SDK defines only for `_WIN32_WINNT` 0x0604.
 * - `SOL_IP` 0, `SOL_TCP` 6, `SOL_UDP` 17, `IPPORT_USERRESERVED` 5000,
 *   `INADDR_UNSPEC_GROUP` 0xe0000000, `INADDR_ALLHOSTS_GROUP` 0xe0000001,
 *   `INADDR_MAX_LOCAL_GROUP` 0xe00000ff: `Modules/socketmodule.c` exports
 *   them on every platform, with these values where the headers lack them
 *   (`#ifdef SOL_TCP ... #else ADD_INT_CONST(m, "SOL_TCP", 6)`), as
 *   Windows' do. (The newest Windows SDKs define `SOL_IP` as
 *   `SOL_SOCKET-4`, 65531: a CPython built with one would say so.)
 *
 * `gen.ts` adds a value from here only when the headers lack the name: a
 * header value always wins, except over a value in {@linkcode OVERRIDE}.
 *
 * @module
 */

import type { Os } from "./spec.ts";

/** OS → name → value, from CPython (see the module doc). */
export const FALLBACK: Readonly<Record<Os, Readonly<Record<string, number>>>> = {
  linux: {
    ALG_OP_SIGN: 2,
    ALG_OP_VERIFY: 3,
    ALG_SET_PUBKEY: 6,
    UDPLITE_RECV_CSCOV: 11,
    UDPLITE_SEND_CSCOV: 10,
  },
  darwin: {},
  windows: {
    AF_HYPERV: 34,
    INADDR_ALLHOSTS_GROUP: 0xe0000001,
    INADDR_MAX_LOCAL_GROUP: 0xe00000ff,
    INADDR_UNSPEC_GROUP: 0xe0000000,
    IPPORT_USERRESERVED: 5000,
    SOL_IP: 0,
    SOL_TCP: 6,
    SOL_UDP: 17,
    TCP_FASTOPEN: 15,
    TCP_KEEPCNT: 16,
    TCP_KEEPIDLE: 3,
    TCP_KEEPINTVL: 17,
    TCP_MAXSEG: 4,
  },
};

/**
 * OS → name → CPython's value, where the headers here give another one.
 * Only Windows: CPython is built with the Windows SDK, the table with
 * mingw-w64, and they disagree on
 *
 * - `EAI_NODATA`: the SDK's `ws2tcpip.h` says `#define EAI_NODATA
 *   EAI_NONAME` (11001, "EAI_NODATA was removed from rfc2553bis ... use
 *   NONAME"); mingw-w64's says 11004 (`WSANO_DATA`).
 *
 * `gen.ts` logs every value it replaces.
 */
export const OVERRIDE: Readonly<Record<Os, Readonly<Record<string, number>>>> = {
  linux: {},
  darwin: {},
  windows: {
    EAI_NODATA: 11001,
  },
};
