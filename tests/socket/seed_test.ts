/**
 * The 1998 Python socket reference page (the seed), item by item, against
 * real sockets on loopback and Unix sockets, with python3 as the reference:
 * the module's contents, addresses, the lifetime of socket objects and the
 * page's example programs. Its "Socket objects" part is seed_objects_test.ts.
 *
 * Blocking calls freeze this thread (and the event loop), so a peer in
 * another process is only ever awaited before or after a blocking call,
 * never during one.
 */
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertNotEquals,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import * as socket from "../../mod.ts";
import { denoCommand, python, tempDir } from "../_helpers.ts";
import { fromFileUrl } from "@std/path";
import {
  AF_UNIX,
  has,
  POSIX_SHELL,
  PROC,
  PYTHON3,
  test,
  UNBOUND_NAME,
  UNIX_ERRNO,
} from "../_caps.ts";
import {
  assertOSError,
  BROADCAST_NEEDS_OPTION,
  E,
  enc,
  LINUX_VALUES,
  outcome,
  pyEval,
  refusingPort,
  ROOT,
  tcpPair,
  text,
} from "./_seed.ts";

// ---------------------------------------------------------------------------
// Module contents

test("seed: AF_*, SOCK_* and the SO_/SOMAXCONN/MSG_/SOL_/IPPROTO_/IPPORT_/INADDR_/IP_ families", [
  PYTHON3,
  LINUX_VALUES,
], async () => {
  const S = socket as unknown as Record<string, unknown>;
  // Known Linux values.
  const known: Record<string, number> = {
    AF_UNIX: 1,
    AF_INET: 2,
    SOCK_STREAM: 1,
    SOCK_DGRAM: 2,
    SOCK_RAW: 3,
    SOCK_RDM: 4,
    SOCK_SEQPACKET: 5,
    SO_DEBUG: 1,
    SO_REUSEADDR: 2,
    SO_TYPE: 3,
    SO_ERROR: 4,
    SO_BROADCAST: 6,
    SO_SNDBUF: 7,
    SO_RCVBUF: 8,
    SO_KEEPALIVE: 9,
    SO_LINGER: 13,
    SOMAXCONN: 4096,
    MSG_OOB: 1,
    MSG_PEEK: 2,
    MSG_DONTROUTE: 4,
    MSG_WAITALL: 0x100,
    MSG_DONTWAIT: 0x40,
    SOL_SOCKET: 1,
    SOL_IP: 0,
    SOL_TCP: 6,
    SOL_UDP: 17,
    IPPROTO_IP: 0,
    IPPROTO_ICMP: 1,
    IPPROTO_TCP: 6,
    IPPROTO_UDP: 17,
    IPPROTO_RAW: 255,
    IPPORT_RESERVED: 1024,
    IPPORT_USERRESERVED: 5000,
    INADDR_ANY: 0,
    INADDR_BROADCAST: 0xffffffff,
    INADDR_LOOPBACK: 0x7f000001,
    INADDR_NONE: 0xffffffff,
    IP_TOS: 1,
    IP_TTL: 2,
    IP_HDRINCL: 3,
    IP_OPTIONS: 4,
    IP_MULTICAST_IF: 32,
    IP_MULTICAST_TTL: 33,
    IP_MULTICAST_LOOP: 34,
    IP_ADD_MEMBERSHIP: 35,
  };
  for (const [name, value] of Object.entries(known)) assertStrictEquals(S[name], value, name);
  // Every constant python3 has of these forms, with python3's value.
  const py = JSON.parse(
    await python(`
import json, re, socket
print(json.dumps({k: int(v) for k, v in vars(socket).items() if isinstance(v, int)
  and re.match(r"(AF_(UNIX|INET)$|SOCK_(STREAM|DGRAM|RAW|RDM|SEQPACKET)$|SO_|SOMAXCONN$|MSG_|SOL_|IPPROTO_|IPPORT_|INADDR_|IP_)", k)}))`),
  ) as Record<string, number>;
  assert(Object.keys(py).length > 100);
  for (const [name, value] of Object.entries(py)) assertStrictEquals(S[name], value, name);
});

test(
  "seed: error carries errno and strerror (and code) from real failures",
  [PYTHON3, UNIX_ERRNO],
  async () => {
    const [holder, port] = refusingPort();
    using _h = holder;
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    const e = assertOSError(() => s.connect(["127.0.0.1", port]), "ECONNREFUSED");
    assertInstanceOf(e, Error);
    assertEquals(e.errno, 111);
    assertEquals(e.strerror, "Connection refused");
    // Python's str(e), then the address (as Node names it)
    assertEquals(e.message, `[Errno 111] Connection refused: 127.0.0.1:${port}`);
    // Address already in use, errno and message as python3 reports them.
    using t = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    const e2 = assertOSError(() => t.bind(["127.0.0.1", port]), "EADDRINUSE");
    const pyMsg = await python(`import os; print(os.strerror(${e2.errno}))`);
    assertEquals(e2.strerror, pyMsg.trim());
    // The (errno, string) and plain string forms.
    const mine = new socket.error(E("EPIPE"), "Broken pipe");
    assertEquals([mine.errno, mine.strerror], [32, "Broken pipe"]);
    const msg = new socket.error("what went wrong");
    assertEquals([msg.errno, msg.message], [null, "what went wrong"]);
  },
);

test(
  "seed: gethostbyname returns dotted quads; addresses unchanged; bad names throw",
  [PYTHON3],
  async () => {
    assertEquals(socket.gethostbyname("100.50.200.5"), "100.50.200.5");
    assertEquals(
      socket.gethostbyname("localhost"),
      await pyEval(`socket.gethostbyname("localhost")`),
    );
    assertEquals(socket.gethostbyname("localhost"), "127.0.0.1");
    assertEquals(socket.gethostbyname(""), await pyEval(`socket.gethostbyname("")`));
    assertEquals(socket.gethostbyname("<broadcast>"), "255.255.255.255");
    const e = assertThrows(() => socket.gethostbyname("no-such-host.invalid"), socket.gaierror);
    assertInstanceOf(e, socket.error);
    assert(e.errno !== null && e.errno < 0, `EAI_* code expected, got ${e.errno}`);
    assertThrows(() => socket.gethostbyname(42 as unknown as string), TypeError); // deliberate: not a string
    // "use gethostbyname(gethostname())": same answer (or failure) as python3.
    assertEquals(
      outcome(() => socket.gethostbyname(socket.gethostname())),
      await pyEval(`socket.gethostbyname(socket.gethostname())`),
    );
  },
);

test("seed: gethostname equals python3's", [PYTHON3], async () => {
  const name = socket.gethostname();
  assertNotEquals(name, "");
  assertEquals(name, (await python("import socket; print(socket.gethostname())")).trim());
});

test(
  "seed: gethostbyaddr returns python3's (hostname, aliaslist, ipaddrlist)",
  [PYTHON3],
  async () => {
    const entry = socket.gethostbyaddr("127.0.0.1");
    assertEquals(entry.length, 3);
    assert(Array.isArray(entry[1]) && Array.isArray(entry[2]));
    assert(entry[2].includes("127.0.0.1"));
    assertEquals(entry, await pyEval(`list(map(lambda x: x, socket.gethostbyaddr("127.0.0.1")))`));
    const me = socket.gethostname();
    assertEquals(
      outcome(() => socket.gethostbyaddr(me)),
      await pyEval(`list(socket.gethostbyaddr(${JSON.stringify(me)}))`),
    );
  },
);

test("seed: getprotobyname gives the number for socket()'s third argument", [PYTHON3], async () => {
  const ours = ["icmp", "tcp", "udp"].map(socket.getprotobyname);
  assertEquals(ours, [1, 6, 17]);
  assertEquals(ours, await pyEval(`[socket.getprotobyname(n) for n in ("icmp", "tcp", "udp")]`));
  assertThrows(() => socket.getprotobyname("no-such-protocol"), socket.error);
  // The number works as socket()'s third argument.
  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.getprotobyname("udp"));
  assertEquals(u.proto, 17);
  assertEquals(u.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), 17);
  // A raw ICMP socket needs privileges: either it opens, or PermissionError.
  try {
    using r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.getprotobyname("icmp"));
    assertEquals(r.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), 1);
  } catch (e) {
    if (!(e instanceof socket.PermissionError)) throw e;
  }
});

test("seed: getservbyname with and without a protocol name", [PYTHON3], async () => {
  const ours = [
    socket.getservbyname("http", "tcp"),
    socket.getservbyname("domain", "udp"),
    socket.getservbyname("smtp"),
  ];
  assertEquals(ours, [80, 53, 25]);
  assertEquals(
    ours,
    await pyEval(
      `[socket.getservbyname("http", "tcp"), socket.getservbyname("domain", "udp"), socket.getservbyname("smtp")]`,
    ),
  );
  assertThrows(() => socket.getservbyname("no-such-service", "tcp"), socket.error);
  assertThrows(() => socket.getservbyname("http", "no-such-proto"), socket.error);
});

test("seed: socket(family, type[, proto]) with proto omitted, and the other SOCK_ types", [
  PYTHON3,
  AF_UNIX,
], async () => {
  {
    using s = socket.socket();
    assertEquals([s.family, s.type, s.proto], [socket.AF_INET, socket.SOCK_STREAM, 0]);
    assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN), socket.AF_INET);
    assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM);
    assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), socket.IPPROTO_TCP);
  }
  for (
    const [family, type] of [
      [socket.AF_INET, socket.SOCK_DGRAM],
      [socket.AF_UNIX, socket.SOCK_STREAM],
      [socket.AF_UNIX, socket.SOCK_DGRAM],
      [socket.AF_UNIX, socket.SOCK_SEQPACKET],
    ]
  ) {
    using s = socket.socket(family, type);
    assertEquals([s.family, s.type], [family, type]);
    assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), type);
  }
  // SOCK_RDM is not generally useful: it fails as it does in python3.
  assertEquals(
    outcome(() => socket.socket(socket.AF_INET, socket.SOCK_RDM).close()),
    await pyEval(`socket.socket(socket.AF_INET, socket.SOCK_RDM).close()`),
  );
  assertThrows(() => socket.socket("2" as unknown as number), TypeError); // deliberate: not a number
});

test("seed: fromfd duplicates the descriptor (AF_INET and AF_UNIX)", [AF_UNIX], () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const t = socket.fromfd(s.fileno(), socket.AF_INET, socket.SOCK_STREAM);
  try {
    assertNotEquals(t.fileno(), s.fileno());
    assertEquals([t.family, t.type], [socket.AF_INET, socket.SOCK_STREAM]);
    // Options set through one are seen through the other: the same socket.
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    assertNotEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
    s.close();
    // The copy works on after the original is closed.
    t.bind(["127.0.0.1", 0]);
    assertEquals(t.getsockname()[0], "127.0.0.1");
  } finally {
    s.close();
    t.close();
  }
  // An AF_UNIX descriptor, as a server started by inetd would get it.
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
  const c = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    a.close();
    assertEquals(c.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM);
    assertEquals(c.send("via the copy"), 12);
    assertEquals(text(b.recv(64)), "via the copy");
    c.close();
    assertEquals(b.recv(64).length, 0); // the last descriptor closed: EOF
  } finally {
    a.close();
    b.close();
    c.close();
  }
  // An invalid descriptor fails.
  const [probe, fd] = (() => {
    const p = socket.socket();
    const n = p.fileno();
    p.close();
    return [p, n];
  })();
  assertEquals(probe.fileno(), -1);
  assertOSError(() => socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM).close(), "EBADF");
});

test(
  "seed: ntohl, ntohs, htonl, htons as python3, unsigned, with range and type checks",
  [PYTHON3],
  async () => {
    const xs = [0, 1, 0x1234, 0xff00, 0xffff];
    const ls = [0, 1, 0x01020304, 0x7fffffff, 0x80000000, 0xdeadbeef, 0xffffffff];
    const ours = {
      ntohs: xs.map(socket.ntohs),
      htons: xs.map(socket.htons),
      ntohl: ls.map(socket.ntohl),
      htonl: ls.map(socket.htonl),
    };
    for (const f of ["ntohs", "htons", "ntohl", "htonl"] as const) {
      const args = f.endsWith("s") ? xs : ls;
      assertEquals(ours[f], await pyEval(`[socket.${f}(x) for x in ${JSON.stringify(args)}]`), f);
    }
    for (const v of [...ours.htonl, ...ours.ntohl, ...ours.htons]) assert(v >= 0, `${v} is signed`);
    for (const x of ls) assertEquals(socket.ntohl(socket.htonl(x)), x);
    for (const x of xs) assertEquals(socket.ntohs(socket.htons(x)), x);
    for (const f of [socket.htonl, socket.ntohl]) {
      assertThrows(() => f(-1), RangeError);
      assertThrows(() => f(2 ** 32), RangeError);
      assertThrows(() => f("1" as unknown as number), TypeError); // deliberate: not a number
      assertThrows(() => f(1.5), TypeError);
    }
    for (const f of [socket.htons, socket.ntohs]) {
      assertThrows(() => f(-1), RangeError);
      assertThrows(() => f(65536), RangeError);
      assertThrows(() => f(null as unknown as number), TypeError); // deliberate: not a number
      assertThrows(() => f(0.5), TypeError);
    }
  },
);

Deno.test("seed: SocketType is the type of socket objects (CPython's _socket.socket, their base)", () => {
  // As CPython 3 refines the seed: isinstance(socket(), SocketType) is True,
  // type(socket()) is socket.socket, a subclass of SocketType (_socket.socket).
  using s = socket.socket();
  assert(s instanceof socket.SocketType);
  assertStrictEquals(Object.getPrototypeOf(s).constructor, socket.Socket);
  assertStrictEquals(Object.getPrototypeOf(socket.Socket.prototype), socket.SocketType.prototype);
  // a bare SocketType is a working socket without Lib/socket.py's additions
  using bare = new socket.SocketType(socket.AF_INET, socket.SOCK_DGRAM);
  bare.bind(["127.0.0.1", 0]);
  bare.sendto("to itself", bare.getsockname());
  const [data, from] = bare.recvfrom(64);
  assertEquals([new TextDecoder().decode(data), from], ["to itself", bare.getsockname()]);
  assert(!("makefile" in bare) && !("recvAsync" in bare) && !("accept" in bare));
  bare.close();
  assertEquals(bare.fileno(), -1);
  const [a, b] = tcpPair();
  using _a = a;
  using _b = b;
  assert(b instanceof socket.SocketType);
});

// ---------------------------------------------------------------------------
// Addresses

test(
  "seed: '' is INADDR_ANY and '<broadcast>' is INADDR_BROADCAST",
  [BROADCAST_NEEDS_OPTION],
  () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    s.bind(["", 0]);
    assertEquals(s.getsockname()[0], "0.0.0.0");
    using t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    t.bind("", 0);
    assertEquals(t.getsockname()[0], "0.0.0.0");
    // '<broadcast>' without SO_BROADCAST is refused by the kernel, as a
    // broadcast address is; with it, a UDP connect (which sends nothing)
    // records 255.255.255.255 as the peer. (Sending is tested in a network
    // namespace, in broadcast_test.ts.) Bound to 127.0.0.1, the route is
    // loopback's, whatever the machine's routes: offline there is none to
    // 255.255.255.255 (ENETUNREACH).
    using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    u.bind(["127.0.0.1", 0]);
    assertOSError(() => u.connect(["<broadcast>", 9]), "EACCES", socket.PermissionError);
    u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1);
    u.connect(["<broadcast>", 9]);
    assertEquals(u.getpeername(), ["255.255.255.255", 9]);
  },
);

test("seed: host names are resolved; failed lookups throw", [UNBOUND_NAME], () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["localhost", 0]);
  assertEquals(s.getsockname()[0], "127.0.0.1");
  using t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assertThrows(() => t.bind(["no-such-host.invalid", 0]), socket.gaierror);
  assertThrows(() => t.sendto("x", ["no-such-host.invalid", 9]), socket.gaierror);
  assertEquals(t.getsockname(), ["0.0.0.0", 0]); // nothing happened
});

test(
  "seed: AF_UNIX addresses are paths (a socket file) or abstract Uint8Array names",
  [AF_UNIX],
  () => {
    using dir = tempDir();
    const path = `${dir.path}/seed.sock`;
    {
      using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      srv.bind(path);
      assert(Deno.lstatSync(path).isSocket);
      srv.listen(1);
      assertEquals(srv.getsockname(), path);
      using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      c.connect(path);
      const [conn, addr] = srv.accept();
      using _conn = conn;
      assertEquals(addr, ""); // an unbound peer, as python3 reports it
      assertEquals(c.getpeername(), path);
      c.send("over a path");
      assertEquals(text(conn.recv(64)), "over a path");
      using again = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      assertOSError(() => again.bind(path), "EADDRINUSE");
    }
    Deno.removeSync(path);
    // The Linux abstract namespace: a leading NUL byte, no file.
    const name = enc.encode(`\0libc-socket-seed-${Deno.pid}-${crypto.randomUUID()}`);
    using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    srv.bind(name);
    srv.listen(1);
    const got = srv.getsockname();
    assertInstanceOf(got, Uint8Array);
    assertEquals(got, name);
    using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    c.connect(name);
    srv.accept()[0].close();
    assertEquals(c.getpeername(), name);
    assertEquals([...Deno.readDirSync(dir.path)], []);
  },
);

test("seed: an AF_UNIX path longer than sun_path is a RangeError before anything is packed", [
  AF_UNIX,
], async () => {
  using dir = tempDir();
  const max = 107; // sizeof(sun_path) = 108, less the terminating NUL
  const long = `${dir.path}/${"x".repeat(max + 1 - dir.path.length - 1)}`;
  assertEquals(enc.encode(long).length, max + 1);
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  assertThrows(() => s.bind(long), RangeError);
  assertThrows(() => s.connect(long), RangeError);
  assertThrows(() => s.sendto("x", long), RangeError);
  assertEquals([...Deno.readDirSync(dir.path)], []); // no truncated file
  assertEquals(s.getsockname(), ""); // still unbound
  // python3 draws the same line.
  const py = await pyEval(`socket.socket(socket.AF_UNIX).bind(${JSON.stringify(long)})`);
  assertEquals((py as { exc: string }).exc, "OSError");
  // One byte less fits.
  const fits = long.slice(0, -1);
  s.bind(fits);
  assertEquals(s.getsockname(), fits);
  // Abstract names may use all 108 bytes, not 109.
  using t = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  const abs = new Uint8Array(109);
  abs.set(enc.encode(`libc-socket-${crypto.randomUUID()}`), 1);
  assertThrows(() => t.bind(abs), RangeError);
  t.bind(abs.subarray(0, 108));
  assertEquals(t.getsockname(), abs.subarray(0, 108));
});

test("seed: the address format follows the family: wrong types TypeError, bad ports RangeError", [
  AF_UNIX,
  UNBOUND_NAME,
], () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const bad: unknown[] = [
    "127.0.0.1",
    ["127.0.0.1"],
    ["127.0.0.1", 80, 1],
    [80, "127.0.0.1"],
    ["127.0.0.1", "80"],
    ["127.0.0.1", 80.5],
    ["127.0.0.1", null],
    null,
    42,
  ];
  for (const a of bad) { // deliberate: each `a as [string, number]` is a bad address
    assertThrows(() => s.bind(a as [string, number]), TypeError, undefined, JSON.stringify(a));
    assertThrows(() => s.connect(a as [string, number]), TypeError, undefined, JSON.stringify(a));
  }
  for (const port of [-1, 65536, 1e9]) {
    assertThrows(() => s.bind(["127.0.0.1", port]), RangeError, undefined, `${port}`);
    assertThrows(() => s.connect("127.0.0.1", port), RangeError, undefined, `${port}`);
  }
  assertEquals(s.getsockname(), ["0.0.0.0", 0]); // no bind happened
  using u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  for (const a of [42, ["/tmp/x", 1], null, {}]) {
    assertThrows(() => u.bind(a as string), TypeError, undefined, JSON.stringify(a)); // deliberate: not a path
  }
  // A NUL inside a path is a bad value (Python's os functions: ValueError).
  assertThrows(() => u.bind("/tmp/a\0b"), RangeError);
});

// ---------------------------------------------------------------------------
// Lifetime

Deno.test("seed: `using` closes the socket at the end of the block", () => {
  const [a, b] = socket.socketpair();
  using _b = b;
  let seen: socket.Socket;
  {
    using s = a;
    seen = s;
    assert(s.fileno() >= 0);
  }
  assertEquals(seen.fileno(), -1);
  assertEquals(b.recv(16).length, 0); // really closed: the peer sees EOF
});

// The collected socket is identified by what only it has, its socket inode
// (/proc/self/fd/N) and the UDP port it holds, never by its descriptor number
// alone: once closed, that number may be reused at once by the runtime (under
// qemu-user, by the emulator's own files), and a probe by number would call a
// stranger's descriptor a leak.
Deno.test({
  name: "seed: a socket lost to the garbage collector is closed",
  ignore: !has(PROC),
}, async () => {
  const code = `
import * as socket from ${JSON.stringify(new URL("mod.ts", ROOT).href)};
const link = (fd) => {
  try { return Deno.readLinkSync("/proc/self/fd/" + fd); } catch { return null; }
};
const make = () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  return [s.fileno(), s.getsockname()[1]];
};
const portFree = (port) => {
  const t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try { t.bind(["127.0.0.1", port]); return true; }
  catch (e) { if (e instanceof socket.error && e.code === "EADDRINUSE") return false; throw e; }
  finally { t.close(); }
};
const [fd, port] = make();
const before = link(fd);
if (!before?.startsWith("socket:") || portFree(port)) throw new Error("not open before gc");
for (let i = 0; i < 500 && link(fd) === before; i++) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 10));
}
console.log(link(fd) === before ? "LEAKED" : "CLOSED", portFree(port) ? "port-free" : "port-held");
`;
  const out = await denoCommand(["eval", "--v8-flags=--expose-gc", code], {
    cwd: fromFileUrl(ROOT),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, text(out.stderr));
  assertEquals(text(out.stdout).trim(), "CLOSED port-free");
});

// ---------------------------------------------------------------------------
// The seed's example programs

test(
  "seed: the echo server and client examples (deno task demo)",
  [PROC, POSIX_SHELL],
  async () => {
    const out = await denoCommand([
      "run",
      "--allow-ffi",
      "--allow-run",
      "--allow-read",
      fromFileUrl(new URL("examples/demo.ts", ROOT)),
    ], { cwd: fromFileUrl(ROOT), stdout: "piped", stderr: "piped" }).output();
    const stdout = text(out.stdout);
    assert(out.success, `demo failed:\n${stdout}\n${text(out.stderr)}`);
    const lines = stdout.split("\n");
    assert(lines.some((l) => /^Connected by \[ "127\.0\.0\.1", \d+ \]$/.test(l)), stdout);
    assert(lines.includes("Received 'Hello, world'"), stdout);
  },
);

Deno.test("seed: echo_server.ts and echo_client.ts as two processes, as the seed runs them", async () => {
  // What demo.ts does, without its /proc/net/tcp look at the port (it runs on
  // Windows too, under Wine in CI): the server with its defaults (every
  // local address, port 50007), then the client with its (localhost), run
  // again while it is refused, until the server listens. Bounded: 60 tries.
  const script = (name: string) => fromFileUrl(new URL(`examples/${name}`, ROOT));
  const run = (name: string) =>
    denoCommand(["run", "--allow-ffi", script(name)], { stdout: "piped", stderr: "piped" });
  const server = run("echo_server.ts").spawn();
  const served = server.output();
  let serverDone = false;
  served.finally(() => (serverDone = true)).catch(() => {});
  let client: Deno.CommandOutput | undefined;
  try {
    for (let i = 0; i < 60 && !serverDone; i++) {
      client = await run("echo_client.ts").output();
      if (client.success) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    if (!serverDone && !client?.success) server.kill();
  }
  const srv = await served;
  const out = (o?: Deno.CommandOutput) => o && `${text(o.stdout)}${text(o.stderr)}`;
  assert(client?.success, `the client failed:\n${out(client)}\nserver:\n${out(srv)}`);
  assertEquals(text(client.stdout), "Received 'Hello, world'\n");
  assert(srv.success, `the server failed:\n${out(srv)}`);
  assertMatch(text(srv.stdout), /^Connected by \[ "127\.0\.0\.1", \d+ \]\n$/);
});
