/**
 * Test helper: runs a python3 snippet and returns what it leaves in `out`,
 * as JSON. Bytes come back as `Uint8Array`, exceptions (caught with
 * `call(f, *args)`) as `{ exc, errno, strerror, msg }`.
 *
 * The snippet runs with `socket`, `os`, `errno`, `json` and `sys` imported,
 * `LC_ALL=C` (English messages, as libc gives us). `outcome(f, *args)` gives
 * `{ "ok": value }` or the exception, the shape `mismatch` compares. `pySync` blocks: use it
 * only where the test does not need to run anything meanwhile.
 */

/** An exception python raised, as `call()` reports it. */
export interface PyExc {
  exc: string;
  errno: number | null;
  strerror: string | null;
  msg: string;
}

const PRELUDE = `
import json, socket, os, errno, sys
def _enc(o):
    if isinstance(o, (bytes, bytearray, memoryview)):
        return {"__bytes__": list(bytes(o))}
    if isinstance(o, BaseException):
        return {"exc": type(o).__name__, "errno": getattr(o, "errno", None),
                "strerror": getattr(o, "strerror", None), "msg": str(o)}
    raise TypeError(repr(o))
def call(f, *a, **k):
    try:
        return f(*a, **k)
    except Exception as e:
        return e
def outcome(f, *a, **k):
    try:
        return {"ok": f(*a, **k)}
    except Exception as e:
        return e
out = None
`;
const EPILOGUE = `
sys.stdout.write("\\n@@JSON@@" + json.dumps(out, default=_enc))
`;

function revive(_k: string, v: unknown): unknown {
  if (v && typeof v === "object" && "__bytes__" in v) {
    return new Uint8Array((v as { __bytes__: number[] }).__bytes__);
  }
  return v;
}

function parse(stdout: Uint8Array, stderr: Uint8Array, success: boolean): unknown {
  const text = new TextDecoder().decode(stdout);
  if (!success) {
    throw new Error(`python3 failed:\n${text}\n${new TextDecoder().decode(stderr)}`);
  }
  const at = text.lastIndexOf("@@JSON@@");
  if (at < 0) throw new Error(`python3 printed no result:\n${text}`);
  return JSON.parse(text.slice(at + 8), revive);
}

function command(code: string, stdin: "piped" | "null" = "null"): Deno.Command {
  return new Deno.Command("python3", {
    args: ["-c", PRELUDE + code + EPILOGUE],
    env: { LC_ALL: "C", PYTHONDONTWRITEBYTECODE: "1" },
    stdin,
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs `code` in python3 and resolves to the JSON of its `out` variable. */
export async function py<T = unknown>(code: string): Promise<T> {
  const o = await command(code).output();
  return parse(o.stdout, o.stderr, o.success) as T;
}

/** `py`, blocking the thread until python3 exits. */
export function pySync<T = unknown>(code: string): T {
  const o = command(code).outputSync();
  return parse(o.stdout, o.stderr, o.success) as T;
}

/**
 * Starts `code` in python3 without waiting: for peers that talk to us over
 * a socket. `result()` waits for the exit and returns `out`.
 */
export function pySpawn<T = unknown>(code: string): { result(): Promise<T> } {
  const child = command(code).spawn();
  return {
    async result() {
      const o = await child.output();
      return parse(o.stdout, o.stderr, o.success) as T;
    },
  };
}

/** What a call gave: a value, or an exception in python's vocabulary. */
export type Outcome = { ok: unknown } | PyExc;

/** Python's exception class names → ours (Python's ValueError/OverflowError are RangeError). */
export function ourClassFor(pyName: string): string {
  return {
    ValueError: "RangeError",
    OverflowError: "RangeError",
  }[pyName] ?? pyName;
}

/** Runs `f` and reports its value, or its exception as `{ exc, errno, strerror, msg }`. */
export function outcomeOf(f: () => unknown): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    const x = e as { name?: string; errno?: number | null; strerror?: string | null };
    return {
      // socket.error is named as Python's OSError ("OSError [EADDRINUSE]")
      exc: x.name?.replace(/^OSError \[\w+\]$/, "OSError") ?? String(e),
      errno: x.errno ?? null,
      strerror: x.strerror ?? null,
      msg: String((e as Error).message),
    };
  }
}

function norm(v: unknown): string {
  return JSON.stringify(v, (_k, x) => x instanceof Uint8Array ? { bytes: [...x] } : x);
}

/**
 * Compares python's outcome with ours: equal values, or the corresponding
 * exception class with the same errno and strerror. Returns a description
 * of the difference, or null.
 */
export function mismatch(want: Outcome, got: Outcome, what: string): string | null {
  if ("ok" in want) {
    return "ok" in got && norm(got.ok) === norm(want.ok)
      ? null
      : `${what}: python ${norm(want.ok)}, ours ${norm(got)}`;
  }
  const cls = ourClassFor(want.exc);
  if (
    "exc" in got && got.exc === cls && got.errno === want.errno &&
    (want.strerror === null || got.strerror === want.strerror)
  ) return null;
  return `${what}: python ${want.exc}(${want.errno}, ${want.strerror}: ${want.msg}), ours ${
    norm(got)
  }`;
}
