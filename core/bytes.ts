// Private: the bytes of a caller's data, read through the buffer's intrinsic
// bounds (never an object's own `length`), as every size that reaches libc
// must be: strings as UTF-8, buffers without a copy.
import { typeName } from "./repr.ts";

const encoder = new TextEncoder();

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
  // A detached buffer (and every view of it) reports 0 bytes through the
  // intrinsic getters: only an empty span needs the detached probe.
  if (length === 0) {
    if (detached(buffer)) throw new TypeError(`${what} is a detached buffer`);
    return new U8(0);
  }
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
 * Reads a typed array's intrinsic `buffer`. For a small array whose bytes
 * V8 keeps inside its heap, this moves them to an off-heap backing store
 * for good (see `addressOf` in memory.ts).
 */
export function intrinsicBuffer(view: ArrayBufferView): unknown {
  return taBuffer(view);
}

/**
 * What an async send keeps across waits: a string's UTF-8 bytes, or the
 * caller's own buffer, whose live bounds are read before every attempt.
 */
export function liveSource(data: unknown): Data {
  return sourceOf(data, toBytes(data));
}

/**
 * {@linkcode liveSource} for a caller that already has `toBytes(data)` (and
 * uses that view for an attempt made before any wait).
 */
export function sourceOf(data: unknown, bytes: Uint8Array): Data {
  return typeof data === "string" ? bytes : data as Data;
}
