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
};
