// Private helpers shared by the public files: argument checks, C strings,
// and reading memory that libc hands back.
import { table } from "./constants/mod.ts";

/** Little-endian host? (Every platform we generate tables for is.) */
export const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Data a send-like method accepts. */
export type Data = string | ArrayBufferView | ArrayBuffer;

/** Views `data` as bytes: UTF-8 for strings, no copy for buffers. */
export function toBytes(data: Data, what = "data"): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === "string") return encoder.encode(data);
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(
    `${what} must be a string, Uint8Array or other ArrayBufferView, not ${typeName(data)}`,
  );
}

/** A writable byte view of a caller's buffer (for recv_into and friends). */
export function writableBytes(buf: unknown, what = "buffer"): Uint8Array {
  if (buf instanceof Uint8Array) return buf;
  if (ArrayBuffer.isView(buf)) {
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  throw new TypeError(
    `${what} must be a Uint8Array or other ArrayBufferView, not ${typeName(buf)}`,
  );
}

/** Python-ish type name for error messages. */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") {
    return (v as object).constructor?.name ?? "object";
  }
  return typeof v;
}

/** A NUL-terminated UTF-8 copy of `s`; embedded NULs are a TypeError. */
export function cstr(s: string, what = "string"): Uint8Array {
  if (typeof s !== "string") {
    throw new TypeError(`${what} must be a string, not ${typeName(s)}`);
  }
  if (s.includes("\0")) {
    throw new TypeError(`${what} must not contain null character`);
  }
  const bytes = new Uint8Array(s.length * 3 + 1);
  const { written } = encoder.encodeInto(s, bytes);
  return bytes.subarray(0, written + 1);
}

/** Decodes UTF-8 bytes up to the first NUL (or the end). */
export function fromCBytes(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

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

/** Throws TypeError unless `v` is an integer number; returns it. */
export function int(v: unknown, what: string): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`${what} must be an integer, not ${typeName(v)}`);
  }
  return v;
}

/** An integer within [min, max], else TypeError/RangeError. */
export function intIn(v: unknown, min: number, max: number, what: string): number {
  const n = int(v, what);
  if (n < min || n > max) {
    throw new RangeError(`${what} must be ${min}-${max}, got ${n}`);
  }
  return n;
}

/** A C `int` (32-bit signed) argument. */
export function cint(v: unknown, what: string): number {
  return intIn(v, -0x80000000, 0x7fffffff, what);
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

/** Writes a pointer value (or NULL) at `offset`. */
export function setPointer(
  view: DataView,
  offset: number,
  p: Deno.PointerValue,
): void {
  const v = p === null ? 0n : BigInt(Deno.UnsafePointer.value(p));
  if (table.sizes.pointer === 8) view.setBigUint64(offset, v, LITTLE_ENDIAN);
  else view.setUint32(offset, Number(v), LITTLE_ENDIAN);
}
