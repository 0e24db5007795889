/**
 * Tests of `Socket.readable` (a byte `ReadableStream`) and `Socket.writable`
 * (a `WritableStream`): BYOB reads, `pipeTo`, `pipeThrough`, writers,
 * half-close on closing the writable, cancel, and a 10 MB transfer.
 */

import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import * as socket from "../../mod.ts";
import type { Socket } from "../../mod.ts";
import { reactor } from "../../sys/reactor.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A connected TCP pair `[client, accepted]`. */
function tcpPair(): [Socket, Socket] {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const c = socket.socket();
  c.connect(srv.getsockname());
  const [conn] = srv.accept();
  return [c, conn];
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("streams: readable is a byte stream with BYOB reads", async () => {
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  assertInstanceOf(b.readable, ReadableStream);
  assert(b.readable === b.readable, "one stream per socket");
  const reader = b.readable.getReader({ mode: "byob" });

  a.sendall("hello world");
  let { value, done } = await reader.read(new Uint8Array(5));
  assertEquals(done, false);
  assertEquals(dec.decode(value), "hello");
  ({ value } = await reader.read(new Uint8Array(64)));
  assertEquals(dec.decode(value), " world");

  // A read that waits for data, into a view at an offset.
  const backing = new Uint8Array(16);
  const pending = reader.read(backing.subarray(4, 12));
  setTimeout(() => a.send("later"), 10);
  ({ value } = await pending);
  assertEquals(value?.byteOffset, 4);
  assertEquals(dec.decode(value), "later");

  // min: fills at least that many bytes across several receives.
  const atLeast = reader.read(new Uint8Array(6), { min: 6 });
  a.send("abc");
  setTimeout(() => a.send("def"), 10);
  ({ value } = await atLeast);
  assertEquals(dec.decode(value), "abcdef");

  // End of stream.
  a.shutdown(socket.SHUT_WR);
  ({ value, done } = await reader.read(new Uint8Array(8)));
  assertEquals(done, true);
  assertEquals(value?.length ?? 0, 0);
  reader.releaseLock();
});

Deno.test("streams: default reader, pipeTo and pipeThrough(TextDecoderStream)", async () => {
  // Default reader over TCP.
  {
    const [a, b] = tcpPair();
    using _a = a;
    using _b = b;
    a.sendall("over tcp");
    a.shutdown(socket.SHUT_WR);
    assertEquals(dec.decode(await collect(b.readable)), "over tcp");
  }
  // pipeTo a WritableStream sink.
  {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    const chunks: string[] = [];
    const piping = b.readable.pipeTo(
      new WritableStream({ write: (c) => void chunks.push(dec.decode(c, { stream: true })) }),
    );
    await a.sendallAsync("one ");
    await a.sendallAsync("two ");
    await a.sendallAsync("three");
    a.shutdown(socket.SHUT_WR);
    await piping;
    assertEquals(chunks.join(""), "one two three");
  }
  // pipeThrough a TextDecoderStream, with a multi-byte character split
  // across two sends.
  {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    const text = "naïve — ünïcödé ✓";
    const raw = enc.encode(text);
    const split = raw.indexOf(0xe2) + 1; // in the middle of "—"
    const parts: string[] = [];
    const reading = (async () => {
      for await (const s of b.readable.pipeThrough(new TextDecoderStream())) parts.push(s);
    })();
    a.sendall(raw.subarray(0, split));
    await new Promise((r) => setTimeout(r, 10));
    a.sendall(raw.subarray(split));
    a.shutdown(socket.SHUT_WR);
    await reading;
    assertEquals(parts.join(""), text);
  }
  // socket → socket: pipe one connection's readable into another's writable.
  {
    const [a, b] = socket.socketpair();
    const [c, d] = socket.socketpair();
    using _a = a;
    using _b = b;
    using _c = c;
    using _d = d;
    const relay = b.readable.pipeTo(c.writable); // closes c's write half at the end
    a.sendall("relayed");
    a.shutdown(socket.SHUT_WR);
    assertEquals(dec.decode(await collect(d.readable)), "relayed");
    await relay;
  }
});

Deno.test("streams: writable with a writer; close() half-closes", async () => {
  const [a, b] = tcpPair();
  using _a = a;
  using _b = b;
  assertInstanceOf(a.writable, WritableStream);
  const writer = a.writable.getWriter();
  await writer.write(enc.encode("first "));
  await writer.write(enc.encode("second"));
  await writer.close();
  // The peer reads everything, then end of stream.
  let text = "";
  for (;;) {
    const d = await b.recvAsync(100);
    if (d.length === 0) break;
    text += dec.decode(d);
  }
  assertEquals(text, "first second");
  // Only the write half is closed: a still receives.
  await b.sendallAsync("reply");
  assertEquals(dec.decode(await a.recvAsync(100)), "reply");
  // And a's writes now fail (the write half is shut down).
  await assertRejects(() => a.sendAsync("x"), socket.BrokenPipeError);
});

Deno.test("streams: cancelling readable shuts down the read half", async () => {
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  const reader = b.readable.getReader();
  a.sendall("x");
  assertEquals(dec.decode((await reader.read()).value), "x");
  await reader.cancel();
  // After SHUT_RD a recv returns end of stream at once.
  assertEquals(b.recv(10).length, 0);
});

Deno.test("streams: cancelling with a read pending ends that read", async () => {
  for (const [a, b] of [socket.socketpair(), tcpPair()]) {
    using _a = a;
    using _b = b;
    const reader = b.readable.getReader();
    const pending = reader.read();
    await new Promise((r) => setTimeout(r, 10));
    assertEquals(reactor.pending(b.fileno()), 1);
    await reader.cancel();
    assertEquals(await pending, { value: undefined, done: true });
    // The shutdown wakes the pending receive: no waiter is left behind
    // (polled for, as emulated runs are slow).
    for (let t = 0; t < 500 && reactor.pending(b.fileno()) > 0; t++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assertEquals(reactor.pending(b.fileno()), 0);
  }
});

Deno.test("streams: closing the socket errors a pending read", async () => {
  const [a, b] = socket.socketpair();
  using _a = a;
  const reader = b.readable.getReader();
  const pending = reader.read();
  setTimeout(() => b.close(), 10);
  const e = await assertRejects(() => pending, socket.error);
  assertEquals((e as socket.error).errno, socket.EBADF);
});

Deno.test("streams: a 10 MB transfer through streams arrives intact", async () => {
  const [a, b] = tcpPair();
  using _a = a;
  using _b = b;
  const SIZE = 10 * 1024 * 1024;
  const CHUNK = 100_000; // not a divisor of the socket buffers
  // Deterministic, non-repeating-per-chunk data.
  const data = new Uint8Array(SIZE);
  let x = 12345;
  for (let i = 0; i < SIZE; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  let offset = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= SIZE) return controller.close();
      const end = Math.min(SIZE, offset + CHUNK);
      controller.enqueue(data.slice(offset, end));
      offset = end;
    },
  });
  const [received] = await Promise.all([
    collect(b.readable),
    source.pipeTo(a.writable), // ends with SHUT_WR: b's stream sees end of stream
  ]);
  assertEquals(received.length, SIZE);
  const hash = async (u: Uint8Array) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", u.slice()));
  assertEquals(await hash(received), await hash(data));
  assert(received.every((v, i) => v === data[i]));
});
