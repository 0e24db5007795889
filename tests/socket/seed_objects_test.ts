/**
 * The 1998 Python socket reference page (the seed), its "Socket objects"
 * part: every method of a socket object, item by item, against real sockets
 * on loopback and Unix sockets, and python3 as the peer. The module's
 * functions, addresses, lifetime and the page's example programs are in
 * seed_test.ts.
 *
 * Blocking calls freeze this thread (and the event loop), so a peer in
 * another process is only ever awaited before or after a blocking call,
 * never during one.
 */
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertNotEquals,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import * as socket from "../../mod.ts";
import { tempDir } from "../_helpers.ts";
import { AF_UNIX, connectInProgress, PYTHON3, test, UNBOUND_NAME, UNIX_ERRNO } from "../_caps.ts";
import {
  assertOSError,
  E,
  listener,
  outcome,
  pyEval,
  pyPeer,
  refusingPort,
  tcpPair,
  text,
  TRUNCATES,
} from "./_seed.ts";

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
