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
 *
 * `gen.ts` adds a value from here only when the headers lack the name: a
 * header value always wins.
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
    TCP_FASTOPEN: 15,
    TCP_KEEPCNT: 16,
    TCP_KEEPIDLE: 3,
    TCP_KEEPINTVL: 17,
    TCP_MAXSEG: 4,
  },
};
