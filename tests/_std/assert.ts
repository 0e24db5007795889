/**
 * Local stand-in for `jsr:@std/assert`, for machines that cannot reach JSR.
 * The functions keep upstream's names and signatures and are built on
 * Node's `node:assert`, which Deno ships.
 *
 * @module
 */
import nodeAssert from "node:assert";

/** Error thrown by the assertions (upstream: `AssertionError`). */
export class AssertionError extends Error {
  /** @param message The failure message. */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function rethrow(fn: () => void, msg?: string): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof nodeAssert.AssertionError) {
      throw new AssertionError(msg ? `${msg}: ${e.message}` : e.message);
    }
    throw e;
  }
}

/** Asserts `expr` is truthy. */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) throw new AssertionError(msg || "Expected expression to be truthy");
}

/** Deep structural equality (upstream `assertEquals`). */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  rethrow(() => nodeAssert.deepStrictEqual(actual, expected), msg);
}

/** Deep structural inequality. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  rethrow(() => nodeAssert.notDeepStrictEqual(actual, expected), msg);
}

/** `Object.is`-style identity. */
export function assertStrictEquals<T>(actual: unknown, expected: T, msg?: string): void {
  rethrow(() => nodeAssert.strictEqual(actual, expected), msg);
}

/** Asserts `actual` is neither null nor undefined. */
export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual === null || actual === undefined) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to not be null or undefined.`);
  }
}

/** Asserts `actual` includes `expected` (string or array). */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to contain: "${expected}".`);
  }
}

/** Asserts `actual` matches `expected`. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  rethrow(() => nodeAssert.match(actual, expected), msg);
}

/** Asserts `actual >= expected`. */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual >= expected)) {
    throw new AssertionError(msg ?? `Expect ${actual} >= ${expected}`);
  }
}

/** Asserts `actual > expected`. */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual > expected)) throw new AssertionError(msg ?? `Expect ${actual} > ${expected}`);
}

/** Asserts `actual <= expected`. */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual <= expected)) {
    throw new AssertionError(msg ?? `Expect ${actual} <= ${expected}`);
  }
}

/** Asserts `actual < expected`. */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual < expected)) throw new AssertionError(msg ?? `Expect ${actual} < ${expected}`);
}

/** Asserts `actual` is an instance of `expectedType`. */
// deno-lint-ignore no-explicit-any
export function assertInstanceOf<T extends abstract new (...args: any[]) => any>(
  actual: unknown,
  expectedType: T,
  msg = "",
): asserts actual is InstanceType<T> {
  if (!(actual instanceof expectedType)) {
    throw new AssertionError(
      msg || `Expected object to be an instance of "${expectedType.name}"`,
    );
  }
}

function checkError(
  e: unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => Error,
  msgIncludes?: string,
): void {
  if (ErrorClass && !(e instanceof ErrorClass)) {
    throw new AssertionError(
      `Expected error to be instance of "${ErrorClass.name}", but was "${
        (e as Error)?.constructor?.name
      }": ${(e as Error)?.message}`,
    );
  }
  if (msgIncludes !== undefined && !String((e as Error)?.message).includes(msgIncludes)) {
    throw new AssertionError(
      `Expected error message to include "${msgIncludes}", but got "${(e as Error)?.message}".`,
    );
  }
}

/** Asserts `fn` throws (optionally an instance of `ErrorClass`); returns the error. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => E,
  msgIncludes?: string,
  msg?: string,
): E {
  try {
    fn();
  } catch (e) {
    checkError(e, ErrorClass, msgIncludes);
    return e as E;
  }
  throw new AssertionError(msg ?? "Expected function to throw.");
}

/** Asserts the promise from `fn` rejects (optionally with `ErrorClass`); returns the error. */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => E,
  msgIncludes?: string,
  msg?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    checkError(e, ErrorClass, msgIncludes);
    return e as E;
  }
  throw new AssertionError(msg ?? "Expected function to reject.");
}

/** Always throws (upstream `fail`). */
export function fail(msg?: string): never {
  throw new AssertionError(`Failed assertion${msg ? `: ${msg}` : "."}`);
}
