/**
 * The Windows platform layer through the public API, against CPython's
 * behaviour on Windows (there is no Windows CPython here: each expected
 * value names the CPython source it comes from). Runs where sockets are
 * Winsock's (in CI: the stock deno.exe under Wine, `.ci/windows.sh`).
 *
 * CPython's error path there: `set_error()` in `Modules/socketmodule.c`
 * calls `PyErr_SetExcFromWindowsErr(PyExc_OSError, WSAGetLastError())`,
 * which builds `OSError(0, FormatMessageW(code), None, code)`;
 * `oserror_parse_args` (`Objects/exceptions.c`) sets `errno` to
 * `winerror_to_errno(code)` (`PC/errmap.h`: a Winsock code is its own errno,
 * but for the six copies of C errno values, WSAEINTR...WSAEMFILE, which give
 * 4, 9, 13, 14, 22, 24), `winerror` to the code, and `str(e)` is
 * `[WinError code] strerror` (`OSError_str`). The subclass follows errno
 * (`errmap` in `Objects/exceptions.c`, with `errno.ECONNREFUSED` = 10061).
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
import * as select from "../../select.ts";
import * as selectors from "../../selectors.ts";
import { reactor } from "../../sys/reactor.ts";
import { type Cap, has, test, UNIX_ERRNO } from "../_caps.ts";

const S = socket;
const WINSOCK: Cap = {
  name: "Winsock",
  missing: () =>
    has(UNIX_ERRNO) ? `errno values are this OS's C library's (${Deno.build.os})` : undefined,
};
const E = (name: string) => S.errnoOf(name);

function caught(f: () => unknown): socket.error {
  try {
    f();
  } catch (e) {
    assertInstanceOf(e, S.error);
    return e;
  }
  throw new Error("did not throw");
}

/** A loopback port that is bound but not listening: connecting is refused. */
function refusingPort(): [socket.Socket, number] {
  const s = S.socket(S.AF_INET, S.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  return [s, s.getsockname()[1]];
}

/** A system message as CPython keeps it: no trailing white space, line break or dot. */
function assertSystemMessage(text: string | null): void {
  assert(text !== null && text.length > 0, "a message");
  assert(!/[\s.]$/.test(text), `trailing space or dot: ${JSON.stringify(text)}`);
}

test("windows: errno values are CPython's errno module's there", [WINSOCK], () => {
  // Modules/errnomodule.c: the VS2010 socket names take the WSA values
  // (WSA_PREFERRED), while EAGAIN and EINTR stay the C runtime's.
  assertEquals(
    [E("ECONNREFUSED"), E("EWOULDBLOCK"), E("EINPROGRESS"), E("ETIMEDOUT"), E("EADDRINUSE")],
    [10061, 10035, 10036, 10060, 10048],
  );
  assertEquals([E("EAGAIN"), E("EINTR"), E("EINVAL"), E("EBADF")], [11, 4, 22, 9]);
  // socketmodule.c: SHUT_RD/WR/RDWR are SD_RECEIVE/SD_SEND/SD_BOTH; SOL_SOCKET 0xffff
  assertEquals([S.SHUT_RD, S.SHUT_WR, S.SHUT_RDWR, S.SOL_SOCKET], [0, 1, 2, 0xffff]);
  assertEquals([S.AF_INET6, S.EAI_NONAME], [23, 11001]); // ws2def.h; EAI_NONAME = WSAHOST_NOT_FOUND
  // Absent where Windows has no such thing, as in CPython's module there.
  const names = S as unknown as Record<string, unknown>;
  for (
    const name of ["MSG_DONTWAIT", "MSG_NOSIGNAL", "SOCK_NONBLOCK", "SO_PEERCRED", "AF_PACKET"]
  ) {
    assertStrictEquals(names[name], undefined, name);
  }
});

test("windows: a refused connection is CPython's ConnectionRefusedError", [WINSOCK], () => {
  const [holder, port] = refusingPort();
  using _h = holder;
  using s = S.socket();
  const e = caught(() => s.connect(["127.0.0.1", port]));
  assertInstanceOf(e, S.ConnectionRefusedError);
  assertInstanceOf(e, Deno.errors.ConnectionRefused);
  // winerror_to_errno(10061) = 10061; errno.ECONNREFUSED there
  assertEquals([e.errno, e.winerror, e.code], [10061, 10061, "ECONNREFUSED"]);
  assertSystemMessage(e.strerror);
  assertEquals(e.message, `[WinError 10061] ${e.strerror}: 127.0.0.1:${port}`);
  assertEquals(e.name, "ConnectionRefusedError");
  // connect_ex returns the Winsock code itself (internal_connect's err)
  using t = S.socket();
  assertEquals(t.connect_ex(["127.0.0.1", port]), 10061);
});

test("windows: a Winsock copy of a C errno gives that errno, winerror the code", [WINSOCK], () => {
  // getsockname() of an unbound socket: WSAEINVAL (10022) → errno 22 (PC/errmap.h)
  using s = S.socket();
  const e = caught(() => s.getsockname());
  assertEquals([e.errno, e.winerror, e.code], [22, 10022, "EINVAL"]);
  assertEquals(e.name, "OSError [EINVAL]");
  assertMatch(e.message, /^\[WinError 10022\] /);
  // select() with three empty lists: WSAEINVAL too ("known to work on Unix
  // but not on Windows", the select docs)
  const x = caught(() => select.select([], [], [], 0));
  assertEquals([x.errno, x.winerror], [22, 10022]);
});

test("windows: would-block is WSAEWOULDBLOCK, BlockingIOError; connect_ex says it", [
  WINSOCK,
], () => {
  const [a, b] = S.socketpair();
  using _a = a, _b = b;
  b.setblocking(false);
  const e = caught(() => b.recv(1));
  assertInstanceOf(e, S.BlockingIOError);
  assertInstanceOf(e, Deno.errors.WouldBlock);
  assertEquals([e.errno, e.winerror, e.code], [10035, 10035, "EWOULDBLOCK"]);
  // A non-blocking connect in progress: connect_ex gives WSAEWOULDBLOCK
  // (CPython there: internal_connect returns the code as it is).
  using srv = S.create_server(["127.0.0.1", 0]);
  using c = S.socket();
  c.setblocking(false);
  const r = c.connect_ex(srv.getsockname());
  assert(r === 0 || r === 10035, `connect_ex gave ${r}`);
  const [conn] = srv.accept();
  conn.close();
});

test("windows: a timeout is TimeoutError with no winerror, as CPython's", [WINSOCK], () => {
  const [a, b] = S.socketpair();
  using _a = a, _b = b;
  b.settimeout(0.05);
  const e = caught(() => b.recv(1));
  assertInstanceOf(e, S.TimeoutError);
  assertEquals([e.message, e.winerror], ["timed out", undefined]);
});

test("windows: getaddrinfo failures are gaierror 'getaddrinfo failed'", [WINSOCK], () => {
  // No HAVE_GAI_STRERROR on Windows: set_gaierror() says "getaddrinfo failed".
  const e = assertThrows(
    () => S.getaddrinfo("nosuch.example", 80, 0, 0, 0, S.AI_NUMERICHOST),
    S.gaierror,
  );
  assertEquals([e.errno, e.strerror, e.winerror], [S.EAI_NONAME, "getaddrinfo failed", undefined]);
  assertEquals(e.message, "[Errno 11001] getaddrinfo failed: nosuch.example");
});

test("windows: what CPython lacks there throws a TypeError naming it", [WINSOCK], () => {
  const [a, b] = S.socketpair();
  using _a = a, _b = b;
  const lacks: [string, () => unknown][] = [
    ["socket.sendmsg()", () => a.sendmsg(["x"])],
    ["socket.recvmsg()", () => b.recvmsg(1)],
    ["socket.recvmsg_into()", () => b.recvmsg_into([new Uint8Array(1)])],
    ["socket.CMSG_LEN()", () => S.CMSG_LEN(4)],
    ["socket.CMSG_SPACE()", () => S.CMSG_SPACE(4)],
    ["socket.send_fds()", () => S.send_fds(a, ["x"], [a.fileno()])],
    ["socket.recv_fds()", () => S.recv_fds(b, 1, 1)],
    ["socket.sethostname()", () => S.sethostname("x")],
    ["select.poll()", () => select.poll()],
    ["select.poll()", () => new selectors.PollSelector()],
  ];
  for (const [name, f] of lacks) {
    const e = assertThrows(f, TypeError);
    assertEquals(e.message, `${name} is not available on Windows (CPython has none there)`);
  }
});

test("off Windows: ioctl, share and fromshare throw a TypeError naming them", [], () => {
  if (has(WINSOCK)) return;
  using s = S.socket();
  const os = Deno.build.os === "darwin" ? "macOS" : Deno.build.os === "linux" ? "Linux" : "";
  const lacks: [string, () => unknown][] = [
    ["socket.ioctl()", () => s.ioctl(0x98000004, [1, 1, 1])],
    ["socket.share()", () => s.share(Deno.pid)],
    ["socket.fromshare()", () => S.fromshare(new Uint8Array(628))],
  ];
  for (const [name, f] of lacks) {
    const e = assertThrows(f, TypeError);
    assertMatch(
      e.message,
      new RegExp(`^${name.replace(/[.()]/g, "\\$&")} is not available on ${os}`),
    );
  }
});

test("windows: handles are numbers, non-inheritable, and the inherit flag is settable", [
  WINSOCK,
], () => {
  using srv = S.create_server(["127.0.0.1", 0]);
  using c = S.create_connection(srv.getsockname());
  const [conn] = srv.accept();
  using _conn = conn;
  const [a, b] = S.socketpair();
  using _a = a, _b = b;
  using d = c.dup();
  for (const s of [srv, c, conn, a, b, d]) {
    assert(Number.isInteger(s.fileno()) && s.fileno() > 0);
    // WSA_FLAG_NO_HANDLE_INHERIT, SetHandleInformation after accept (as CPython)
    assertEquals(s.get_inheritable(), false);
  }
  c.set_inheritable(true);
  assertEquals(c.get_inheritable(), true);
  c.set_inheritable(false);
  assertEquals(c.get_inheritable(), false);
});

test("windows: dup (WSADuplicateSocketW) is the same socket; adoption reads its protocol", [
  WINSOCK,
], () => {
  using s = S.socket(S.AF_INET6, S.SOCK_DGRAM);
  s.settimeout(2);
  using d = s.dup();
  assertNotEquals(d.fileno(), s.fileno());
  assertEquals([d.family, d.type, d.proto, d.gettimeout()], [S.AF_INET6, S.SOCK_DGRAM, 0, 2]);
  d.setsockopt(S.SOL_SOCKET, S.SO_BROADCAST, 1);
  assertEquals(s.getsockopt(S.SOL_SOCKET, S.SO_BROADCAST), 1);
  // socket(fileno=...): family, type and protocol from SO_PROTOCOL_INFOW
  using t = S.socket(-1, -1, -1, S.dup(s.fileno()));
  assertEquals([t.family, t.type, t.proto], [S.AF_INET6, S.SOCK_DGRAM, S.IPPROTO_UDP]);
  s.close();
  d.bind(["::1", 0]);
  assertEquals(d.getsockname()[0], "::1");
});

test("windows: socketpair is loopback TCP, as Lib/socket.py makes it there", [WINSOCK], () => {
  const [a, b] = S.socketpair();
  using _a = a, _b = b;
  assertEquals([a.family, a.type, a.proto], [S.AF_INET, S.SOCK_STREAM, 0]);
  assertEquals(a.getpeername(), b.getsockname());
  assertEquals(b.getpeername(), a.getsockname());
  // (typed as AF_UNIX, socketpair's default elsewhere)
  assertEquals((a.getsockname() as unknown as [string, number])[0], "127.0.0.1");
  a.sendall("one way");
  b.sendall("and back");
  assertEquals(new TextDecoder().decode(b.recv(16)), "one way");
  assertEquals(new TextDecoder().decode(a.recv(16)), "and back");
  // Lib/socket.py's ValueErrors (RangeError here), word for word
  assertThrows(
    () => S.socketpair(S.AF_UNIX),
    RangeError,
    "Only AF_INET and AF_INET6 socket address families are supported",
  );
  assertThrows(
    () => S.socketpair(S.AF_INET, S.SOCK_DGRAM),
    RangeError,
    "Only SOCK_STREAM socket type is supported",
  );
  assertThrows(
    () => S.socketpair(S.AF_INET, S.SOCK_STREAM, 6),
    RangeError,
    "Only protocol zero is supported",
  );
});

test("windows: blocking mode is the object's; the handle stays non-blocking", [
  WINSOCK,
], async () => {
  const [a, b] = S.socketpair();
  using _a = a, _b = b;
  // getblocking() is tracked in the object (CPython: sock_timeout)
  assertEquals([b.getblocking(), b.gettimeout()], [true, null]);
  b.settimeout(1.5);
  assertEquals([b.getblocking(), b.gettimeout()], [true, 1.5]);
  b.setblocking(false);
  assertEquals([b.getblocking(), b.gettimeout()], [false, 0]);
  b.setblocking(true);
  // An async recv on a blocking-mode socket does not block the thread: the
  // timer runs while it waits (no MSG_DONTWAIT on Windows).
  let ticked = false;
  setTimeout(() => {
    ticked = true;
    a.send("late");
  }, 20);
  assertEquals(new TextDecoder().decode(await b.recvAsync(16)), "late");
  assert(ticked);
  // and a blocking recv then gets queued data at once
  a.send("now");
  assertEquals(new TextDecoder().decode(b.recv(16)), "now");
});

test("windows: the reactor is WSAPoll, and select() is built on it", [WINSOCK], async () => {
  assertEquals(reactor.backend, "wsapoll");
  assertStrictEquals(selectors.DefaultSelector, selectors.SelectSelector);
  const [a, b] = S.socketpair();
  using _a = a, _b = b;
  assertEquals(select.select([b], [a], [], 0), [[], [a], []]);
  a.send("x");
  assertEquals(select.select([b], [], [], 5), [[b], [], []]);
  b.recv(1);
  // 100 async receivers woken by one WSAPoll each round
  const pairs = Array.from({ length: 50 }, () => S.socketpair());
  try {
    const pending = pairs.map(([, y]) => y.recvAsync(4));
    pairs.forEach(([x], i) => x.send(`${i}`));
    const got = (await Promise.all(pending)).map((d) => new TextDecoder().decode(d));
    assertEquals(got, pairs.map((_, i) => `${i}`));
  } finally {
    pairs.flat().forEach((s) => s.close());
  }
});

test("windows: inet_aton is inet_addr, as CPython's there", [WINSOCK], () => {
  assertEquals(S.inet_aton("1.2.3.4"), new Uint8Array([1, 2, 3, 4]));
  // special-cased in socket_inet_aton: inet_addr's INADDR_NONE
  assertEquals(S.inet_aton("255.255.255.255"), new Uint8Array([255, 255, 255, 255]));
  const e = assertThrows(() => S.inet_aton("1.2.3.x"), S.error);
  assertEquals([e.errno, e.message], [null, "illegal IP address string passed to inet_aton"]);
});

test("windows: the netdb calls decode Winsock's layouts", [WINSOCK], () => {
  // <winsock2.h>: protoent.p_proto and hostent.h_addrtype/h_length are
  // short, servent has s_proto before s_port on 64-bit Windows.
  assertEquals(["icmp", "tcp", "udp"].map(S.getprotobyname), [1, 6, 17]);
  assertEquals(S.getservbyname("http", "tcp"), 80);
  assertEquals(S.getservbyport(80, "tcp"), "http");
  const [, , v4] = S.gethostbyaddr("127.0.0.1");
  assert(v4.includes("127.0.0.1"), `${v4}`);
  const [, , v6] = S.gethostbyaddr("::1");
  assertEquals(v6, ["::1"]); // decoded as AF_INET6: h_addrtype read as a short
  assertEquals(S.gethostbyname("127.0.0.1"), "127.0.0.1");
});

test("windows: ioctl is WSAIoctl with CPython's three codes and their argument rules", [
  WINSOCK,
], () => {
  // socketmodule.c exports them on Windows (mstcpip.h values)
  assertEquals(
    [S.SIO_RCVALL, S.SIO_KEEPALIVE_VALS, S.SIO_LOOPBACK_FAST_PATH],
    [0x98000001, 0x98000004, 0x98000010],
  );
  assertEquals([S.RCVALL_OFF, S.RCVALL_ON, S.RCVALL_MAX], [0, 1, 3]);
  // (typed `number | undefined`: the names exist on Windows only)
  const { SIO_KEEPALIVE_VALS: KEEPALIVE, SIO_RCVALL: RCVALL, SIO_LOOPBACK_FAST_PATH: FAST } = S;
  const { RCVALL_ON } = S;
  assert(KEEPALIVE !== undefined && RCVALL !== undefined && FAST !== undefined);
  assert(RCVALL_ON !== undefined);
  using s = S.socket();
  // SIO_KEEPALIVE_VALS turns keep-alive on with its times: WSAIoctl
  // returns no bytes, and SO_KEEPALIVE reads back on (Winsock sets it too)
  assertEquals(s.ioctl(KEEPALIVE, [1, 60_000, 10_000]), 0);
  assertEquals(s.getsockopt(S.SOL_SOCKET, S.SO_KEEPALIVE), 1);
  assertEquals(s.ioctl(KEEPALIVE, [0, 1, 1]), 0);
  assertEquals(s.getsockopt(S.SOL_SOCKET, S.SO_KEEPALIVE), 0);
  // SIO_RCVALL on a TCP socket: Winsock refuses it (it wants a raw socket
  // bound to an interface); the failure is a socket.error with its code
  const e = caught(() => s.ioctl(RCVALL, RCVALL_ON));
  assert(e.winerror !== undefined && e.winerror >= 10000, `winerror ${e.winerror}`);
  assertMatch(e.message, /^\[WinError \d+\] /);
  // SIO_LOOPBACK_FAST_PATH takes a boolean (an int in Python): it either
  // succeeds or fails as a socket.error, never as anything else
  try {
    s.ioctl(FAST, true);
  } catch (x) {
    assertInstanceOf(x, S.error);
  }
  // CPython's argument errors: ValueError for another code (RangeError),
  // TypeErrors for a wrong option; 32-bit DWORD/ULONG ranges checked
  const FIONBIO = 0x8004667e; // an ioctlsocket() code, not one of the three
  assertThrows(() => s.ioctl(FIONBIO, 1), RangeError, `invalid ioctl command ${FIONBIO}`);
  assertThrows(() => s.ioctl(2 ** 32, 1), RangeError);
  assertThrows(() => s.ioctl(-1, 1), RangeError);
  assertThrows(
    () => s.ioctl(KEEPALIVE, 1),
    TypeError,
    "ioctl() argument 2 must be 3-item sequence, not int",
  );
  assertThrows(
    () => s.ioctl(KEEPALIVE, [1, 2] as unknown as [number, number, number]), // deliberate: 2 items
    TypeError,
    "must be sequence of length 3, not 2",
  );
  assertThrows(() => s.ioctl(KEEPALIVE, [1, 2 ** 32, 1]), RangeError);
  assertThrows(() => s.ioctl(KEEPALIVE, [1, -1, 1]), RangeError);
  assertThrows(() => s.ioctl(RCVALL, 2 ** 32), RangeError);
  assertThrows(() => s.ioctl(RCVALL, 1.5), TypeError);
  s.close();
  assertInstanceOf(caught(() => s.ioctl(KEEPALIVE, [1, 1, 1])), S.error);
});

test("windows: share/fromshare (WSADuplicateSocketW) make a working copy of the socket", [
  WINSOCK,
], () => {
  using srv = S.create_server(["127.0.0.1", 0]);
  using c = S.create_connection(srv.getsockname());
  const [conn] = srv.accept();
  using _conn = conn;
  const data = conn.share(Deno.pid);
  assertInstanceOf(data, Uint8Array);
  assertEquals(data.length, 628); // sizeof(WSAPROTOCOL_INFOW) on x64
  using shared = S.fromshare(data);
  assertNotEquals(shared.fileno(), conn.fileno());
  assertEquals([shared.family, shared.type, shared.proto], [S.AF_INET, S.SOCK_STREAM, 6]);
  assertEquals(shared.get_inheritable(), false);
  assertEquals(shared.getpeername(), c.getsockname());
  // The original closes; the shared handle still carries the connection.
  conn.close();
  c.sendall("echo me");
  shared.sendall(shared.recv(16));
  assertEquals(new TextDecoder().decode(c.recv(16)), "echo me");
  // The argument rules: a Uint8Array of exactly sizeof(WSAPROTOCOL_INFOW)
  assertThrows(
    () => S.fromshare(data.subarray(1)),
    RangeError,
    "socket descriptor string has wrong size, should be 628 bytes.",
  );
  assertThrows(() => S.fromshare("x" as unknown as Uint8Array), TypeError); // deliberate: not bytes
  assertThrows(() => shared.share(-1), RangeError);
  assertThrows(() => shared.share(2 ** 32), RangeError);
  assertThrows(() => shared.share("1" as unknown as number), TypeError); // deliberate: a string pid
});

test("windows: if_nameindex lists the loopback interface; names and indexes round-trip", [
  WINSOCK,
], () => {
  const list = S.if_nameindex();
  assert(list.length > 0, "no interfaces");
  for (const [index, name] of list) {
    assert(Number.isInteger(index) && index > 0, `index ${index}`);
    assert(name.length > 0 && !name.includes("\0"), `name ${JSON.stringify(name)}`);
  }
  // Windows names the loopback interface loopback_0 (its LUID's name)
  const lo = list.find(([, name]) => name.startsWith("loopback"));
  assert(lo !== undefined, `no loopback in ${JSON.stringify(list)}`);
  for (const [index, name] of list) {
    assertEquals(S.if_nametoindex(name), index);
    assertEquals(S.if_indextoname(index), name);
  }
  assertThrows(() => S.if_nametoindex("no such interface"), S.error, "no interface with this name");
  assertThrows(() => S.if_indextoname(0x7fffffff), S.error);
});
