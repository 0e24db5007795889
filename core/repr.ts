// Private: short, Python-repr-like renderings of values for messages.
//
// Every message that quotes a caller's value goes through here, so that no
// message grows with the value: a long string or bytes keeps its head and
// tail around "..." (as Python's reprlib), a container its first items, a
// big integer its first and last digits. Nothing here throws, and nothing
// reads more of a value than it shows: sizes come from the engine's own
// getters, elements are read one by one under `try`.

/** The longest rendering of a value, in UTF-16 units (before quotes and "..."). */
export const REPR_MAX = 60;

type Getter = (self: unknown) => unknown;
function getter(proto: object, key: PropertyKey): Getter {
  const get = Object.getOwnPropertyDescriptor(proto, key)?.get;
  return get === undefined ? () => undefined : (self) => Reflect.apply(get, self, []);
}
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taTag = getter(TypedArrayProto, Symbol.toStringTag);
const taLength = getter(TypedArrayProto, "length");
const taBuffer = getter(TypedArrayProto, "buffer");
const taOffset = getter(TypedArrayProto, "byteOffset");
const abLength = getter(ArrayBuffer.prototype, "byteLength");
const sabLength = getter(SharedArrayBuffer.prototype, "byteLength");
const dvLength = getter(DataView.prototype, "byteLength");

/** Calls `f`, or gives `fallback` when it throws. */
function attempt<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** `s` cut to `max` units: its head and tail around "...". */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = Math.ceil((max - 3) * 2 / 3);
  return s.slice(0, head) + "..." + s.slice(s.length - (max - 3 - head));
}

/**
 * The escaped units `unit(0 … n-1)` of a sequence, all of them when they fit
 * in `max` characters, else a head and a tail around "..." that do. Only the
 * units shown are escaped: the cost is the size of the output.
 */
function fit(n: number, unit: (i: number) => string, max: number): string {
  let all = "";
  let i = 0;
  for (; i < n && all.length <= max; i++) all += unit(i);
  if (i === n && all.length <= max) return all;
  const headMax = Math.ceil((max - 3) * 2 / 3);
  let head = "";
  let h = 0;
  for (; h < n; h++) {
    const u = unit(h);
    if (head.length + u.length > headMax) break;
    head += u;
  }
  let tail = "";
  for (let t = n - 1; t > h; t--) {
    const u = unit(t);
    if (tail.length + u.length > max - 3 - headMax) break;
    tail = u + tail;
  }
  return head + "..." + tail;
}

/** The quote Python's repr picks: `"` when only that avoids escaping `'`. */
function quoteFor(hasSingle: boolean, hasDouble: boolean): string {
  return hasSingle && !hasDouble ? '"' : "'";
}

/** Unit `i` of a string, escaped as Python's str repr does (a pair is one unit, at its first half). */
function strUnit(s: string, i: number, quote: string): string {
  const c = s.charCodeAt(i);
  const high = (k: number) => {
    const x = s.charCodeAt(k);
    return x >= 0xd800 && x < 0xdc00;
  };
  const low = (k: number) => {
    const x = s.charCodeAt(k);
    return x >= 0xdc00 && x < 0xe000;
  };
  if (high(i) && i + 1 < s.length && low(i + 1)) return s.slice(i, i + 2);
  if (low(i) && i > 0 && high(i - 1)) return ""; // shown with its first half
  const ch = s[i];
  if (ch === "\\" || ch === quote) return "\\" + ch;
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  if (ch === "\t") return "\\t";
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return "\\x" + c.toString(16).padStart(2, "0");
  if (c >= 0xd800 && c < 0xe000) return "\\u" + c.toString(16); // a lone surrogate
  return ch;
}

/** Python's repr of a string (`'…'`), at most about `max` characters inside the quotes. */
export function reprStr(s: string, max = REPR_MAX): string {
  const probe = s.length > 4 * max ? s.slice(0, 2 * max) + s.slice(-2 * max) : s;
  const q = quoteFor(probe.includes("'"), probe.includes('"'));
  return q + fit(s.length, (i) => strUnit(s, i, q), max) + q;
}

/** `s` escaped as inside a repr, without quotes, cut to about `max` characters. */
function escaped(s: string, max: number): string {
  return fit(s.length, (i) => strUnit(s, i, ""), max);
}

/** Byte `x` as Python's bytes repr shows it. */
function byteUnit(x: number, quote: string): string {
  const c = String.fromCharCode(x);
  if (c === "\\" || c === quote) return "\\" + c;
  if (x >= 0x20 && x < 0x7f) return c;
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  return "\\x" + x.toString(16).padStart(2, "0");
}

/** Python's repr of bytes (`b'…'`), at most about `max` characters inside the quotes. */
export function reprBytes(b: Uint8Array, max = REPR_MAX): string {
  // The engine's bounds, never the object's own: a view may lie about itself.
  const n = taLength(b) as number;
  const view = attempt(
    () => new Uint8Array(taBuffer(b) as ArrayBuffer, taOffset(b) as number, n),
    new Uint8Array(0),
  );
  const probe = n > 4 * max ? [view.subarray(0, 2 * max), view.subarray(n - 2 * max)] : [view];
  const q = quoteFor(probe.some((p) => p.includes(0x27)), probe.some((p) => p.includes(0x22)));
  return `b${q}${fit(view.length, (i) => byteUnit(view[i], q), max)}${q}`;
}

/** The decimal digits of an integer, or its first and last ones around "...". */
function reprBigInt(n: bigint, max: number): string {
  // Hex is linear in the size; decimal is not: only small numbers get it.
  const hex = (n < 0n ? -n : n).toString(16);
  if (hex.length * 4 <= 128) return cut(n.toString(), max);
  const sign = n < 0n ? "-" : "";
  return `${sign}0x${cut(hex, Math.min(max, 24))} (${hex.length * 4} bits)`;
}

/** The class name of an object, cut short, without running its getters twice. */
function className(v: object): string {
  return attempt(() => {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? cut(name, 30) : "object";
  }, "object");
}

/** A short, bounded Python-like repr of `v` for a message: `'80'`, `b'\x00a'`, `[1, 2]`. */
export function repr(v: unknown, max = REPR_MAX, depth = 0): string {
  switch (typeof v) {
    case "string":
      return reprStr(v, max);
    case "number":
      return Object.is(v, -0) ? "-0" : String(v);
    case "bigint":
      return reprBigInt(v, max);
    case "boolean":
    case "undefined":
      return String(v);
    case "symbol":
      return cut(attempt(() => v.toString(), "Symbol()"), max);
    case "function": {
      const name = attempt(() => (v as { name?: unknown }).name, undefined);
      return `<function ${
        typeof name === "string" && name !== "" ? cut(name, 30) : "(anonymous)"
      }>`;
    }
  }
  if (v === null) return "null";
  const tag = taTag(v);
  if (tag === "Uint8Array") return reprBytes(v as Uint8Array, max);
  if (tag !== undefined) return `${tag}(${taLength(v)})`;
  const bytes = attempt(() => abLength(v) as number, null) ??
    attempt(() => sabLength(v) as number, null);
  if (bytes !== null) return `${className(v as object)}(${bytes})`;
  const dv = attempt(() => dvLength(v) as number, null);
  if (dv !== null) return `DataView(${dv})`;
  if (attempt(() => Array.isArray(v), false)) return reprList(v as unknown[], max, depth);
  return reprObject(v as object, max);
}

function reprList(a: readonly unknown[], max: number, depth: number): string {
  const n = attempt(() => a.length, 0);
  if (depth >= 2) return n === 0 ? "[]" : "[...]";
  const parts: string[] = [];
  let size = 2;
  for (let i = 0; i < n; i++) {
    if (i >= 6 || size > max) {
      parts.push("...");
      break;
    }
    const item = attempt(() => repr(a[i], Math.max(12, max >> 1), depth + 1), "?");
    parts.push(item);
    size += item.length + 2;
  }
  return `[${parts.join(", ")}]`;
}

/**
 * An object: what its own `toString` says (Socket: `<socket.socket fd=3, …>`),
 * cut short, or `<Name object>` when it has none of its own.
 */
function reprObject(v: object, max: number): string {
  const text = attempt(() => {
    const f = (v as { toString?: unknown }).toString;
    if (typeof f !== "function" || f === Object.prototype.toString) return null;
    const s = Reflect.apply(f, v, []);
    return typeof s === "string" ? s : null;
  }, null);
  return text !== null ? cut(text, 2 * max) : `<${className(v)} object>`;
}

/**
 * `s` as it is when it reads unambiguously (no quotes, spaces or control
 * characters, not empty, not long), else its repr: for host names and
 * paths after a message.
 */
export function plainText(s: string, max = 120): string {
  // deno-lint-ignore no-control-regex
  return s !== "" && s.length <= max && !/[\s\x00-\x1f\x7f-\x9f'"\\]/.test(s) ? s : reprStr(s, max);
}

/** Python's type name of `v`, for messages ("float", "str", "NoneType", …). */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (typeof v === "string") return "str";
  if (attempt(() => Array.isArray(v), false)) return "list";
  if (taTag(v) === "Uint8Array") return "bytes";
  if (typeof v === "object") return className(v as object);
  return typeof v;
}

/** `type (repr)` of a wrong argument: `str ('80')`, `list ([1, 2])`; `null`, `undefined`. */
export function typeAndRepr(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  return `${pyType(v)} (${repr(v)})`;
}

/** Python's `str()` of an address: tuples, `'…'` strings inside them, `b'…'` bytes. */
export function addressStr(v: unknown, nested = false): string {
  if (typeof v === "string") return nested ? reprStr(v) : escaped(v, REPR_MAX * 2);
  if (attempt(() => Array.isArray(v), false)) {
    const a = v as unknown[];
    const n = Math.min(attempt(() => a.length, 0), 8);
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(attempt(() => addressStr(a[i], true), "?"));
    return `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
  }
  return repr(v);
}

/**
 * What a wrong argument is, for error messages: its Python type name and a
 * short, bounded repr (`str ('80')`, `float (1.5)`, `null`), so a message
 * says what it got without ever growing with the value.
 */
export function typeName(v: unknown): string {
  return typeAndRepr(v);
}
