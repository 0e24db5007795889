/**
 * Tests of `@libc/socket/selectors`: every selector class through the same
 * table of checks (register, modify, unregister, select, get_key, get_map,
 * close, errors), their async select, and an echo server serving python3
 * clients.
 */
import {
  assert,
  assertEquals,
  assertExists,
  assertGreaterOrEqual,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import * as socket from "../../mod.ts";
import type { Socket } from "../../mod.ts";
import * as selectors from "../../selectors.ts";
import { KeyError } from "../../select.ts";
import { runExample } from "../_run_example.ts";
import { EPOLL, has, PYTHON3, SELECT_POLL, test } from "../_caps.ts";

const { EVENT_READ, EVENT_WRITE } = selectors;
const dec = new TextDecoder();

const KINDS = [
  ["SelectSelector", () => new selectors.SelectSelector<Socket | number, unknown>(), []],
  ["PollSelector", () => new selectors.PollSelector<Socket | number, unknown>(), [SELECT_POLL]],
  ["EpollSelector", () => new selectors.EpollSelector<Socket | number, unknown>(), [EPOLL]],
  ["DefaultSelector", () => new selectors.DefaultSelector<Socket | number, unknown>(), []],
] as const;

Deno.test("selectors: constants and DefaultSelector as CPython on Linux", () => {
  assertEquals([EVENT_READ, EVENT_WRITE], [1, 2]);
  // (Windows: SelectSelector, as CPython's there, which has no select.poll)
  assertStrictEquals(
    selectors.DefaultSelector,
    has(EPOLL) ? selectors.EpollSelector : selectors.SelectSelector,
  );
  const key = new selectors.SelectorKey(3, 3, EVENT_READ, "d");
  assertEquals([key.fileobj, key.fd, key.events, key.data], [3, 3, 1, "d"]);
  assert(Object.isFrozen(key));
  assertEquals(String(key), "SelectorKey(fileobj=3, fd=3, events=1, data=d)");
});

for (const [name, make, needs] of KINDS) {
  test(`${name}: register, select, modify, unregister, get_key, get_map`, needs, () => {
    const [a, b] = socket.socketpair();
    try {
      using sel = make();
      const ka = sel.register(a, EVENT_READ, "A");
      assertEquals([ka.fileobj === a, ka.fd, ka.events, ka.data], [true, a.fileno(), 1, "A"]);
      const kb = sel.register(b.fileno(), EVENT_READ | EVENT_WRITE);
      assertEquals(kb.data, null);
      // b is writable, nothing readable
      let ready = sel.select(0);
      assertEquals(ready.map(([k, ev]) => [k.fd, ev]), [[b.fileno(), EVENT_WRITE]]);
      assertStrictEquals(ready[0][0], kb);
      b.send("x");
      ready = sel.select(1);
      assertEquals(
        new Map(ready.map(([k, ev]) => [k.fd, ev])),
        new Map([[a.fileno(), EVENT_READ], [b.fileno(), EVENT_WRITE]]),
      );
      // modify: new events; same events with new data; unchanged → same key
      const k2 = sel.modify(b.fileno(), EVENT_READ, "B");
      assertEquals([k2.events, k2.data], [EVENT_READ, "B"]);
      assertEquals(sel.select(0).map(([k]) => k.fileobj), [a]);
      const k3 = sel.modify(a, EVENT_READ, "A2");
      assertEquals([k3.events, k3.data], [EVENT_READ, "A2"]);
      assertStrictEquals(sel.modify(a, EVENT_READ, "A2"), k3);
      assertEquals(sel.modify(a, EVENT_READ).data, null); // data defaults to None
      // get_key / get_map
      assertStrictEquals(sel.get_key(a).fileobj, a);
      assertStrictEquals(sel.get_key(a.fileno()).fileobj, a);
      const map = sel.get_map();
      assertExists(map);
      assertEquals(map.size, 2);
      assertEquals([...map].sort(), [a.fileno(), b.fileno()].sort());
      assert(map.has(a) && map.has(b.fileno()) && !map.has(99999));
      assertEquals(map.get(99999), undefined);
      assertEquals([...map.values()].length, 2);
      assertEquals([...map.entries()].length, 2);
      // unregister
      assertStrictEquals(sel.unregister(a).fileobj, a);
      assertEquals(sel.get_map()?.size, 1);
      assertEquals(sel.select(0), []);
    } finally {
      a.close();
      b.close();
    }
  });

  test(
    `${name}: errors as CPython (KeyError, ValueError → RangeError, RuntimeError → Error)`,
    needs,
    () => {
      const [a, b] = socket.socketpair();
      try {
        const sel = make();
        sel.register(a, EVENT_READ);
        const dup = assertThrows(
          () => sel.register(a, EVENT_WRITE),
          KeyError,
          "already registered",
        );
        assertInstanceOf(dup, RangeError);
        assertThrows(() => sel.register(a.fileno(), EVENT_READ), KeyError);
        for (const ev of [0, 4, EVENT_READ | 8]) {
          assertThrows(() => sel.register(b, ev), RangeError, "Invalid events");
        }
        assertThrows(() => sel.register(b, "1" as never), TypeError); // deliberate: wrong type
        assertThrows(
          () => sel.register({} as never, EVENT_READ), // deliberate: wrong type
          RangeError,
          "Invalid file object",
        );
        assertThrows(() => sel.register(-1, EVENT_READ), RangeError, "Invalid file descriptor: -1");
        assertThrows(() => sel.unregister(b), KeyError, "is not registered");
        assertThrows(() => sel.get_key(b), KeyError);
        assertThrows(() => sel.get_key({} as never), KeyError); // deliberate: wrong type
        assertThrows(() => sel.modify(b, EVENT_READ), KeyError);
        assertThrows(() => sel.modify(a, 0), RangeError, "Invalid events");
        assertEquals(sel.get_map()?.size, 1, "failed registrations leave nothing behind");
        sel.close();
        assertEquals(sel.get_map(), null);
        assertThrows(() => sel.get_key(a), Error, "Selector is closed");
      } finally {
        a.close();
        b.close();
      }
    },
  );

  test(`${name}: a closed socket is still found and unregistered; timeouts`, needs, () => {
    const [a, b] = socket.socketpair();
    using sel = make();
    const key = sel.register(a, EVENT_READ);
    a.close(); // fileno() is now -1: found by identity, as CPython
    assertStrictEquals(sel.get_key(a), key);
    assertStrictEquals(sel.unregister(a), key);
    assertEquals(sel.get_map()?.size, 0);
    b.close();
    const [c, d] = socket.socketpair();
    sel.register(c, EVENT_READ);
    const t0 = performance.now();
    assertEquals(sel.select(0.05), []);
    assertGreaterOrEqual(performance.now() - t0, 49);
    assertEquals(sel.select(-1), []); // negative: poll
    c.close();
    d.close();
  });

  test(`${name}: selectAsync waits on the reactor, with timeout and signal`, needs, async () => {
    const [a, b] = socket.socketpair();
    let ticks = 0;
    const iv = setInterval(() => ticks++, 5);
    try {
      using sel = make();
      sel.register(a, EVENT_READ, "a");
      setTimeout(() => b.send("x"), 40);
      const ready = await sel.selectAsync();
      assertEquals(ready.map(([k, ev]) => [k.data, ev]), [["a", EVENT_READ]]);
      assert(ticks > 0, "the event loop ran meanwhile");
      a.recv(10);
      assertEquals(await sel.selectAsync(0.03), []);
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error("stop")), 20);
      await assertRejects(() => sel.selectAsync(null, { signal: ac.signal }), Error, "stop");
    } finally {
      clearInterval(iv);
      a.close();
      b.close();
    }
  });
}

test("EpollSelector: a descriptor epoll refuses is not left registered; fileno", [EPOLL], () => {
  const path = Deno.makeTempFileSync();
  const file = Deno.openSync(path);
  try {
    let fd = -1;
    for (const e of Deno.readDirSync("/proc/self/fd")) {
      try {
        if (Deno.readLinkSync(`/proc/self/fd/${e.name}`) === path) fd = Number(e.name);
      } catch { /* gone */ }
    }
    using sel = new selectors.EpollSelector();
    assertGreaterOrEqual(sel.fileno(), 0);
    assertThrows(() => sel.register(fd, EVENT_READ), socket.PermissionError);
    assertEquals(sel.get_map()?.size, 0);
    // PollSelector takes it: poll(2) calls a regular file always ready.
    using ps = new selectors.PollSelector();
    ps.register(fd, EVENT_READ);
    assertEquals(ps.select(0).length, 1);
  } finally {
    file.close();
    Deno.removeSync(path);
  }
});

test(
  "selectors: an async echo server (selectAsync loop) serves python3 clients",
  [PYTHON3],
  async () => {
    type Cb = (s: Socket, mask: number) => void;
    const sel = new selectors.DefaultSelector<Socket, Cb>();
    const lsock = socket.create_server(["127.0.0.1", 0], { backlog: 64 });
    lsock.setblocking(false);
    let served = 0;
    const read: Cb = (conn) => {
      const data = conn.recv(1000);
      if (data.length) conn.sendall(data);
      else {
        sel.unregister(conn);
        conn.close();
        served++;
      }
    };
    sel.register(lsock, EVENT_READ, (s) => {
      const [conn] = s.accept();
      conn.setblocking(false);
      sel.register(conn, EVENT_READ, read);
    });
    const port = lsock.getsockname()[1];
    const child = new Deno.Command("python3", {
      args: [
        "-c",
        `
import socket, threading
res = []
def one(i):
    with socket.create_connection(("127.0.0.1", ${port})) as c:
        msg = b"hello %d" % i
        c.sendall(msg)
        got = b""
        while len(got) < len(msg):
            got += c.recv(100)
        res.append(got == msg)
ts = [threading.Thread(target=one, args=(i,)) for i in range(20)]
for t in ts: t.start()
for t in ts: t.join()
print(sum(res))
`,
      ],
      stdin: "null",
      stdout: "piped",
    }).spawn();
    const out = child.output();
    while (served < 20) {
      for (const [key, mask] of await sel.selectAsync(10)) key.data(key.fileobj, mask);
    }
    assertEquals(dec.decode((await out).stdout).trim(), "20");
    sel.unregister(lsock);
    sel.close();
    lsock.close();
  },
);

test("example selectors_echo_server.ts: python3 clients, stops after --count and on stdin EOF", [
  PYTHON3,
], async () => {
  const ex = await runExample("selectors_echo_server", ["--port", "0", "--count", "2"]);
  const got = await new Deno.Command("python3", {
    args: [
      "-c",
      `
import socket
for i in range(2):
    with socket.create_connection(("127.0.0.1", ${ex.port})) as c:
        c.sendall(b"hi %d" % i)
        print(c.recv(100).decode())
`,
    ],
    stdin: "null",
    stdout: "piped",
  }).output();
  assertEquals(dec.decode(got.stdout).trim().split("\n"), ["hi 0", "hi 1"]);
  const [code, text, err] = await ex.done();
  assertEquals(code, 0, err);
  assert(text.includes('echoing "hi 0"') && text.includes("server stopped"), text);
  const ex2 = await runExample("selectors_echo_server", ["--port", "0"]);
  await ex2.closeStdin();
  const [code2, text2] = await ex2.done();
  assertEquals(code2, 0);
  assert(text2.includes("server stopped"));
});
