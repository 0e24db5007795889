/**
 * Regression tests of issue #16 item 1: no result holds a byte the kernel
 * did not write for this call. Synchronous receives reuse per-thread scratch
 * memory (socket.ts's `recv` buffer, _scratch.ts's areas and the `recvfrom`
 * sender buffer); each test first fills that memory with a secret from
 * another socket, then checks one path.
 *
 * - `recv(n, MSG_TRUNC)` and `recv(n, MSG_PEEK | MSG_TRUNC)` on TCP: the
 *   kernel discards (or counts) bytes without copying them; the result has
 *   CPython's length and is zeros, not the previous receive's data.
 * - Addresses: fields past the length the kernel reported decode as zeros.
 * - Guards of the paths that were already right (they fail only if one of
 *   them moves to unzeroed shared memory): recvfrom/recvmsg/recvAsync and
 *   recvmmsg data, senders and ancillary data after a longer earlier one.
 */
import { assert, assertEquals } from "@std/assert";
import * as S from "../../mod.ts";
import { decodeAddress, SOCKADDR_MAX } from "../../socket/address/mod.ts";
import { struct } from "../../constants/mod.ts";
import { python, tempDir } from "../_helpers.ts";

const enc = new TextEncoder();
const SECRET = "password=hunter2 (another connection's data) ".repeat(4);
const PAYLOAD = "tcp payload that MSG_TRUNC discards"; // 35 bytes

/** Leaves SECRET in the synchronous `recv` scratch buffer (a receive on another socket). */
function fillRecvScratch(): void {
  const [x, y] = S.socketpair();
  using _x = x;
  using _y = y;
  x.sendall(SECRET);
  let got = 0;
  while (got < SECRET.length) got += y.recv(SECRET.length - got).length;
}

const zeros = (b: Uint8Array) => b.every((v) => v === 0);

/** A connected TCP pair over loopback whose receiver has `data` queued, all of it. */
function tcpWith(data: string): [S.Socket, S.Socket] & Disposable {
  using l = S.create_server(["127.0.0.1", 0]);
  const c = S.create_connection(l.getsockname());
  const [s] = l.accept();
  const both: [S.Socket, S.Socket] = [c, s];
  const pair = Object.assign(both, { [Symbol.dispose]: () => both.forEach((x) => x.close()) });
  c.sendall(data);
  // Bounded: loopback queues a small send at once; the peeks only wait for it.
  for (let i = 0; i < 1000 && s.recv(data.length, S.MSG_PEEK).length < data.length; i++);
  return pair;
}

Deno.test("scratch: TCP recv(n, MSG_TRUNC) returns CPython's length, as zeros", async () => {
  using p = tcpWith(PAYLOAD);
  const s = p[1];
  fillRecvScratch();
  const peeked = s.recv(30, S.MSG_PEEK | S.MSG_TRUNC);
  fillRecvScratch();
  const cut = s.recv(30, S.MSG_TRUNC);
  fillRecvScratch();
  const rest = s.recv(30, S.MSG_PEEK | S.MSG_TRUNC);
  assertEquals(peeked.length, 30);
  assert(
    zeros(peeked),
    `MSG_PEEK|MSG_TRUNC returned ${JSON.stringify(String.fromCharCode(...peeked))}`,
  );
  assertEquals(cut.length, 30);
  assert(zeros(cut), `MSG_TRUNC returned ${JSON.stringify(String.fromCharCode(...cut))}`);
  assertEquals(rest.length, 5);
  assert(zeros(rest));
  // The 30 bytes were discarded, the peek consumed nothing.
  assertEquals(new TextDecoder().decode(s.recv(100)), PAYLOAD.slice(30));
  // CPython's lengths for the same calls (its bytes are uninitialized memory).
  const py = await python(
    `
import socket, sys
l = socket.create_server(("127.0.0.1", 0))
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
c.sendall(sys.argv[1].encode())
while len(s.recv(100, socket.MSG_PEEK)) < len(sys.argv[1]): pass
T, P = socket.MSG_TRUNC, socket.MSG_PEEK
print(len(s.recv(30, P | T)), len(s.recv(30, T)), len(s.recv(30, P | T)), s.recv(100).decode())
`,
    PAYLOAD,
  );
  assertEquals(py.trim(), `30 30 5 ${PAYLOAD.slice(30)}`);
});

Deno.test("scratch: MSG_TRUNC beyond the scratch buffer, and of one byte", () => {
  using p = tcpWith(PAYLOAD);
  const s = p[1];
  fillRecvScratch();
  // Only 35 bytes queued: the kernel reports 35, wrote none.
  const big = s.recv(100_000, S.MSG_TRUNC);
  assertEquals(big.length, PAYLOAD.length);
  assert(zeros(big));
  p[0].sendall("x");
  for (let i = 0; i < 1000 && s.recv(1, S.MSG_PEEK).length < 1; i++);
  fillRecvScratch();
  const one = s.recv(1, S.MSG_TRUNC);
  assertEquals([...one], [0]);
});

Deno.test("scratch: the other receive calls give zeros for TCP MSG_TRUNC (guard)", async () => {
  using p = tcpWith(PAYLOAD.repeat(4));
  const s = p[1];
  fillRecvScratch();
  const [a, from] = s.recvfrom(10, S.MSG_TRUNC);
  assertEquals([a.length, zeros(a), from], [10, true, null]);
  fillRecvScratch();
  const [m, anc, , addr] = s.recvmsg(10, 64, S.MSG_TRUNC);
  assertEquals([m.length, zeros(m), anc, addr], [10, true, [], null]);
  fillRecvScratch();
  const r = await s.recvAsync(10, S.MSG_TRUNC);
  assertEquals([r.length, zeros(r)], [10, true]);
  fillRecvScratch();
  const [ra, rfrom] = await s.recvfromAsync(10, S.MSG_TRUNC);
  assertEquals([ra.length, zeros(ra), rfrom], [10, true, null]);
  fillRecvScratch();
  const [[d]] = s.recvmmsg(10, 1, S.MSG_TRUNC);
  assertEquals([d.length, zeros(d)], [10, true]);
});

Deno.test("scratch: address fields past the reported length decode as zeros", () => {
  // A reused buffer: a whole AF_INET6 sockaddr from an earlier call...
  const SIN6 = struct("sockaddr_in6");
  const F = SIN6.fields;
  const buf = new Uint8Array(SOCKADDR_MAX).fill(0xee);
  const v = new DataView(buf.buffer);
  v.setUint16(struct("sockaddr").fields.sa_family.offset, S.AF_INET6, true);
  v.setUint16(F.sin6_port.offset, 4242, false);
  // ...of which this call's kernel wrote only the family and the port.
  const len = F.sin6_port.offset + 2;
  assertEquals(decodeAddress(buf, len), ["::", 4242, 0, 0]);
  // AF_INET: the address past a short length.
  const SIN = struct("sockaddr_in").fields;
  v.setUint16(struct("sockaddr").fields.sa_family.offset, S.AF_INET, true);
  v.setUint16(SIN.sin_port.offset, 80, false);
  assertEquals(decodeAddress(buf, SIN.sin_port.offset + 2), ["0.0.0.0", 80]);
  // Full lengths decode as before.
  buf.fill(0, 4, 16);
  buf.set([127, 0, 0, 1], SIN.sin_addr.offset);
  assertEquals(decodeAddress(buf, struct("sockaddr_in").size), ["127.0.0.1", 80]);
  // AF_PACKET: a hardware address whose sll_halen reaches past the length.
  if (S.AF_PACKET !== undefined) {
    const LL = struct("sockaddr_ll").fields;
    const ll = new Uint8Array(64).fill(0xee);
    const lv = new DataView(ll.buffer);
    lv.setUint16(struct("sockaddr").fields.sa_family.offset, S.AF_PACKET, true);
    lv.setUint32(LL.sll_ifindex.offset, 1, true);
    ll[LL.sll_halen.offset] = 6;
    const cut = LL.sll_addr.offset + 2;
    const [, , , , hw] = decodeAddress(ll, cut) as S.PacketAddress; // the family is in the bytes
    assertEquals([...hw], [0xee, 0xee, 0, 0, 0, 0]);
  }
});

Deno.test("scratch: senders and ancillary data after longer earlier ones (guard)", () => {
  using dir = tempDir();
  const long = `${dir.path}/${"l".repeat(60)}`;
  const short = `${dir.path}/s`;
  using rx = S.socket(S.AF_UNIX, S.SOCK_DGRAM);
  rx.bind(`${dir.path}/rx`);
  using txLong = S.socket(S.AF_UNIX, S.SOCK_DGRAM);
  txLong.bind(long);
  using txShort = S.socket(S.AF_UNIX, S.SOCK_DGRAM);
  txShort.bind(short);
  using unnamed = S.socket(S.AF_UNIX, S.SOCK_DGRAM);
  const to = rx.getsockname();
  const fds = S.packFds([rx.fileno(), rx.fileno()]);
  // recvfrom / recvfrom_into: the sender buffer holds the long path first.
  txLong.sendto("a", to);
  assertEquals(rx.recvfrom(8)[1], long);
  txShort.sendto("b", to);
  assertEquals(rx.recvfrom(8)[1], short);
  txLong.sendto("c", to);
  rx.recvfrom(8);
  unnamed.sendto("d", to);
  assertEquals(rx.recvfrom_into(new Uint8Array(8))[1], null);
  // recvmsg: name and control areas hold the long path and two descriptors.
  txLong.sendmsg(["e"], [[S.SOL_SOCKET, S.SCM_RIGHTS, fds]], 0, to);
  const [, anc1, , a1] = rx.recvmsg(8, S.CMSG_SPACE(8));
  assertEquals(a1, long);
  for (const [, , d] of anc1) S.unpackFds(d).forEach((fd) => S.close(fd));
  txShort.sendmsg(["f"], [], 0, to);
  const [data, anc2, flags, a2] = rx.recvmsg(8, S.CMSG_SPACE(8));
  assertEquals([data, anc2, flags, a2], [enc.encode("f"), [], 0, short]);
  txLong.sendmsg(["g"], [[S.SOL_SOCKET, S.SCM_RIGHTS, fds]], 0, to);
  const [, anc3] = rx.recvmsg(8, S.CMSG_SPACE(8));
  for (const [, , d] of anc3) S.unpackFds(d).forEach((fd) => S.close(fd));
  unnamed.sendmsg(["h"], [], 0, to);
  assertEquals(rx.recvmsg(8, S.CMSG_SPACE(8)).slice(1), [[], 0, null]);
  // recvmmsg: the same, in the batch areas.
  txLong.sendto("i", to);
  assertEquals(rx.recvmmsg(8, 4).map(([d, a]) => [d.length, a]), [[1, long]]);
  txShort.sendto("j", to);
  unnamed.sendto("k", to);
  assertEquals(rx.recvmmsg(8, 4).map(([d, a]) => [d.length, a]), [[1, short], [1, null]]);
});

Deno.test("scratch: receives copy out of the shared buffer they receive into", async () => {
  // recv, recvfrom, recvAsync and recvfromAsync receive into one scratch
  // buffer and copy the bytes out: each result is its own memory, which a
  // later receive (of any kind, on any socket) never overwrites.
  using u = S.socket(S.AF_INET, S.SOCK_DGRAM);
  u.bind(["127.0.0.1", 0]);
  using v = S.socket(S.AF_INET, S.SOCK_DGRAM);
  v.bind(["127.0.0.1", 0]);
  const [x, y] = S.socketpair();
  using _x = x;
  using _y = y;
  for (const m of ["first datagram", "second", "third one", "4th", "fifth"]) {
    v.sendto(m, u.getsockname());
  }
  x.sendall("stream bytes");
  const [a, from] = await u.recvfromAsync(100);
  const b = await u.recvAsync(100);
  const c = await y.recvAsync(100);
  fillRecvScratch();
  const [d] = await u.recvfromAsync(100);
  const [e] = u.recvfrom(100);
  const f = u.recv(100);
  fillRecvScratch();
  const dec = (z: Uint8Array) => new TextDecoder().decode(z);
  assertEquals([a, b, c, d, e, f].map(dec), [
    "first datagram",
    "second",
    "stream bytes",
    "third one",
    "4th",
    "fifth",
  ]);
  assertEquals(from, v.getsockname());
  // Each result has a buffer of its own, of exactly its length.
  for (const z of [a, b, c, d, e, f]) assertEquals(z.buffer.byteLength, z.length);
});
