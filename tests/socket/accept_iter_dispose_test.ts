/**
 * Tests of two Deno habits on `Socket`: `acceptAsyncIter()` (an async
 * iterator of connections that ends cleanly on abort or close) and
 * `[Symbol.asyncDispose]` (`await using` closes and waits for the pending
 * async operations to settle). Loopback only; python3 connects as a real
 * client where it can run.
 */

import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import * as socket from "../../mod.ts";
import { reactor } from "../../sys/reactor.ts";
import { PYTHON3, test } from "../_caps.ts";

const dec = new TextDecoder();
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("acceptAsyncIter: python3 clients, in order; abort ends the loop without an error", [
  PYTHON3,
], async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const [, port] = srv.getsockname();
  const py = new Deno.Command("python3", {
    args: [
      "-c",
      `import socket, sys
for i in range(3):
    c = socket.create_connection(("127.0.0.1", ${port}))
    c.sendall(b"client %d" % i)
    c.recv(1)  # wait for the server to have read it
    c.close()
`,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const ac = new AbortController();
  const seen: string[] = [];
  for await (const [conn, [host, cport]] of srv.acceptAsyncIter({ signal: ac.signal })) {
    using c = conn;
    assertEquals(host, "127.0.0.1");
    assert(cport > 0);
    seen.push(dec.decode(await c.recvAsync(64)));
    await c.sendallAsync("k");
    if (seen.length === 3) ac.abort();
  }
  assertEquals(seen, ["client 0", "client 1", "client 2"]);
  const out = await py.output();
  assert(out.success, dec.decode(out.stderr));
  // The listener is still open and has no waiter left.
  assert(srv.fileno() >= 0);
  assertEquals(reactor.pending(srv.fileno()), 0);
});

test(
  "acceptAsyncIter: an abort during a wait ends the loop; an aborted signal yields nothing",
  [],
  async () => {
    using srv = socket.create_server(["127.0.0.1", 0]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("stop")), 30);
    let n = 0;
    for await (const _ of srv.acceptAsyncIter({ signal: ac.signal })) n++;
    assertEquals(n, 0);
    assertEquals(reactor.pending(srv.fileno()), 0);
    // Already aborted: not one accept is attempted, even with one queued.
    using _c = socket.create_connection(srv.getsockname());
    for await (const _ of srv.acceptAsyncIter({ signal: ac.signal })) n++;
    assertEquals(n, 0);
    const [conn] = srv.accept(); // still queued
    conn.close();
  },
);

test("acceptAsyncIter: closing the listener during a wait ends the loop", [], async () => {
  const srv = socket.create_server(["127.0.0.1", 0]);
  using _c = socket.create_connection(srv.getsockname());
  setTimeout(() => srv.close(), 30);
  const got: number[] = [];
  for await (const [conn] of srv.acceptAsyncIter()) {
    got.push(conn.fileno());
    conn.close();
  }
  assertEquals(got.length, 1); // the queued one, then the close
  assertEquals(srv.fileno(), -1);
});

test(
  "acceptAsyncIter: a timeout is thrown, as accept() would; break leaves no waiter",
  [],
  async () => {
    using srv = socket.create_server(["127.0.0.1", 0]);
    srv.settimeout(0.05);
    await assertRejects(async () => {
      for await (const [conn] of srv.acceptAsyncIter()) conn.close();
    }, socket.timeout);
    srv.settimeout(null);
    using _c = socket.create_connection(srv.getsockname());
    for await (const [conn] of srv.acceptAsyncIter()) {
      conn.close();
      break;
    }
    assertEquals(reactor.pending(srv.fileno()), 0);
    // Typed by family: an AF_INET listener yields [host, port].
    const it: AsyncGenerator<[socket.Socket, [string, number]], void, undefined> = srv
      .acceptAsyncIter();
    await it.return();
  },
);

test(
  "await using: closes, and pending operations have settled when the block ends",
  [],
  async () => {
    const [a, b] = socket.socketpair();
    using _b = b;
    const settled: string[] = [];
    let recv: Promise<void>, send: Promise<void>;
    {
      await using s = a;
      recv = s.recvAsync(10).then(() => {
        settled.push("recv resolved");
      }, (e) => {
        assertInstanceOf(e, socket.error);
        settled.push(`recv ${e.code}`);
      });
      // Let the reactor go to wait on its worker thread: the cancellation made
      // by close() is then delivered only when that wait returns.
      await tick(20);
      assertEquals(settled, []);
      send = s.sendallAsync("x");
    }
    assertEquals(settled, ["recv EBADF"]);
    assertEquals(a.fileno(), -1);
    await recv;
    await send; // the send had completed before the close
    assertEquals(dec.decode(b.recv(10)), "x");
  },
);

test("await using: runs a subclass's close(), and twice is harmless", [], async () => {
  let closes = 0;
  class Counted extends socket.Socket {
    override close(): void {
      closes++;
      super.close();
    }
  }
  const s = new Counted(socket.AF_INET, socket.SOCK_DGRAM);
  {
    await using _s = s;
  }
  assertEquals(closes, 1);
  assertEquals(s.fileno(), -1);
  await s[Symbol.asyncDispose]();
  assertEquals(closes, 2); // close() is idempotent
});
