/**
 * The module-wide default timeout of new sockets, as Python's
 * `socket.getdefaulttimeout()`/`setdefaulttimeout()`, and the check every
 * timeout value goes through.
 *
 * @module
 */
import { typeName } from "../core/repr.ts";

let defaultTimeout: number | null = null;

/**
 * Checks a timeout in seconds as CPython does: `null` (or `undefined`) is no
 * timeout, a number must be finite and not negative.
 */
export function timeoutArg(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "number") {
    throw new TypeError(`Timeout value must be a number or null, not ${typeName(value)}`);
  }
  // As CPython: NaN is a ValueError (RangeError here), not a TypeError.
  if (Number.isNaN(value)) throw new RangeError("Invalid value NaN (not a number)");
  if (value < 0) throw new RangeError("Timeout value out of range");
  if (!Number.isFinite(value)) throw new RangeError("Timeout value out of range");
  return value;
}

/**
 * Returns the default timeout in seconds (`null`: no timeout) for new
 * sockets. A Python convenience: no libc call.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.getdefaulttimeout()); // null
 * ```
 */
export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

/**
 * Sets the default timeout in seconds for sockets created afterwards
 * (`null`: blocking). A Python convenience: no libc call.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * socket.setdefaulttimeout(5);
 * socket.setdefaulttimeout(null);
 * ```
 *
 * @throws {RangeError} For a negative timeout.
 */
export function setdefaulttimeout(timeout: number | null): void {
  defaultTimeout = timeoutArg(timeout);
}
