/**
 * Tests of `@libc/socket/socketserver`'s concurrent servers (the
 * `Threading…Server` classes, whose handlers run as async tasks on this
 * thread): a thousand python3 clients at once while a setInterval keeps
 * ticking, shutdown() from a timer and from a handler, block_on_close, and
 * the UDP and AF_UNIX variants. The blocking servers, every hook, the
 * handler settings and the examples are in socketserver_test.ts.
 */
import { assert, assertEquals } from "@std/assert";
import * as socket from "../../mod.ts";
import type { Address, Socket } from "../../mod.ts";
import * as ss from "../../socketserver.ts";
import { tempDir } from "../_helpers.ts";
import { AF_UNIX, PYTHON3, test } from "../_caps.ts";
import { dec, portOf, pyClient } from "./_clients.ts";

// ---------------------------------------------------------------------------
// Concurrent servers

test(
  "ThreadingTCPServer: 1,000 concurrent python3 clients while setInterval ticks",
  [PYTHON3],
  async () => {
    const N = 1000;
    let active = 0;
    let peak = 0;
    let release!: () => void;
    const allIn = new Promise<void>((r) => release = r);
    class Barrier extends ss.AsyncStreamRequestHandler {
      override async handle(): Promise<void> {
        const line = await this.rfile.readline();
        active++;
        peak = Math.max(peak, active);
        if (active === N) release();
        // Every handler waits until all N are in their handle() at once.
        await Promise.race([
          allIn,
          new Promise((_, rej) => setTimeout(() => rej(new Error("barrier timeout")), 60_000)),
        ]);
        await this.wfile.write(line);
        active--;
      }
    }
    class Big extends ss.ThreadingTCPServer {
      static override request_queue_size = 1024;
    }
    const server = new Big(["127.0.0.1", 0], Barrier);
    let ticks = 0;
    const iv = setInterval(() => ticks++, 10);
    const serving = server.serve_forever(0.05);
    try {
      const out = await pyClient(`
import asyncio
async def one(i):
    r, w = await asyncio.open_connection("127.0.0.1", ${portOf(server)})
    w.write(b"client %d\\n" % i)
    await w.drain()
    got = await asyncio.wait_for(r.readline(), 90)
    w.close()
    return got == b"client %d\\n" % i
async def main():
    res = await asyncio.gather(*(one(i) for i in range(${N})))
    print(sum(res))
asyncio.run(main())
`);
      assertEquals(out.trim(), String(N));
      assertEquals(peak, N);
      assert(ticks > 0, "the interval kept ticking while serving");
    } finally {
      clearInterval(iv);
      await server.shutdown();
      await serving;
      server.server_close();
    }
  },
);

Deno.test("ThreadingTCPServer: shutdown() from a timer aborts waiting handlers and settles", async () => {
  let started = 0;
  let aborted = 0;
  const errors: unknown[] = [];
  class Waits extends ss.AsyncStreamRequestHandler {
    override async handle(): Promise<void> {
      started++;
      try {
        await this.rfile.readline(); // the client never sends
      } catch (e) {
        if (this.server.signal.aborted) aborted++;
        throw e;
      }
    }
  }
  class S extends ss.ThreadingTCPServer {
    override handle_error(_r: ss.Request, _a: Address, e?: unknown): void {
      errors.push(e);
    }
  }
  const server = new S(["127.0.0.1", 0], Waits);
  assert(server.concurrent);
  const serving = server.serve_forever();
  const clients: Socket[] = [];
  for (let i = 0; i < 5; i++) {
    const c = socket.socket();
    await c.connectAsync(server.server_address);
    clients.push(c);
  }
  while (started < 5) await new Promise((r) => setTimeout(r, 5));
  const stopped = new Promise<void>((resolve) =>
    setTimeout(() => server.shutdown().then(resolve), 10)
  );
  await stopped;
  await serving;
  assertEquals([started, aborted], [5, 5]);
  assertEquals(errors, [], "an abort by shutdown is not an error to report");
  for (const c of clients) {
    assertEquals((await c.recvAsync(10)).length, 0, "the connection was closed");
    c.close();
  }
  server.server_close();
});

test(
  "ThreadingTCPServer: shutdown() from a handler; running handlers finish first",
  [PYTHON3],
  async () => {
    let finished = 0;
    class Stop extends ss.AsyncStreamRequestHandler {
      override async handle(): Promise<void> {
        const line = dec.decode(await this.rfile.readline());
        if (line === "stop\n") void this.server.shutdown(); // no await: as Python, it would deadlock
        await new Promise((r) => setTimeout(r, 30)); // still finishes
        await this.wfile.write(line);
        finished++;
      }
    }
    const server = new ss.ThreadingTCPServer(["127.0.0.1", 0], Stop);
    const serving = server.serve_forever(0.05);
    const out = await pyClient(`
with socket.create_connection(("127.0.0.1", ${portOf(server)})) as a:
    a.sendall(b"hello\\n")
    time.sleep(0.05)
    with socket.create_connection(("127.0.0.1", ${portOf(server)})) as b:
        b.sendall(b"stop\\n")
        print(b.recv(10), a.recv(10))
`);
    await serving;
    assertEquals(out.trim(), "b'stop\\n' b'hello\\n'");
    assertEquals(finished, 2);
    // No longer accepting: a new connection is not served.
    server.server_close();
  },
);

Deno.test("ThreadingTCPServer: block_on_close=false settles without waiting for handlers", async () => {
  let started = false;
  let done = false;
  const gate = Promise.withResolvers<void>();
  class Slow extends ss.BaseRequestHandler {
    override async handle(): Promise<void> {
      started = true;
      await gate.promise;
      done = true;
    }
  }
  const server = new ss.ThreadingTCPServer(["127.0.0.1", 0], Slow);
  server.block_on_close = false;
  const serving = server.serve_forever(0.01);
  const c = socket.socket();
  await c.connectAsync(server.server_address);
  while (!started) await new Promise((r) => setTimeout(r, 5));
  await server.shutdown();
  await serving;
  assertEquals(done, false, "serve_forever settled while the handler still ran");
  gate.resolve();
  while (!done) await new Promise((r) => setTimeout(r, 5));
  assertEquals((await c.recvAsync(10)).length, 0, "closed once the handler finished");
  c.close();
  server.server_close();
});

test(
  "ThreadingUDPServer: concurrent async datagram handlers, python3 client",
  [PYTHON3],
  async () => {
    // All four handlers are running at once, then answer in reverse order:
    // handler n replies only after handler n+1 has sent its reply.
    const N = 4;
    let started = 0;
    let allIn!: () => void;
    const everyone = new Promise<void>((r) => allIn = r);
    const sent = Array.from({ length: N }, () => Promise.withResolvers<void>());
    class Reverse extends ss.DatagramRequestHandler {
      declare sentOf: number; // set in handle(): fields initialize after the constructor ran it
      override async handle(): Promise<void> {
        const n = Number(dec.decode(this.rfile.read()));
        if (++started === N) allIn();
        await everyone;
        if (n + 1 < N) await sent[n + 1].promise;
        this.wfile.write(String(n));
        this.sentOf = n;
      }
      override finish(): void {
        super.finish();
        sent[this.sentOf].resolve();
      }
    }
    const server = new ss.ThreadingUDPServer(["127.0.0.1", 0], Reverse);
    const serving = server.serve_forever(0.05);
    try {
      const out = await pyClient(`
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(60)
for i in range(${N}):
    c.sendto(b"%d" % i, ("127.0.0.1", ${portOf(server)}))
print(" ".join(c.recv(10).decode() for _ in range(${N})))
`);
      assertEquals(out.trim(), "3 2 1 0");
    } finally {
      await server.shutdown();
      await serving;
      server.server_close();
    }
  },
);

test("ThreadingUnixStreamServer and ThreadingUnixDatagramServer", [AF_UNIX], async () => {
  using dir = tempDir();
  class Echo extends ss.AsyncStreamRequestHandler {
    override async handle(): Promise<void> {
      for await (const line of this.rfile) await this.wfile.write(line);
    }
  }
  const path = `${dir.path}/s.sock`;
  const server = new ss.ThreadingUnixStreamServer(path, Echo);
  const serving = server.serve_forever(0.05);
  const out = await pyClient(`
cs = [socket.socket(socket.AF_UNIX) for _ in range(3)]
for c in cs: c.connect(${JSON.stringify(path)})
for i, c in enumerate(cs): c.sendall(b"%d\\n" % i)
print(" ".join(c.recv(10).decode().strip() for c in reversed(cs)))
`);
  assertEquals(out.trim(), "2 1 0");
  await server.shutdown();
  await serving;
  server.server_close();

  class Pong extends ss.DatagramRequestHandler {
    override handle(): void {
      this.wfile.write("pong");
    }
  }
  const dpath = `${dir.path}/d.sock`;
  const dserver = new ss.ThreadingUnixDatagramServer(dpath, Pong);
  const dserving = dserver.serve_forever(0.05);
  const out2 = await pyClient(`
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
c.bind(${JSON.stringify(`${dir.path}/c.sock`)})
c.settimeout(10)
c.sendto(b"ping", ${JSON.stringify(dpath)})
print(c.recv(10).decode())
`);
  assertEquals(out2.trim(), "pong");
  await dserver.shutdown();
  await dserving;
  dserver.server_close();
});
