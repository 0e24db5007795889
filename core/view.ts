// Private: bytes of a caller's buffer by its intrinsic size. A view's own
// `length` / `byteLength` may be faked (an own property, a subclass getter):
// only the built-in getters of %TypedArray%.prototype, DataView.prototype
// and ArrayBuffer.prototype tell how much memory is really there.

const TA = Object.getPrototypeOf(Uint8Array.prototype);
const getter = (proto: object, name: string) =>
  Object.getOwnPropertyDescriptor(proto, name)!.get! as (this: unknown) => unknown;
const taBuffer = getter(TA, "buffer");
const taOffset = getter(TA, "byteOffset");
const taLength = getter(TA, "byteLength");
const dvBuffer = getter(DataView.prototype, "buffer");
const dvOffset = getter(DataView.prototype, "byteOffset");
const dvLength = getter(DataView.prototype, "byteLength");
const abLength = getter(ArrayBuffer.prototype, "byteLength");
const sabLength = typeof SharedArrayBuffer === "function"
  ? getter(SharedArrayBuffer.prototype, "byteLength")
  : null;

function isTypedArray(v: object): boolean {
  try {
    taLength.call(v);
    return true;
  } catch {
    return false;
  }
}

function isBuffer(v: unknown, length: ((this: unknown) => unknown) | null): boolean {
  if (length === null || typeof v !== "object" || v === null) return false;
  try {
    length.call(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * A private copy of the bytes of `v` (any ArrayBufferView, ArrayBuffer or
 * SharedArrayBuffer), sized by the intrinsic getters; null for anything
 * else. A detached buffer is a TypeError.
 */
export function copyBytes(v: unknown): Uint8Array | null {
  let buffer: ArrayBufferLike, offset: number, length: number;
  if (ArrayBuffer.isView(v)) {
    const typed = isTypedArray(v);
    buffer = (typed ? taBuffer : dvBuffer).call(v) as ArrayBufferLike;
    offset = (typed ? taOffset : dvOffset).call(v) as number;
    length = (typed ? taLength : dvLength).call(v) as number;
  } else if (isBuffer(v, abLength)) {
    buffer = v as ArrayBuffer;
    offset = 0;
    length = abLength.call(v) as number;
  } else if (isBuffer(v, sabLength)) {
    buffer = v as SharedArrayBuffer;
    offset = 0;
    length = sabLength!.call(v) as number;
  } else {
    return null;
  }
  return new Uint8Array(buffer, offset, length).slice();
}

/** `copyBytes` for a `Uint8Array` only (Python's `bytes`); null for anything else. */
export function copyUint8(v: unknown): Uint8Array | null {
  return v instanceof Uint8Array ? copyBytes(v) : null;
}
