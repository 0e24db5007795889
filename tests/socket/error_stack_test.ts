/**
 * Every error carries the stack of the call that failed, down to the line
 * of this file that made it: OS errors (those that are also a `Deno.errors`
 * class too, whose stacks were once empty), resolver errors, timeouts and
 * argument checks, synchronous and async.
 *
 * Async: the error is made (or, when a timer or a `close()` elsewhere made
 * it, re-stacked) on the async call's own chain, so V8's async stack trace
 * runs through `at async …` to the line that awaits it.
 */
import { assert, assertInstanceOf } from "@std/assert";
import * as socket from "../../mod.ts";
import { tempDir } from "../_helpers.ts";
import { AF_UNIX, has, test } from "../_caps.ts";

const S = socket;
const FILE = new URL(import.meta.url).href;

/** The line of this file that calls `here()`. */
function here(): number {
  const frame = new Error().stack!.split("\n")[2];
  return Number(/:(\d+):\d+\)?$/.exec(frame)![1]);
}

/**
 * Asserts `e` is an `Error` (and a `cls`) whose stack names line `line` of
 * this file. Each call below keeps the failing call and `here()` on one line.
 */
function at(e: unknown, line: number, cls: abstract new (...a: never[]) => unknown) {
  assertInstanceOf(e, cls);
  assertInstanceOf(e, Error);
  const stack = String(e.stack);
  assert(stack.includes(`${FILE}:${line}:`), `${e.name}: no frame at line ${line}:\n${stack}`);
  // The header is the error's own name and message (what V8 prints first).
  assert(stack.startsWith(`${e.name}: ${e.message}\n`), stack);
}

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("nothing was thrown");
}

async function rejected(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("the promise resolved");
}

/** A TCP port nobody listens on: bound (not listening) by `holder`. */
function refusingPort(): [holder: socket.Socket, port: number] {
  const holder = S.socket();
  holder.bind(["127.0.0.1", 0]);
  return [holder, holder.getsockname()[1]];
}

/** An AF_UNIX stream listener at a fresh path whose backlog is full. */
function fullUnixListener(dir: string): [socket.Socket, socket.Socket[], string] {
  const path = `${dir}/full.sock`;
  const srv = S.socket(S.AF_UNIX, S.SOCK_STREAM);
  srv.bind(path);
  srv.listen(0);
  const made: socket.Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const c = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    made.push(c);
    c.setblocking(false);
    if (c.connect_ex(path) !== 0) return [srv, made, path];
  }
  throw new Error("the kernel never reported a full AF_UNIX backlog");
}

Deno.test("error stacks: synchronous OS errors name the calling line", () => {
  const [holder, port] = refusingPort();
  using _h = holder;
  using s = S.socket();
  at(caught(() => s.connect(["127.0.0.1", port])), here(), S.ConnectionRefusedError);
  using t = S.socket();
  at(caught(() => t.bind(holder.getsockname())), here(), Deno.errors.AddrInUse);
  at(
    caught(() => S.create_connection(["127.0.0.1", port])),
    here() - 1,
    Deno.errors.ConnectionRefused,
  );
  at(caught(() => S.create_server(holder.getsockname())), here(), S.error);
  if (has(AF_UNIX)) {
    using dir = tempDir();
    using u = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    at(caught(() => u.connect(`${dir.path}/none`)), here(), S.FileNotFoundError);
    using d = S.socket(S.AF_UNIX, S.SOCK_DGRAM);
    at(caught(() => d.sendto("x", `${dir.path}/none`)), here(), Deno.errors.NotFound);
  }
  // EBADF after close(), and an errno with no Deno class (ENOPROTOOPT)
  const closed = S.socket();
  closed.close();
  at(caught(() => closed.getsockname()), here(), Deno.errors.BadResource);
  at(caught(() => s.getsockopt(12345, 1)), here(), S.error);
});

Deno.test("error stacks: timeouts, resolver errors and argument checks", () => {
  const [a, b] = S.socketpair();
  using _a = a, _b = b;
  a.settimeout(0.01);
  at(caught(() => a.recv(1)), here(), S.TimeoutError);
  const gai = () => S.getaddrinfo("nosuch.example", 80, 0, 0, 0, S.AI_NUMERICHOST);
  at(caught(gai), here() - 1, S.gaierror);
  at(caught(() => S.getnameinfo(["127.0.0.1", 80], 0xffff)), here(), S.gaierror);
  using s = S.socket();
  at(caught(() => s.connect(["h", "80" as never])), here(), TypeError); // deliberate: wrong type
  at(caught(() => s.connect(["127.0.0.1", 70000])), here(), RangeError);
  at(caught(() => S.errnoOf("ENOSUCH")), here(), RangeError);
});

Deno.test("error stacks: async OS errors name the awaiting line", async () => {
  const [holder, port] = refusingPort();
  using _h = holder;
  using s = S.socket();
  at(await rejected(s.connectAsync(["127.0.0.1", port])), here(), S.ConnectionRefusedError);
  if (has(AF_UNIX)) {
    using dir = tempDir();
    using u = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    at(await rejected(u.connectAsync(`${dir.path}/none`)), here(), S.FileNotFoundError);
    using d = S.socket(S.AF_UNIX, S.SOCK_DGRAM);
    const sent = d.sendtoAsync("x", `${dir.path}/none`);
    at(await rejected(sent), here() - 1, Deno.errors.NotFound);
  }
  const closed = S.socket();
  closed.close();
  at(await rejected(closed.recvAsync(1)), here(), Deno.errors.BadResource);
});

test(
  "error stacks: async errors made off the call's chain get the awaiting stack",
  [AF_UNIX],
  async () => {
    // A timer's timeout (recv, accept), and a close() elsewhere that fails a
    // pending wait: each is made outside the awaiting call, and re-stacked.
    const [a, b] = S.socketpair();
    using _a = a;
    a.settimeout(0.01);
    at(await rejected(a.recvAsync(1)), here(), Deno.errors.TimedOut);
    using srv = S.create_server(["127.0.0.1", 0]);
    srv.settimeout(0.01);
    at(await rejected(srv.acceptAsync()), here(), S.TimeoutError);
    const pending = b.recvAsync(1);
    setTimeout(() => b.close(), 1);
    at(await rejected(pending), here(), Deno.errors.BadResource);
    // connectAsync to a full AF_UNIX backlog retries on a timer until its timeout
    using dir = tempDir();
    const [full, made, path] = fullUnixListener(dir.path);
    using _f = full;
    try {
      using c = S.socket(S.AF_UNIX, S.SOCK_STREAM);
      c.settimeout(0.02);
      at(await rejected(c.connectAsync(path)), here(), S.TimeoutError);
    } finally {
      made.forEach((m) => m.close());
    }
  },
);

Deno.test("error stacks: async resolver errors and argument checks", async () => {
  const gai = S.getaddrinfoAsync("nosuch.example", 80, 0, 0, 0, S.AI_NUMERICHOST);
  at(await rejected(gai), here(), S.gaierror);
  using s = S.socket();
  at(await rejected(s.connectAsync(["h", "80" as never])), here(), TypeError); // deliberate: wrong type
  at(await rejected(s.connectAsync(["127.0.0.1", 70000])), here(), RangeError);
  using u = S.socket(S.AF_INET, S.SOCK_DGRAM);
  // (the send twins check their arguments before they return a promise)
  at(caught(() => u.sendtoAsync("x", ["127.0.0.1", -1])), here(), RangeError);
});
