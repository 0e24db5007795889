/**
 * Messages that say what they are about:
 * - an OS error of a call that takes an address keeps CPython's
 *   `[Errno N] strerror` (errno, strerror and class as python3's) and then
 *   names the address, path or host, which `address`/`filename`/`hostname`
 *   hold too;
 * - the errors CPython leaves as a plain OSError are named `OSError [ECODE]`;
 * - a wrong argument's message names the argument, the type it wants and a
 *   short repr of what it got, and no message grows with the value quoted.
 */
import { assert, assertEquals, assertInstanceOf, assertStringIncludes } from "@std/assert";
import * as socket from "../../mod.ts";
import { py, type PyExc } from "../_py.ts";
import { denoCommand, tempDir } from "../_helpers.ts";
import { toFileUrl } from "@std/path";
import { AF_UNIX, has, PYTHON3, test, UNIX_ERRNO } from "../_caps.ts";
import { repr, reprBytes, reprStr } from "../../core/repr.ts";

const S = socket;
const MOD = new URL("../../mod.ts", import.meta.url).href;

/** Python's `str(e)` prefix: `[Errno N]`, or `[WinError N]` where the error has a winerror. */
function prefix(e: socket.error): string {
  return e.winerror === undefined ? `[Errno ${e.errno}]` : `[WinError ${e.winerror}]`;
}

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("nothing was thrown");
}

function oserror(f: () => unknown): socket.error {
  const e = caught(f);
  assertInstanceOf(e, S.error);
  return e;
}

async function rejected(p: Promise<unknown>): Promise<socket.error> {
  try {
    await p;
  } catch (e) {
    assertInstanceOf(e, S.error);
    return e;
  }
  throw new Error("the promise resolved");
}

/** Python's class, errno and strerror are ours; the message is python's, then `: subject`. */
function assertPython(e: socket.error, theirs: PyExc, subject: string, cls = theirs.exc) {
  const name = e.name.startsWith("OSError") ? "OSError" : e.name;
  assertEquals([name, e.errno, e.strerror], [cls, theirs.errno, theirs.strerror]);
  assertEquals(e.message, `${theirs.msg}: ${subject}`);
}

/** A TCP port nobody listens on: bound (not listening) by `holder`. */
function refusingPort(
  host = "127.0.0.1",
  family: typeof S.AF_INET | typeof S.AF_INET6 = S.AF_INET,
): [socket.Socket, number] {
  const holder = S.socket(family);
  holder.bind([host, 0]);
  return [holder, holder.getsockname()[1]];
}

function hasIPv6Loopback(): boolean {
  try {
    using s = S.socket(S.AF_INET6);
    s.bind(["::1", 0]);
    return true;
  } catch {
    return false;
  }
}

test("messages: bind and connect name the address, as python3 fails", [PYTHON3], async () => {
  const [holder, port] = refusingPort();
  using _h = holder;
  const theirs = await py<{ inuse: PyExc; refused: PyExc }>(`
s = socket.socket()
out = {"inuse": call(s.bind, ("127.0.0.1", ${port})), "refused": call(socket.socket().connect, ("127.0.0.1", ${port}))}`);
  using s = S.socket();
  const inuse = oserror(() => s.bind(["127.0.0.1", port]));
  assertPython(inuse, theirs.inuse, `127.0.0.1:${port}`);
  assertEquals(inuse.address, ["127.0.0.1", port]);
  assertEquals(inuse.filename, undefined);
  // CPython leaves EADDRINUSE a plain OSError: named for its errno, still both kinds
  assertEquals(inuse.name, "OSError [EADDRINUSE]");
  assertEquals(Object.getPrototypeOf(inuse).constructor, S.error);
  assertInstanceOf(inuse, Deno.errors.AddrInUse);
  using c = S.socket();
  const refused = oserror(() => c.connect(["127.0.0.1", port]));
  assertPython(refused, theirs.refused, `127.0.0.1:${port}`);
  assertEquals([refused.name, refused.address], ["ConnectionRefusedError", ["127.0.0.1", port]]);
  assertInstanceOf(refused, Deno.errors.ConnectionRefused);
  // the async twin says the same; connect_ex still returns the bare errno
  using d = S.socket();
  const again = await rejected(d.connectAsync(["127.0.0.1", port]));
  assertEquals([again.message, again.address], [refused.message, refused.address]);
  using x = S.socket();
  assertEquals(x.connect_ex(["127.0.0.1", port]), S.errnoOf("ECONNREFUSED"));
});

Deno.test("messages: IPv6 addresses are written [host]:port", async (t) => {
  if (!hasIPv6Loopback()) {
    console.log("skipped: no IPv6 loopback here");
    return;
  }
  const [holder, port] = refusingPort("::1", S.AF_INET6);
  using _h = holder;
  await t.step("connect", () => {
    using c = S.socket(S.AF_INET6);
    const e = oserror(() => c.connect(["::1", port]));
    assertEquals(e.message, `${prefix(e)} ${e.strerror}: [::1]:${port}`);
    assertEquals(e.address, ["::1", port, 0, 0]);
  });
});

test(
  "messages: AF_UNIX errors name the path, as python3's filename",
  [PYTHON3, AF_UNIX],
  async () => {
    using dir = tempDir();
    const path = `${dir.path}/fd.sock`;
    const theirs = await py<{ connect: PyExc; filename: null }>(`
e = call(socket.socket(socket.AF_UNIX).connect, ${JSON.stringify(path)})
out = {"connect": e, "filename": e.filename}`);
    assertEquals(theirs.filename, null); // CPython's socket errors leave it None; ours fill it
    using u = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    const missing = oserror(() => u.connect(path));
    assertPython(missing, theirs.connect, path);
    assertEquals([missing.filename, missing.address], [path, path]);
    assertInstanceOf(missing, Deno.errors.NotFound);
    // bind where a file is: EADDRINUSE, the path named
    using srv = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    srv.bind(path);
    using again = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    const taken = oserror(() => again.bind(path));
    assertEquals(taken.message, `[Errno ${S.errnoOf("EADDRINUSE")}] ${taken.strerror}: ${path}`);
    assertEquals(taken.filename, path);
    // a path that needs quoting is quoted, as a repr
    const spaced = `${dir.path}/a b.sock`;
    using v = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    assertEquals(
      oserror(() => v.connect(spaced)).message,
      `${missing.message.split(": ")[0]}: '${spaced}'`,
    );
    // an abstract name (Linux) is shown as python shows the bytes
    if (Deno.build.os === "linux") {
      const name = new TextEncoder().encode(`\0libc-socket-none-${Deno.pid}`);
      using w = S.socket(S.AF_UNIX, S.SOCK_STREAM);
      const e = oserror(() => w.connect(name));
      assert(e.message.endsWith(`: b'\\x00libc-socket-none-${Deno.pid}'`), e.message);
      assertEquals(e.filename, name);
    }
    // sendto/sendmsg to a path and their async twins
    using d = S.socket(S.AF_UNIX, S.SOCK_DGRAM);
    for (
      const e of [
        oserror(() => d.sendto("x", path + ".none")),
        oserror(() => d.sendmsg(["x"], [], 0, path + ".none")),
        await rejected(d.sendtoAsync("x", path + ".none")),
        await rejected(d.sendmsgAsync(["x"], [], 0, path + ".none")),
      ]
    ) {
      assertEquals(e.errno, S.errnoOf("ENOENT"));
      assertEquals([e.message.endsWith(`: ${path}.none`), e.filename], [true, path + ".none"]);
    }
  },
);

test(
  "messages: create_connection's last error and create_server's, as CPython's",
  [PYTHON3],
  async () => {
    const [holder, port] = refusingPort();
    using _h = holder;
    const e = oserror(() => S.create_connection(["127.0.0.1", port]));
    assertEquals(
      e.message,
      `[Errno ${S.errnoOf("ECONNREFUSED")}] ${e.strerror}: 127.0.0.1:${port}`,
    );
    using srv = S.create_server(["127.0.0.1", 0]);
    const addr = srv.getsockname();
    const theirs = await py<PyExc>(`out = call(socket.create_server, ("127.0.0.1", ${addr[1]}))`);
    const ours = oserror(() => S.create_server(addr));
    // CPython puts the address in strerror: so do we, word for word
    assertEquals([ours.errno, ours.strerror, ours.message], [
      theirs.errno,
      theirs.strerror,
      theirs.msg,
    ]);
    assertEquals([ours.name, ours.address], ["OSError [EADDRINUSE]", addr]);
  },
);

test("messages: resolver errors name the host, or the service that failed", [PYTHON3], async () => {
  const theirs = await py<PyExc[]>(`out = [
  call(socket.getaddrinfo, "nosuch.example", 80, 0, 0, 0, socket.AI_NUMERICHOST),
  call(socket.getaddrinfo, "127.0.0.1", "nosuchservice", 0, 0, 0, socket.AI_NUMERICHOST),
  call(socket.getnameinfo, ("127.0.0.1", 80), 0xffff),
  call(socket.getnameinfo, ("nosuch.example", 80), 0)]`);
  const ours = [
    oserror(() => S.getaddrinfo("nosuch.example", 80, 0, 0, 0, S.AI_NUMERICHOST)),
    oserror(() => S.getaddrinfo("127.0.0.1", "nosuchservice", 0, 0, 0, S.AI_NUMERICHOST)),
    oserror(() => S.getnameinfo(["127.0.0.1", 80], 0xffff)),
    oserror(() => S.getnameinfo(["nosuch.example", 80], 0)),
  ];
  const subjects = ["nosuch.example", "nosuchservice", "127.0.0.1:80", "nosuch.example"];
  ours.forEach((e, i) => assertPython(e, theirs[i], subjects[i], "gaierror"));
  assertEquals(ours.map((e) => e.hostname), [
    "nosuch.example",
    "127.0.0.1",
    undefined,
    "nosuch.example",
  ]);
  assertEquals(ours[2].address, ["127.0.0.1", 80]);
  const async = await rejected(
    S.getaddrinfoAsync("nosuch.example", 80, 0, 0, 0, S.AI_NUMERICHOST),
  );
  assertEquals([async.message, async.hostname], [ours[0].message, "nosuch.example"]);
});

Deno.test("messages: an uncaught OS error reads as what it is, and where", async () => {
  using dir = tempDir();
  const file = `${dir.path}/child.ts`;
  Deno.writeTextFileSync(
    file,
    `import * as S from ${JSON.stringify(MOD)};
const srv = S.create_server(["127.0.0.1", 0]);
await Promise.resolve();
S.socket().bind(srv.getsockname());
`,
  );
  const out = await denoCommand(["run", "--allow-all", "--quiet", file], {
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 1);
  // Python's str(): [Errno N], or [WinError N] where the error has a winerror
  const p = has(UNIX_ERRNO) ? "[Errno " : "[WinError ";
  assertStringIncludes(stderr, `Uncaught (in promise) OSError [EADDRINUSE]: ${p}`);
  const what = has(UNIX_ERRNO) ? "Address already in use" : "";
  assert(new RegExp(`${what}: 127\\.0\\.0\\.1:\\d+\\r?\\n`).test(stderr), stderr);
  assertStringIncludes(stderr, `${toFileUrl(file).href}:4:`);
});

Deno.test("messages: names, as python's, without breaking instanceof", () => {
  assertEquals(new S.error("x").name, "OSError");
  assertEquals(new S.error(S.errnoOf("EADDRINUSE")).name, "OSError [EADDRINUSE]");
  assertEquals(new S.error(99999).name, "OSError"); // an errno without a symbol
  assertEquals(
    new S.ConnectionRefusedError(S.errnoOf("ECONNREFUSED")).name,
    "ConnectionRefusedError",
  );
  assertEquals(new S.gaierror(-2, "x").name, "gaierror");
  const closed = S.socket();
  closed.close();
  const e = oserror(() => closed.getsockname());
  assertEquals(e.name, "OSError [EBADF]");
  assert(e instanceof S.error && e instanceof Deno.errors.BadResource && e instanceof Error);
  assert(!(e instanceof S.ConnectionError));
});

test(
  "messages: a wrong argument's message names it, the type wanted, and the value",
  [PYTHON3],
  async () => {
    using s = S.socket();
    const theirs = await py<PyExc>(`out = call(socket.socket().connect, ("h", "80"))`);
    const e = caught(() => s.connect(["h", "80" as never])); // deliberate: wrong type
    assertInstanceOf(e, TypeError); // as python's
    assertEquals(theirs.exc, "TypeError");
    assertEquals(e.message, "connect(): port must be an integer, not str ('80')");
    const cases: [() => unknown, ErrorConstructor, string][] = [
      [
        () => s.connect(["127.0.0.1", 70000]),
        RangeError,
        "connect(): port must be 0-65535, not 70000",
      ],
      [
        () => s.connect(["127.0.0.1"] as never), // deliberate: no port
        TypeError,
        "connect(): AF_INET address must be a pair [host, port], not list (['127.0.0.1'])",
      ],
      [
        () => s.connect("h:80" as never), // deliberate: wrong type
        TypeError,
        "connect(): AF_INET address must be an array, not str ('h:80')",
      ],
      [
        () => s.settimeout("1" as never), // deliberate: wrong type
        TypeError,
        "Timeout value must be a number or null, not str ('1')",
      ],
      [() => s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1.5), TypeError, "float (1.5)"],
      [
        () => S.getaddrinfo(5 as never, 80), // deliberate: wrong type
        TypeError,
        "getaddrinfo() argument 1 must be string or null, not int (5)",
      ],
      [() => S.errnoOf(5 as never), TypeError, "errnoOf(): name must be a string, not int (5)"], // deliberate: wrong type
      [() => S.errnoOf("ENOSUCH"), RangeError, "errnoOf(): unknown errno name 'ENOSUCH'"],
      [() => S.errnoOf("toString"), RangeError, "errnoOf(): unknown errno name 'toString'"],
    ];
    for (const [f, cls, text] of cases) {
      const e = caught(f);
      assertInstanceOf(e, cls);
      assertStringIncludes(e.message, text);
    }
  },
);

Deno.test("messages: a value quoted in a message is cut short, however big", () => {
  using s = S.socket();
  const big = "x".repeat(1 << 20);
  const bytes = new Uint8Array(64 << 20);
  const huge = 10n ** 5000n;
  const cases: (() => unknown)[] = [
    () => S.errnoOf(bytes as never), // deliberate: wrong type
    () => S.errnoOf(big),
    () => s.connect(["127.0.0.1", big as never]), // deliberate: wrong type
    () => s.connect(["127.0.0.1", huge as never]), // deliberate: a bigint port
    () => s.connect([big, 80, 1, 2, 3] as never), // deliberate: five items
    () => s.connect(Array.from({ length: 100_000 }, () => big) as never), // deliberate: 100,000 items
    () => s.settimeout(bytes as never), // deliberate: wrong type
    () => s.sendto(bytes, 5 as never), // deliberate: wrong type
    () => s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, { toString: () => big } as never), // deliberate: wrong type
    () => S.getaddrinfo("127.0.0.1", 80, huge as never), // deliberate: wrong type
    () => S.inet_aton(bytes as never), // deliberate: wrong type
    () => S.if_nametoindex(bytes as never), // deliberate: wrong type
  ];
  for (const f of cases) {
    const e = caught(f);
    assertInstanceOf(e, Error);
    assert(e.message.length <= 300, `${e.message.length} characters: ${e.message.slice(0, 400)}`);
  }
});

test(
  "messages: the repr helper writes python's repr of short strings and bytes",
  [PYTHON3],
  async () => {
    const strings = ["", "80", "it's", `a'b"c`, "\0\n\t\r\\", "é\x7f\x9f😀", "\ud800x"];
    const bytes = [[], [0, 39, 97], [97, 39, 34], [0x80, 0xff, 10, 92]];
    const theirs = await py<string[]>(
      `out = [repr(s) for s in json.loads(${
        JSON.stringify(JSON.stringify(strings.slice(0, -1)))
      })] + [repr("\\ud800x")] + [repr(bytes(b)) for b in ${JSON.stringify(bytes)}]`,
    );
    assertEquals([
      ...strings.map((s) => reprStr(s)),
      ...bytes.map((b) => reprBytes(new Uint8Array(b))),
    ], theirs);
    // long ones keep their head and tail around "...", as reprlib does
    assertEquals(reprStr("a".repeat(40) + "b".repeat(40), 20), "'aaaaaaaaaaaa...bbbbb'");
    assert(reprBytes(new Uint8Array(1000), 12).length <= 12 + 3);
    assertEquals(
      repr(10n ** 100n),
      `0x${(10n ** 100n).toString(16).slice(0, 14)}...${(10n ** 100n).toString(16).slice(-7)} (${
        (10n ** 100n).toString(16).length * 4
      } bits)`,
    );
    assertEquals(repr([1, "a", [2, [3, [4]]], null]), "[1, 'a', [2, [...]], null]");
    assertEquals(
      repr({
        toString: () => {
          throw new Error("no");
        },
      }),
      "<Object object>",
    );
    assertEquals(
      repr(
        new Proxy([], {
          get: () => {
            throw new Error("no");
          },
        }),
      ),
      "[]",
    );
  },
);
