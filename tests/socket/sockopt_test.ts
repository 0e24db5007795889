/**
 * The typed option helpers (sockopt.ts, packUcred/unpackUcred): each
 * against a real socket, and against python's `struct.pack` where python
 * can produce the same bytes.
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { py, pySpawn } from "../_py.ts";
import { DENO_PREFIX } from "../_helpers.ts";

const dec = new TextDecoder();
/** qemu-user (the aarch64 CI) answers getsockopt(TCP_INFO) with 4 bytes, as if it were an int. */
const QEMU = DENO_PREFIX.some((p) => p.includes("qemu"));

Deno.test("sockopt: packLinger is struct.pack('ii'); SO_LINGER reads back", async () => {
  const want = await py<Uint8Array[]>(`
import struct
out = [struct.pack('ii', 1, 7), struct.pack('ii', 0, 0)]`);
  assertEquals(socket.packLinger([true, 7]), want[0]);
  assertEquals(socket.packLinger([false, 0]), want[1]);
  using s = socket.socket();
  assertEquals(socket.unpackLinger(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)), [
    false,
    0,
  ]);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, socket.packLinger([true, 7]));
  assertEquals(socket.unpackLinger(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)), [
    true,
    7,
  ]);
  assertThrows(() => socket.packLinger([true, 2 ** 31]), RangeError);
  assertThrows(() => socket.packLinger([1 as unknown as boolean, 0]), TypeError); // deliberate: not a boolean
  assertThrows(() => socket.unpackLinger(new Uint8Array(4)), RangeError);
});

Deno.test("sockopt: linger 0 resets the connection: python sees ECONNRESET", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1];
  const peer = pySpawn<string>(`
s = socket.create_connection(("127.0.0.1", ${port}))
s.sendall(b"x")
try:
    s.recv(10)
    s.recv(10)
    out = "no reset"
except ConnectionResetError as e:
    out = errno.errorcode[e.errno]`);
  const [conn] = srv.accept();
  assertEquals(dec.decode(conn.recv(1)), "x");
  conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, socket.packLinger([true, 0]));
  conn.close();
  assertEquals(await peer.result(), "ECONNRESET");
});

Deno.test("sockopt: packTimeval is struct.pack('ll'); SO_RCVTIMEO round-trips and expires", async () => {
  const want = await py<Uint8Array[]>(`
import struct
out = [struct.pack('ll', 1, 500000), struct.pack('ll', 0, 0), struct.pack('ll', 3, 1)]`);
  assertEquals(socket.packTimeval(1.5), want[0]);
  assertEquals(socket.packTimeval(0), want[1]);
  assertEquals(socket.packTimeval(3.000001), want[2]);
  assertEquals(socket.unpackTimeval(want[0]), 1.5);
  assertEquals(socket.packTimeval(0.9999999), socket.packTimeval(1));
  assertThrows(() => socket.packTimeval(-1), RangeError);
  assertThrows(() => socket.packTimeval(Infinity), RangeError);
  assertThrows(() => socket.packTimeval("1" as unknown as number), TypeError); // deliberate: not a number

  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, socket.packTimeval(0.25));
  const tv = s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, socket.TIMEVAL_SIZE);
  assertEquals(tv.length, socket.TIMEVAL_SIZE);
  // The kernel keeps the timeout in clock ticks and may round it up by one.
  const back = socket.unpackTimeval(tv);
  assert(back >= 0.25 && back <= 0.27, `SO_RCVTIMEO read back as ${back}`);
  // A blocking recv with nothing to read now fails with EAGAIN after the
  // kernel's timeout instead of blocking forever.
  const e = assertThrows(() => s.recv(16), socket.error);
  assertEquals(e.code, "EAGAIN");
});

Deno.test("sockopt: packUcred is struct.pack('iII'); SO_PEERCRED names python's pid", async () => {
  const [pid, uid, gid] = [Deno.pid, Deno.uid() ?? 0, Deno.gid() ?? 0];
  const want = await py<Uint8Array>(`
import struct
out = struct.pack('iII', ${pid}, ${uid}, ${gid})`);
  assertEquals(socket.packUcred([pid, uid, gid]), want);
  assertEquals(socket.unpackUcred(want), [pid, uid, gid]);

  const dir = Deno.makeTempDirSync({ prefix: "libc_socket_" });
  try {
    const path = `${dir}/s`;
    using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    srv.bind(path);
    srv.listen(1);
    const peer = pySpawn<number[]>(`
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(${JSON.stringify(path)})
s.recv(1)
out = [os.getpid(), os.getuid(), os.getgid()]`);
    const [conn] = srv.accept();
    const cred = socket.unpackUcred(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12));
    conn.send("k");
    conn.close();
    assertEquals(cred, await peer.result());
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("sockopt: unpackTcpInfo decodes python's own TCP_INFO bytes as python's struct.unpack does", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1];
  const peer = pySpawn<{ raw: Uint8Array; fields: number[] }>(`
import struct
s = socket.create_connection(("127.0.0.1", ${port}))
s.sendall(b"hello")
s.recv(1)
raw = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
out = {"raw": raw, "fields": list(struct.unpack('8B24I', raw))}`);
  const [conn] = srv.accept();
  assertEquals(dec.decode(conn.recv(5)), "hello");
  const mine = QEMU ? null : socket.getTcpInfo(conn);
  if (QEMU) console.log("getTcpInfo on our own socket skipped: qemu-user truncates TCP_INFO");
  conn.send("k");
  const { raw, fields } = await peer.result();
  conn.close();
  if (mine) {
    assertEquals(mine.state, socket.TCP_ESTABLISHED);
    assert(mine.snd_mss > 0 && mine.rcv_mss > 0 && mine.pmtu > 0, JSON.stringify(mine));
    assert(mine.last_data_recv >= 0);
  }

  assertEquals(raw.length, socket.TCP_INFO_SIZE);
  const info = socket.unpackTcpInfo(raw);
  // '8B': seven u8 fields (the seventh holds both wscale nibbles) and a
  // byte the glibc struct leaves as padding; then 24 u32s.
  const [state, ca_state, retransmits, probes, backoff, options, wscale, _pad, ...ints] = fields;
  assertEquals(
    [info.state, info.ca_state, info.retransmits, info.probes, info.backoff, info.options],
    [state, ca_state, retransmits, probes, backoff, options],
  );
  assertEquals([info.snd_wscale, info.rcv_wscale], [wscale & 15, wscale >> 4]);
  const names = [
    "rto",
    "ato",
    "snd_mss",
    "rcv_mss",
    "unacked",
    "sacked",
    "lost",
    "retrans",
    "fackets",
    "last_data_sent",
    "last_ack_sent",
    "last_data_recv",
    "last_ack_recv",
    "pmtu",
    "rcv_ssthresh",
    "rtt",
    "rttvar",
    "snd_ssthresh",
    "snd_cwnd",
    "advmss",
    "reordering",
    "rcv_rtt",
    "rcv_space",
    "total_retrans",
  ] as const;
  assertEquals(names.map((n) => info[n]), ints);
  assertEquals(info.state, socket.TCP_ESTABLISHED);
  assertThrows(() => socket.unpackTcpInfo(raw.subarray(0, 10)), RangeError);
  if (!QEMU) {
    using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    assertEquals(assertThrows(() => socket.getTcpInfo(udp), socket.error).code, "EOPNOTSUPP");
  }
});

Deno.test("sockopt: in_pktinfo: struct.pack('i4s4s'); IP_PKTINFO from a python sender; sendmsg with it", async () => {
  const want = await py<Uint8Array>(`
import struct
out = struct.pack('i4s4s', 1, socket.inet_aton("127.0.0.1"), socket.inet_aton("127.0.0.2"))`);
  assertEquals(socket.packInPktinfo([1, "127.0.0.1", "127.0.0.2"]), want);
  assertEquals(socket.unpackInPktinfo(want), [1, "127.0.0.1", "127.0.0.2"]);

  using r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  r.bind(["0.0.0.0", 0]);
  r.setsockopt(socket.IPPROTO_IP, socket.IP_PKTINFO, 1);
  const port = r.getsockname()[1];
  await py(`
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"to .3", ("127.0.0.3", ${port}))`);
  r.settimeout(10);
  const [data, anc] = r.recvmsg(
    64,
    socket.CMSG_SPACE(socket.packInPktinfo([0, "0.0.0.0", "0.0.0.0"]).length),
  );
  assertEquals(dec.decode(data), "to .3");
  assertEquals(anc.length, 1);
  assertEquals([anc[0][0], anc[0][1]], [socket.IPPROTO_IP, socket.IP_PKTINFO]);
  assertEquals(socket.unpackInPktinfo(anc[0][2]), [
    socket.if_nametoindex("lo"),
    "127.0.0.3",
    "127.0.0.3",
  ]);

  // Our sendmsg picks the source address through IP_PKTINFO's spec_dst:
  // python sees the datagram come from 127.0.0.5.
  const peer = pySpawn<[string, string]>(`
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(("127.0.0.1", 0))
r.sendto(str(r.getsockname()[1]).encode(), ("127.0.0.1", ${port}))
r.settimeout(10)
data, addr = r.recvfrom(64)
out = [data.decode(), addr[0]]`);
  const [portMsg] = r.recvfrom(16);
  const info = socket.packInPktinfo([0, "127.0.0.5", "0.0.0.0"]);
  r.sendmsg(["from .5"], [[socket.IPPROTO_IP, socket.IP_PKTINFO, info]], 0, [
    "127.0.0.1",
    Number(dec.decode(portMsg)),
  ]);
  assertEquals(await peer.result(), ["from .5", "127.0.0.5"]);
});

Deno.test("sockopt: in6_pktinfo: struct.pack('16sI'); IPV6_RECVPKTINFO from a python sender", async () => {
  const want = await py<Uint8Array>(`
import struct
out = struct.pack('16sI', socket.inet_pton(socket.AF_INET6, "::1"), 1)`);
  assertEquals(socket.packIn6Pktinfo(["::1", 1]), want);
  assertEquals(socket.unpackIn6Pktinfo(want), ["::1", 1]);
  assertThrows(() => socket.unpackIn6Pktinfo(want.subarray(0, 19)), RangeError);

  using r = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  r.bind(["::1", 0]);
  r.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1);
  const port = r.getsockname()[1];
  await py(`
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.sendto(b"v6", ("::1", ${port}))`);
  r.settimeout(10);
  const [data, anc] = r.recvmsg(64, socket.CMSG_SPACE(want.length));
  assertEquals(dec.decode(data), "v6");
  assertEquals([anc[0][0], anc[0][1]], [socket.IPPROTO_IPV6, socket.IPV6_PKTINFO]);
  assertEquals(socket.unpackIn6Pktinfo(anc[0][2]), ["::1", socket.if_nametoindex("lo")]);

  // And our sendmsg with IPV6_PKTINFO (source ::1 through lo) reaches a
  // python receiver, which decodes its own IPV6_PKTINFO with struct.unpack.
  const peer = pySpawn<[string, string, number]>(`
import struct
r = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
r.bind(("::1", 0))
r.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
r.sendto(str(r.getsockname()[1]).encode(), ("::1", ${port}))
r.settimeout(10)
data, anc, flags, addr = r.recvmsg(64, socket.CMSG_SPACE(20))
a, i = struct.unpack('16sI', anc[0][2])
out = [addr[0], socket.inet_ntop(socket.AF_INET6, a), i]`);
  const [portMsg] = r.recvfrom(16);
  const lo = socket.if_nametoindex("lo");
  r.sendmsg(
    ["v6 back"],
    [[socket.IPPROTO_IPV6, socket.IPV6_PKTINFO, socket.packIn6Pktinfo(["::1", lo])]],
    0,
    ["::1", Number(dec.decode(portMsg))],
  );
  assertEquals(await peer.result(), ["::1", "::1", lo]);
});
