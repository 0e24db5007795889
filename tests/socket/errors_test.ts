/**
 * Exceptions raised by real failures (none constructed by hand, except
 * where noted): the Python class, errno, strerror and code, compared with
 * python3 doing the same thing; `instanceof` up the Python hierarchy; and the
 * Deno-style view (`Deno.errors.*`, `e.code`).
 */
import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { mismatch, type Outcome, outcomeOf, py } from "../_py.ts";
import { resolverTests } from "../_resolver_netns.ts";
import { has, PYTHON3, test, UNIX_ERRNO } from "../_caps.ts";
import { NEVER_OPEN_FD } from "../_helpers.ts";

const S = socket;
const dnsTest = resolverTests(import.meta.url);
const assertFalse = (x: unknown, msg?: string) => assert(!x, msg);

function caught(f: () => unknown): socket.error {
  try {
    f();
  } catch (e) {
    if (e instanceof S.error) return e;
    throw e;
  }
  throw new Error("expected a socket error, nothing was thrown");
}

function listener(): socket.Socket {
  const srv = S.socket();
  srv.bind(["127.0.0.1", 0]);
  srv.listen(4);
  return srv;
}

/** An address nobody listens on (bound, then closed). */
function deadAddress(): socket.Address {
  const s = listener();
  const a = s.getsockname();
  s.close();
  return a;
}

/**
 * The same failures in python3 and here, one by one. Keys name the failure;
 * python's script and ours must provoke it the same way.
 */
const PY_FAILURES = `
import struct, tempfile
def refused():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); a = s.getsockname(); s.close()
    c = socket.socket()
    try: c.connect(a)
    finally: c.close()
def blocking():
    a, b = socket.socketpair(); b.setblocking(False)
    try: b.recv(1)
    finally: a.close(); b.close()
def broken():
    a, b = socket.socketpair(); b.close()
    try: a.send(b"x")
    finally: a.close()
def reset():
    srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen()
    c = socket.socket(); c.connect(srv.getsockname()); conn, _ = srv.accept()
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); conn.close()
    c.settimeout(5)
    try: c.recv(10)
    finally: c.close(); srv.close()
def missing():
    c = socket.socket(socket.AF_UNIX)
    try: c.connect(tempfile.gettempdir() + "/libc-socket-no-such-socket")
    finally: c.close()
def inuse():
    a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen()
    b = socket.socket()
    try: b.bind(a.getsockname())
    finally: a.close(); b.close()
def broadcast():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
    try: u.sendto(b"x", ("255.255.255.255", 9))
    finally: u.close()
def timeout():
    a, b = socket.socketpair(); b.settimeout(0.05)
    try: b.recv(1)
    finally: a.close(); b.close()
def notconn():
    s = socket.socket()
    try: s.getpeername()
    finally: s.close()
def gai(): socket.getaddrinfo("no.such.host.invalid", 80)
def herr(): socket.gethostbyaddr("192.0.2.1")
out = {k: outcome(f) for k, f in [("refused", refused), ("blocking", blocking), ("broken", broken),
    ("reset", reset), ("missing", missing), ("inuse", inuse), ("broadcast", broadcast),
    ("timeout", timeout), ("notconn", notconn), ("gai", gai), ("herr", herr)]}
`;

const FAILURES: Record<string, () => unknown> = {
  refused() {
    using c = S.socket();
    c.connect(deadAddress());
  },
  blocking() {
    const [a, b] = S.socketpair();
    using _a = a, _b = b;
    b.setblocking(false);
    b.recv(1);
  },
  broken() {
    const [a, b] = S.socketpair();
    using _a = a;
    b.close();
    a.send("x");
  },
  reset() {
    using srv = listener();
    using c = S.socket();
    c.connect(srv.getsockname());
    const [conn] = srv.accept();
    conn.setsockopt(S.SOL_SOCKET, S.SO_LINGER, new Uint8Array(new Int32Array([1, 0]).buffer));
    conn.close(); // abortive close: the peer gets a RST
    c.settimeout(5);
    c.recv(10);
  },
  missing() {
    using c = S.socket(S.AF_UNIX);
    c.connect(`${Deno.env.get("TMPDIR") ?? "/tmp"}/libc-socket-no-such-socket`);
  },
  inuse() {
    using a = listener();
    using b = S.socket();
    b.bind(a.getsockname());
  },
  broadcast() {
    // No SO_BROADCAST: the kernel refuses a broadcast destination (EACCES),
    // a PermissionError even for root. Bound to 127.0.0.1, the route is
    // loopback's whatever the machine's routes (offline there is none to
    // 255.255.255.255, and sendto fails with ENETUNREACH first).
    using u = S.socket(S.AF_INET, S.SOCK_DGRAM);
    u.bind(["127.0.0.1", 0]);
    u.sendto("x", ["255.255.255.255", 9]);
  },
  timeout() {
    const [a, b] = S.socketpair();
    using _a = a, _b = b;
    b.settimeout(0.05);
    b.recv(1);
  },
  notconn() {
    using s = S.socket();
    s.getpeername();
  },
  gai: () => S.getaddrinfo("no.such.host.invalid", 80),
  herr: () => S.gethostbyaddr("192.0.2.1"),
};

test("errors: real failures give python's class, errno and strerror", [PYTHON3], async () => {
  const theirs = await py<Record<string, Outcome>>(PY_FAILURES);
  const problems: string[] = [];
  for (const [name, f] of Object.entries(FAILURES)) {
    const ours = outcomeOf(f);
    let want = theirs[name];
    if (name === "timeout" && "exc" in want) {
      // CPython's "timed out" carries no errno; ours carries ETIMEDOUT.
      assertEquals([want.exc, want.errno, want.msg], ["TimeoutError", null, "timed out"]);
      want = { ...want, errno: S.errnoOf("ETIMEDOUT"), strerror: "timed out" };
    }
    const m = mismatch(want, ours, name);
    if (m) problems.push(m);
    // every one of these failed, in both
    if (!("exc" in want)) problems.push(`${name}: python did not fail`);
  }
  assertEquals(problems, []);
});

// gai and herr depend on what the resolver answers: dnsTest runs the test
// under one that answers NXDOMAIN, as DNS does online (tests/_resolver_netns.ts).
dnsTest("errors: each Python class, its hierarchy and its Deno class", () => {
  const table: [
    string,
    // deno-lint-ignore no-explicit-any
    abstract new (...a: any[]) => unknown,
    // deno-lint-ignore no-explicit-any
    (abstract new (...a: any[]) => unknown)[],
    // deno-lint-ignore no-explicit-any
    (abstract new (...a: any[]) => unknown) | null,
    string | null,
  ][] = [
    [
      "refused",
      S.ConnectionRefusedError,
      [S.ConnectionError],
      Deno.errors.ConnectionRefused,
      "ECONNREFUSED",
    ],
    [
      "reset",
      S.ConnectionResetError,
      [S.ConnectionError],
      Deno.errors.ConnectionReset,
      "ECONNRESET",
    ],
    ["broken", S.BrokenPipeError, [S.ConnectionError], Deno.errors.BrokenPipe, "EPIPE"],
    ["blocking", S.BlockingIOError, [], Deno.errors.WouldBlock, "EAGAIN"],
    ["timeout", S.TimeoutError, [], Deno.errors.TimedOut, "ETIMEDOUT"],
    ["missing", S.FileNotFoundError, [], Deno.errors.NotFound, "ENOENT"],
    ["broadcast", S.PermissionError, [], Deno.errors.PermissionDenied, "EACCES"],
    ["inuse", S.error, [], Deno.errors.AddrInUse, "EADDRINUSE"],
    ["notconn", S.error, [], Deno.errors.NotConnected, "ENOTCONN"],
    ["gai", S.gaierror, [], null, "EAI_NONAME"],
    ["herr", S.herror, [], null, "HOST_NOT_FOUND"],
  ];
  const all = [
    S.ConnectionRefusedError,
    S.ConnectionResetError,
    S.BrokenPipeError,
    S.BlockingIOError,
    S.TimeoutError,
    S.FileNotFoundError,
    S.PermissionError,
    S.gaierror,
    S.herror,
  ];
  for (const [name, cls, bases, deno, code] of table) {
    const e = caught(FAILURES[name]);
    assertInstanceOf(e, cls, name);
    for (const b of bases) assertInstanceOf(e, b, name);
    assertInstanceOf(e, S.error, name);
    assertInstanceOf(e, Error, name);
    assertEquals(e.name, cls === S.error ? `OSError [${code}]` : cls.name, name);
    for (const other of all) {
      if (other !== cls) assertFalse(e instanceof other, `${name} is not a ${other.name}`);
    }
    if (deno) assertInstanceOf(e, deno, name);
    assertEquals(e.code, code, name);
    assert(typeof e.errno === "number" && typeof e.strerror === "string", name);
    assert(e.message.includes(e.strerror), name);
    assert(typeof e.stack === "string", name);
  }
  // EADDRINUSE is plain error, exactly (python: OSError, no subclass)
  const inuse = caught(FAILURES.inuse);
  assertEquals(Object.getPrototypeOf(inuse).constructor, S.error);
  assertEquals([inuse.errno, inuse.syscall], [S.errnoOf("EADDRINUSE"), "bind"]);
  assertEquals(caught(FAILURES.refused).syscall, "connect");
  // socket.timeout is TimeoutError
  assertEquals(S.timeout, S.TimeoutError);
});

Deno.test("errors: Deno-style handling recognises them", () => {
  // As code written for Deno.connect would check.
  for (
    const [name, denoCls, code] of [
      ["refused", Deno.errors.ConnectionRefused, "ECONNREFUSED"],
      ["inuse", Deno.errors.AddrInUse, "EADDRINUSE"],
      // Winsock: a send to a closed peer is not EPIPE (the first succeeds)
      ...(has(UNIX_ERRNO) ? [["broken", Deno.errors.BrokenPipe, "EPIPE"] as const] : []),
      ["timeout", Deno.errors.TimedOut, "ETIMEDOUT"],
      // Winsock's would-block is WSAEWOULDBLOCK (EAGAIN is the C runtime's)
      ["blocking", Deno.errors.WouldBlock, has(UNIX_ERRNO) ? "EAGAIN" : "EWOULDBLOCK"],
    ] as const
  ) {
    try {
      FAILURES[name]();
      assert(false, `${name} did not throw`);
    } catch (e) {
      assert(e instanceof denoCls, `${name}: instanceof Deno.errors.${denoCls.name}`);
      assertEquals((e as { code?: string }).code, code);
    }
  }
  // and a Deno class does not claim the wrong errors
  assertFalse(caught(FAILURES.refused) instanceof Deno.errors.BrokenPipe);
  assertFalse(caught(FAILURES.gai) instanceof Deno.errors.ConnectionRefused);
});

dnsTest("errors: gaierror and herror carry the resolver's codes", () => {
  const g = caught(FAILURES.gai);
  assertEquals([g.errno, g.strerror], [S.EAI_NONAME, "Name or service not known"]);
  assertFalse(g instanceof S.herror);
  const h = caught(FAILURES.herr);
  assertEquals([h.errno, h.strerror], [1, "Unknown host"]);
  assertFalse(h instanceof S.gaierror);
});

Deno.test("errors: a closed socket raises EBADF without touching the old descriptor", () => {
  const s = S.socket();
  s.close();
  const e = caught(() => s.getsockname());
  assertEquals([e.errno, e.code], [S.errnoOf("EBADF"), "EBADF"]);
  assertEquals(s.fileno(), -1);
  // adopting a descriptor that is not open fails in getsockopt (Winsock:
  // WSAENOTSOCK for a handle that is not a socket, as CPython reports it
  // there). Not a number just closed: another test file, running in
  // parallel in this process, may already own it.
  const closed = has(UNIX_ERRNO) ? S.errnoOf("EBADF") : S.errnoOf("ENOTSOCK");
  const bad = caught(() => S.socket(-1, -1, -1, NEVER_OPEN_FD));
  assertEquals(bad.errno, closed);
  if (has(UNIX_ERRNO)) assertInstanceOf(bad, Deno.errors.BadResource);
  // module close() of a descriptor that is not open
  assertEquals(caught(() => S.close(NEVER_OPEN_FD)).errno, closed);
});

test("errors: constructed errors behave as python's OSError", [UNIX_ERRNO], () => {
  const e = new S.error(S.errnoOf("ECONNREFUSED"));
  assertEquals(e.message, "[Errno 111] Connection refused");
  assertEquals([e.strerror, e.code], ["Connection refused", "ECONNREFUSED"]);
  const m = new S.error("just a message");
  assertEquals([m.errno, m.strerror, m.code, m.message], [null, null, null, "just a message"]);
  const custom = new S.ConnectionRefusedError(111, "custom text");
  assertEquals(custom.message, "[Errno 111] custom text");
  assertInstanceOf(custom, S.ConnectionError);
  assertThrows(() => S.errnoOf("ENOSUCHERRNO"), RangeError);
});

Deno.test("errors: InterruptedError and ConnectionAbortedError are not provoked here", () => {
  // InterruptedError (EINTR): every call retries on EINTR (PEP 475), exactly
  // as CPython does, so it cannot surface from a socket method; and a signal
  // cannot be made to land inside a given syscall deterministically.
  // ConnectionAbortedError (ECONNABORTED): Linux reports a connection reset
  // before accept() as a successful accept whose first read gives ECONNRESET,
  // so accept() does not return ECONNABORTED on this kernel.
  console.log(
    "skipped: InterruptedError (EINTR is retried, PEP 475) and " +
      "ConnectionAbortedError (Linux accept() does not report ECONNABORTED) " +
      "cannot be provoked deterministically; their errno mapping is checked instead",
  );
  // The errno → class mapping still holds for them (the library path that a
  // real failure would take, without the failure).
  const intr = S.errnoOf("EINTR");
  const aborted = S.errnoOf("ECONNABORTED");
  assertEquals(new S.InterruptedError(intr).code, "EINTR");
  assertInstanceOf(new S.ConnectionAbortedError(aborted), S.ConnectionError);
});
