/**
 * Tests of the async twins (`acceptAsync`, `connectAsync`, `recvAsync`, …)
 * and the per-thread reactor behind them: results equal the blocking twins',
 * blocking and async calls mix, and socket timeouts. Abort signals, closing
 * with an operation pending, many waiting sockets and `getaddrinfoAsync` are
 * in async_pending_test.ts. Loopback and AF_UNIX only. Every test runs with
 * `deno test`'s default sanitizers (ops, resources, exit) on.
 */
import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertInstanceOf,
  assertLess,
  assertRejects,
} from "@std/assert";
import * as socket from "../../mod.ts";
import type { Socket } from "../../mod.ts";
import { reactor } from "../../sys/reactor.ts";
import { fillSendBuffer } from "../_helpers.ts";
import { AF_UNIX, has, MSG, test } from "../_caps.ts";
import { bytes, dec, removeUnixPath, sleep, tcpPair, tcpServer, tmpUnixPath } from "./_async.ts";

// ---------------------------------------------------------------------------
// Each async method resolves to what its blocking twin returns

Deno.test("async: TCP accept/connect resolve like their blocking twins", async () => {
  using srv = tcpServer();
  const addr = srv.getsockname();

  // Blocking pair.
  using c1 = socket.socket();
  assertEquals(c1.connect(addr), undefined);
  const [conn1, peer1] = srv.accept();
  using _conn1 = conn1;

  // Async pair, the server waiting before the client connects.
  const pending = srv.acceptAsync();
  using c2 = socket.socket();
  assertEquals(await c2.connectAsync(addr), undefined);
  const [conn2, peer2] = await pending;
  using _conn2 = conn2;

  assertEquals(peer1, c1.getsockname());
  assertEquals(peer2, c2.getsockname());
  assertEquals(c2.getpeername(), c1.getpeername());
  for (const [a, b] of [[conn1, conn2], [c1, c2]]) {
    assertEquals(b.family, a.family);
    assertEquals(b.type, a.type);
    assertEquals(b.proto, a.proto);
    assertEquals(b.gettimeout(), a.gettimeout());
    assertEquals(b.getblocking(), a.getblocking());
    assertEquals(b.getsockname()[0], a.getsockname()[0]);
  }

  // connectAsync resolves host names (asynchronously) like connect.
  const p3 = srv.acceptAsync();
  using c3 = socket.socket();
  await c3.connectAsync(["localhost", addr[1]]);
  const [conn3] = await p3;
  conn3.close();
  assertEquals(c3.getpeername(), addr);
});

Deno.test("async: TCP data methods resolve like their blocking twins", async () => {
  const [a, b] = tcpPair();
  using _a = a;
  using _b = b;

  // send / sendAsync, recv / recvAsync
  assertEquals(await a.sendAsync("hello"), a.send("hello"));
  assertEquals(await b.recvAsync(5), b.recv(5));

  // recv waits for data sent later.
  const later = b.recvAsync(100);
  setTimeout(() => a.send("later"), 10);
  assertEquals(dec.decode(await later), "later");

  // recv_into / recv_intoAsync (with nbytes)
  a.sendall("abcdefgh");
  const buf1 = new Uint8Array(8);
  const buf2 = new Uint8Array(8);
  const n1 = b.recv_into(buf1, 4);
  const n2 = await b.recv_intoAsync(buf2, 4);
  assertEquals([n1, n2], [4, 4]);
  assertEquals(dec.decode(buf1.subarray(0, 4)), "abcd");
  assertEquals(dec.decode(buf2.subarray(0, 4)), "efgh");

  // recvfrom / recvfromAsync on a connected stream: no address.
  a.sendall("xy");
  const rf1 = b.recvfrom(1);
  const rf2 = await b.recvfromAsync(1);
  assertEquals(rf1[1], rf2[1]);
  assertEquals(dec.decode(rf1[0]) + dec.decode(rf2[0]), "xy");

  // sendmsg / sendmsgAsync, recvmsg / recvmsgAsync (not on Windows)
  if (has(MSG)) {
    assertEquals(await a.sendmsgAsync(["ab", "cd"]), a.sendmsg(["ab", "cd"]));
    const m1 = b.recvmsg(4);
    const m2 = await b.recvmsgAsync(4);
    assertEquals(m2, m1);
    assertEquals(dec.decode(m1[0]), "abcd");
  }

  // sendall / sendallAsync, with more than a socket buffer holds.
  const big = new Uint8Array(4 << 20).map((_, i) => i * 7);
  const received: Uint8Array[] = [];
  let total = 0;
  const reader = (async () => {
    while (total < 2 * big.length) {
      const chunk = await b.recvAsync(1 << 16);
      assert(chunk.length > 0, "unexpected end of stream");
      received.push(chunk);
      total += chunk.length;
    }
  })();
  assertEquals(await a.sendallAsync(big), undefined);
  assertEquals(await a.sendallAsync(big.subarray(0, 1024)).then(() => undefined), undefined);
  await a.sendallAsync(big.subarray(1024));
  await reader;
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of received) {
    all.set(c, off);
    off += c.length;
  }
  assertEquals(all.subarray(0, big.length), big);
  assertEquals(all.subarray(big.length), big);

  // End of stream: both return an empty Uint8Array.
  a.shutdown(socket.SHUT_WR);
  assertEquals(await b.recvAsync(10), new Uint8Array());
  assertEquals(b.recv(10), new Uint8Array());
});

Deno.test("async: UDP sendto/recvfrom resolve like their blocking twins", async () => {
  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.bind(["127.0.0.1", 0]);
  using v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  v.bind(["127.0.0.1", 0]);
  const to = u.getsockname();

  // Both sendto forms, async and blocking, return the datagram length.
  assertEquals(await v.sendtoAsync("one", to), v.sendto("one", to));
  assertEquals(await v.sendtoAsync("two", 0, to), v.sendto("two", 0, to));
  const got: [string, unknown][] = [];
  for (let i = 0; i < 2; i++) {
    const [d1, a1] = u.recvfrom(100);
    const [d2, a2] = await u.recvfromAsync(100);
    got.push([dec.decode(d1), a1], [dec.decode(d2), a2]);
  }
  assertEquals(got.map(([d]) => d), ["one", "one", "two", "two"]);
  for (const [, a] of got) assertEquals(a, v.getsockname());

  // A datagram that arrives later wakes a pending recvfromAsync.
  const pending = u.recvfromAsync(100);
  setTimeout(() => v.sendto("late", to), 10);
  const [data, from] = await pending;
  assertEquals(dec.decode(data), "late");
  assertEquals(from, v.getsockname());

  // recvmsgAsync reports the sender like recvmsg (not on Windows).
  if (!has(MSG)) return;
  await v.sendmsgAsync(["m", "sg"], [], 0, to);
  v.sendmsg(["m", "sg"], [], 0, to);
  const r1 = await u.recvmsgAsync(16);
  const r2 = u.recvmsg(16);
  assertEquals(r1, r2);
  assertEquals(dec.decode(r1[0]), "msg");
  assertEquals(r1[3], v.getsockname());
});

test("async: AF_UNIX stream server and async clients in one process", [AF_UNIX], async () => {
  const path = tmpUnixPath();
  try {
    using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    srv.bind(path);
    srv.listen(64);
    const N = 20;
    const server = (async () => {
      const handlers: Promise<void>[] = [];
      for (let i = 0; i < N; i++) {
        const [conn, addr] = await srv.acceptAsync();
        assertEquals(addr, ""); // unbound client: empty path, as accept()
        handlers.push((async () => {
          using c = conn;
          for (;;) {
            const data = await c.recvAsync(1024);
            if (data.length === 0) break;
            await c.sendallAsync(data);
          }
        })());
      }
      await Promise.all(handlers);
    })();
    const clients = Array.from({ length: N }, async (_, i) => {
      using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      await c.connectAsync(path);
      assertEquals(c.getpeername(), path);
      const msg = `client ${i} `.repeat(i + 1);
      await c.sendallAsync(msg);
      c.shutdown(socket.SHUT_WR);
      let text = "";
      for (;;) {
        const d = await c.recvAsync(4096);
        if (d.length === 0) break;
        text += dec.decode(d);
      }
      assertEquals(text, msg);
    });
    await Promise.all([server, ...clients]);
  } finally {
    removeUnixPath(path);
  }
});

test("async: AF_UNIX connectAsync waits out a full backlog", [AF_UNIX], async () => {
  // A unix stream connect to a listener whose queue is full fails with
  // EAGAIN, and no readiness event announces room: connectAsync retries.
  const path = tmpUnixPath();
  try {
    using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    srv.bind(path);
    srv.listen(1);
    const N = 12;
    const clients = Array.from({ length: N }, async () => {
      const c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      await c.connectAsync(path);
      return c;
    });
    await sleep(20); // the queue fills up before anything is accepted
    for (let i = 0; i < N; i++) (await srv.acceptAsync())[0].close();
    for (const c of await Promise.all(clients)) {
      assertEquals(c.getpeername(), path);
      c.close();
    }

    // With the queue kept full: timeout, abort and close() still apply.
    const fillers: Socket[] = [];
    try {
      for (;;) {
        const f = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
        fillers.push(f);
        f.setblocking(false);
        if (f.connect_ex(path) !== 0) break; // EAGAIN: full
      }
      using t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      t.settimeout(0.2);
      const t0 = performance.now();
      await assertRejects(() => t.connectAsync(path), socket.TimeoutError);
      assertGreaterOrEqual(performance.now() - t0, 150);

      using u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      const reason = new Error("give up");
      const ac = new AbortController();
      const p = u.connectAsync(path, { signal: ac.signal }).catch((e) => e);
      await sleep(20);
      ac.abort(reason);
      assert((await p) === reason);

      const v = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      const q = v.connectAsync(path).catch((e) => e);
      await sleep(20);
      v.close();
      assertEquals((await q).errno, socket.EBADF);
    } finally {
      for (const f of fillers) f.close();
    }
  } finally {
    removeUnixPath(path);
  }
});

test("async: AF_UNIX datagrams and descriptor passing", [AF_UNIX], async () => {
  const path = tmpUnixPath();
  const path2 = path + "2";
  try {
    using u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    u.bind(path);
    using v = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    v.bind(path2);
    const p = u.recvfromAsync(64);
    assertEquals(await v.sendtoAsync("dgram", path), 5);
    assertEquals(await p, [bytes("dgram"), path2]);
    v.sendto("dgram", path);
    assertEquals(u.recvfrom(64), [bytes("dgram"), path2]);

    // SCM_RIGHTS through sendmsgAsync / recvmsgAsync.
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    const [x, y] = socket.socketpair();
    using _y = y;
    const anc = [[socket.SOL_SOCKET, socket.SCM_RIGHTS, socket.packFds([x.fileno()])]] as const;
    const pending = b.recvmsgAsync(16, socket.CMSG_SPACE(4));
    assertEquals(await a.sendmsgAsync(["fd"], anc), 2);
    const [data, ancdata, flags, addr] = await pending;
    x.close();
    assertEquals(dec.decode(data), "fd");
    assertEquals(flags, 0);
    assertEquals(addr, null);
    assertEquals(ancdata.length, 1);
    assertEquals(ancdata[0][0], socket.SOL_SOCKET);
    assertEquals(ancdata[0][1], socket.SCM_RIGHTS);
    const [fd] = socket.unpackFds(ancdata[0][2]);
    using passed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, fd);
    await passed.sendAsync("through");
    assertEquals(dec.decode(await y.recvAsync(16)), "through");
  } finally {
    removeUnixPath(path);
  }
});

Deno.test("async: many async clients against an async TCP server", async () => {
  using srv = tcpServer();
  const N = 100;
  const server = (async () => {
    const handlers: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      const [conn] = await srv.acceptAsync();
      handlers.push((async () => {
        using c = conn;
        const buf = new Uint8Array(256);
        for (;;) {
          const n = await c.recv_intoAsync(buf);
          if (n === 0) break;
          await c.sendallAsync(buf.subarray(0, n));
        }
      })());
    }
    await Promise.all(handlers);
  })();
  const clients = Array.from({ length: N }, async (_, i) => {
    using c = socket.socket();
    await c.connectAsync(srv.getsockname());
    for (let round = 0; round < 3; round++) {
      const msg = `#${i}/${round}`;
      await c.sendallAsync(msg);
      let text = "";
      while (text.length < msg.length) text += dec.decode(await c.recvAsync(256));
      assertEquals(text, msg);
    }
  });
  await Promise.all(clients);
  await server;
});

// ---------------------------------------------------------------------------
// Mixing blocking and async calls on one socket

Deno.test("async: blocking and async calls mix on one socket", async () => {
  for (const timeout of [null, 0, 5]) {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    a.settimeout(timeout);
    b.settimeout(timeout);
    a.send("1");
    assertEquals(dec.decode(await b.recvAsync(1)), "1");
    await a.sendAsync("2");
    assertEquals(dec.decode(b.recv(1)), "2");
    const pending = b.recvAsync(10);
    a.sendall("3");
    assertEquals(dec.decode(await pending), "3");
    // The async calls left the blocking mode as it was.
    assertEquals(b.gettimeout(), timeout);
    assertEquals(a.getblocking(), timeout !== 0);
    await a.sendallAsync("4");
    assertEquals(dec.decode(b.recv(1)), "4");
  }

  // A blocking-mode listening socket: accept and acceptAsync alternate, and
  // acceptAsync leaves the descriptor blocking.
  using srv = tcpServer();
  assertEquals(srv.gettimeout(), null);
  const conns: Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const c = socket.socket();
    conns.push(c);
    if (i % 2 === 0) {
      const p = srv.acceptAsync();
      await c.connectAsync(srv.getsockname());
      conns.push((await p)[0]);
    } else {
      c.connect(srv.getsockname());
      conns.push(srv.accept()[0]);
    }
  }
  assertEquals(srv.getblocking(), true);
  assertEquals(conns[0].getblocking(), true); // connectAsync restored blocking mode
  for (const c of conns) c.close();
});

// ---------------------------------------------------------------------------
// Timeouts

Deno.test("async: the socket timeout rejects a pending op with TimeoutError", async () => {
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  b.settimeout(0.2);
  const t0 = performance.now();
  const e = await assertRejects(() => b.recvAsync(10), socket.TimeoutError);
  const elapsed = performance.now() - t0;
  assertGreaterOrEqual(elapsed, 150);
  assertLess(elapsed, 5000);
  assertInstanceOf(e, socket.error);
  assertInstanceOf(e, socket.timeout);
  assertEquals((e as socket.TimeoutError).syscall, "recv");
  assertEquals(reactor.pending(b.fileno()), 0, "the timed-out waiter is gone");

  // Still usable afterwards, and the timeout is still in force.
  a.send("after");
  assertEquals(dec.decode(await b.recvAsync(10)), "after");
  const p = b.recvAsync(10);
  setTimeout(() => a.send("in time"), 20);
  assertEquals(dec.decode(await p), "in time");
  assertEquals(socket.TimeoutError, socket.timeout);
});

Deno.test("async: timeouts of accept, sendall and recvfrom", async () => {
  using srv = tcpServer();
  srv.settimeout(0.2);
  await assertRejects(() => srv.acceptAsync(), socket.TimeoutError);
  using c = socket.socket();
  c.connect(srv.getsockname());
  const [conn] = await srv.acceptAsync();
  using _conn = conn;

  // sendall: the timeout bounds the whole call (the peer never reads).
  fillSendBuffer(c);
  c.settimeout(0.2);
  const t0 = performance.now();
  await assertRejects(() => c.sendallAsync(new Uint8Array(64 << 20)), socket.TimeoutError);
  assertGreaterOrEqual(performance.now() - t0, 150);

  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.bind(["127.0.0.1", 0]);
  u.settimeout(0.1);
  await assertRejects(() => u.recvfromAsync(10), socket.TimeoutError);
  if (has(MSG)) await assertRejects(() => u.recvmsgAsync(10), socket.TimeoutError);
  u.sendto("ok", u.getsockname());
  assertEquals(dec.decode((await u.recvfromAsync(10))[0]), "ok");
});

Deno.test("async: a zero timeout (non-blocking) waits in async calls", async () => {
  // Python's sock_recv in asyncio works on non-blocking sockets: the async
  // twins wait for readiness rather than raising BlockingIOError.
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  b.setblocking(false);
  const p = b.recvAsync(10);
  setTimeout(() => a.send("nb"), 10);
  assertEquals(dec.decode(await p), "nb");
});
