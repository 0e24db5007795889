/**
 * Tests of `@libc/socket/socketserver`: the blocking servers with python3
 * clients (TCP, UDP, AF_UNIX stream and datagram), every hook in CPython's
 * order, the handler settings, our clients against python's socketserver,
 * shutdown() from a handler, from service_actions and from a timer, and
 * the examples. The concurrent (`Threading…`) servers are in
 * concurrent_test.ts.
 */
import {
  assert,
  assertEquals,
  assertExists,
  assertGreaterOrEqual,
  assertInstanceOf,
  assertStrictEquals,
} from "@std/assert";
import * as socket from "../../mod.ts";
import type { Address, IPv4Address, Socket } from "../../mod.ts";
import * as ss from "../../socketserver.ts";
import { denoCommand, tempDir } from "../_helpers.ts";
import { runExample } from "../_run_example.ts";
import { AF_UNIX, PYTHON3, test } from "../_caps.ts";
import { Conn, dec, enc, portOf, pyClient, SS, UpperLine } from "./_clients.ts";

test(
  "TCPServer + StreamRequestHandler: python3 clients, one request at a time",
  [PYTHON3],
  async () => {
    using server = new ss.TCPServer(["127.0.0.1", 0], UpperLine);
    assertEquals(server.server_address[0], "127.0.0.1");
    assert(portOf(server) > 0);
    assertEquals(server.fileno(), server.socket.fileno());
    const out = pyClient(`
for i in range(3):
    with socket.create_connection(("127.0.0.1", ${portOf(server)})) as c:
        c.sendall(b"hello %d\\n" % i)
        print(c.makefile("rb").readline().decode().strip())
`);
    for (let i = 0; i < 3; i++) server.handle_request();
    assertEquals((await out).trim().split("\n"), ["HELLO 0", "HELLO 1", "HELLO 2"]);
  },
);

test(
  "serve_forever: shutdown() from a handler stops the loop after that request",
  [PYTHON3],
  async () => {
    let handled = 0;
    class Count extends ss.StreamRequestHandler {
      override handle(): void {
        this.wfile.write(this.rfile.readline());
        if (++handled === 3) this.server.shutdown();
      }
    }
    using server = new ss.TCPServer(["127.0.0.1", 0], Count);
    const out = pyClient(`
for i in range(3):
    with socket.create_connection(("127.0.0.1", ${portOf(server)})) as c:
        c.sendall(b"x%d\\n" % i)
        print(c.recv(10).decode().strip())
`);
    server.serve_forever(0.05);
    assertEquals(handled, 3);
    assertEquals((await out).trim().split("\n"), ["x0", "x1", "x2"]);
  },
);

Deno.test("serve_forever: service_actions runs each poll_interval and can shut down", () => {
  let actions = 0;
  class Idle extends ss.TCPServer {
    override service_actions(): void {
      if (++actions >= 3) this.shutdown();
    }
  }
  using server = new Idle(["127.0.0.1", 0], ss.BaseRequestHandler);
  server.serve_forever(0.01);
  assertEquals(actions, 3);
  // The flag is reset on return: serving again works (and stops again).
  server.serve_forever(0.01);
  assertEquals(actions, 4);
});

test(
  "hooks run in CPython's order; verify_request false closes without handling",
  [PYTHON3],
  async () => {
    const log: string[] = [];
    class Logged extends ss.BaseRequestHandler<Socket> {
      override setup(): void {
        log.push("setup");
      }
      override handle(): void {
        log.push("handle");
        if (dec.decode(this.request.recv(10)) === "boom") throw new Error("boom");
      }
      override finish(): void {
        log.push("finish");
      }
    }
    let reject = false;
    const errors: unknown[] = [];
    class Hooked extends ss.TCPServer {
      override server_bind(): void {
        log.push("server_bind");
        super.server_bind();
      }
      override server_activate(): void {
        log.push("server_activate");
        super.server_activate();
      }
      override get_request(): [Conn, IPv4Address] {
        log.push("get_request");
        return super.get_request();
      }
      override verify_request(r: Conn, a: IPv4Address): boolean {
        log.push("verify_request");
        assertInstanceOf(r, socket.Socket);
        assertEquals(a[0], "127.0.0.1");
        return !reject;
      }
      override process_request(r: Conn, a: IPv4Address): void {
        log.push("process_request");
        super.process_request(r, a);
      }
      override finish_request(r: Conn, a: IPv4Address): Promise<void> | undefined {
        log.push("finish_request");
        return super.finish_request(r, a);
      }
      override shutdown_request(r: Conn): void {
        log.push("shutdown_request");
        super.shutdown_request(r);
      }
      override close_request(r: Conn): void {
        log.push("close_request");
        super.close_request(r);
        assert(r.closed);
      }
      override handle_error(_r: Conn, _a: IPv4Address, e?: unknown): void {
        log.push("handle_error");
        errors.push(e);
      }
      override server_close(): void {
        log.push("server_close");
        super.server_close();
      }
    }
    const server = new Hooked(["127.0.0.1", 0], Logged);
    assertEquals(log.splice(0), ["server_bind", "server_activate"]);
    const send = (msg: string) =>
      pyClient(`
with socket.create_connection(("127.0.0.1", ${portOf(server)})) as c:
    c.sendall(b"${msg}")
    print(repr(c.recv(10)))
`);
    let out = send("ok");
    server.handle_request();
    assertEquals(log.splice(0), [
      "get_request",
      "verify_request",
      "process_request",
      "finish_request",
      "setup",
      "handle",
      "finish",
      "shutdown_request",
      "close_request",
    ]);
    assertEquals((await out).trim(), "b''"); // closed after SHUT_WR
    out = send("boom");
    server.handle_request();
    assertEquals(log.splice(0), [
      "get_request",
      "verify_request",
      "process_request",
      "finish_request",
      "setup",
      "handle",
      "finish",
      "handle_error",
      "shutdown_request",
      "close_request",
    ]);
    assertInstanceOf(errors[0], Error);
    assertEquals(errors[0].message, "boom");
    await out;
    reject = true;
    out = send("no");
    server.handle_request();
    assertEquals(log.splice(0), [
      "get_request",
      "verify_request",
      "shutdown_request",
      "close_request",
    ]);
    await out;
    server[Symbol.dispose]();
    assertEquals(log.splice(0), ["server_close"]);
    assert(server.socket.closed);
  },
);

Deno.test("handle_error prints CPython's report to stderr and the server goes on", async () => {
  const code = `
import * as ss from ${JSON.stringify(new URL("../../socketserver.ts", import.meta.url).href)};
import * as socket from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
class Bad extends ss.BaseRequestHandler { override handle(): void { throw new Error("handler failed"); } }
using server = new ss.TCPServer(["127.0.0.1", 0], Bad);
const c = socket.create_connection(server.server_address);
server.handle_request();
c.close();
console.log("still serving");
`;
  const o = await denoCommand(["eval", "--quiet", code], {
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = dec.decode(o.stderr);
  assertEquals(dec.decode(o.stdout).trim(), "still serving");
  const lines = err.trim().split("\n");
  assertEquals(lines[0], "-".repeat(40));
  assert(
    lines[1].startsWith('Exception occurred during processing of request from [ "127.0.0.1",'),
  );
  assert(err.includes("Error: handler failed"));
  assertEquals(lines.at(-1), "-".repeat(40));
});

Deno.test("handle_request: timeout (class attribute and instance) calls handle_timeout", () => {
  let timeouts = 0;
  class Quick extends ss.TCPServer {
    static override timeout = 0.03;
    override handle_timeout(): void {
      timeouts++;
    }
  }
  using server = new Quick(["127.0.0.1", 0], ss.BaseRequestHandler);
  assertEquals(server.timeout, 0.03);
  const t0 = performance.now();
  server.handle_request();
  assertGreaterOrEqual(performance.now() - t0, 29);
  assertEquals(timeouts, 1);
  // The socket's own timeout counts too: the smaller one wins.
  server.socket.settimeout(0.01);
  server.handle_request();
  assertEquals(timeouts, 2);
  server.timeout = 0.01; // an instance value
  assertEquals(server.timeout, 0.01);
  assertEquals(Quick.timeout, 0.03);
});

test(
  "TCPServer: allow_reuse_address/port, request_queue_size, bind_and_activate=false",
  [SS],
  async () => {
    class Reuse extends ss.TCPServer {
      static override allow_reuse_address = true;
      static override allow_reuse_port = true;
      static override request_queue_size = 77;
    }
    using a = new Reuse(["127.0.0.1", 0], ss.BaseRequestHandler);
    assertEquals(a.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
    assertEquals(a.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 1);
    // The backlog is the listener's Send-Q in ss(8).
    const o = await new Deno.Command("ss", {
      args: ["-Hltn", `sport = :${portOf(a)}`],
      stdout: "piped",
    })
      .output();
    const cols = dec.decode(o.stdout).trim().split(/\s+/);
    assertEquals(cols[2], "77");
    using plain = new ss.TCPServer(["127.0.0.1", 0], ss.BaseRequestHandler);
    assertEquals(plain.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
    // Python's pattern: construct unbound, set attributes, bind and activate.
    using late = new ss.TCPServer(["127.0.0.1", 0], ss.BaseRequestHandler, false);
    assertEquals(late.allow_reuse_address, false);
    late.allow_reuse_address = true;
    late.server_bind();
    late.server_activate();
    assertEquals(late.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
    // A failing bind closes the socket again.
    let failed: Socket | undefined;
    class Keep extends ss.TCPServer {
      override server_bind(): void {
        failed = this.socket;
        super.server_bind();
      }
    }
    try {
      new Keep(["127.0.0.1", portOf(plain)], ss.BaseRequestHandler);
      assert(false, "bind should have failed");
    } catch (e) {
      assertInstanceOf(e, socket.error);
    }
    assertExists(failed);
    assert(failed.closed);
  },
);

test(
  "StreamRequestHandler: rbufsize/wbufsize, timeout, disable_nagle_algorithm",
  [PYTHON3],
  async () => {
    const seen: Record<string, unknown> = {};
    class Settings extends ss.StreamRequestHandler {
      static override wbufsize = 8192;
      static override rbufsize = 0;
      static override timeout = 0.05;
      static override disable_nagle_algorithm = true;
      override handle(): void {
        seen.nodelay = this.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY);
        seen.timeout = this.connection.gettimeout();
        seen.buffered = !(this.wfile instanceof ss.SocketWriter);
        this.wfile.write(this.rfile.readline());
        this.wfile.write(enc.encode("buffered until finish\n"));
        try {
          this.rfile.readline(); // the client sends nothing more: times out
        } catch (e) {
          seen.timedOut = e instanceof socket.TimeoutError;
        }
      }
    }
    using server = new ss.TCPServer(["127.0.0.1", 0], Settings);
    const out = pyClient(`
with socket.create_connection(("127.0.0.1", ${portOf(server)})) as c:
    c.sendall(b"line\\n")
    f = c.makefile("rb")
    print(f.readline().decode().strip(), "|", f.readline().decode().strip())
    f.read()
`);
    server.handle_request();
    assertEquals(seen, { nodelay: 1, timeout: 0.05, buffered: true, timedOut: true });
    assertEquals((await out).trim(), "line | buffered until finish");
    // The defaults: unbuffered SocketWriter, no timeout, Nagle on.
    class Defaults extends ss.StreamRequestHandler {
      override handle(): void {
        seen.writer = this.wfile instanceof ss.SocketWriter;
        seen.timeout = this.connection.gettimeout();
        seen.nodelay = this.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY);
      }
    }
    using s2 = new ss.TCPServer(["127.0.0.1", 0], Defaults);
    const o2 = pyClient(`socket.create_connection(("127.0.0.1", ${portOf(s2)})).recv(1)`);
    s2.handle_request();
    await o2;
    assertEquals([seen.writer, seen.timeout, seen.nodelay], [true, null, 0]);
  },
);

test("UDPServer + DatagramRequestHandler: python3 client; max_packet_size", [PYTHON3], async () => {
  class Echo extends ss.DatagramRequestHandler {
    override handle(): void {
      const line = this.rfile.readline();
      this.wfile.write(enc.encode(`${this.packet.length}:`));
      this.wfile.write(line);
      assertInstanceOf(this.server, ss.UDPServer);
      assertStrictEquals(this.socket, this.server.socket);
    }
  }
  class Small extends ss.UDPServer {
    static override max_packet_size = 4;
  }
  using server = new Small(["127.0.0.1", 0], Echo);
  assertEquals(server.socket.type, socket.SOCK_DGRAM);
  const out = pyClient(`
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.sendto(b"abcdefgh", ("127.0.0.1", ${portOf(server)}))
print(c.recv(100))
`);
  server.handle_request();
  assertEquals((await out).trim(), "b'4:abcd'");
});

test(
  "UnixStreamServer and UnixDatagramServer: python3 clients over paths",
  [AF_UNIX, PYTHON3],
  async () => {
    using dir = tempDir();
    const spath = `${dir.path}/stream.sock`;
    using us = new ss.UnixStreamServer(spath, UpperLine);
    assertEquals(us.server_address, spath);
    const o1 = pyClient(`
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.connect(${JSON.stringify(spath)})
c.sendall(b"unix\\n")
print(c.recv(10).decode().strip())
`);
    us.handle_request();
    assertEquals((await o1).trim(), "UNIX");

    class Reply extends ss.DatagramRequestHandler {
      override handle(): void {
        this.wfile.write(this.rfile.read());
        this.wfile.write(enc.encode(` from ${this.client_address}`));
      }
    }
    const dpath = `${dir.path}/dgram.sock`;
    const cpath = `${dir.path}/client.sock`;
    using ud = new ss.UnixDatagramServer(dpath, Reply);
    const o2 = pyClient(`
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
c.bind(${JSON.stringify(cpath)})
c.sendto(b"dgram", ${JSON.stringify(dpath)})
print(c.recv(200).decode())
`);
    ud.handle_request();
    assertEquals((await o2).trim(), `dgram from ${cpath}`);
  },
);

test(
  "our client against python3's socketserver: the same transcript as against ours",
  [PYTHON3],
  async () => {
    const child = new Deno.Command("python3", {
      args: [
        "-c",
        `
import socketserver, sys
class H(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(self.rfile.readline().upper())
with socketserver.TCPServer(("127.0.0.1", 0), H) as srv:
    print(srv.server_address[1], flush=True)
    srv.handle_request()
`,
      ],
      stdin: "null",
      stdout: "piped",
    }).spawn();
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    const port = Number(dec.decode(value).trim());
    const talk = async (p: number) => {
      using c = socket.socket();
      await c.connectAsync(["127.0.0.1", p]);
      await c.sendallAsync("mixed Case\n");
      const parts: Uint8Array[] = [];
      for (;;) {
        const d = await c.recvAsync(100);
        if (!d.length) break;
        parts.push(d);
      }
      return parts.map((p) => dec.decode(p)).join("");
    };
    const theirs = await talk(port);
    reader.releaseLock();
    await child.status;
    await child.stdout.cancel().catch(() => {});
    const server = new ss.ThreadingTCPServer(["127.0.0.1", 0], ss.AsyncStreamRequestHandler);
    class Upper extends ss.AsyncStreamRequestHandler {
      override async handle(): Promise<void> {
        await this.wfile.write(dec.decode(await this.rfile.readline()).toUpperCase());
      }
    }
    server.RequestHandlerClass = Upper;
    const handled = server.handle_request();
    const ours = await talk(portOf(server));
    await handled;
    server.server_close();
    assertEquals(ours, theirs);
    assertEquals(theirs, "MIXED CASE\n");
  },
);

test("a blocking server refuses async handlers through handle_error", [PYTHON3], async () => {
  const errors: unknown[] = [];
  class AsyncH extends ss.BaseRequestHandler {
    override async handle(): Promise<void> {
      await Promise.resolve();
    }
  }
  class S extends ss.TCPServer {
    override handle_error(_r: ss.Request, _a: Address, e?: unknown): void {
      errors.push(e);
    }
  }
  using server = new S(["127.0.0.1", 0], AsyncH);
  const out = pyClient(`socket.create_connection(("127.0.0.1", ${portOf(server)})).recv(1)`);
  server.handle_request();
  await out;
  assertInstanceOf(errors[0], TypeError);
  assertInstanceOf(errors[0], Error);
  assert(errors[0].message.includes("concurrent server"));
});

// ---------------------------------------------------------------------------
// The examples

test(
  "example socketserver_tcp_echo.ts: python3 clients; --count and stdin EOF",
  [PYTHON3],
  async () => {
    const ex = await runExample("socketserver_tcp_echo", ["--port", "0", "--count", "2"]);
    const out = await pyClient(`
for i in range(2):
    with socket.create_connection(("127.0.0.1", ${ex.port})) as c:
        c.sendall(b"hello %d\\n" % i)
        print(c.makefile("rb").readline().decode().strip())
`);
    assertEquals(out.trim().split("\n"), ["HELLO 0", "HELLO 1"]);
    const [code, text, err] = await ex.done();
    assertEquals(code, 0, err);
    assert(text.includes("wrote:\nhello 1") && text.includes("server stopped"), text);
    const ex2 = await runExample("socketserver_tcp_echo", ["--port", "0"]);
    await ex2.closeStdin();
    assertEquals((await ex2.done())[0], 0);
  },
);

test("example socketserver_udp.ts: python3 client; --count", [PYTHON3], async () => {
  const ex = await runExample("socketserver_udp", ["--port", "0", "--count", "2"]);
  const out = await pyClient(`
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(10)
for w in (b"one", b"two"):
    c.sendto(w, ("127.0.0.1", ${ex.port}))
    print(c.recv(100).decode())
`);
  assertEquals(out.trim().split("\n"), ["ONE", "TWO"]);
  const [code, text, err] = await ex.done();
  assertEquals(code, 0, err);
  assert(text.includes("server stopped"), text);
});

Deno.test("example socketserver_threaded.ts: three concurrent clients, stops by itself", async () => {
  const path = new URL("../../examples/socketserver_threaded.ts", import.meta.url).pathname;
  const o = await denoCommand(["run", "--allow-ffi", "--no-prompt", path], {
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(o.code, 0, dec.decode(o.stderr));
  const lines = dec.decode(o.stdout).trim().split("\n");
  assertEquals(lines[0], "Server loop running");
  assertEquals(
    lines.slice(1).map((l) => l.replace(/Task-\d/, "Task-N")).sort(),
    [1, 2, 3].map((i) => `Received: Task-N: Hello World ${i}`),
  );
});
