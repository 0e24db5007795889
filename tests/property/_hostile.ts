/**
 * Hostile argument generators for the property suite, and the rule for what
 * a call may throw.
 *
 * Every value that can name a network destination is loopback-only:
 * strings a resolver could send to DNS never appear (host strings are
 * numeric loopback addresses, "" or strings with a NUL, which fail before
 * any lookup; buffers are zero-filled, so one taken as a host name holds a
 * NUL too), and addresses are 127.0.0.1, ::1 or Unix paths in a temporary
 * directory. The parent also runs the batches inside a network namespace
 * of their own where it can.
 */
import fc from "npm:fast-check@3.23.2";
import * as S from "../../mod.ts";

export { fc };

/** Thrown by the suite's own throwing getters and Proxy traps. */
export class Hostile extends Error {
  override name = "Hostile";
}

/** A rejection reason of the suite's aborted signals. */
export const ABORTED = new Hostile("aborted by the suite");

/** Whether `e` is an error a public call may throw. */
export function allowed(e: unknown): boolean {
  if (e instanceof Hostile) return true; // the caller's own code threw
  if (e instanceof TypeError || e instanceof RangeError) return true;
  if (e instanceof S.error) return true; // gaierror, herror, TimeoutError, …
  if (e instanceof AggregateError) return e.errors.every((x) => x instanceof S.error);
  // The reason of a caller's own AbortSignal.timeout() / abort().
  if (e instanceof DOMException) return e.name === "TimeoutError" || e.name === "AbortError";
  return false;
}

/**
 * A value built fresh for each run, from a recipe. fast-check inspects the
 * values it generates (and would trip over a throwing Proxy), and a buffer
 * detached in one run must not leak into the next: generators yield `Make`
 * tokens, and `materialize` turns them into the values right before a call.
 */
export class Make {
  constructor(readonly label: string, readonly make: () => unknown) {}
}

const make = (label: string, f: () => unknown) => fc.constant(new Make(label, f));

/** Replaces every `Make` token (in nested arrays too) with a fresh value. */
export function materialize(v: unknown): unknown {
  if (v instanceof Make) return v.make();
  if (Array.isArray(v)) return v.map(materialize);
  return v;
}

/** Describes a value for a failure report (no user code runs). */
export function describe(v: unknown, depth = 0): string {
  try {
    if (v instanceof Make) return v.label;
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "symbol") return v.toString();
    if (typeof v === "function") return "[function]";
    if (typeof v !== "object" || v === null) return Object.is(v, -0) ? "-0" : String(v);
    if (depth > 2) return "…";
    if (Array.isArray(v)) return `[${v.map((x) => describe(x, depth + 1)).join(", ")}]`;
    return Object.prototype.toString.call(v);
  } catch {
    return "[unprintable]";
  }
}

const INTS = [
  -0,
  NaN,
  Infinity,
  -Infinity,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  -(2 ** 31) - 1,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32 + 1,
  -1,
  0.5,
  1e300,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
];

/** Integers and numbers that are wrong for every C type in some way. */
export const badNumber: fc.Arbitrary<number | bigint> = fc.oneof(
  fc.constantFrom(...INTS),
  // Doubles, but no huge integers (a size of 1e9 would allocate 1 GB).
  fc.double().filter((d) => !Number.isInteger(d) || Math.abs(d) > 2 ** 53 || Math.abs(d) < 1e6),
  fc.constantFrom(0n, 1n, -1n, 2n ** 64n, 2n ** 31n),
);

/** Small plausible integers (flags, sizes, levels). Never used as descriptors. */
export const smallInt: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -2, max: 70 }),
  fc.constantFrom(
    S.MSG_PEEK,
    S.MSG_DONTWAIT,
    S.MSG_TRUNC,
    S.MSG_WAITALL,
    S.SOL_SOCKET,
    S.IPPROTO_TCP,
    S.IPPROTO_IP,
    S.SO_RCVBUF,
    S.SO_TYPE,
    4096,
    65536,
    1 << 20,
  ),
);

/** Strings that no resolver would look up over the network. */
export const safeString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("", "\0", "a\0b", "127.0.0.1", "::1", "\uD800\0", "0", "x".repeat(300) + "\0"),
  fc.string({ maxLength: 20 }).map((s) => `${s}\0`),
);

/** Views and buffers that lie, move, shrink or are shared. */
export const hostileBuffer: fc.Arbitrary<unknown> = fc.oneof(
  // Zeros: a buffer given where a host name belongs must never spell a name.
  fc.integer({ min: 0, max: 64 }).map((n) => new Make(`Uint8Array(${n})`, () => new Uint8Array(n))),
  fc.tuple(fc.integer({ min: 0, max: 16 }), fc.constantFrom(1 << 20, 2 ** 31, -1, NaN)).map(
    ([n, claim]) =>
      new Make(`Uint8Array(${n}) claiming ${claim}`, () => {
        const u = new Uint8Array(n);
        Object.defineProperty(u, "length", { value: claim });
        Object.defineProperty(u, "byteLength", { value: claim });
        return u;
      }),
  ),
  fc.integer({ min: 0, max: 16 }).map((n) =>
    new Make(`subclass(${n}) with length 2^24`, () => {
      class Big extends Uint8Array {
        override get length(): number {
          return 1 << 24;
        }
      }
      return new Big(n);
    })
  ),
  fc.integer({ min: 0, max: 32 }).map((n) =>
    new Make(`detached(${n})`, () => {
      const ab = new ArrayBuffer(n);
      const view = new Uint8Array(ab);
      ab.transfer();
      return view;
    })
  ),
  fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 64 })).map(([n, m]) =>
    new Make(`resizable view at ${n} shrunk to ${m}`, () => {
      const rab = new ArrayBuffer(64, { maxByteLength: 64 });
      const view = new Uint8Array(rab, n, 64 - n);
      rab.resize(m); // maybe out of bounds now
      return view;
    })
  ),
  fc.integer({ min: 0, max: 64 }).map((n) =>
    new Make(`shared(${n})`, () => new Uint8Array(new SharedArrayBuffer(64), 64 - n))
  ),
  fc.integer({ min: 0, max: 32 }).map((n) =>
    new Make(`DataView(+${n}, 16)`, () => new DataView(new ArrayBuffer(64), n, 16))
  ),
  fc.integer({ min: 0, max: 32 }).map((n) =>
    new Make(`Float64Array(${n})`, () => new Float64Array(n))
  ),
  fc.integer({ min: 0, max: 32 }).map((n) =>
    new Make(`ArrayBuffer(${n})`, () => new ArrayBuffer(n))
  ),
  make("Uint8Array(0)", () => new Uint8Array(0)),
);

function throwingGetterObject(): object {
  return Object.defineProperty({}, "signal", {
    get() {
      throw new Hostile("getter");
    },
  });
}

function throwingProxy(target: object): object {
  const fail = () => {
    throw new Hostile("proxy trap");
  };
  return new Proxy(target, {
    get: fail,
    has: fail,
    ownKeys: fail,
    getPrototypeOf: fail,
    getOwnPropertyDescriptor: fail,
  });
}

/** Objects that run code when touched, or are the wrong kind of thing. */
export const hostileObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  make("{}", () => ({})),
  make("[]", () => []),
  make("function", () => () => 1),
  make("symbol", () => Symbol("s")),
  make("{valueOf: 3}", () => ({ valueOf: () => 3, toString: () => "\0" })),
  make("{fileno: 2^32}", () => ({ fileno: () => 2 ** 32 })),
  make("{fileno: -0}", () => ({ fileno: () => -0 })),
  make("{fileno: '3'}", () => ({ fileno: () => "3" })),
  make("endless iterable", () => ({
    [Symbol.iterator]: () => ({ next: () => ({ done: false, value: 1 }) }),
  })),
  make("Uint8Array(64 KiB) as a list", () => new Uint8Array(64 << 10)),
  make("throwing getter", throwingGetterObject),
  make("throwing Proxy({})", () => throwingProxy({})),
  make("throwing Proxy([])", () => throwingProxy([])),
  make("throwing Proxy(Uint8Array)", () => throwingProxy(new Uint8Array(4))),
  make("revoked Proxy", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  }),
  make("{signal: aborted}", () => ({ signal: AbortSignal.abort(ABORTED) })),
  make("{signal: timeout(5)}", () => ({ signal: AbortSignal.timeout(5) })),
);

/** Loopback-only addresses (and broken ones), for the families we open. */
export function address(unixDir: string): fc.Arbitrary<unknown> {
  const port = fc.oneof(fc.integer({ min: 0, max: 65535 }), badNumber, safeString);
  return fc.oneof(
    fc.tuple(fc.constantFrom("127.0.0.1", "127.0.0.2", "", "0.0.0.0"), port),
    fc.tuple(fc.constantFrom("::1", "::ffff:127.0.0.1", "::"), port, smallInt, smallInt),
    fc.tuple(fc.constantFrom("::1", "::"), port),
    fc.tuple(safeString, port),
    fc.tuple(fc.oneof(badNumber, hostileObject), port),
    fc.constantFrom(`${unixDir}/a`, `${unixDir}/b`, "", "\0", `${unixDir}/\0x`, "x".repeat(200)),
    make("abstract \\0ls-fc", () => new Uint8Array([0, 0x6c, 0x73, 0x2d, 0x66, 0x63])),
    fc.constant(["127.0.0.1"]),
    fc.constant(["127.0.0.1", 1, 2, 3, 4, 5]),
  );
}

/** Any argument at all (never a valid descriptor number other than 0). */
export function anyArg(unixDir: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: smallInt, weight: 4 },
    { arbitrary: badNumber, weight: 3 },
    { arbitrary: safeString, weight: 2 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: hostileBuffer, weight: 4 },
    { arbitrary: hostileObject, weight: 3 },
    { arbitrary: address(unixDir), weight: 3 },
    { arbitrary: fc.array(hostileBuffer, { maxLength: 3 }), weight: 2 },
    {
      arbitrary: fc.array(
        fc.tuple(smallInt, smallInt, fc.oneof(hostileBuffer, safeString)),
        { maxLength: 2 },
      ),
      weight: 1,
    },
  );
}
