// Private helpers shared by the public files: argument checks, C strings,
// and reading memory that libc hands back.
import { table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { typeAndRepr } from "./repr.ts";

/** Little-endian host? (Every platform we generate tables for is.) */
export const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Data a send-like method accepts. */
export type Data = string | ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

// ---------------------------------------------------------------------------
// Intrinsic buffer bounds. A caller's view may lie about itself (an own
// `length`, a subclass getter, a Proxy): every size or pointer that reaches
// libc is read through the built-in getters captured here at load time, and
// libc only ever sees a fresh plain Uint8Array built from those values.

type Getter = (self: unknown) => unknown;
const apply = Reflect.apply;
function getter(proto: object, key: PropertyKey): Getter {
  const get = Object.getOwnPropertyDescriptor(proto, key)?.get;
  if (get === undefined) return () => undefined;
  return (self) => apply(get, self, []);
}
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taTag = getter(TypedArrayProto, Symbol.toStringTag);
const taBuffer = getter(TypedArrayProto, "buffer");
const taOffset = getter(TypedArrayProto, "byteOffset");
const taLength = getter(TypedArrayProto, "byteLength");
const dvBuffer = getter(DataView.prototype, "buffer");
const dvOffset = getter(DataView.prototype, "byteOffset");
const dvLength = getter(DataView.prototype, "byteLength");
const abLength = getter(ArrayBuffer.prototype, "byteLength");
const abDetached = getter(ArrayBuffer.prototype, "detached");
const sabLength = getter(SharedArrayBuffer.prototype, "byteLength");
const U8 = Uint8Array;

/** The intrinsic byte length of a typed array (never its own `length`). */
export function byteLength(view: ArrayBufferView): number {
  return taTag(view) !== undefined ? taLength(view) as number : dvLength(view) as number;
}

function isArrayBuffer(v: unknown): boolean {
  try {
    abLength(v);
    return true;
  } catch {
    return false;
  }
}

function isShared(v: unknown): boolean {
  try {
    sabLength(v);
    return true;
  } catch {
    return false;
  }
}

function detached(buffer: unknown): boolean {
  return isArrayBuffer(buffer) && abDetached(buffer) === true;
}

/**
 * The bytes `v` covers right now, as a fresh plain `Uint8Array` over the same
 * memory, with bounds read from the engine's own getters; `null` when `v` is
 * not bytes-like. A detached buffer is a TypeError; a view that a shrunk
 * resizable buffer left out of bounds covers 0 bytes.
 */
function span(v: unknown, what: string): Uint8Array | null {
  if (typeof v !== "object" || v === null) return null;
  let buffer: unknown;
  let offset = 0;
  let length = 0;
  if (taTag(v) !== undefined) {
    buffer = taBuffer(v);
    offset = taOffset(v) as number;
    length = taLength(v) as number;
  } else if (isArrayBuffer(v)) {
    buffer = v;
    length = abLength(v) as number;
  } else if (isShared(v)) {
    buffer = v;
    length = sabLength(v) as number;
  } else {
    try {
      buffer = dvBuffer(v);
    } catch {
      return null; // not a DataView either
    }
    try {
      offset = dvOffset(v) as number;
      length = dvLength(v) as number;
    } catch {
      // Detached (checked below) or out of bounds: nothing to cover.
    }
  }
  if (detached(buffer)) throw new TypeError(`${what} is a detached buffer`);
  if (length === 0) return new U8(0);
  return new U8(buffer as ArrayBuffer, offset, length);
}

/**
 * Views `data` as bytes: UTF-8 for strings, no copy for buffers. The result
 * is always a fresh plain `Uint8Array` whose bounds are the buffer's real
 * (intrinsic) ones, whatever `length` the caller's object claims.
 *
 * @throws {TypeError} For anything else, or a detached buffer.
 */
export function toBytes(data: unknown, what = "data"): Uint8Array {
  if (typeof data === "string") return encoder.encode(data);
  const bytes = span(data, what);
  if (bytes !== null) return bytes;
  throw new TypeError(
    `${what} must be a string, Uint8Array or other ArrayBufferView, not ${typeName(data)}`,
  );
}

/**
 * A writable byte view of a caller's buffer (for recv_into and friends),
 * with the same intrinsic bounds as {@linkcode toBytes}.
 *
 * @throws {TypeError} For a non-buffer, or a detached buffer.
 */
export function writableBytes(buf: unknown, what = "buffer"): Uint8Array {
  const bytes = span(buf, what);
  if (bytes !== null) return bytes;
  throw new TypeError(
    `${what} must be a Uint8Array or other ArrayBufferView, not ${typeName(buf)}`,
  );
}

/** Whether `v` is bytes-like (a view, ArrayBuffer or SharedArrayBuffer). */
export function isBytesLike(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  if (taTag(v) !== undefined || isArrayBuffer(v) || isShared(v)) return true;
  try {
    dvBuffer(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * A non-NULL pointer's worth of memory for calls passing 0 bytes (Deno FFI
 * turns an empty buffer into NULL, which some kernel paths treat
 * differently from a valid pointer with length 0).
 */
export const EMPTY: Uint8Array = new Uint8Array(1);

/**
 * What a wrong argument is, for error messages: its Python type name and a
 * short, bounded repr (`str ('80')`, `float (1.5)`, `null`), so a message
 * says what it got without ever growing with the value.
 */
export function typeName(v: unknown): string {
  return typeAndRepr(v);
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
  // -0 is an integer to JS but not to FFI ("Invalid FFI i32 type").
  return v === 0 ? 0 : v;
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

/**
 * A file descriptor argument: a C `int` that is not negative. Beyond that
 * range it is a RangeError (Deno's FFI would silently wrap it to 32 bits,
 * and CPython truncates it to `int`, so `close(2**32 + 1)` closes fd 1).
 */
export function fdArg(v: unknown, what = "fd"): number {
  const n = int(v, what);
  if (n < 0) throw new RangeError(`negative file descriptor: ${n}`);
  if (n > 0x7fffffff) throw new RangeError(`${what} out of range for a C int: ${n}`);
  return n;
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
  taBuffer(b);
  return BigInt(libc.address_of(b, b, 0n));
}

/** Writes a raw address (pointer-sized) at `offset`. */
export function setAddress(view: DataView, offset: number, a: bigint): void {
  if (table.sizes.pointer === 8) view.setBigUint64(offset, a, LITTLE_ENDIAN);
  else view.setUint32(offset, Number(a), LITTLE_ENDIAN);
}

/**
 * What an async send keeps across waits: a string's UTF-8 bytes, or the
 * caller's own buffer, whose live bounds are read before every attempt.
 */
export function liveSource(data: unknown): Data {
  const bytes = toBytes(data);
  return typeof data === "string" ? bytes : data as Data;
}
