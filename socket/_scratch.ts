/**
 * Per-thread scratch memory for the synchronous calls that build a struct,
 * make the syscall and read the results with no await in between (a Worker
 * has its own module instance, so its own areas). Off-heap allocations per
 * call were a large part of those calls' cost. The async twins' structs live
 * across waits, so they allocate their own ({@linkcode fresh}).
 *
 * Internal module.
 *
 * @module
 */
import { SOCKADDR_MAX } from "./address/mod.ts";

/** The areas: one per struct a call may hold at the same time. */
export const Area = {
  MmsgInVec: 0,
  MmsgInNames: 1,
  MmsgInIov: 2,
  MmsgInControl: 3,
  MmsgOutVec: 4,
  MmsgOutIov: 5,
  MsgHdr: 6,
  MsgName: 7,
  MsgIov: 8,
  MsgControl: 9,
} as const;
/** One of {@linkcode Area}'s values. */
export type Area = typeof Area[keyof typeof Area];

/** Larger requests get fresh memory: an area never keeps more than this. */
const KEEP_AT_MOST = 1 << 20;
const areas: Uint8Array[] = [];

/** `size` bytes of scratch area `area`, zeroed (grown on demand, never shrunk). */
export function scratch(area: Area, size: number): Uint8Array {
  if (size > KEEP_AT_MOST) return new Uint8Array(size);
  let a = areas[area];
  if (a === undefined || a.length < size) {
    a = new Uint8Array(Math.min(KEEP_AT_MOST, Math.max(size, 2 * (a?.length ?? 0), 256)));
    areas[area] = a;
  }
  const out = a.subarray(0, size);
  out.fill(0);
  return out;
}

/** `size` fresh bytes (the async calls' memory); `_area` only mirrors {@linkcode scratch}. */
export function fresh(_area: Area, size: number): Uint8Array {
  return new Uint8Array(size);
}

/**
 * The sender's address of a `recvfrom`, and its length: filled by the
 * syscall and decoded right after it, before any await (`recvfromAsync`
 * decodes inside its attempt). One per thread instead of three allocations
 * per datagram.
 */
export const FROM_NAME: Uint8Array = new Uint8Array(SOCKADDR_MAX);
/** The `socklen_t` that goes with {@linkcode FROM_NAME}. */
export const FROM_LEN: Uint32Array = new Uint32Array(1);
/** {@linkcode FROM_LEN}'s bytes, for the FFI call. */
export const FROM_LEN_BYTES: Uint8Array = new Uint8Array(FROM_LEN.buffer);
