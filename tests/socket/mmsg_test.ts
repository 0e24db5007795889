// Batch UDP: recvmmsg/recvmmsg_into/sendmmsg and their async twins, GSO
// (UDP_SEGMENT) and GRO (UDP_GRO), against real loopback sockets and python3.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";

/** A UDP socket over IPv4: its addresses are `[host, port]`. */
type Sock = socket.Socket<typeof socket.AF_INET, typeof socket.SOCK_DGRAM>;

function udpPair(): [Sock, Sock] {
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20);
  rx.bind(["127.0.0.1", 0]);
  const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.bind(["127.0.0.1", 0]);
  return [rx, tx];
}

function seqBytes(sender: number, seq: number): Uint8Array {
  const b = new Uint8Array(64);
  const v = new DataView(b.buffer);
  v.setUint32(0, sender);
  v.setUint32(4, seq);
  return b;
}

Deno.test("recvmmsg: 10,000 datagrams from two senders, none lost, in order, addresses right", () => {
  const [rx, a] = udpPair();
  using _rx = rx, _a = a;
  using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  b.bind(["127.0.0.1", 0]);
  const senders = [a, b];
  const names = senders.map((s) => JSON.stringify(s.getsockname()));
  const to = rx.getsockname();
  const next = [0, 0];
  const expected = [0, 0];
  let received = 0;
  let batches = 0;
  const TOTAL = 10_000;
  while (received < TOTAL) {
    // Flow control: one batch of up to 64 in flight (32 per sender), so the
    // receive buffer can never overflow and "no loss" is a real check.
    let queued = 0;
    for (const [i, s] of senders.entries()) {
      const msgs: [Uint8Array, [string, number]][] = [];
      for (let k = 0; k < 32 && next[0] + next[1] < TOTAL; k++) {
        msgs.push([seqBytes(i, next[i]++), to]);
      }
      if (msgs.length) assertEquals(s.sendmmsg(msgs), msgs.length);
      queued += msgs.length;
    }
    let got = 0;
    while (got < queued) {
      const batch = rx.recvmmsg(2048, 64);
      batches++;
      for (const [data, address, ancdata, flags] of batch) {
        const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
        const sender = v.getUint32(0), seq = v.getUint32(4);
        assertEquals(data.length, 64);
        assertEquals(JSON.stringify(address), names[sender]);
        assertEquals(ancdata, []);
        assertEquals(flags, 0);
        // per sender, datagrams arrive in the order they were sent
        assertEquals(seq, expected[sender]++);
      }
      // Each result owns its address: changing one changes no other.
      const addrs = batch.map(([, address]) => address);
      if (addrs.length > 1) {
        addrs[0][1] = -1;
        assert(addrs.slice(1).every((x) => x[1] !== -1), "results share an address array");
      }
      got += batch.length;
    }
    received += got;
  }
  assertEquals(expected[0] + expected[1], TOTAL);
  assert(batches < TOTAL, `one datagram per call (${batches} calls): not batched`);
});
Deno.test("recvmmsg: a partial batch returns what is queued; non-blocking EAGAIN after it", () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  const to = rx.getsockname();
  assertEquals(tx.sendmmsg([["1", to], ["22", to], ["333", to]]), 3);
  rx.setblocking(false);
  const got = rx.recvmmsg(100, 10);
  assertEquals(got.map(([d]) => new TextDecoder().decode(d)), ["1", "22", "333"]);
  assertThrows(() => rx.recvmmsg(100, 10), socket.BlockingIOError);
  // with a timeout: TimeoutError when nothing comes
  rx.settimeout(0.05);
  assertThrows(() => rx.recvmmsg_into([new Uint8Array(8)]), socket.TimeoutError);
});

Deno.test("recvmmsg: a datagram longer than bufsize is cut and flagged MSG_TRUNC", () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  tx.sendto(new Uint8Array(100).fill(7), rx.getsockname());
  const [[data, , , flags]] = rx.recvmmsg(10, 4);
  assertEquals(data, new Uint8Array(10).fill(7));
  assert(flags & socket.MSG_TRUNC);
});

Deno.test("recvmmsg_into: into views with offsets and a DataView, counts per buffer", () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  const to = rx.getsockname();
  tx.sendmmsg([["abc", to], ["defgh", to]]);
  const big = new Uint8Array(64);
  const first = big.subarray(8, 16);
  const second = new DataView(new ArrayBuffer(32), 4, 8);
  const got = rx.recvmmsg_into([first, second]);
  assertEquals(got.map(([n]) => n), [3, 5]);
  assertEquals(new TextDecoder().decode(big.subarray(8, 11)), "abc");
  assertEquals(
    new TextDecoder().decode(new Uint8Array(second.buffer, 4, 5)),
    "defgh",
  );
  assertEquals(big[7], 0); // nothing written before the view
});

Deno.test("recvmmsgAsync / sendmmsgAsync: wait on the reactor, then take the batch", async () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  const to = rx.getsockname();
  const pending = rx.recvmmsgAsync(100, 8);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  await new Promise((r) => setTimeout(r, 20));
  assertEquals(await tx.sendmmsgAsync([["x", to], ["y", to]]), 2);
  const got = await pending;
  clearInterval(timer);
  assert(ticks > 0, "the event loop kept running while recvmmsgAsync waited");
  const texts = got.map(([d]) => new TextDecoder().decode(d));
  // the first wakes the wait; the second may or may not be queued by then
  assertEquals(texts[0], "x");
  if (texts.length === 1) {
    const [[d]] = await rx.recvmmsgAsync(100, 8);
    texts.push(new TextDecoder().decode(d));
  }
  assertEquals(texts, ["x", "y"]);
});

Deno.test("recvmmsg_intoAsync: a buffer detached while waiting is a TypeError", async () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  const ab = new ArrayBuffer(64);
  const pending = rx.recvmmsg_intoAsync([new Uint8Array(ab)]);
  ab.transfer(8);
  tx.sendto("data", rx.getsockname());
  await assertRejects(() => pending, TypeError);
  // the datagram was not consumed by the failed call
  const [[n]] = rx.recvmmsg_into([new Uint8Array(8)]);
  assertEquals(n, 4);
});

Deno.test("recvmmsgAsync: abort and close reject, the socket stays usable after abort", async () => {
  const [rx, tx] = udpPair();
  using _tx = tx;
  const ac = new AbortController();
  const pending = rx.recvmmsgAsync(100, 4, 0, 0, { signal: ac.signal });
  ac.abort(new Error("stop"));
  await assertRejects(() => pending, Error, "stop");
  tx.sendto("ok", rx.getsockname());
  assertEquals((await rx.recvmmsgAsync(100, 4)).length, 1);
  const closing = rx.recvmmsgAsync(100, 4);
  rx.close();
  await assertRejects(() => closing, socket.error);
});

Deno.test("sendmmsg: both message forms, ancillary data, a connected socket", () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  const to = rx.getsockname();
  assertEquals(
    tx.sendmmsg([
      ["plain", to],
      [["gath", "ered"], [], 0, to],
      [[new Uint8Array([1, 2])], null, null, to],
    ]),
    3,
  );
  tx.connect(to);
  assertEquals(tx.sendmmsg([["conn"], [["ected"]]]), 2);
  const got = rx.recvmmsg(100, 10).map(([d]) => Array.from(d));
  const text = (s: string) => Array.from(new TextEncoder().encode(s));
  assertEquals(got, [text("plain"), text("gathered"), [1, 2], text("conn"), text("ected")]);
});

Deno.test("recvmmsg/sendmmsg: a bad vlen or batch size is RangeError/TypeError before any syscall", () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  const to = rx.getsockname();
  for (const vlen of [0, -1, 1025, 2 ** 31, 2 ** 32]) {
    assertThrows(() => rx.recvmmsg(100, vlen), RangeError);
  }
  for (const vlen of [1.5, NaN, "4", null]) {
    assertThrows(() => rx.recvmmsg(100, vlen as number), TypeError); // deliberate: bad vlen
  }
  assertThrows(() => rx.recvmmsg(-1, 4), RangeError);
  assertThrows(() => rx.recvmmsg(0x7fff_0000, 1024), RangeError); // bufsize × vlen
  assertThrows(() => rx.recvmmsg_into([]), RangeError);
  assertThrows(() => rx.recvmmsg_into(new Array(1025).fill(new Uint8Array(1))), RangeError);
  assertThrows(() => rx.recvmmsg_into([{}] as unknown as Uint8Array[]), TypeError); // deliberate: not a buffer
  assertThrows(() => tx.sendmmsg([]), RangeError);
  assertThrows(
    () => tx.sendmmsg(Array.from({ length: 1025 }, () => ["x", to] as const)),
    RangeError,
  );
  // an endless iterable is cut off at the limit, not expanded
  function* forever() {
    for (;;) yield ["x", to] as const;
  }
  assertThrows(() => tx.sendmmsg(forever()), RangeError);
  assertThrows(() => tx.sendmmsg([[["x"], [], socket.MSG_DONTWAIT, to]]), RangeError);
  assertThrows(() => tx.sendmmsg(["x"] as never), TypeError); // deliberate: not a message
  assertThrows(() => tx.sendmmsg(42 as never), TypeError); // deliberate: not iterable
});

Deno.test("GSO: one sendmsg with UDP_SEGMENT arrives at python3 as separate datagrams", async () => {
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const code = `
import socket, sys, json
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
s.settimeout(10)
print(json.dumps([len(s.recv(65535)) for _ in range(4)]), flush=True)
`;
  const child = new Deno.Command("python3", {
    args: ["-c", code],
    stdout: "piped",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) out += (await reader.read()).value ?? "";
  const port = Number(out.trim());
  // per message: ancillary UDP_SEGMENT; per socket: the option
  tx.sendmsg(
    [new Uint8Array(2500)],
    [[socket.SOL_UDP, socket.UDP_SEGMENT, socket.packUdpSegment(1000)]],
    0,
    ["127.0.0.1", port],
  );
  tx.setsockopt(socket.SOL_UDP, socket.UDP_SEGMENT, 600);
  tx.sendto(new Uint8Array(600), ["127.0.0.1", port]);
  out = out.slice(out.indexOf("\n") + 1);
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  assert((await child.status).success);
  assertEquals(JSON.parse(out), [1000, 1000, 500, 600]);
});

Deno.test("GRO: a GSO burst arrives as one buffer with its segment size", () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  rx.setsockopt(socket.SOL_UDP, socket.UDP_GRO, 1);
  assertEquals(rx.getsockopt(socket.SOL_UDP, socket.UDP_GRO), 1);
  tx.sendmsg(
    [new Uint8Array(3000).fill(9)],
    [[socket.SOL_UDP, socket.UDP_SEGMENT, socket.packUdpSegment(1000)]],
    0,
    rx.getsockname(),
  );
  const [data, ancdata] = rx.recvmsg(65535, socket.CMSG_SPACE(4));
  assertEquals(data.length, 3000);
  assertEquals(socket.udpGroSegment(ancdata), 1000);
  // recvmmsg reports it per datagram too
  tx.sendmsg(
    [new Uint8Array(2000)],
    [[socket.SOL_UDP, socket.UDP_SEGMENT, socket.packUdpSegment(500)]],
    0,
    rx.getsockname(),
  );
  const [[d2, , anc2]] = rx.recvmmsg(65535, 4, 0, socket.CMSG_SPACE(4));
  assertEquals([d2.length, socket.udpGroSegment(anc2)], [2000, 500]);
  // a plain datagram carries no GRO item
  tx.sendto("x", rx.getsockname());
  assertEquals(socket.udpGroSegment(rx.recvmsg(100, socket.CMSG_SPACE(4))[1]), null);
  assertThrows(() => socket.packUdpSegment(0), RangeError);
  assertThrows(() => socket.packUdpSegment(65536), RangeError);
});

Deno.test("sendmmsg: python3 receives every datagram of a batch", async () => {
  const [rx, tx] = udpPair();
  rx.close();
  using _tx = tx;
  const code = `
import socket, json
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
s.settimeout(10)
print(json.dumps([s.recv(100).decode() for _ in range(50)]), flush=True)
`;
  const child = new Deno.Command("python3", { args: ["-c", code], stdout: "piped" }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) out += (await lines.read()).value ?? "";
  const port = Number(out.slice(0, out.indexOf("\n")));
  out = out.slice(out.indexOf("\n") + 1);
  const msgs = Array.from({ length: 50 }, (_, i) => [`m${i}`, ["127.0.0.1", port]] as const);
  assertEquals(tx.sendmmsg(msgs), 50);
  for (;;) {
    if (out.includes("\n")) break;
    const { value, done } = await lines.read();
    if (done) break;
    out += value;
  }
  lines.releaseLock();
  await child.stdout.cancel().catch(() => {});
  await child.status;
  assertEquals(JSON.parse(out), msgs.map(([m]) => m));
});

Deno.test("recvmmsg_intoAsync: a buffer shrunk while waiting is used at its new size", async () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  const ab = new ArrayBuffer(64, { maxByteLength: 64 });
  const pending = rx.recvmmsg_intoAsync([new Uint8Array(ab)]);
  ab.resize(4);
  tx.sendto("datadata", rx.getsockname());
  const [[n, , , flags]] = await pending;
  assertEquals(n, 4);
  assert(flags & socket.MSG_TRUNC, "the rest of the datagram was cut, not written past the buffer");
  assertEquals(new TextDecoder().decode(new Uint8Array(ab)), "data");
});

Deno.test("recvmmsg_into/sendmmsg: reused buffers land right across growth, GC and transfers", () => {
  const [rx, tx] = udpPair();
  using _rx = rx, _tx = tx;
  const to = rx.getsockname();
  // Small buffers (V8 keeps ≤ 64-byte arrays in its heap until their memory
  // is first asked for), a view at an offset into a resizable buffer that
  // grows between calls, and a buffer transferred away and replaced.
  const small = [new Uint8Array(16), new Uint8Array(16)];
  const rab = new ArrayBuffer(64, { maxByteLength: 1 << 20 });
  const grown = new Uint8Array(rab, 8, 16);
  let moved = new Uint8Array(32);
  for (let round = 0; round < 30; round++) {
    const msgs = [0, 1, 2, 3].map((k) => [seqBytes(k, round).subarray(0, 8), to] as const);
    assertEquals(tx.sendmmsg(msgs), 4);
    const got = rx.recvmmsg_into([small[0], small[1], grown, moved]);
    assertEquals(got.map(([n]) => n), [8, 8, 8, 8]);
    [small[0], small[1], grown, moved].forEach((b, k) => {
      assertEquals(
        [...b.subarray(0, 8)],
        [...seqBytes(k, round).subarray(0, 8)],
        `buffer ${k}, round ${round}`,
      );
    });
    // Between calls: garbage enough for the GC to move things around, a
    // bigger resizable buffer, and a transfer of the last buffer.
    for (let i = 0; i < 2000; i++) new Array(64).fill(i);
    rab.resize(Math.min(rab.maxByteLength, rab.byteLength * 2));
    moved = new Uint8Array(moved.buffer.transfer());
  }
});
