// Private: Python's C integer conversions (PyArg_Parse's "i", "l" and the
// PyLong_CheckExact test), so that a value reaches FFI only after the check
// its C type needs. A Python int is a JS integer `number` (−0 is 0) or a
// `bigint`; a boolean is an int as in Python (bool subclasses int) unless
// the caller asks for an exact int. The number-only checks at the end
// (int, intIn, cint, fdArg) take a JS number and never a bigint.

import { repr, typeAndRepr, typeName } from "./repr.ts";

/** `v` as an exact integer (bigint), or null when it is not a Python int. */
export function asInteger(v: unknown, allowBool = true): bigint | null {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : null;
  if (typeof v === "bigint") return v;
  if (typeof v === "boolean" && allowBool) return v ? 1n : 0n;
  return null;
}

/**
 * An integer, else TypeError (CPython's "'float' object cannot be
 * interpreted as an integer", said with the argument's name and value:
 * "connect(): port must be an integer, not str ('80')").
 */
export function integer(v: unknown, what: string): bigint {
  const n = asInteger(v);
  if (n === null) throw new TypeError(`${what} must be an integer, not ${typeAndRepr(v)}`);
  return n;
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;

/** A C `int`, as PyArg's "i": TypeError for a non-integer, RangeError outside int. */
export function cInt(v: unknown, what: string): number {
  const n = integer(v, what);
  if (n > INT_MAX) throw new RangeError(`${what}: signed integer is greater than maximum`);
  if (n < INT_MIN) throw new RangeError(`${what}: signed integer is less than minimum`);
  return Number(n);
}

/** `n` is within a C `long` of this platform (64 bits on every LP64 target). */
export function fitsCLong(n: bigint): boolean {
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** An integer within [min, max] (number or bigint), else TypeError/RangeError. */
export function intRange(v: unknown, min: number, max: number, what: string): number {
  const n = integer(v, what);
  if (n < BigInt(min) || n > BigInt(max)) {
    throw new RangeError(`${what} must be ${min}-${max}, got ${repr(n)}`);
  }
  return Number(n);
}

// Number-only checks: a JS `number` (a boolean counts as 0 or 1) and never a
// `bigint`, for arguments that are JS numbers in this API (sizes, flags,
// option values, descriptors). -0 comes back as 0.

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
