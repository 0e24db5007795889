/**
 * `makefile()` against CPython step by step: scripts of file operations run
 * by python3 and by us over a `socketpair()` (delivery there is synchronous,
 * so both see the same bytes at the same step), compared step by step:
 * value for value, the same exception class, and the same message. The few
 * places where we differ on purpose are listed in the comment above the
 * scripts, left out of them, and tested on our side at the end. The ports of
 * test_socket.py's file-object test cases are in makefile_cpython_test.ts.
 */
import {
  assert,
  assertEquals,
  assertExists,
  assertGreater,
  assertInstanceOf,
  assertThrows,
} from "@std/assert";
import * as socket from "../../mod.ts";
import { py } from "../_py.ts";
import { enc, type File } from "./_makefile.ts";

// ---------------------------------------------------------------------------
// Step scripts, run by python3 and by us, compared step by step

// Where we differ from CPython on purpose, so the scripts leave these out
// (each is tested on its own below):
// - a buffered read-write binary file (CPython's `BufferedRWPair`, and the
//   text wrapper over it) has no `name` or `mode` in CPython and its
//   `fileno()` raises UnsupportedOperation; ours answer as for the others;
// - unbuffered or read-write binary `readline` on a non-blocking socket
//   with part of a line (CPython's SocketIO and BufferedRWPair read lines
//   through IOBase.readline, one `read(1)` at a time): CPython's raises `OSError("read() should have returned a bytes
//   object, not 'NoneType'")` and drops the bytes it had read; ours returns
//   them, as CPython's buffered reader does;
// - text `read()` (all) on a non-blocking socket with nothing ready:
//   CPython raises `TypeError("can't concat NoneType to bytes")`; ours
//   returns `""`, as text `read(n)` does in both;
// - where CPython raises `io.UnsupportedOperation` (reading a write-only
//   file, …) ours raises a RangeError "File not open for reading": both are
//   ValueErrors, the messages differ.

type Step = [string, ...unknown[]];
/** A step's value, or its exception (`cw`: a BlockingIOError's characters_written). */
type Result = { ok: unknown } | { exc: string; msg: string; cw: number | null };

/** The step interpreter, in python (the prelude of tests/_py.ts is loaded). */
const PY_RUNNER = `
import io
def run(script):
    a, b = socket.socketpair()
    f = None
    res = []
    for op, *args in script:
        def do():
            nonlocal f
            if op == "makefile":
                f = a.makefile(args[0], args[1], newline=args[2] if len(args) > 2 else None)
                return None
            if op == "settimeout": return a.settimeout(args[0])
            if op == "peer_send": return b.sendall(bytes(args[0]))
            if op == "peer_shut": return b.shutdown(socket.SHUT_WR)
            if op == "sndbuf": return a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, args[0])
            if op == "name": return "fd" if f.name == a.fileno() else f.name
            if op == "fileno": return "fd" if f.fileno() == a.fileno() else f.fileno()
            if op == "mode": return f.mode
            if op == "closed": return f.closed
            if op in ("readable", "writable", "seekable", "flush", "close", "readlines"):
                return getattr(f, op)()
            if op == "read": return f.read(*args)
            if op == "readline": return f.readline(*args)
            if op == "list": return list(f)
            if op == "readinto":
                buf = bytearray(args[0])
                n = f.readinto(buf)
                return [n, bytes(buf[:n or 0])]
            if op == "write":
                return f.write(args[0] if isinstance(args[0], str) else bytes(args[0]))
            if op == "write_big": return f.write(b"x" * args[0])
            if op == "peer_drain":
                b.setblocking(False)
                n = 0
                try:
                    while True:
                        n += len(b.recv(1 << 20))
                except BlockingIOError:
                    pass
                b.setblocking(True)
                return n
            if op == "write_until_none":
                big = b"x" * args[0]
                first = f.write(big)
                for i in range(50):
                    if f.write(big) is None: return [first > 0, i]
                return [first > 0, None]
            raise RuntimeError(op)
        try:
            res.append({"ok": do()})
        except Exception as e:
            res.append({"exc": type(e).__name__, "msg": str(e),
                        "cw": getattr(e, "characters_written", None)})
    if f is not None and not f.closed:
        try: f.close()
        except Exception: pass
    a.close(); b.close()
    return res
out = [run(s) for s in json.loads(SCRIPTS)]
`;

/** The same interpreter, over our sockets. */
function runOurs(script: Step[]): Result[] {
  const [a, b] = socket.socketpair();
  let f: File | null = null;
  const res: Result[] = [];
  for (const [op, ...args] of script) {
    const file = () => f!;
    const act = (): unknown => {
      switch (op) {
        case "makefile":
          f = a.makefile(args[0] as string, args[1] as number, {
            newline: (args[2] ?? null) as string | null,
          });
          return null;
        case "settimeout":
          a.settimeout(args[0] as number | null);
          return null;
        case "peer_send":
          b.sendall(new Uint8Array(args[0] as number[]));
          return null;
        case "peer_shut":
          b.shutdown(socket.SHUT_WR);
          return null;
        case "sndbuf":
          a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, args[0] as number);
          return null;
        case "name":
          return file().name === a.fileno() ? "fd" : file().name;
        case "fileno":
          return file().fileno() === a.fileno() ? "fd" : file().fileno();
        case "mode":
          return file().mode;
        case "closed":
          return file().closed;
        case "readable":
        case "writable":
        case "seekable":
        case "readlines":
          return file()[op]();
        case "flush":
        case "close":
          file()[op]();
          return null;
        case "read":
          return file().read(...(args as [number]));
        case "readline":
          return file().readline(...(args as [number]));
        case "list":
          return [...file()];
        case "readinto": {
          const buf = new Uint8Array(args[0] as number);
          const n = file().readinto(buf);
          return [n, buf.slice(0, n ?? 0)];
        }
        case "write":
          return file().write(
            typeof args[0] === "string" ? args[0] : new Uint8Array(args[0] as number[]),
          );
        case "write_big":
          return file().write(new Uint8Array(args[0] as number).fill(0x78));
        case "peer_drain": {
          b.setblocking(false);
          let n = 0;
          try {
            for (let i = 0; i < 1000; i++) n += b.recv(1 << 20).length;
          } catch (e) {
            if (!(e instanceof socket.BlockingIOError)) throw e;
          }
          b.setblocking(true);
          return n;
        }
        case "write_until_none": {
          const big = new Uint8Array(args[0] as number).fill(0x78);
          const first = file().write(big);
          for (let i = 0; i < 50; i++) if (file().write(big) === null) return [(first ?? 0) > 0, i];
          return [(first ?? 0) > 0, null];
        }
      }
      throw new Error(op);
    };
    try {
      res.push({ ok: act() });
    } catch (e) {
      const cw = e instanceof socket.BlockingIOError ? e.characters_written ?? null : null;
      res.push({ exc: pyName(e), msg: (e as Error).message, cw });
    }
  }
  try {
    (f as File | null)?.close();
  } catch { /* as the python side */ }
  a.close();
  b.close();
  return res;
}

/** Our exception in Python's vocabulary (RangeError is Python's ValueError). */
function pyName(e: unknown): string {
  if (e instanceof socket.TimeoutError) return "TimeoutError";
  if (e instanceof socket.BlockingIOError) return "BlockingIOError";
  if (e instanceof socket.error) return "OSError";
  if (e instanceof RangeError) return "ValueError";
  if (e instanceof TypeError) return "TypeError";
  return String(e);
}

function norm(v: unknown): string {
  return JSON.stringify(v, (_k, x) => x instanceof Uint8Array ? { bytes: [...x] } : x);
}

/** Runs every script in one python3 and here; lists the steps that differ. */
async function compare(scripts: Step[][]): Promise<void> {
  const want = await py<Result[][]>(
    `SCRIPTS = ${JSON.stringify(JSON.stringify(scripts))}\n${PY_RUNNER}`,
  );
  const diffs: string[] = [];
  scripts.forEach((script, i) => {
    const got = runOurs(script);
    script.forEach((step, j) => {
      const w = want[i][j], g = got[j];
      let same: boolean;
      if ("ok" in w) same = "ok" in g && norm(w.ok) === norm(g.ok);
      else if (w.exc === "UnsupportedOperation") {
        // A ValueError (and OSError) in Python; ours a RangeError.
        same = "exc" in g && g.exc === "ValueError";
      } else if (w.exc === "AttributeError") {
        same = "exc" in g && g.exc === "TypeError"; // no such method in CPython
      } else if (w.exc === "TimeoutError") {
        same = "exc" in g && g.exc === w.exc;
      } else same = "exc" in g && g.exc === w.exc && g.msg === w.msg && g.cw === w.cw;
      if (!same) {
        diffs.push(
          `${norm(script[0])} step ${j} ${norm(step)}: python ${norm(w)}, ours ${norm(g)}`,
        );
      }
    });
  });
  assertEquals(diffs, []);
}

const bytesOf = (s: string) => [...enc.encode(s)];
/** `"rb:0 r:-1"` → `[["rb", 0], ["r", -1]]`: makefile modes and bufferings. */
const files = (list: string): [string, number][] =>
  list.split(" ").map((f) => [f.split(":")[0], Number(f.split(":")[1])]);

Deno.test("makefile vs python3: name, mode, fileno, readable/writable/seekable, open and closed", async () => {
  const kinds = files(
    "rb:0 wb:0 rwb:0 b:0 br:0 rb:-1 wb:-1 bw:-1 rb:2 r:-1 w:-1 :-1 rwb:-1 rw:-1 wr:-1",
  );
  const scripts: Step[][] = kinds.map(([mode, buf]) => {
    const binary = mode.includes("b");
    // CPython's BufferedRWPair has no name/mode, and its fileno() raises.
    const rwPair = buf !== 0 && mode.includes("r") && mode.includes("w");
    const ident: Step[] = rwPair
      ? []
      : [["name"], ["fileno"], ...(binary ? [["mode"] as Step] : [])];
    const afterClose: Step[] = [
      ["read", 1],
      ["read"],
      ["readline"],
      ["readinto", 2],
      ["write", binary ? bytesOf("x") : "x"],
      ["flush"],
      ["readlines"],
      ["list"],
      ["close"],
    ];
    return [
      ["makefile", mode, buf],
      ...ident,
      ["mode"],
      ["readable"],
      ["writable"],
      ["seekable"],
      ["closed"],
      ["close"],
      ["closed"],
      ...(rwPair ? [] : [["name"] as Step, ["fileno"] as Step]),
      ["mode"],
      ["readable"],
      ["writable"],
      ["seekable"],
      ...afterClose,
    ].filter((s) => !(rwPair && s[0] === "mode" && binary)) as Step[];
  });
  await compare(scripts);
});

Deno.test("makefile vs python3: after a read timed out, reads fail; writes and new files go on", async () => {
  const kinds = files("rb:0 rwb:0 rb:-1 rb:2 rwb:-1 r:-1 rw:-1");
  await compare(kinds.map(([mode, buf]) => {
    const binary = mode.includes("b");
    const writes: Step[] = mode.includes("w")
      ? [["write", binary ? bytesOf("w") : "w"], ["flush"]]
      : [];
    return [
      ["makefile", mode, buf],
      ["settimeout", 0.05],
      ["peer_send", bytesOf("abc")],
      ["read", 3],
      ["read", 1], // times out
      ["peer_send", bytesOf("hello\nworld\n")],
      ["read", 1],
      ["read"],
      ["readline"],
      ["readlines"],
      ["list"],
      ...(binary ? [["readinto", 4] as Step] : []),
      ["readable"],
      ["closed"],
      ...writes,
      ["close"],
      // A new file object reads what the old one refused.
      ["makefile", mode, buf],
      ["readline"],
      ["read", 3],
    ];
  }));
});

Deno.test("makefile vs python3: a non-blocking socket's reads return null (None) or what was ready", async () => {
  const kinds = files("rb:0 rb:-1 rb:3 rwb:-1 r:-1");
  await compare(kinds.map(([mode, buf]) => {
    const text = !mode.includes("b");
    // CPython's SocketIO and BufferedRWPair read lines through IOBase.readline.
    const ioBaseReadline = buf === 0 || (mode.includes("r") && mode.includes("w"));
    const lines: Step[] = ioBaseReadline ? [] : [
      ["peer_send", bytesOf("ef\ngh")],
      ["readline"],
      ["readline"], // what was ready, without its newline
      ["read", 1],
      ["readline"],
      ["readlines"],
      ["peer_send", bytesOf("ij\nk")],
      ["list"],
    ];
    return [
      ["makefile", mode, buf],
      ["settimeout", 0],
      ["read", 1],
      ...(text ? [] : [["read"] as Step, ["readinto", 3] as Step]),
      ["read", 0],
      ...(text ? [] : [["readinto", 0] as Step]),
      ["peer_send", bytesOf("ab")],
      ["read", 5], // what was ready
      ["peer_send", bytesOf("cd")],
      ["read"],
      ["peer_send", bytesOf("0123456789")],
      ...(text ? [["read", 4] as Step] : [["readinto", 4] as Step]),
      ["read", 100],
      ...lines,
      ["peer_shut"],
      ["read", 1], // end of stream
      ["read"],
      ...(text ? [] : [["readinto", 2] as Step]),
    ];
  }));
});

Deno.test("makefile vs python3: unbuffered write on a non-blocking socket returns null", async () => {
  await compare([[
    ["makefile", "wb", 0],
    ["sndbuf", 4096],
    ["settimeout", 0],
    ["write_until_none", 100000],
    ["write", bytesOf("y")],
  ]]);
});

Deno.test("makefile vs python3: a buffered writer on a non-blocking socket keeps what it could not send", async () => {
  const kinds = files("wb:-1 wb:100 rwb:-1 wb:1");
  await compare(kinds.map(([mode, buf]) => [
    ["makefile", mode, buf],
    ["sndbuf", 4096],
    ["settimeout", 0],
    ["write", bytesOf("small")], // buffered
    ["write_big", 100000], // sent in part, buffered in part, refused in part
    ["write_big", 100000], // the buffer is full: nothing taken
    ["flush"],
    ["write", bytesOf("y")],
    ["peer_drain"],
    ["flush"],
    ["peer_drain"],
    ["flush"],
    ["peer_drain"],
    ["settimeout", null],
    ["write_big", 10],
    ["flush"],
    ["peer_drain"],
    ["close"],
  ]));
});

// ---------------------------------------------------------------------------
// Our side of the differences, and the new methods

Deno.test("makefile: a buffered read-write file has a name and a mode (CPython's BufferedRWPair has none)", () => {
  using s = socket.socket();
  using f = s.makefile("rwb");
  assertEquals([f.name, f.fileno(), f.mode], [s.fileno(), s.fileno(), "rwb"]);
});

Deno.test("makefile: unbuffered readline on a non-blocking socket returns the part it has", () => {
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  a.setblocking(false);
  using f = a.makefile("rb", 0);
  b.sendall("ef\ngh");
  assertEquals(f.readline(), enc.encode("ef\n"));
  assertEquals(f.readline(), enc.encode("gh")); // CPython: OSError, "gh" lost
  assertEquals(f.readline(), new Uint8Array(0));
  b.sendall("ij\n");
  // Nothing held back: another file object reads on.
  using g = a.makefile("rb", 0);
  assertEquals(g.readline(), enc.encode("ij\n"));
});

Deno.test("makefile: text read() on a non-blocking socket returns what was ready", () => {
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  a.setblocking(false);
  using f = a.makefile("r");
  assertEquals(f.read(), ""); // CPython: TypeError
  b.sendall("x\u1234");
  assertEquals(f.read(), "x\u1234");
});

Deno.test("makefile: readinto fills any writable buffer view; text files have none", () => {
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  using f = b.makefile("rb");
  a.sendall("0123456789");
  const backing = new Uint8Array(8);
  assertEquals(f.readinto(backing.subarray(2, 5)), 3);
  assertEquals(backing, new Uint8Array([0, 0, 48, 49, 50, 0, 0, 0]));
  const dv = new DataView(new ArrayBuffer(4));
  assertEquals(f.readinto(dv), 4);
  assertEquals(dv.getUint8(3), 54);
  assertThrows(() => f.readinto("x" as never), TypeError); // deliberate: wrong type
  // The buffered file holds "789"; an unbuffered one over the same socket
  // reads what comes next.
  using raw = b.makefile("rb", 0);
  a.sendall("ab");
  const ab = new ArrayBuffer(4);
  assertEquals(raw.readinto(ab), 2);
  assertEquals(new Uint8Array(ab), new Uint8Array([97, 98, 0, 0]));
  a.close();
  assertEquals(raw.readinto(new Uint8Array(4)), 0); // end of stream
  assertEquals(f.readinto(new Uint8Array(4)), 3); // "789", then the end
  assertEquals(f.readinto(new Uint8Array(4)), 0);
  using t = b.makefile("r");
  assertThrows(() => t.readinto(new Uint8Array(1)), TypeError, "readinto");
});

Deno.test("makefile: the timed-out error is a plain socket.error, and only reads are refused", () => {
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  a.settimeout(0.02);
  using f = a.makefile("rwb", 0);
  assertThrows(() => f.read(1), socket.TimeoutError);
  b.sendall("later");
  const e = assertThrows(() => f.readinto(new Uint8Array(5)), socket.error);
  assert(!(e instanceof socket.TimeoutError));
  assertEquals([e.errno, e.message], [null, "cannot read from timed out object"]);
  assertEquals(f.write(enc.encode("still")), 5);
  assertEquals(b.recv(10), enc.encode("still"));
  // The socket itself is fine: the bytes are still there.
  assertEquals(a.recv(10), enc.encode("later"));
  assertInstanceOf(e, Error);
});

Deno.test("makefile: closing the socket before the file still sends what the file buffered", () => {
  // python3: f = a.makefile("wb"); f.write(b"pending"); a.close(); f.close()
  // → the peer receives b"pending"; after a.detach(), f.close() raises EBADF.
  const [a, b] = socket.socketpair();
  using _b = b;
  const f = a.makefile("wb");
  f.write(enc.encode("pending"));
  a.close();
  f.close();
  assertEquals(b.recv(100), enc.encode("pending"));
  const [c, d] = socket.socketpair();
  using _d = d;
  const g = c.makefile("wb");
  g.write(enc.encode("lost"));
  const fd = c.detach();
  assertThrows(() => g.close(), socket.error, "Bad file descriptor");
  assert(g.closed);
  socket.close(fd);
});

Deno.test("makefile: a non-blocking buffered writer loses nothing it accepted", () => {
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096);
  a.setblocking(false);
  b.setblocking(false);
  using f = a.makefile("wb", 1000);
  const accepted: number[] = [];
  const received: number[] = [];
  const drain = () => {
    try {
      for (let i = 0; i < 1000; i++) received.push(...b.recv(65536));
    } catch (e) {
      if (!(e instanceof socket.BlockingIOError)) throw e;
    }
  };
  let blocked = 0;
  for (let i = 0; i < 40; i++) {
    // Chunk i: 3000 bytes counting up from i, so a lost or repeated byte shows.
    const chunk = Uint8Array.from({ length: 3000 }, (_, j) => (i + j) & 0xff);
    let n: number;
    try {
      const written = f.write(chunk);
      assertExists(written, "a buffered writer counts or throws");
      n = written;
    } catch (e) {
      assertInstanceOf(e, socket.BlockingIOError);
      assertExists(e.characters_written);
      n = e.characters_written;
      blocked++;
    }
    accepted.push(...chunk.subarray(0, n));
    if (i % 3 === 2) drain();
  }
  assertGreater(blocked, 0, "the writer blocked at least once");
  for (let i = 0; i < 1000; i++) {
    drain();
    try {
      f.flush();
      break;
    } catch (e) {
      assertInstanceOf(e, socket.BlockingIOError);
    }
  }
  drain();
  assertEquals(received.length, accepted.length);
  assertEquals(new Uint8Array(received), new Uint8Array(accepted));
});
