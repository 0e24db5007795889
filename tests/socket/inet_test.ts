/**
 * inet_aton / inet_ntoa / inet_pton / inet_ntop against python3, on a table
 * of inputs that includes the ones CPython rejects. Python's exception
 * classes map to ours as: OSError → `error`, TypeError → TypeError,
 * ValueError and OverflowError → RangeError.
 */
import { assertEquals, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { py } from "../_py.ts";

/** Bytes travel in the table as `{ b: [...] }`. */
type Arg = string | number | { b: number[] };
type Case = [fn: "inet_aton" | "inet_ntoa" | "inet_pton" | "inet_ntop", args: Arg[]];

const b = (...xs: number[]) => ({ b: xs });
const AF4 = socket.AF_INET;
const AF6 = socket.AF_INET6;

const ATON = [
  "1.2.3.4",
  "127.1",
  "127.0.1",
  "0x7f.1",
  "0X7F.0.0.1",
  "0177.0.0.1",
  "1",
  "0",
  "4294967295",
  "4294967296",
  "0xffffffff",
  "255.255.255.255",
  "256.1.1.1",
  "1.256.1.1",
  "1.2.65535",
  "1.2.65536",
  "1.16777215",
  "1.16777216",
  "1.2.3.4 junk",
  "1.2.3.4 ",
  "1.2.3.4\t",
  "1.2.3.4\n",
  " 1.2.3.4",
  "",
  ".",
  "1.2.3.",
  "a.b.c.d",
  "1.2.3.4.5",
  "08.1.1.1",
  "01.02.03.07",
  "0x100.0.0.1",
  "::1",
  "1.2.3.-4",
  "+1.2.3.4",
  "é",
  "1.2.3.4\0",
  "\0",
];
const PTON4 = [
  "1.2.3.4",
  "0.0.0.0",
  "255.255.255.255",
  "127.1",
  "01.2.3.4",
  "0x7f.0.0.1",
  "256.0.0.0",
  "1.2.3",
  "1.2.3.4.5",
  " 1.2.3.4",
  "1.2.3.4 ",
  "",
  "::1",
  "1.2.3.4\0",
];
const PTON6 = [
  "::",
  "::1",
  "1::",
  "fe80::1",
  "FE80::1",
  "fE80:0:0::Ab",
  "::ffff:1.2.3.4",
  "::1.2.3.4",
  "1:2:3:4:5:6:1.2.3.4",
  "1:2:3:4:5:6:7:8",
  "0:0:0:0:0:0:0:0",
  "1:2:3:4:5:6:7::",
  "::2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8:9",
  "1::2::3",
  ":::",
  ":1::",
  "1:",
  "fe80::1%lo",
  "fe80::1%1",
  "12345::",
  "g::",
  "0000f::",
  "00000::",
  "::ffff:1.2.3",
  "::ffff:256.1.1.1",
  "",
  "1.2.3.4",
  " ::1",
  "::1\0",
];
const NTOP4 = [
  b(1, 2, 3, 4),
  b(0, 0, 0, 0),
  b(255, 255, 255, 255),
  b(1, 2, 3),
  b(1, 2, 3, 4, 5),
  b(),
];
const z16 = (...pairs: [number, number][]) => {
  const x = new Array(16).fill(0);
  for (const [i, v] of pairs) x[i] = v;
  return { b: x };
};
const NTOP6 = [
  z16(),
  z16([15, 1]),
  z16([0, 0xfe], [1, 0x80], [15, 1]),
  z16([10, 0xff], [11, 0xff], [12, 1], [13, 2], [14, 3], [15, 4]), // v4-mapped
  z16([12, 1], [13, 2], [14, 3], [15, 4]), // v4-compatible
  z16([1, 1], [7, 1], [15, 1]), // 1:0:0:1:0:0:0:1 → the longer run compresses
  z16([1, 1], [5, 1], [9, 1], [13, 1]), // 1:0:1:0:1:0:1:0 → single zeros stay
  { b: Array.from({ length: 16 }, (_, i) => i * 17) },
  { b: new Array(16).fill(255) },
  { b: new Array(15).fill(1) },
  { b: new Array(17).fill(1) },
];

const CASES: Case[] = [
  ...ATON.map((s): Case => ["inet_aton", [s]]),
  ["inet_aton", [b(49, 46, 50, 46, 51, 46, 52)]], // bytes, not str → TypeError
  ["inet_aton", [7]],
  ...[b(1, 2, 3, 4), b(0, 0, 0, 0), b(1, 2, 3), b(1, 2, 3, 4, 5), b()].map(
    (x): Case => ["inet_ntoa", [x]],
  ),
  ["inet_ntoa", ["1234"]],
  ...PTON4.map((s): Case => ["inet_pton", [AF4, s]]),
  ...PTON6.map((s): Case => ["inet_pton", [AF6, s]]),
  ["inet_pton", [socket.AF_UNIX, "1.2.3.4"]],
  ["inet_pton", [99, "1.2.3.4"]],
  ["inet_pton", [AF4, b(49, 46, 50, 46, 51, 46, 52)]],
  ...NTOP4.map((x): Case => ["inet_ntop", [AF4, x]]),
  ...NTOP6.map((x): Case => ["inet_ntop", [AF6, x]]),
  ["inet_ntop", [99, b(1, 2, 3, 4)]],
  ["inet_ntop", [socket.AF_UNIX, b(1, 2, 3, 4)]],
  ["inet_ntop", [AF4, "1234"]],
];

/** One outcome, the same shape on both sides. */
type Outcome =
  | { ok: string | number[] }
  | { exc: string; errno: number | null; msg: string };

const PY_TO_JS: Record<string, string> = {
  OSError: "error",
  TypeError: "TypeError",
  ValueError: "RangeError",
  OverflowError: "RangeError",
};

function ours(fn: Case[0], args: Arg[]): Outcome {
  const real = args.map((a) => typeof a === "object" ? new Uint8Array(a.b) : a);
  try {
    // deno-lint-ignore no-explicit-any
    const r = (socket[fn] as (...a: any[]) => string | Uint8Array)(...real);
    return { ok: typeof r === "string" ? r : [...r] };
  } catch (e) {
    const cls = e instanceof socket.error
      ? "error"
      : e instanceof RangeError
      ? "RangeError"
      : e instanceof TypeError
      ? "TypeError"
      : `unexpected ${e}`;
    return { exc: cls, errno: (e as socket.error).errno ?? null, msg: (e as Error).message };
  }
}

let theirs: Outcome[] | undefined;
async function pythonOutcomes(): Promise<Outcome[]> {
  theirs ??= await py<Outcome[]>(`
cases = json.loads(${JSON.stringify(JSON.stringify(CASES))})
out = []
for fn, args in cases:
    real = [bytes(a["b"]) if isinstance(a, dict) else a for a in args]
    try:
        r = getattr(socket, fn)(*real)
        out.append({"ok": list(r) if isinstance(r, bytes) else r})
    except Exception as e:
        out.append({"exc": type(e).__name__, "errno": e.errno if isinstance(e, OSError) else None,
                    "msg": str(e)})
`);
  return theirs;
}

function label([fn, args]: Case): string {
  return `${fn}(${args.map((a) => JSON.stringify(a)).join(", ")})`;
}

Deno.test("inet: results and error classes equal python3's on the whole table", async () => {
  const expected = await pythonOutcomes();
  assertEquals(expected.length, CASES.length);
  const mismatches: string[] = [];
  CASES.forEach((c, i) => {
    const want = expected[i];
    const got = ours(...c);
    if ("ok" in want) {
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        mismatches.push(`${label(c)}: python ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`);
      }
      return;
    }
    const cls = PY_TO_JS[want.exc] ?? `python ${want.exc}`;
    if (!("exc" in got) || got.exc !== cls || got.errno !== want.errno) {
      mismatches.push(
        `${label(c)}: python ${want.exc}(${want.errno}, ${want.msg}), ours ${JSON.stringify(got)}`,
      );
    }
  });
  assertEquals(mismatches, []);
});

Deno.test("inet: OSError messages are python's for the rejected strings", async () => {
  const expected = await pythonOutcomes();
  CASES.forEach((c, i) => {
    const want = expected[i];
    if (!("exc" in want) || want.exc !== "OSError") return;
    const got = ours(...c);
    assertEquals("exc" in got && got.msg, want.msg, label(c));
  });
});

Deno.test("inet: the table really has both accepted and rejected inputs of each function", async () => {
  const expected = await pythonOutcomes();
  for (const fn of ["inet_aton", "inet_ntoa", "inet_pton", "inet_ntop"]) {
    const kinds = new Set(
      CASES.flatMap((c, i) => c[0] === fn ? ["ok" in expected[i] ? "ok" : "exc"] : []),
    );
    assertEquals([...kinds].sort(), ["exc", "ok"], fn);
  }
});

Deno.test("inet: round trips and buffer kinds", () => {
  const packed = socket.inet_pton(AF6, "2001:db8::8:800:200c:417a");
  assertEquals(socket.inet_ntop(AF6, packed), "2001:db8::8:800:200c:417a");
  assertEquals(socket.inet_ntoa(socket.inet_aton("10.20.30.40")), "10.20.30.40");
  // Any ArrayBufferView is bytes-like (as a memoryview is in python).
  const view = new DataView(new Uint8Array([9, 8, 7, 6]).buffer);
  assertEquals(socket.inet_ntop(AF4, view), "9.8.7.6"); // a DataView
  const sub = new Uint8Array([0, 192, 168, 1, 1, 0]).subarray(1, 5);
  assertEquals(socket.inet_ntoa(sub), "192.168.1.1");
  // Results are fresh arrays the caller may keep.
  const a = socket.inet_aton("1.1.1.1");
  const c = socket.inet_aton("2.2.2.2");
  assertEquals([...a], [1, 1, 1, 1]);
  assertEquals([...c], [2, 2, 2, 2]);
});

Deno.test("inet_ntop/inet_ntoa: the size is the view's real one, not its own `length`", () => {
  // #8 §1.1: a 1-byte array claiming 16 must not be read past its end.
  const one = new Uint8Array([7]);
  Object.defineProperty(one, "length", { value: 16 });
  Object.defineProperty(one, "byteLength", { value: 16 });
  const e = assertThrows(() => socket.inet_ntop(AF6, one), RangeError);
  assertEquals(e.message, "invalid length of packed IP address string");
  class Liar extends Uint8Array {
    override get length() {
      return 4;
    }
  }
  assertThrows(() => socket.inet_ntop(AF4, new Liar(1)), RangeError);
  assertThrows(() => socket.inet_ntoa(new Liar(1)), socket.error);
  // A view of the middle of a larger buffer reads only its own bytes.
  const mid = new Uint8Array([1, 2, 3, 4, 5, 6]).subarray(1, 5);
  Object.defineProperty(mid, "byteOffset", { value: 0 });
  assertEquals(socket.inet_ntop(AF4, mid), "2.3.4.5");
});

Deno.test("inet_pton/inet_ntop: a family outside C int is RangeError, also once optimized", () => {
  // #8 §2.1: never "Invalid FFI i32 type", never wrapped to 32 bits by a
  // hot call site (2**32 + AF_INET would become AF_INET).
  for (let i = 0; i < 5000; i++) {
    assertThrows(() => socket.inet_pton(2 ** 32 + AF4, "1.2.3.4"), RangeError);
  }
  assertThrows(() => socket.inet_ntop(2 ** 31, new Uint8Array(4)), RangeError);
  // Within int, libc answers: EAFNOSUPPORT, as python's.
  const e = assertThrows(() => socket.inet_pton(-1, "1.2.3.4"), socket.error);
  assertEquals(e.errno, socket.errnoOf("EAFNOSUPPORT"));
  assertThrows(() => socket.inet_pton(AF4, "1.2.3.\ud800"), RangeError);
});
