/**
 * The argument and result types of `Socket`'s methods (socket.ts), in a
 * module of their own so that the files implementing those methods can name
 * them without importing the class.
 *
 * @module
 */
import type { Data } from "../core/bytes.ts";
import type { Address } from "./address/mod.ts";
import type { AncData } from "./ancillary.ts";

/** Options of the async methods. */
export interface AsyncOptions {
  /** Rejects the operation with the signal's reason when aborted. */
  signal?: AbortSignal;
}

/** The keyword arguments of {@linkcode Socket.sendmsg_afalg}, as CPython's. */
export interface SendmsgAfalgOptions {
  /** The operation: `ALG_OP_ENCRYPT` or `ALG_OP_DECRYPT` (`ALG_SET_OP`). Required. */
  op: number;
  /** The initialization vector (`ALG_SET_IV`, sent with its length header). */
  iv?: Data | null;
  /** The length of the associated data, for AEAD ciphers (`ALG_SET_AEAD_ASSOCLEN`). */
  assoclen?: number | null;
  /** `MSG_*` flags, e.g. `MSG_MORE` to send more data for the same operation. */
  flags?: number;
}

/** What `recvmsg` returns: `[data, ancdata, msg_flags, address]`. */
export type RecvMsgResult<A extends Address | null = Address | null> = [
  data: Uint8Array,
  ancdata: AncData[],
  msg_flags: number,
  address: A,
];

/** What `recvmsg_into` returns: `[nbytes, ancdata, msg_flags, address]`. */
export type RecvMsgIntoResult<A extends Address | null = Address | null> = [
  nbytes: number,
  ancdata: AncData[],
  msg_flags: number,
  address: A,
];

/** A file whose descriptor `sendfile` can read, or a Deno file to read from. */
export type SendfileSource = number | { fileno(): number } | Deno.FsFile;
