// Private: native memory as libc lays it out: the host's byte order,
// size_t and pointer fields in structs we build, the address of a buffer,
// and the C strings and pointer arrays libc hands back.
import { table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { byteLength, intrinsicBuffer } from "./bytes.ts";

/** Little-endian host? (Every platform we generate tables for is.) */
export const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A non-NULL pointer's worth of memory for calls passing 0 bytes (Deno FFI
 * turns an empty buffer into NULL, which some kernel paths treat
 * differently from a valid pointer with length 0).
 */
export const EMPTY: Uint8Array = new Uint8Array(1);

/** Reads a NUL-terminated string from memory libc owns. */
export function readCString(p: Deno.PointerValue): string {
  if (p === null) return "";
  return new Deno.UnsafePointerView(p).getCString();
}

/** Reads a NULL-terminated array of pointers (`char **`). */
export function readPointerArray(p: Deno.PointerValue): Deno.PointerValue[] {
  const out: Deno.PointerValue[] = [];
  if (p === null) return out;
  const view = new Deno.UnsafePointerView(p);
  const size = table.sizes.pointer;
  for (let i = 0;; i++) {
    const item = view.getPointer(i * size);
    if (item === null) return out;
    out.push(item);
  }
}

/** Reads a native-endian pointer-sized unsigned integer at `offset`. */
export function getSize(view: DataView, offset: number): number {
  return table.sizes.size_t === 8
    ? Number(view.getBigUint64(offset, LITTLE_ENDIAN))
    : view.getUint32(offset, LITTLE_ENDIAN);
}

/** Writes a native-endian size_t at `offset`. */
export function setSize(view: DataView, offset: number, v: number): void {
  if (table.sizes.size_t === 8) view.setBigUint64(offset, BigInt(v), LITTLE_ENDIAN);
  else view.setUint32(offset, v, LITTLE_ENDIAN);
}

/**
 * A checked view's address, for a struct field (0n: NULL, for none or
 * empty). `memmove(b, b, 0)` hands it back: a fast FFI call, about a tenth
 * of `Deno.UnsafePointer.of` + `value`.
 *
 * V8 keeps small typed arrays' bytes inside its heap, where the garbage
 * collector moves them; a pointer into them would go stale before the
 * syscall that uses it. Asking for the intrinsic `buffer` first moves the
 * bytes to an off-heap backing store for good, whose address is stable.
 */
export function addressOf(b: Uint8Array | null): bigint {
  if (b === null || byteLength(b) === 0) return 0n;
  intrinsicBuffer(b);
  return BigInt(libc.address_of(b, b, 0n));
}

/** Writes a raw address (pointer-sized) at `offset`. */
export function setAddress(view: DataView, offset: number, a: bigint): void {
  if (table.sizes.pointer === 8) view.setBigUint64(offset, a, LITTLE_ENDIAN);
  else view.setUint32(offset, Number(a), LITTLE_ENDIAN);
}
