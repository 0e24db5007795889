/**
 * The 1998 Python socket reference page (the seed), item by item, against
 * real sockets on loopback and Unix sockets, with python3 as the reference
 * and, in a few tests, as the peer.
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
  connectInProgress,
  has,
  POSIX_SHELL,
  PROC,
  PYTHON3,
  test,
  UNBOUND_NAME,
  UNIX_ERRNO,
  unixBehaviour,
} from "../_caps.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (b: Uint8Array) => dec.decode(b);
const E = (name: string) => socket.errnoOf(name);
const ROOT = new URL("../..", import.meta.url);
const LINUX_VALUES = unixBehaviour("Linux's constant values");
const TRUNCATES = unixBehaviour(
  "a datagram longer than the buffer truncated without an error (Winsock: WSAEMSGSIZE)",
);
const BROADCAST_NEEDS_OPTION = unixBehaviour(
  "a UDP connect to 255.255.255.255 refused (EACCES) without SO_BROADCAST",
);

/** Asserts that `fn` throws `socket.error` (or `cls`) with errno `code`. */
function assertOSError(
  fn: () => unknown,
  code: string,
  cls: abstract new (...a: never[]) => socket.error = socket.error,
): socket.error {
  const e = assertThrows(fn, socket.error);
  assert(e instanceof cls, `expected ${cls.name}, got ${e}`);
  assertEquals(e.code, code, String(e));
  assertEquals(e.errno, E(code));
  return e;
}

/** A listening TCP socket on an ephemeral loopback port. */
function listener(backlog = 5): socket.Socket<typeof socket.AF_INET> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  s.listen(backlog);
  return s;
}

/** A connected TCP pair over loopback: `[client, server side]`. */
function tcpPair(): [socket.Socket<typeof socket.AF_INET>, socket.Socket<typeof socket.AF_INET>] {
  using srv = listener(1);
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.connect(srv.getsockname());
  const [conn] = srv.accept();
  return [c, conn];
}

/** A loopback port that is bound but not listening: connecting is refused. */
function refusingPort(): [socket.Socket, number] {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  return [s, s.getsockname()[1]];
}

/** python3's view of an expression, as JSON (exceptions as `{exc, errno}`). */
async function pyEval(expr: string): Promise<unknown> {
  const out = await python(`
import json, socket
try:
    v = ${expr}
except Exception as e:
    v = {"exc": type(e).__name__, "errno": getattr(e, "errno", None)}
print(json.dumps(v))`);
  return JSON.parse(out);
}

/** Our outcome in the shape of `pyEval`'s. */
function outcome(fn: () => unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(fn()));
  } catch (e) {
    if (!(e instanceof socket.error)) throw e;
    return { exc: e.name.startsWith("OSError") ? "OSError" : e.name, errno: e.errno }; // error is OSError
  }
}

/** A python3 peer whose stdout is read line by line. */
function pyPeer(code: string, ...args: string[]) {
  const child = new Deno.Command("python3", {
    args: ["-c", code, ...args],
    env: { LC_ALL: "C", PYTHONUNBUFFERED: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = new Response(child.stderr).text();
  let buf = "";
  return {
    /** The next line of output (awaits it). */
    async line(): Promise<string> {
      while (!buf.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`python3 peer ended early: ${await stderr}`);
        buf += value;
      }
      const i = buf.indexOf("\n");
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      return l;
    },
    /** The rest of the output, once python3 exited successfully. */
    async finish(): Promise<string[]> {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
      }
      const status = await child.status;
      const err = await stderr;
      if (!status.success) throw new Error(`python3 peer failed: ${err}`);
      return buf.split("\n").filter(Boolean);
    },
  };
}

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
// Socket objects

Deno.test("seed: accept returns (conn, address): a new socket and the peer's address", () => {
  using srv = listener();
  using c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.connect(srv.getsockname());
  const [conn, addr] = srv.accept();
  using _conn = conn;
  assert(conn instanceof socket.SocketType);
  assertNotEquals(conn.fileno(), srv.fileno());
  assertEquals(addr, c.getsockname());
  assertEquals(conn.getpeername(), c.getsockname());
  assertEquals(conn.getsockname(), srv.getsockname());
  // conn, not the listening socket, carries the data.
  c.send("data");
  assertEquals(text(conn.recv(16)), "data");
  assertOSError(() => srv.recv(16), "ENOTCONN");
  // accept on a socket that is not listening fails.
  using idle = socket.socket();
  idle.bind(["127.0.0.1", 0]);
  assertOSError(() => idle.accept(), "EINVAL");
});

Deno.test("seed: bind(address) and the seed's bind(host, port); a bound socket cannot rebind", () => {
  using a = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  a.bind(["127.0.0.1", 0]);
  const [host, port] = a.getsockname();
  assertEquals(host, "127.0.0.1");
  assert(port > 0);
  assertOSError(() => a.bind(["127.0.0.1", 0]), "EINVAL"); // must not already be bound
  using b = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  b.bind("127.0.0.1", 0); // s.bind(HOST, PORT) as in the seed's example
  assertEquals(b.getsockname()[0], "127.0.0.1");
  using c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assertOSError(() => c.bind("127.0.0.1", port), "EADDRINUSE");
});

Deno.test("seed: close is idempotent; later operations fail with EBADF; fileno() is -1", () => {
  const [a, b] = tcpPair();
  using _b = b;
  const fd = a.fileno();
  assert(fd >= 0);
  a.send("queued before close");
  a.close();
  a.close();
  assertEquals(a.fileno(), -1);
  // The remote end gets the queued data, then no more (EOF).
  assertEquals(text(b.recv(64)), "queued before close");
  assertEquals(b.recv(64).length, 0);
  const ops: [string, () => unknown][] = [
    ["accept", () => a.accept()],
    ["bind", () => a.bind(["127.0.0.1", 0])],
    ["connect", () => a.connect(["127.0.0.1", 1])],
    ["connect_ex", () => a.connect_ex(["127.0.0.1", 1])],
    ["getpeername", () => a.getpeername()],
    ["getsockname", () => a.getsockname()],
    ["getsockopt", () => a.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)],
    ["listen", () => a.listen(1)],
    ["makefile", () => a.makefile("r")],
    ["recv", () => a.recv(1)],
    ["recvfrom", () => a.recvfrom(1)],
    ["send", () => a.send("x")],
    ["sendto", () => a.sendto("x", ["127.0.0.1", 9])],
    ["setblocking", () => a.setblocking(false)],
    ["setsockopt", () => a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)],
    ["shutdown", () => a.shutdown(2)],
  ];
  for (const [name, op] of ops) {
    const e = assertThrows(op, socket.error, undefined, name);
    assertEquals(e.errno, E("EBADF"), `${name}: ${e}`);
  }
});

Deno.test("seed: connect(address), connect(host, port) and connect to a host name", () => {
  using srv = listener();
  const [, port] = srv.getsockname();
  using a = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  a.connect(["127.0.0.1", port]);
  using b = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  b.connect("127.0.0.1", port); // the seed's s.connect(HOST, PORT)
  using c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.connect(["localhost", port]); // a host name, resolved
  for (const s of [a, b, c]) {
    assertEquals(s.getpeername(), ["127.0.0.1", port]);
    const [conn, addr] = srv.accept();
    using _conn = conn;
    assertEquals(addr, s.getsockname());
  }
  // A failed name lookup throws (gaierror, a socket.error).
  using d = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const e = assertThrows(() => d.connect(["no-such-host.invalid", port]), socket.gaierror);
  assertInstanceOf(e, socket.error);
});

Deno.test("seed: connect_ex returns 0 or the errno instead of raising", () => {
  using srv = listener();
  const [, port] = srv.getsockname();
  using ok = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assertStrictEquals(ok.connect_ex(["127.0.0.1", port]), 0);
  const [conn] = srv.accept();
  conn.close();
  using two = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assertStrictEquals(two.connect_ex("127.0.0.1", port), 0);
  srv.accept()[0].close();
  const [holder, closed] = refusingPort();
  using _h = holder;
  using refused = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assertStrictEquals(refused.connect_ex(["127.0.0.1", closed]), E("ECONNREFUSED"));
  // "useful for asynchronous connects": a non-blocking connect.
  using nb = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  nb.setblocking(false);
  const r = nb.connect_ex(["127.0.0.1", port]);
  // EINPROGRESS; WSAEWOULDBLOCK on Windows (CPython's connect_ex returns it there)
  assert(r === 0 || r === connectInProgress(), `connect_ex gave ${r}`);
  const [c2, addr] = srv.accept();
  using _c2 = c2;
  assertEquals(addr, nb.getsockname());
});

Deno.test("seed: fileno is a small integer naming the descriptor", () => {
  using s = socket.socket();
  const fd = s.fileno();
  assert(Number.isInteger(fd) && fd >= 0 && fd < 65536);
  // The number really names this socket: a copy made from it is the same socket.
  s.bind(["127.0.0.1", 0]);
  using t = socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM);
  assertEquals(t.getsockname(), s.getsockname());
});

test("seed: getpeername and getsockname give (host, port)", [UNBOUND_NAME], () => {
  const [c, conn] = tcpPair();
  using _c = c;
  using _conn = conn;
  const [chost, cport] = c.getsockname();
  assertEquals(chost, "127.0.0.1");
  assertEquals(conn.getpeername(), ["127.0.0.1", cport]);
  assertEquals(c.getpeername(), conn.getsockname());
  using lone = socket.socket();
  assertEquals(lone.getsockname(), ["0.0.0.0", 0]);
  assertOSError(() => lone.getpeername(), "ENOTCONN");
});

test(
  "seed: getsockopt returns an int, or a buffer of at most buflen bytes",
  [PYTHON3],
  async () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    assertStrictEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM);
    assertStrictEquals(u.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_DGRAM);
    assertStrictEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
    assertStrictEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0);
    // The buffer form: struct linger {int l_onoff; int l_linger;} is 8 bytes.
    const linger = s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8);
    assertInstanceOf(linger, Uint8Array);
    assertEquals(linger, new Uint8Array(8));
    // The int again, as raw bytes.
    const rcvbuf = s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4);
    assertEquals(
      new DataView(rcvbuf.buffer).getInt32(0, true),
      s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
    );
    assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 1024).length, 4); // trimmed
    for (const n of [0, -1, 1025]) {
      assertThrows(() => s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, n), RangeError);
    }
    assertThrows(
      () => s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, "8" as unknown as number), // deliberate: not a number
      TypeError,
    );
    // An unknown option fails as in python3.
    assertEquals(
      outcome(() => s.getsockopt(socket.SOL_SOCKET, 9999)),
      await pyEval(`socket.socket().getsockopt(socket.SOL_SOCKET, 9999)`),
    );
  },
);

test("seed: listen(backlog) makes the socket accept connections", [PYTHON3], async () => {
  using s = socket.socket();
  s.bind(["127.0.0.1", 0]);
  assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 0);
  s.listen(1);
  assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
  using c = socket.socket();
  assertEquals(c.connect_ex(s.getsockname()), 0);
  s.accept()[0].close();
  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assertEquals(
    outcome(() => u.listen(1)),
    await pyEval(`socket.socket(socket.AF_INET, socket.SOCK_DGRAM).listen(1)`),
  );
});

Deno.test("seed: makefile in text and binary modes; closing the file leaves the socket open", () => {
  const [a, b] = tcpPair();
  using _a = a;
  using _b = b;
  // "w" / "r": write, flush, readline, line iteration, readlines.
  const w = a.makefile("w");
  const r = b.makefile("r");
  assertEquals(w.write("line one\nline two\n"), 18);
  w.flush();
  assertEquals(r.readline(), "line one\n");
  w.write("three\nfour\n");
  w.flush();
  const it: string[] = [];
  for (const line of r) {
    it.push(line);
    if (it.length === 3) break;
  }
  assertEquals(it, ["line two\n", "three\n", "four\n"]);
  w.write("five\nsix");
  w.close(); // flushes
  assert(w.closed);
  a.shutdown(socket.SHUT_WR);
  assertEquals(r.readlines(), ["five\n", "six"]);
  assertEquals(r.readline(), ""); // end of stream
  r.close();
  // The sockets are still open after their files closed.
  assert(a.fileno() >= 0 && b.fileno() >= 0);
  b.send("still open");
  assertEquals(text(a.recv(64)), "still open");

  // "wb" / "rb": bytes, read(n), read().
  const [c, d] = tcpPair();
  using _c = c;
  using _d = d;
  const wb = c.makefile("wb");
  const rb = d.makefile("rb");
  wb.write(new Uint8Array([1, 2, 3, 4, 5]));
  wb.flush();
  assertEquals(rb.read(2), new Uint8Array([1, 2]));
  wb.write(new Uint8Array([6]));
  assertThrows(() => wb.write("text" as unknown as Uint8Array), TypeError); // deliberate: not a Uint8Array
  wb.close();
  c.shutdown(socket.SHUT_WR);
  assertEquals(rb.read(), new Uint8Array([3, 4, 5, 6]));
  assertEquals(rb.read(), new Uint8Array(0));
  rb.close();
  assertThrows(() => wb.write(new Uint8Array([7])), RangeError); // closed file

  // The file and socket close independently: close the socket first.
  const [e, f] = tcpPair();
  using _f = f;
  const ef = e.makefile("r");
  e.close();
  f.send("after the socket closed\n");
  assertEquals(ef.readline(), "after the socket closed\n");
  ef.close(); // now the descriptor closes: the peer sees EOF
  assertEquals(f.recv(16).length, 0);
  // Unbuffered needs binary mode (as python3's ValueError).
  using g = socket.socket();
  assertThrows(() => g.makefile("r", 0), RangeError);
  g.makefile("rb", 0).close();
});

Deno.test("seed: recv(bufsize[, flags]); an empty result at end of stream", () => {
  const [a, b] = tcpPair();
  using _a = a;
  using _b = b;
  assertEquals(a.send("0123456789"), 10);
  assertEquals(text(b.recv(4, socket.MSG_PEEK)), "0123");
  assertEquals(text(b.recv(4)), "0123"); // at most bufsize
  assertEquals(text(b.recv(1024)), "456789");
  assertEquals(b.recv(0).length, 0);
  assertThrows(() => b.recv(-1), RangeError);
  assertThrows(() => b.recv("1" as unknown as number), TypeError); // deliberate: not a number
  a.close();
  const eof = b.recv(1024);
  assertInstanceOf(eof, Uint8Array);
  assertEquals(eof.length, 0);
});

test("seed: recvfrom returns (data, address) on UDP", [TRUNCATES], () => {
  using r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  r.bind(["127.0.0.1", 0]);
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  s.sendto("datagram one", r.getsockname());
  s.sendto("two", r.getsockname());
  const [data, addr] = r.recvfrom(1024);
  assertEquals(text(data), "datagram one");
  assertEquals(addr, s.getsockname());
  const [peek] = r.recvfrom(1024, socket.MSG_PEEK);
  assertEquals(text(peek), "two");
  const [short] = r.recvfrom(2); // a datagram is truncated to bufsize
  assertEquals(text(short), "tw");
});

Deno.test("seed: send returns the number of bytes sent", () => {
  const [a, b] = tcpPair();
  using _a = a;
  using _b = b;
  assertStrictEquals(a.send("Hello, world"), 12);
  assertStrictEquals(a.send(new Uint8Array([0, 1, 2])), 3);
  assertStrictEquals(a.send("héllo"), 6); // UTF-8 bytes
  assertStrictEquals(a.send(new Uint8Array(0)), 0);
  assertEquals(b.recv(1024).length, 21);
  assertThrows(() => a.send(42 as unknown as string), TypeError); // deliberate: not a string
  // An unconnected socket cannot send.
  using u = socket.socket();
  assertThrows(() => u.send("x"), socket.error);
});

test("seed: sendto(string, address) and sendto(string, flags, address)", [AF_UNIX], () => {
  using r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  r.bind(["127.0.0.1", 0]);
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assertStrictEquals(s.sendto("two args", r.getsockname()), 8);
  assertStrictEquals(s.sendto("three args", 0, r.getsockname()), 10);
  assertStrictEquals(
    s.sendto(new Uint8Array(3), socket.MSG_DONTWAIT, ["localhost", r.getsockname()[1]]),
    3,
  );
  assertEquals(text(r.recvfrom(64)[0]), "two args");
  const [d2, from] = r.recvfrom(64);
  assertEquals(text(d2), "three args");
  assertEquals(from, ["127.0.0.1", s.getsockname()[1]]); // sendto bound the sender implicitly
  assertEquals(r.recvfrom(64)[0], new Uint8Array(3));
  assertThrows(() => (s.sendto as (d: string) => number)("no address"), TypeError); // deliberate: no address
  // AF_UNIX datagrams: addresses are paths.
  using dir = tempDir();
  using ur = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  using us = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  ur.bind(`${dir.path}/r`);
  us.bind(`${dir.path}/s`);
  assertEquals(us.sendto("over unix", `${dir.path}/r`), 9);
  const [ud, ufrom] = ur.recvfrom(64);
  assertEquals([text(ud), ufrom], ["over unix", `${dir.path}/s`]);
});

test("seed: setblocking(0) makes recv/send/accept raise EAGAIN instead of blocking", [
  AF_UNIX,
  UNIX_ERRNO,
], () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
  using _a = a;
  using _b = b;
  b.setblocking(false);
  const e = assertOSError(() => b.recv(16), "EAGAIN", socket.BlockingIOError);
  assertEquals(e.errno, E("EWOULDBLOCK"));
  b.setblocking(0 as unknown as boolean); // the seed's flag is an integer
  assertOSError(() => b.recv(16), "EAGAIN", socket.BlockingIOError);
  b.setblocking(true);
  a.send("now");
  assertEquals(text(b.recv(16)), "now");
  // A send that cannot dispose of its data at once.
  a.setblocking(false);
  const chunk = new Uint8Array(65536);
  let sent = 0;
  let full: unknown = null;
  for (let i = 0; i < 1000 && full === null; i++) {
    try {
      sent += a.send(chunk);
    } catch (err) {
      full = err;
    }
  }
  assertInstanceOf(full, socket.BlockingIOError);
  assertEquals((full as socket.error).errno, E("EAGAIN"));
  assert(sent > 0);
  // accept on a non-blocking listener with nobody connecting.
  using srv = listener();
  srv.setblocking(false);
  assertOSError(() => srv.accept(), "EAGAIN", socket.BlockingIOError);
});

test("seed: setsockopt with an integer, a boolean or a buffer", [PYTHON3], async () => {
  using s = socket.socket();
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  assertNotEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0);
  assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, true);
  assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 1);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, false);
  assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 0);
  // A buffer holding struct linger {1, 7}, read back with getsockopt's buffer form.
  const linger = new Uint8Array(new Int32Array([1, 7]).buffer);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger);
  assertEquals(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8), linger);
  // The kernel's answer to the same setting is python3's.
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, new Uint8Array(new Int32Array([32768]).buffer));
  assertEquals(
    s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
    await pyEval(
      `(lambda s: (s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768), s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))[1])(socket.socket())`,
    ),
  );
  s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 33);
  assertEquals(s.getsockopt(socket.IPPROTO_IP, socket.IP_TTL), 33);
  assertThrows(
    () => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, {} as unknown as number), // deliberate: not a number
    TypeError,
  );
  assertThrows(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 2 ** 31), RangeError);
  assertOSError(() => s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1000), "EINVAL");
});

test("seed: shutdown(0), shutdown(1) and shutdown(2)", [UNIX_ERRNO], () => {
  {
    // 1: no more sends; the peer reads EOF but can still send back.
    const [a, b] = tcpPair();
    using _a = a;
    using _b = b;
    a.shutdown(1);
    assertEquals(b.recv(16).length, 0);
    assertOSError(() => a.send("x"), "EPIPE", socket.BrokenPipeError);
    b.send("reply");
    assertEquals(text(a.recv(16)), "reply");
  }
  {
    // 0: no more receives.
    const [a, b] = tcpPair();
    using _a = a;
    using _b = b;
    a.shutdown(0);
    assertEquals(a.recv(16).length, 0);
    a.send("a can still send");
    assertEquals(text(b.recv(64)), "a can still send");
  }
  {
    // 2: neither.
    const [a, b] = tcpPair();
    using _a = a;
    using _b = b;
    a.shutdown(2);
    assertEquals(a.recv(16).length, 0);
    assertOSError(() => a.send("x"), "EPIPE", socket.BrokenPipeError);
    assertEquals(b.recv(16).length, 0);
  }
  using lone = socket.socket();
  assertOSError(() => lone.shutdown(2), "ENOTCONN");
  assertEquals([socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR], [0, 1, 2]);
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
// python3 as the peer

test(
  "seed: our client against a python3 echo server (connect(host, port))",
  [PYTHON3],
  async () => {
    const peer = pyPeer(`
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1])
conn, addr = s.accept()
print(addr[1])
while 1:
    data = conn.recv(1024)
    if not data: break
    conn.send(data)
conn.close()
`);
    const port = Number(await peer.line());
    const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    let data: Uint8Array;
    let mine: number;
    try {
      s.settimeout(10); // a broken peer fails the test instead of hanging it
      s.connect("127.0.0.1", port);
      mine = s.getsockname()[1];
      assertEquals(s.send("Hello, world"), 12);
      data = s.recv(1024);
    } finally {
      s.close();
    }
    assertEquals(text(data), "Hello, world");
    assertEquals(await peer.finish(), [String(mine)]);
  },
);

test("seed: our echo server against a python3 client", [PYTHON3], async () => {
  using srv = listener(1);
  const [, port] = srv.getsockname();
  const peer = pyPeer(
    `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.send(b"Hello, world")
data = s.recv(1024)
print(s.getsockname()[1])
s.close()
print("Received", repr(data))
`,
    String(port),
  );
  srv.settimeout(10);
  const [conn, addr] = srv.accept();
  try {
    conn.settimeout(10);
    for (;;) {
      const data = conn.recv(1024);
      if (data.length === 0) break;
      conn.send(data);
    }
  } finally {
    conn.close();
  }
  const [pyPort, received] = await peer.finish();
  assertEquals(addr, ["127.0.0.1", Number(pyPort)]);
  assertEquals(received, "Received b'Hello, world'");
});

test("seed: UDP sendto/recvfrom with a python3 peer", [PYTHON3], async () => {
  const peer = pyPeer(`
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(10)
print(s.getsockname()[1])
for _ in range(2):
    data, addr = s.recvfrom(1024)
    s.sendto(data.upper(), addr)
    print(addr[1], data.decode())
`);
  const port = Number(await peer.line());
  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.settimeout(10);
  assertEquals(u.sendto("first", ["127.0.0.1", port]), 5);
  const [d1, a1] = u.recvfrom(1024);
  assertEquals(u.sendto("second", 0, ["localhost", port]), 6);
  const [d2, a2] = u.recvfrom(1024);
  assertEquals([text(d1), text(d2)], ["FIRST", "SECOND"]);
  assertEquals(a1, ["127.0.0.1", port]);
  assertEquals(a2, ["127.0.0.1", port]);
  const mine = u.getsockname()[1];
  assertEquals(await peer.finish(), [`${mine} first`, `${mine} second`]);
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
