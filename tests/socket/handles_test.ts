/**
 * Creating and handling sockets: socketpair, create_connection,
 * create_server, dup/detach/close, inheritance, family/type/proto,
 * SOCK_NONBLOCK/SOCK_CLOEXEC in `type`, Linux abstract Unix addresses,
 * SOCK_SEQPACKET, and the interface functions — compared with python3 where
 * python3 can say what is right.
 */
import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { mismatch, type Outcome, outcomeOf, py } from "../_py.ts";
import { constants } from "../../constants/mod.ts";
import { AF_UNIX, PYTHON3, test } from "../_caps.ts";
import { NEVER_OPEN_FD } from "../_helpers.ts";

const S = socket;
const dec = new TextDecoder();
const enc = new TextEncoder();
const text = (b: Uint8Array) => dec.decode(b);

function nonblockFlag(fd: number): boolean {
  const info = Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`);
  return (parseInt(/flags:\s*([0-7]+)/.exec(info)![1], 8) & constants.O_NONBLOCK) !== 0;
}

/** An address nobody listens on (bound, then closed). */
function deadAddress(): [string, number] {
  using s = S.socket();
  s.bind(["127.0.0.1", 0]);
  return s.getsockname();
}

function abstractName(tag: string): Uint8Array {
  return enc.encode(`\0libc-socket-test-${tag}-${Deno.pid}-${Math.random().toString(36).slice(2)}`);
}

test("socketpair: defaults, properties, types", [AF_UNIX], () => {
  const [a, b] = S.socketpair();
  using _a = a, _b = b;
  assertEquals([a.family, a.type, a.proto, a.gettimeout()], [S.AF_UNIX, S.SOCK_STREAM, 0, null]);
  assertEquals([b.family, b.type, b.proto], [S.AF_UNIX, S.SOCK_STREAM, 0]);
  a.send("to b");
  b.send("to a");
  assertEquals([text(b.recv(10)), text(a.recv(10))], ["to b", "to a"]);
  assertEquals([a.getsockname(), a.getpeername()], ["", ""], "unnamed Unix sockets");
  assertEquals(a.get_inheritable(), false);
  const [d1, d2] = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM);
  using _d1 = d1, _d2 = d2;
  assertEquals(d1.type, S.SOCK_DGRAM);
  d1.send("one");
  d1.send("two");
  assertEquals([text(d2.recv(100)), text(d2.recv(100))], ["one", "two"]);
  // SOCK_NONBLOCK in the type: stripped from .type, timeout 0 (as CPython)
  const [n1, n2] = S.socketpair(S.AF_UNIX, S.SOCK_STREAM | S.SOCK_NONBLOCK);
  using _n1 = n1, _n2 = n2;
  assertEquals([n1.type, n1.gettimeout(), nonblockFlag(n1.fileno())], [S.SOCK_STREAM, 0, true]);
  assertThrows(() => n1.recv(1), S.BlockingIOError);
  assertThrows(() => S.socketpair(S.AF_INET), S.error);
});

test("SOCK_SEQPACKET Unix sockets keep message boundaries", [AF_UNIX], () => {
  const [a, b] = S.socketpair(S.AF_UNIX, S.SOCK_SEQPACKET);
  using _a = a, _b = b;
  assertEquals(a.type, S.SOCK_SEQPACKET);
  a.send("first");
  a.send("second message");
  a.sendall("third");
  assertEquals(text(b.recv(100)), "first");
  assertEquals(text(b.recv(100)), "second message");
  assertEquals(text(b.recv(100)), "third");
  // a short read truncates the record and says so
  a.send("0123456789");
  const [part, , flags] = b.recvmsg(4);
  assertEquals([text(part), flags & S.MSG_TRUNC], ["0123", S.MSG_TRUNC]);
  // and a listening seqpacket socket works on an abstract address
  const name = abstractName("seq");
  using srv = S.socket(S.AF_UNIX, S.SOCK_SEQPACKET);
  srv.bind(name);
  srv.listen(1);
  using c = S.socket(S.AF_UNIX, S.SOCK_SEQPACKET);
  c.connect(name);
  const [conn] = srv.accept();
  using _conn = conn;
  c.send("x");
  c.send("yz");
  assertEquals([text(conn.recv(10)), text(conn.recv(10))], ["x", "yz"]);
  c.close();
  assertEquals(conn.recv(10).length, 0, "EOF");
});

test("abstract Unix addresses: bind/getsockname/connect, also with a python3 client", [
  AF_UNIX,
  PYTHON3,
], async () => {
  const name = abstractName("abs");
  using srv = S.socket(S.AF_UNIX, S.SOCK_STREAM);
  srv.bind(name);
  srv.listen(1);
  assertEquals(srv.getsockname(), name);
  // python connects to the same abstract name (bytes with a leading NUL) and
  // reports what its getpeername says
  const hex = [...name].map((x) => x.toString(16).padStart(2, "0")).join("");
  const theirs = await py<Uint8Array>(`
c = socket.socket(socket.AF_UNIX); c.connect(bytes.fromhex("${hex}"))
c.sendall(b"hello from python"); out = c.getpeername(); c.close()
`);
  assertEquals(theirs, name);
  srv.settimeout(5);
  const [conn, addr] = srv.accept();
  using _conn = conn;
  assertEquals(addr, "", "python's client was unbound");
  assertEquals(text(conn.recv(100)), "hello from python");
  // our own client
  using c = S.socket(S.AF_UNIX, S.SOCK_STREAM);
  c.connect(name);
  assertEquals(c.getpeername(), name);
  srv.accept()[0].close();
  // bind("") autobinds to a fresh abstract name, as in python
  using auto = S.socket(S.AF_UNIX, S.SOCK_DGRAM);
  auto.bind("");
  const got = auto.getsockname();
  assertInstanceOf(got, Uint8Array);
  assertEquals([got.length, got[0]], [6, 0]);
  const theirAuto = await py<Uint8Array>(
    `s = socket.socket(socket.AF_UNIX); s.bind(""); out = s.getsockname()`,
  );
  assertEquals([theirAuto.length, theirAuto[0]], [6, 0]);
  // too long: 108 bytes of abstract name fit, 109 do not
  using big = S.socket(S.AF_UNIX);
  assertThrows(() => big.bind(new Uint8Array(109)), RangeError);
});

test(
  "family/type/proto, and adopting a descriptor reads them as python does",
  [PYTHON3],
  async () => {
    const theirs = await py<number[][]>(`
out = []
for fam, typ, proto in [(socket.AF_INET, socket.SOCK_STREAM, 0), (socket.AF_INET6, socket.SOCK_DGRAM, 0),
                        (socket.AF_UNIX, socket.SOCK_SEQPACKET, 0), (socket.AF_INET, socket.SOCK_STREAM, 6)]:
    s = socket.socket(fam, typ, proto)
    t = socket.socket(fileno=os.dup(s.fileno()))
    out.append([s.family, s.type, s.proto, t.family, t.type, t.proto])
    s.close(); t.close()
`);
    const ours = [
      [S.AF_INET, S.SOCK_STREAM, 0],
      [S.AF_INET6, S.SOCK_DGRAM, 0],
      [S.AF_UNIX, S.SOCK_SEQPACKET, 0],
      [S.AF_INET, S.SOCK_STREAM, S.IPPROTO_TCP],
    ].map(([f, t, p]) => {
      using s = S.socket(f, t, p);
      using a = S.socket(undefined, undefined, undefined, S.dup(s.fileno()));
      return [s.family, s.type, s.proto, a.family, a.type, a.proto];
    });
    assertEquals(ours, theirs);
    using d = S.socket();
    assertEquals([d.family, d.type, d.proto], [S.AF_INET, S.SOCK_STREAM, 0]);
    // explicit values win over the descriptor's (fromfd passes them)
    using f = S.fromfd(d.fileno(), S.AF_INET, S.SOCK_STREAM);
    assertEquals(f.proto, 0);
    assert(f.fileno() !== d.fileno());
  },
);

test("SOCK_NONBLOCK | SOCK_CLOEXEC in type behave as in CPython", [PYTHON3], async () => {
  const theirs = await py<unknown[]>(`
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC)
out = [s.type, s.gettimeout(), s.getblocking(), os.get_blocking(s.fileno()), s.get_inheritable()]
`);
  using s = S.socket(S.AF_INET, S.SOCK_STREAM | S.SOCK_NONBLOCK | S.SOCK_CLOEXEC);
  assertEquals(
    [s.type, s.gettimeout(), s.getblocking(), !nonblockFlag(s.fileno()), s.get_inheritable()],
    theirs,
  );
  // SOCK_CLOEXEC alone: blocking, non-inheritable
  using c = S.socket(S.AF_INET, S.SOCK_STREAM | S.SOCK_CLOEXEC);
  assertEquals([c.type, c.gettimeout(), c.get_inheritable()], [S.SOCK_STREAM, null, false]);
});

test("dup, detach, module close/dup, closed state", [AF_UNIX], () => {
  const [a, b] = S.socketpair();
  using _b = b;
  a.settimeout(3);
  const d = a.dup();
  assert(d.fileno() !== a.fileno() && d.fileno() >= 0);
  assertEquals([d.family, d.type, d.proto, d.gettimeout()], [a.family, a.type, a.proto, 3]);
  assertEquals(d.get_inheritable(), false);
  a.close();
  assertEquals([a.fileno(), a.closed], [-1, true]);
  a.close(); // idempotent
  d.send("still open"); // the duplicate outlives the original
  assertEquals(text(b.recv(64)), "still open");
  // detach hands the descriptor over
  const fd = d.detach();
  assertEquals([d.fileno(), d.closed, d.detach()], [-1, true, -1]);
  assertThrows(() => d.send("x"), S.error);
  using adopted = S.socket(S.AF_UNIX, S.SOCK_STREAM, 0, fd);
  adopted.send("adopted");
  assertEquals(text(b.recv(64)), "adopted");
  // module-level dup and close
  const copy = S.dup(adopted.fileno());
  S.close(copy);
  // not `copy` again: a test file running in parallel may own that number now
  const e = assertThrows(() => S.close(NEVER_OPEN_FD), S.error);
  assertEquals(e.errno, S.errnoOf("EBADF"));
  assertThrows(() => S.dup(NEVER_OPEN_FD), S.error);
  // python raises OSError(EBADF) for close(-1); we refuse it before the call
  assertThrows(() => S.close(-1), RangeError);
  // using/dispose
  {
    using s = S.socket();
    assert(s.fileno() >= 0);
  }
});

test("get_inheritable/set_inheritable: what a child process inherits", [PYTHON3], async () => {
  using s = S.socket();
  const fd = s.fileno();
  const childSees = () => py<boolean>(`out = call(os.fstat, ${fd}).__class__ is os.stat_result`);
  assertEquals(s.get_inheritable(), false);
  assertEquals(await childSees(), false);
  s.set_inheritable(true);
  assertEquals(s.get_inheritable(), true);
  assertEquals(await childSees(), true);
  s.set_inheritable(false);
  assertEquals(s.get_inheritable(), false);
  assertEquals(await childSees(), false);
  s.close();
  assertThrows(() => s.get_inheritable(), S.error);
});

Deno.test("create_connection: timeout, source_address, errors and all_errors", () => {
  using srv = S.create_server(["127.0.0.1", 0]);
  const addr = srv.getsockname();
  {
    using c = S.create_connection(addr, 2);
    assertEquals([c.family, c.type, c.gettimeout()], [S.AF_INET, S.SOCK_STREAM, 2]);
    assertEquals(c.getpeername(), addr);
    srv.accept()[0].close();
  }
  {
    // a free source port: bind, read it, release it
    const src = deadAddress();
    using c = S.create_connection(["localhost", addr[1]], null, src);
    assertEquals([c.getsockname(), c.gettimeout()], [src, null]);
    srv.accept()[0].close();
  }
  {
    S.setdefaulttimeout(4);
    try {
      using c = S.create_connection(addr);
      assertEquals(c.gettimeout(), 4, "omitted timeout: the default");
      srv.accept()[0].close();
    } finally {
      S.setdefaulttimeout(null);
    }
  }
  const dead = deadAddress();
  assertThrows(() => S.create_connection(dead), S.ConnectionRefusedError);
  const agg = assertThrows(
    () => S.create_connection(dead, 1, null, { all_errors: true }),
    AggregateError,
  );
  assertEquals(agg.errors.length, 1);
  assertInstanceOf(agg.errors[0], S.ConnectionRefusedError);
  assertThrows(() => S.create_connection(["no.such.host.invalid", 80]), S.gaierror);
  assertThrows(() => S.create_connection("127.0.0.1" as never), TypeError); // deliberate: wrong type
});

test("create_connection: which error when every address fails (as python)", [PYTHON3], async () => {
  // host null resolves to ::1 then 127.0.0.1; binding to an IPv4 source
  // makes the IPv6 attempt fail differently (gaierror) from the IPv4 one
  // (refused). Python raises the last error, or an ExceptionGroup of all.
  const [, port] = deadAddress();
  const theirs = await py<{ last: Outcome; all: string[] }>(`
r = outcome(socket.create_connection, (None, ${port}), 1, ("127.0.0.1", 0))
try:
    socket.create_connection((None, ${port}), 1, ("127.0.0.1", 0), all_errors=True)
except ExceptionGroup as g:
    out = {"last": r, "all": [type(e).__name__ for e in g.exceptions]}
`);
  const last = outcomeOf(() => S.create_connection([null, port], 1, ["127.0.0.1", 0]));
  assertEquals(mismatch(theirs.last, last, "last error"), null);
  const agg = assertThrows(
    () => S.create_connection([null, port], 1, ["127.0.0.1", 0], { all_errors: true }),
    AggregateError,
  );
  assertEquals(agg.errors.map((e) => (e as Error).name), theirs.all);
});

test("create_server: SO_REUSEADDR, backlog, reuse_port, bind errors", [PYTHON3], async () => {
  using srv = S.create_server(["127.0.0.1", 0], { backlog: 3 });
  assertEquals([srv.family, srv.type], [S.AF_INET, S.SOCK_STREAM]);
  assertEquals(srv.getsockopt(S.SOL_SOCKET, S.SO_REUSEADDR), 1);
  assertEquals(srv.getsockopt(S.SOL_SOCKET, S.SO_ACCEPTCONN), 1);
  const addr = srv.getsockname();
  // the port is taken: EADDRINUSE, a plain error, with the address in the message
  const theirs = await py<Outcome>(
    `out = outcome(socket.create_server, ("127.0.0.1", ${addr[1]}))`,
  );
  const ours = outcomeOf(() => S.create_server(addr));
  assertEquals(mismatch({ ...theirs, strerror: null } as Outcome, ours, "in use"), null);
  const e = assertThrows(() => S.create_server(addr), S.error);
  assertEquals(e.name, "OSError [EADDRINUSE]");
  assert(e.message.includes(String(addr[1])), e.message);
  assertInstanceOf(e, Deno.errors.AddrInUse);
  // reuse_port: two listeners on one port
  using r1 = S.create_server(["127.0.0.1", 0], { reuse_port: true });
  assertEquals(r1.getsockopt(S.SOL_SOCKET, S.SO_REUSEPORT), 1);
  using r2 = S.create_server(r1.getsockname(), { reuse_port: true });
  assertEquals(r2.getsockname(), r1.getsockname());
  // IPv6 family
  using v6 = S.create_server(["::1", 0], { family: S.AF_INET6 });
  assertEquals(v6.family, S.AF_INET6);
  using _c = S.create_connection(["::1", v6.getsockname()[1]]);
  v6.accept()[0].close();
});

test(
  "interfaces: if_nameindex/if_nametoindex/if_indextoname equal python's",
  [PYTHON3],
  async () => {
    const theirs = await py<{
      list: [number, string][];
      byName: number[];
      byIndex: string[];
      errors: Outcome[];
    }>(`
l = socket.if_nameindex()
out = {"list": l, "byName": [socket.if_nametoindex(n) for _, n in l],
       "byIndex": [socket.if_indextoname(i) for i, _ in l],
       "errors": [outcome(socket.if_nametoindex, "nosuchif0"), outcome(socket.if_indextoname, 9999),
                  outcome(socket.if_indextoname, -1), outcome(socket.if_nametoindex, 5),
                  outcome(socket.if_indextoname, "1"), outcome(socket.if_indextoname, 0)]}
`);
    const list = S.if_nameindex();
    assertEquals(list, theirs.list);
    assert(list.some(([, n]) => n === "lo"));
    assertEquals(list.map(([, n]) => S.if_nametoindex(n)), theirs.byName);
    assertEquals(list.map(([i]) => S.if_indextoname(i)), theirs.byIndex);
    const ours = [
      () => S.if_nametoindex("nosuchif0"),
      () => S.if_indextoname(9999),
      () => S.if_indextoname(-1),
      () => S.if_nametoindex(5 as never), // deliberate: wrong type
      () => S.if_indextoname("1" as never), // deliberate: wrong type
      () => S.if_indextoname(0),
    ].map(outcomeOf);
    const problems = ours.map((o, i) => mismatch(theirs.errors[i], o, `case ${i}`))
      .filter((m) => m !== null);
    assertEquals(problems, []);
    // python: OSError("no interface with this name"), errno None
    const e = assertThrows(() => S.if_nametoindex("nosuchif0"), S.error);
    assertEquals([e.errno, e.message], [null, "no interface with this name"]);
    // python 3.11 truncates 2**32 to 0 (ENXIO); we refuse it up front
    assertThrows(() => S.if_indextoname(2 ** 32), RangeError);
  },
);
