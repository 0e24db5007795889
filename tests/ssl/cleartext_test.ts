/**
 * No byte passes in the clear on an SSLSocket: every inherited Socket
 * method that moves data either goes through TLS (python3's ssl, behind a
 * wiretap, decrypts it, and the tap never sees it) or throws (and the tap
 * sees nothing of it either).
 */
import { assert, assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import * as ssl from "../../ssl.ts";
import { certs } from "./_certs.ts";
import { contains, marker, tappedServer } from "./_tap.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function clientCtx(): Promise<ssl.SSLContext> {
  return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: (await certs()).ca });
}

/** A verified, handshaken blocking client through a tap to python3's ssl. */
async function connected(port: number, timeout: number | null = 10): Promise<ssl.SSLSocket> {
  const ctx = await clientCtx();
  const sock = socket.create_connection(["127.0.0.1", port], timeout ?? undefined);
  if (timeout === null) sock.settimeout(null);
  return ctx.wrap_socket(sock, { server_hostname: "localhost" });
}

/**
 * Ends a connection cleanly: close_notify, then read to the end (unread
 * TLS 1.3 tickets would make close() send a reset, losing data in flight).
 */
function finish(t: ssl.SSLSocket): void {
  if (t.closed) return;
  try {
    try {
      t.shutdown(socket.SHUT_WR);
    } catch (e) {
      // Already shut down (the writable stream's close), and the peer gone too.
      if (!(e instanceof socket.error && e.code === "ENOTCONN")) throw e;
    }
    for (let i = 0; i < 1000 && t.recv(65536).length > 0; i++);
  } finally {
    t.close();
  }
}

/**
 * Reads what the server sent after the handshake (TLS 1.3 tickets) without
 * waiting: a close() with unread input would send a reset.
 */
function drainTickets(t: ssl.SSLSocket): void {
  const timeout = t.gettimeout();
  t.setblocking(false);
  try {
    for (let i = 0; i < 100; i++) t.recv(100);
  } catch (e) {
    if (!(e instanceof ssl.SSLWantReadError)) throw e;
  } finally {
    t.settimeout(timeout);
  }
}

type SendCase = [name: string, data: Uint8Array, send: (t: ssl.SSLSocket) => unknown];

/**
 * Runs each case's `send` on its own connection; asserts python decrypted
 * its `data` and the tap never saw it. `timeout` is the client's mode.
 */
async function sendsThroughTls(cases: SendCase[], timeout: number | null = 10): Promise<void> {
  const tap = await tappedServer(cases.length);
  for (const [, , send] of cases) {
    const t = await connected(tap.port, timeout);
    try {
      await send(t);
    } finally {
      finish(t);
    }
  }
  const results = await tap.results();
  cases.forEach(([name, data], i) => {
    const r = results[i];
    assertEquals(r.error, null, name);
    assertEquals(dec.decode(r.got), dec.decode(data), name);
    assert(r.wire.length > 0, name);
    assert(!contains(r.wire, data.subarray(0, 40)), `${name}: plaintext on the wire`);
  });
}

type RecvCase = [name: string, recv: (t: ssl.SSLSocket) => Uint8Array | Promise<Uint8Array>];

/** Runs each case's `recv` on its own connection, whose server sends `data`; asserts it decrypts and the wire hid it. */
async function receivesThroughTls(data: Uint8Array, cases: RecvCase[]): Promise<void> {
  const tap = await tappedServer(cases.length, data);
  const got: Uint8Array[] = [];
  for (const [, recv] of cases) {
    const t = await connected(tap.port);
    try {
      got.push(await recv(t));
    } finally {
      finish(t);
    }
  }
  const results = await tap.results();
  cases.forEach(([name], i) => {
    assertEquals(results[i].error, null, name);
    assertEquals(dec.decode(got[i]), dec.decode(data), name);
    assert(!contains(results[i].wire, data.subarray(0, 40)), `${name}: plaintext on the wire`);
  });
}

Deno.test("ssl cleartext: send paths go through TLS (send, sendall, write, async twins, makefile, the writable stream)", async () => {
  const m = marker("send");
  const line = enc.encode(dec.decode(marker("makefile-w")) + "\n");
  await sendsThroughTls([
    ["send", m, (t) => {
      let off = 0;
      while (off < m.length) off += t.send(m.subarray(off));
    }],
    ["sendall", m, (t) => t.sendall(m)],
    ["write", m, (t) => t.write(m)],
    ["sendAsync", m, async (t) => {
      let off = 0;
      while (off < m.length) off += await t.sendAsync(m.subarray(off));
    }],
    ["sendallAsync", m, (t) => t.sendallAsync(m)],
    ["makefile wb", m, (t) => {
      const f = t.makefile("wb");
      f.write(m);
      f.flush();
      f.close();
    }],
    ["makefile w", line, (t) => {
      const f = t.makefile("w");
      f.write(dec.decode(line));
      f.close();
    }],
    ["makefile after the socket's close()", m, (t) => {
      // The descriptor stays open for the file (as Python), and so does TLS.
      drainTickets(t);
      const f = t.makefile("rwb");
      t.close();
      f.write(m);
      f.flush();
      f.close();
    }],
    ["writable (ends with close_notify)", m, async (t) => {
      const w = t.writable.getWriter();
      await w.write(m);
      await w.close();
    }],
  ]);
});

Deno.test("ssl cleartext: receive paths go through TLS (recv_into, its async twin, read, makefile, the readable stream)", async () => {
  const m = enc.encode(dec.decode(marker("recv")) + "\n");
  const fill = async (read: (b: Uint8Array) => Promise<number> | number) => {
    const buf = new Uint8Array(m.length);
    let n = 0;
    while (n < m.length) {
      const k = await read(buf.subarray(n));
      assert(k > 0);
      n += k;
    }
    return buf;
  };
  await receivesThroughTls(m, [
    ["recv_intoAsync", (t) => fill((b) => t.recv_intoAsync(b))],
    ["recv_into", (t) => fill((b) => t.recv_into(b))],
    ["read(n, buffer)", (t) => fill((b) => t.read(0, b))],
    ["makefile rb", (t) => {
      const f = t.makefile("rb");
      const got = f.readline();
      f.close();
      return got;
    }],
    ["makefile rb unbuffered", (t) => {
      const f = t.makefile("rb", 0);
      const got = fill((b) => f.readinto(b) as number);
      f.close();
      return got;
    }],
    ["readable", async (t) => {
      const reader = t.readable.getReader();
      const got = await fill(async (b) => {
        const { value, done } = await reader.read();
        if (done) return 0;
        b.set(value);
        return value.length;
      });
      reader.releaseLock();
      return got;
    }],
  ]);
});

Deno.test("ssl cleartext: sendfile() sends through TLS (FsFile, descriptor, fileno object with offset and count, blocking)", async () => {
  // Several TLS records' worth, with the marker at the start of every line.
  const m = marker("sendfile");
  const body = enc.encode(
    Array.from({ length: 2000 }, (_, i) => `${dec.decode(m)} ${i}\n`).join(""),
  );
  const slice = body.subarray(100, 100 + 50_000);
  const path = await Deno.makeTempFile({ prefix: "libc_socket_sendfile_" });
  try {
    await Deno.writeFile(path, body);
    await sendsThroughTls([
      ["sendfile(FsFile)", body, async (t) => {
        using f = await Deno.open(path);
        assertEquals(t.sendfile(f), body.length);
        assertEquals(await f.seek(0, Deno.SeekMode.Current), body.length);
      }],
      ["sendfile(fd)", body, async (t) => {
        using _f = await Deno.open(path);
        assertEquals(t.sendfile(fdOf(path)), body.length);
      }],
      ["sendfile(fileno object, offset, count)", slice, async (t) => {
        using _f = await Deno.open(path);
        const seeks: number[] = [];
        const obj = { fileno: () => fdOf(path), seek: (n: number) => seeks.push(n) };
        assertEquals(t.sendfile(obj, 100, 50_000), 50_000);
        assertEquals(seeks, [50_100]);
      }],
    ]);
    await sendsThroughTls([["sendfile, blocking socket", body, async (t) => {
      using f = await Deno.open(path);
      assertEquals(t.sendfile(f), body.length);
    }]], null);
  } finally {
    await Deno.remove(path);
  }
});

/** The descriptor of the open file at `path` (Deno 2's FsFile shows none): from /proc/self/fd. */
function fdOf(path: string): number {
  const real = Deno.realPathSync(path);
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${e.name}`) === real) return Number(e.name);
    } catch { /* closed meanwhile */ }
  }
  throw new Error(`no descriptor for ${path}`);
}

Deno.test("ssl cleartext: methods TLS cannot carry throw, and nothing reaches the wire", async () => {
  const m = marker("refused");
  const addr: [string, number] = ["127.0.0.1", 9];
  const end = enc.encode("end");
  await sendsThroughTls([["refusals", end, async (t) => {
    const buf = new Uint8Array(64);
    const refused: [string, () => unknown][] = [
      ["recvfrom", () => t.recvfrom(10)],
      ["recvfrom_into", () => t.recvfrom_into(buf)],
      ["sendto", () => t.sendto(m, addr)],
      ["sendto", () => t.sendto(m, 0, addr)],
      ["recvmsg", () => t.recvmsg(10)],
      ["recvmsg_into", () => t.recvmsg_into([buf])],
      ["sendmsg", () => t.sendmsg([m])],
      ["sendmsg", () => socket.send_fds(t, [m], [0])],
      ["recvmsg", () => socket.recv_fds(t, 10, 1)],
      ["sendmsg_afalg", () => t.sendmsg_afalg([m], { op: 0 })],
      ["recvmmsg", () => t.recvmmsg(10, 1)],
      ["recvmmsg_into", () => t.recvmmsg_into([buf])],
      ["sendmmsg", () => t.sendmmsg([[m]])],
    ];
    for (const [name, call] of refused) {
      assertThrows(call, RangeError, `${name} not allowed on instances of SSLSocket`);
    }
    assertThrows(() => t.dup(), RangeError, "Can't dup() SSLSocket instances");
    const refusedAsync: [string, () => Promise<unknown>][] = [
      ["recvfrom", () => t.recvfromAsync(10)],
      ["sendto", () => t.sendtoAsync(m, addr)],
      ["sendto", () => t.sendtoAsync(m, 0, addr)],
      ["recvmsg", () => t.recvmsgAsync(10)],
      ["sendmsg", () => t.sendmsgAsync([m])],
      ["recvmmsg", () => t.recvmmsgAsync(10, 1)],
      ["recvmmsg_into", () => t.recvmmsg_intoAsync([buf])],
      ["sendmmsg", () => t.sendmmsgAsync([[m]])],
    ];
    for (const [name, call] of refusedAsync) {
      await assertRejects(call, RangeError, `${name} not allowed on instances of SSLSocket`);
    }
    // Flags a plain socket would take are refused too (they cannot apply to TLS).
    assertThrows(() => t.send(m, socket.MSG_OOB), RangeError, "non-zero flags");
    await assertRejects(() => t.sendAsync(m, socket.MSG_OOB), RangeError, "non-zero flags");
    await assertRejects(() => t.recv_intoAsync(buf, 0, socket.MSG_PEEK), RangeError);
    t.sendall(end);
  }]]);
});

Deno.test("ssl cleartext: connect_ex, connectAsync, a non-blocking connect and a connect behind the wrapper's back all get TLS", async () => {
  const ctx = await clientCtx();
  const m = marker("connect");
  const fresh = () => {
    const s = socket.socket();
    s.settimeout(10);
    return ctx.wrap_socket(s, { server_hostname: "localhost" });
  };
  const cases: [string, (port: number) => Promise<ssl.SSLSocket>][] = [
    ["connect_ex", (port) => {
      const t = fresh();
      assertEquals(t.connect_ex(["127.0.0.1", port]), 0);
      return Promise.resolve(t);
    }],
    ["connectAsync", async (port) => {
      const t = fresh();
      await t.connectAsync(["127.0.0.1", port]);
      return t;
    }],
    ["connectAsync without handshake", async (port) => {
      const t = ctx.wrap_socket(socket.socket(), {
        server_hostname: "localhost",
        do_handshake_on_connect: false,
      });
      await t.connectAsync(["127.0.0.1", port]);
      return t;
    }],
    ["non-blocking connect", async (port) => {
      const s = socket.socket();
      s.setblocking(false);
      const t = ctx.wrap_socket(s, { server_hostname: "localhost" });
      assertThrows(() => t.connect(["127.0.0.1", port]), socket.BlockingIOError);
      await t.do_handshakeAsync();
      return t;
    }],
    ["Socket.prototype.connect", (port) => {
      const t = fresh();
      const connect: (a: socket.AddressLike) => void = socket.Socket.prototype.connect;
      connect.call(t, ["127.0.0.1", port]);
      return Promise.resolve(t);
    }],
  ];
  const tap = await tappedServer(cases.length);
  for (const [name, open] of cases) {
    const t = await open(tap.port);
    try {
      await t.sendallAsync(m);
      assertEquals(t.version(), "TLSv1.3", name);
    } finally {
      t.settimeout(10);
      finish(t);
    }
  }
  const results = await tap.results();
  cases.forEach(([name], i) => {
    assertEquals(dec.decode(results[i].got), dec.decode(m), name);
    assert(!contains(results[i].wire, m), `${name}: plaintext on the wire`);
  });
});

Deno.test("ssl cleartext: a failed connect releases TLS and can be retried", async () => {
  const ctx = await clientCtx();
  using probe = socket.create_server(["127.0.0.1", 0]);
  const port = probe.getsockname()[1];
  probe.close();
  const t = ctx.wrap_socket(socket.socket(), { server_hostname: "localhost" });
  try {
    assertEquals(t.connect_ex(["127.0.0.1", port]), socket.errnoOf("ECONNREFUSED"));
    assertThrows(() => t.connect(["127.0.0.1", port]), socket.ConnectionRefusedError);
    // Nothing connected: the raw calls fail as on any unconnected socket.
    assertThrows(() => t.send("x"), socket.error);
  } finally {
    t.close();
  }
});

Deno.test("ssl cleartext: acceptAsync wraps and handshakes the connection", async () => {
  const c = await certs();
  const server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  server.load_cert_chain(c.server, c.serverKey);
  const ctx = await clientCtx();
  using lsock = server.wrap_socket(socket.create_server(["127.0.0.1", 0]), { server_side: true });
  const pending = lsock.acceptAsync();
  const t = ctx.wrap_socket(socket.socket(), { server_hostname: "localhost" });
  try {
    const [[conn], ok] = await Promise.all([
      pending,
      t.connectAsync(lsock.getsockname()),
    ]);
    assertEquals(ok, undefined);
    assertInstanceOf(conn, ssl.SSLSocket);
    try {
      assertEquals(conn.version(), "TLSv1.3");
      await t.sendallAsync("over tls");
      assertEquals(dec.decode(await conn.recvAsync(100)), "over tls");
    } finally {
      conn.close();
    }
  } finally {
    t.close();
  }
});

Deno.test("ssl cleartext: every Socket method SSLSocket inherits as it is moves no data, or moves it through TLS", () => {
  // What SSLSocket does not override, from both classes of a socket object.
  // A method added to Socket or SocketType lands here and fails this test
  // until it is classified: overridden in SSLSocket when it moves bytes
  // itself, or added below when it cannot leak any.
  const names = (p: object) => Object.getOwnPropertyNames(p).filter((n) => n !== "constructor");
  const own = new Set(names(ssl.SSLSocket.prototype));
  const inherited = [...names(socket.SocketType.prototype), ...names(socket.Socket.prototype)]
    .filter((n) => !own.has(n)).sort();
  assertEquals(inherited, [
    "_ioref", // makefile bookkeeping
    "_sendfileVia", // sendfile's reader; SSLSocket passes its TLS write
    "bind",
    "closed",
    "family",
    "fileno",
    "get_inheritable",
    "getblocking",
    "getpeername",
    "getsockname",
    "getsockopt",
    "gettimeout",
    "ioctl",
    "listen",
    "makefile", // over recv_into/send, which SSLSocket overrides (tested above)
    "proto",
    "readable", // idem, over recv_intoAsync
    "set_inheritable",
    "setblocking",
    "setsockopt",
    "settimeout",
    "share", // Windows: hands the descriptor to another process, as CPython's SSLSocket does
    "timeout",
    "toString",
    "type",
    "writable", // idem, over sendallAsync
  ]);
});

Deno.test("ssl cleartext: acceptAsyncIter wraps and handshakes every connection", async () => {
  const c = await certs();
  const server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  server.load_cert_chain(c.server, c.serverKey);
  const ctx = await clientCtx();
  using lsock = server.wrap_socket(socket.create_server(["127.0.0.1", 0]), { server_side: true });
  const ac = new AbortController();
  const served = (async () => {
    const got: string[] = [];
    for await (const [conn] of lsock.acceptAsyncIter({ signal: ac.signal })) {
      try {
        assertInstanceOf(conn, ssl.SSLSocket);
        got.push(dec.decode(await conn.recvAsync(100)));
        await conn.sendallAsync("ack");
      } finally {
        conn.close();
      }
      if (got.length === 2) ac.abort();
    }
    return got;
  })();
  for (const text of ["first over tls", "second over tls"]) {
    const t = ctx.wrap_socket(socket.socket(), { server_hostname: "localhost" });
    try {
      await t.connectAsync(lsock.getsockname());
      await t.sendallAsync(text);
      assertEquals(dec.decode(await t.recvAsync(100)), "ack");
    } finally {
      t.close();
    }
  }
  assertEquals(await served, ["first over tls", "second over tls"]);
});

Deno.test("ssl cleartext: shutdown(SHUT_WR) sends close_notify and TLS stays on for reading", async () => {
  const c = await certs();
  const server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  server.load_cert_chain(c.server, c.serverKey);
  const ctx = await clientCtx();
  const [a, b] = socket.socketpair();
  const s = server.wrap_socket(b, {
    server_side: true,
    do_handshake_on_connect: false,
    suppress_ragged_eofs: false,
  });
  const t = ctx.wrap_socket(a, { server_hostname: "localhost", do_handshake_on_connect: false });
  try {
    await Promise.all([s.do_handshakeAsync(), t.do_handshakeAsync()]);
    await t.sendallAsync("last words");
    t.shutdown(socket.SHUT_WR);
    assertEquals(dec.decode(await s.recvAsync(100)), "last words");
    // A clean end (close_notify), not SSLEOFError (suppress_ragged_eofs is off).
    assertEquals((await s.recvAsync(100)).length, 0);
    await s.sendallAsync("bye");
    assertEquals(dec.decode(await t.recvAsync(100)), "bye");
  } finally {
    s.close();
    t.close();
  }
});
