/**
 * Data paths: sendall, sendmsg/recvmsg(_into) with ancillary data,
 * send_fds/recv_fds (also with a python3 peer, both directions), sendfile,
 * recv_into/recvfrom_into, CMSG_LEN/CMSG_SPACE, SCM_CREDENTIALS and
 * SO_PEERCRED, and BrokenPipeError (never SIGPIPE) from a vanished peer.
 */
import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { py, pySpawn } from "../_py.ts";

const S = socket;
const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (b: Uint8Array) => dec.decode(b);

function pair(type: number = S.SOCK_STREAM): [socket.Socket, socket.Socket] & Disposable {
  const p: [socket.Socket, socket.Socket] = S.socketpair(S.AF_UNIX, type);
  return Object.assign(p, { [Symbol.dispose]: () => p.forEach((s) => s.close()) });
}

/** The descriptor number behind an open Deno.FsFile (found through /proc/self/fd). */
function fdOf(path: string): number {
  const real = Deno.realPathSync(path);
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${e.name}`) === real) return Number(e.name);
    } catch { /* closed meanwhile */ }
  }
  throw new Error(`no descriptor for ${path}`);
}

/**
 * How many of this process's descriptors refer to the same open file as
 * `fd` (counting `fd` itself). Other test files run in this process at the
 * same time (`deno test --parallel`), so a count of all descriptors is not
 * ours to compare; the descriptors of one socket only this test made are.
 */
function copiesOf(fd: number): number {
  const target = Deno.readLinkSync(`/proc/self/fd/${fd}`);
  let n = 0;
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${e.name}`) === target) n++;
    } catch { /* closed meanwhile */ }
  }
  return n;
}

async function withTempDir<T>(f: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "libc_socket_msg_" });
  try {
    return await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("CMSG_LEN and CMSG_SPACE equal python's for 0..64", async () => {
  const theirs = await py<[number[], number[]]>(
    `out = [[socket.CMSG_LEN(i) for i in range(65)], [socket.CMSG_SPACE(i) for i in range(65)]]`,
  );
  const n = [...Array(65).keys()];
  assertEquals([n.map(S.CMSG_LEN), n.map(S.CMSG_SPACE)], theirs);
  assertThrows(() => S.CMSG_LEN(-1), RangeError);
  assertThrows(() => S.CMSG_SPACE(-1), RangeError);
});

Deno.test("packFds/unpackFds and packUcred/unpackUcred encode native ints", () => {
  const p = S.packFds([3, 4, 0x7fffffff]);
  assertEquals(p, new Uint8Array(new Int32Array([3, 4, 0x7fffffff]).buffer));
  assertEquals(S.unpackFds(p), [3, 4, 0x7fffffff]);
  assertEquals(S.unpackFds(new Uint8Array([1, 0, 0, 0, 9])), [1], "whole ints only");
  assertThrows(() => S.packFds([-1]), RangeError);
  const u = S.packUcred([123, 1000, 100]);
  assertEquals(u.length, 12);
  assertEquals(S.unpackUcred(u), [123, 1000, 100]);
  assertThrows(() => S.unpackUcred(new Uint8Array(11)), RangeError);
});

Deno.test("sendall delivers every byte to a python3 reader", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/s`;
    using srv = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    srv.bind(path);
    srv.listen(1);
    srv.settimeout(10);
    const child = pySpawn<[number, string]>(`
import hashlib
c = socket.socket(socket.AF_UNIX); c.connect(${JSON.stringify(path)})
h = hashlib.sha256(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b); n += len(b)
out = [n, h.hexdigest()]
`);
    const [conn] = srv.accept();
    const data = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
    conn.sendall(data); // blocks until python has taken most of it
    conn.close();
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", data))]
      .map((x) => x.toString(16).padStart(2, "0")).join("");
    assertEquals(await child.result(), [data.length, digest]);
  });
});

Deno.test("sendmsg gathers buffers; recvmsg returns [data, ancdata, flags, address]", () => {
  using p = pair();
  const [a, b] = p;
  assertEquals(a.sendmsg(["ab", enc.encode("cd"), new Uint16Array([0x6665])]), 6);
  const [data, anc, flags, addr] = b.recvmsg(64);
  assertEquals([text(data), anc, flags, addr], ["abcdef", [], 0, null]);
  // recvmsg_into scatters into the caller's buffers
  a.send("0123456789");
  const x = new Uint8Array(3), y = new Uint8Array(4), z = new Uint8Array(10);
  const [n, anc2, flags2] = b.recvmsg_into([x, y, z]);
  assertEquals([n, text(x), text(y), text(z.subarray(0, 3)), anc2, flags2], [
    10,
    "012",
    "3456",
    "789",
    [],
    0,
  ]);
  // MSG_PEEK leaves the data queued
  a.send("peek");
  assertEquals(text(b.recvmsg(64, 0, S.MSG_PEEK)[0]), "peek");
  assertEquals(text(b.recv(64)), "peek");
});

Deno.test("sendmsg to an address on UDP; recvmsg reports the sender", () => {
  using a = S.socket(S.AF_INET, S.SOCK_DGRAM);
  using b = S.socket(S.AF_INET, S.SOCK_DGRAM);
  a.bind(["127.0.0.1", 0]);
  b.bind(["127.0.0.1", 0]);
  assertEquals(a.sendmsg(["hello ", "udp"], [], 0, b.getsockname()), 9);
  const [data, anc, flags, addr] = b.recvmsg(64);
  assertEquals([text(data), anc, flags, addr], ["hello udp", [], 0, a.getsockname()]);
  // a datagram longer than the buffer sets MSG_TRUNC
  a.sendmsg(["0123456789"], [], 0, b.getsockname());
  const [short, , tflags] = b.recvmsg(4);
  assertEquals(text(short), "0123");
  assertEquals(tflags & S.MSG_TRUNC, S.MSG_TRUNC);
  // a UDP socket without a destination cannot send
  using u = S.socket(S.AF_INET, S.SOCK_DGRAM);
  assertThrows(() => u.sendmsg(["x"]), S.error);
});

Deno.test("recv_into and recvfrom_into fill the caller's buffer", () => {
  using p = pair();
  const [a, b] = p;
  a.send("hello");
  const buf = new Uint8Array(8).fill(0x2e);
  assertEquals(b.recv_into(buf), 5);
  assertEquals(text(buf), "hello...");
  a.send("abcdef");
  assertEquals(b.recv_into(buf, 2), 2, "nbytes limits the read");
  assertEquals(text(buf), "abllo...");
  const tail = buf.subarray(4);
  assertEquals(b.recv_into(tail), 4, "a subarray is filled in place");
  assertEquals(text(buf), "abllcdef");
  assertThrows(() => b.recv_into(buf, 9), RangeError);
  assertThrows(() => b.recv_into(buf, -1), RangeError);
  // recvfrom_into on UDP gives [nbytes, address]
  using u1 = S.socket(S.AF_INET, S.SOCK_DGRAM);
  using u2 = S.socket(S.AF_INET, S.SOCK_DGRAM);
  u1.bind(["127.0.0.1", 0]);
  u2.bind(["127.0.0.1", 0]);
  u1.sendto("dgram", u2.getsockname());
  const into = new Uint8Array(16);
  const [n, from] = u2.recvfrom_into(into);
  assertEquals([n, text(into.subarray(0, n)), from], [5, "dgram", u1.getsockname()]);
  // other views are written through their bytes
  a.send(new Uint8Array([1, 0, 2, 0]));
  const words = new Uint16Array(2);
  assertEquals(b.recv_into(words), 4);
  assertEquals([...words], [1, 2]);
});

Deno.test("SCM_RIGHTS: send_fds/recv_fds and recvmsg with packFds; MSG_CTRUNC", () => {
  using p = pair();
  const [a, b] = p;
  using inner = pair();
  // pass one end of another pair, then talk through the received copy
  assertEquals(S.send_fds(a, ["fd"], [inner[0].fileno()]), 2);
  const [msg, fds, flags, addr] = S.recv_fds(b, 16, 4);
  assertEquals([text(msg), fds.length, flags, addr], ["fd", 1, 0, null]);
  using got = S.socket(S.AF_UNIX, S.SOCK_STREAM, 0, fds[0]);
  assert(got.fileno() !== inner[0].fileno());
  got.send("through the passed fd");
  assertEquals(text(inner[1].recv(64)), "through the passed fd");
  // the same with sendmsg/recvmsg and packFds/unpackFds
  a.sendmsg(["x"], [[S.SOL_SOCKET, S.SCM_RIGHTS, S.packFds([inner[0].fileno()])]]);
  const [, anc] = b.recvmsg(16, S.CMSG_SPACE(4));
  assertEquals(anc.length, 1);
  assertEquals([anc[0][0], anc[0][1], anc[0][2].length], [S.SOL_SOCKET, S.SCM_RIGHTS, 4]);
  const [fd2] = S.unpackFds(anc[0][2]);
  S.close(fd2);
  // three fds, room for one: MSG_CTRUNC, and the kernel closes the rest.
  // qemu-user (the aarch64 CI) gives the kernel a larger control buffer of
  // its own and does not report the truncation, so this part needs a real kernel.
  if ((Deno.env.get("LIBC_SOCKET_DENO_PREFIX") ?? "").includes("qemu")) {
    console.log("MSG_CTRUNC check skipped: under qemu-user, which hides control truncation");
    return;
  }
  // Three copies of one socket of this test's own: only the first arrives.
  const mine = inner[1].fileno();
  assertEquals(copiesOf(mine), 1);
  S.send_fds(a, ["y"], [mine, mine, mine]);
  const [, fds3, flags3] = S.recv_fds(b, 16, 1);
  assertEquals(fds3.length, 1);
  assertEquals(flags3 & S.MSG_CTRUNC, S.MSG_CTRUNC);
  assertEquals(copiesOf(mine), 2, "the one received, and no other");
  fds3.forEach(S.close);
  assertEquals(copiesOf(mine), 1, "no descriptor leaked");
});

Deno.test("fd passing with a python3 peer: python sends a file's fd, we read the file", async () => {
  await withTempDir(async (dir) => {
    const file = `${dir}/from-python.txt`;
    const sock = `${dir}/s`;
    using srv = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    srv.bind(sock);
    srv.listen(1);
    srv.settimeout(10);
    const child = pySpawn<number>(`
with open(${JSON.stringify(file)}, "w") as f:
    f.write("written by python")
f = open(${JSON.stringify(file)}, "rb")
c = socket.socket(socket.AF_UNIX); c.connect(${JSON.stringify(sock)})
socket.send_fds(c, [b"here"], [f.fileno()])
c.recv(1)  # our ack, after we have read the file
out = os.getpid()
`);
    const [conn] = srv.accept();
    using _conn = conn;
    conn.settimeout(10);
    const [msg, fds] = S.recv_fds(conn, 16, 1);
    assertEquals([text(msg), fds.length], ["here", 1]);
    try {
      assertEquals(Deno.readLinkSync(`/proc/self/fd/${fds[0]}`), Deno.realPathSync(file));
      assertEquals(Deno.readTextFileSync(`/proc/self/fd/${fds[0]}`), "written by python");
    } finally {
      fds.forEach(S.close);
    }
    // SO_PEERCRED of the python peer names the python process
    const [pid, uid, gid] = S.unpackUcred(conn.getsockopt(S.SOL_SOCKET, S.SO_PEERCRED, 12));
    conn.send("k");
    assertEquals(pid, await child.result());
    assertEquals([uid, gid], [Deno.uid(), Deno.gid()]);
  });
});

Deno.test("fd passing with a python3 peer: we send a socket fd and a file fd, python uses them", async () => {
  await withTempDir(async (dir) => {
    const file = `${dir}/from-deno.txt`;
    const sock = `${dir}/s`;
    Deno.writeTextFileSync(file, "written by deno");
    using f = Deno.openSync(file);
    using srv = S.socket(S.AF_UNIX, S.SOCK_STREAM);
    srv.bind(sock);
    srv.listen(1);
    srv.settimeout(10);
    using p = pair();
    const [mine, theirsEnd] = p;
    mine.settimeout(10);
    const child = pySpawn<[string, number, string]>(`
c = socket.socket(socket.AF_UNIX); c.connect(${JSON.stringify(sock)})
msg, fds, flags, addr = socket.recv_fds(c, 64, 4)
s = socket.socket(fileno=fds[0])
s.sendall(b"via the socket deno passed")
s.close()
data = os.read(fds[1], 100)
os.close(fds[1])
out = [msg.decode(), len(fds), data.decode()]
`);
    const [conn] = srv.accept();
    using _conn = conn;
    S.send_fds(conn, ["two fds"], [theirsEnd.fileno(), fdOf(file)]);
    assertEquals(text(mine.recv(64)), "via the socket deno passed");
    assertEquals(await child.result(), ["two fds", 2, "written by deno"]);
    void f;
  });
});

Deno.test("SCM_CREDENTIALS with SO_PASSCRED; SO_PEERCRED via getsockopt(buflen)", () => {
  const me: socket.Ucred = [Deno.pid, Deno.uid()!, Deno.gid()!];
  using p = pair();
  const [a, b] = p;
  assertEquals(S.unpackUcred(a.getsockopt(S.SOL_SOCKET, S.SO_PEERCRED, 12)), me);
  b.setsockopt(S.SOL_SOCKET, S.SO_PASSCRED, 1);
  assertEquals(b.getsockopt(S.SOL_SOCKET, S.SO_PASSCRED), 1);
  // the kernel attaches the sender's credentials to plain data...
  a.send("plain");
  const [d1, anc1] = b.recvmsg(16, S.CMSG_SPACE(12));
  assertEquals(text(d1), "plain");
  assertEquals(anc1.map(([l, t, d]) => [l, t, S.unpackUcred(d)]), [
    [S.SOL_SOCKET, S.SCM_CREDENTIALS, me],
  ]);
  // ...and checks credentials we send explicitly
  a.sendmsg(["explicit"], [[S.SOL_SOCKET, S.SCM_CREDENTIALS, S.packUcred(me)]]);
  const [d2, anc2] = b.recvmsg(16, S.CMSG_SPACE(12));
  assertEquals(text(d2), "explicit");
  assertEquals(S.unpackUcred(anc2[0][2]), me);
});

Deno.test("sendfile: a temp file by fd, by {fileno()}, and by Deno.FsFile (send fallback)", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/data.bin`;
    const content = new Uint8Array(1024).map((_, i) => i & 0xff);
    Deno.writeFileSync(path, content);
    using p = pair();
    const [a, b] = p;
    const recvAll = (n: number) => {
      const out = new Uint8Array(n);
      let got = 0;
      while (got < n) got += b.recv_into(out.subarray(got));
      return out;
    };
    using f = Deno.openSync(path);
    const fd = fdOf(path);
    // raw descriptor, whole file
    assertEquals(a.sendfile(fd), 1024);
    assertEquals(recvAll(1024), content);
    // {fileno()}, with offset and count
    assertEquals(a.sendfile({ fileno: () => fd }, 3, 5), 5);
    assertEquals([...recvAll(5)], [3, 4, 5, 6, 7]);
    // count past the end stops at EOF; offset at EOF sends nothing
    assertEquals(a.sendfile(fd, 1020, 100), 4);
    assertEquals([...recvAll(4)], [252, 253, 254, 255]);
    assertEquals(a.sendfile(fd, 2000), 0);
    // Deno.FsFile: read + send, and the file position ends after what was sent
    assertEquals(a.sendfile(f, 10, 6), 6);
    assertEquals([...recvAll(6)], [10, 11, 12, 13, 14, 15]);
    assertEquals(f.seekSync(0, Deno.SeekMode.Current), 16);
    assertEquals(a.sendfile(f), 1024);
    assertEquals(recvAll(1024), content);
    // with a timeout set, sendfile still works
    a.settimeout(5);
    assertEquals(a.sendfile(fd, 0, 10), 10);
    assertEquals([...recvAll(10)], [...content.subarray(0, 10)]);
    // CPython's ValueErrors
    assertThrows(() => a.sendfile(fd, 0, 0), RangeError);
    assertThrows(() => a.sendfile({} as never), TypeError); // deliberate: wrong type
    a.setblocking(false);
    assertThrows(() => a.sendfile(fd), RangeError);
    using u = S.socket(S.AF_INET, S.SOCK_DGRAM);
    assertThrows(() => u.sendfile(fd), RangeError);
  });
});

Deno.test("a vanished peer: BrokenPipeError from send, sendall, sendmsg, sendfile; no SIGPIPE", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/f`;
    Deno.writeTextFileSync(path, "some data");
    using f = Deno.openSync(path);
    const fd = fdOf(path);
    using p = pair();
    const [a, b] = p;
    b.close();
    const sends: [string, () => unknown][] = [
      ["send", () => a.send("x")],
      ["sendall", () => a.sendall(new Uint8Array(100_000))],
      ["sendmsg", () => a.sendmsg(["x"])],
      ["sendmsg+fds", () => S.send_fds(a, ["x"], [0])],
      ["sendfile(fd)", () => a.sendfile(fd)],
      ["sendfile(FsFile)", () => a.sendfile(f)],
    ];
    for (const [what, send] of sends) {
      const e = assertThrows(send, S.BrokenPipeError, undefined, what);
      assertInstanceOf(e, S.ConnectionError);
      assertInstanceOf(e, Deno.errors.BrokenPipe);
      assertEquals([e.errno, e.code], [S.errnoOf("EPIPE"), "EPIPE"]);
    }
    // a TCP peer that closed: the first send may still succeed, later ones fail
    using srv = S.socket();
    srv.bind(["127.0.0.1", 0]);
    srv.listen(1);
    using c = S.socket();
    c.connect(srv.getsockname());
    srv.accept()[0].close();
    let err: unknown = null;
    for (let i = 0; i < 50 && err === null; i++) {
      try {
        c.send("x");
      } catch (e) {
        err = e;
      }
    }
    // EPIPE, or ECONNRESET if the peer's RST arrived first
    assert(err instanceof S.BrokenPipeError || err instanceof S.ConnectionResetError, `${err}`);
  });
});

Deno.test("sendmsg/recvmsg_into: tiny fresh buffers and ancillary data stay right under GC pressure", () => {
  // V8 keeps arrays of up to 64 bytes inside its moving heap: every pointer
  // a msghdr carries must be to memory that stays put until the syscall.
  using p = pair(S.SOCK_DGRAM);
  const [a, b] = p;
  b.setsockopt(S.SOL_SOCKET, S.SO_PASSCRED, 1);
  for (let i = 0; i < 3000; i++) {
    const parts = [new Uint8Array([i & 0xff]), new Uint8Array([(i >> 8) & 0xff, 7])];
    for (let g = 0; g < 20; g++) new Array(16).fill(g); // garbage: scavenges run in between
    assertEquals(a.sendmsg(parts), 3);
    const into = [new Uint8Array(1), new Uint8Array(2)];
    const [n, anc, flags] = b.recvmsg_into(into, S.CMSG_SPACE(12));
    assertEquals(n, 3);
    assertEquals([into[0][0], into[1][0], into[1][1]], [i & 0xff, (i >> 8) & 0xff, 7]);
    assertEquals(flags, 0);
    assertEquals(anc.length, 1);
    assertEquals(anc[0].slice(0, 2), [S.SOL_SOCKET, S.SCM_CREDENTIALS]);
    assertEquals(S.unpackUcred(anc[0][2])[0], Deno.pid, `round ${i}`);
  }
});

Deno.test("recvmsg: results never share memory with the next call's", () => {
  using p = pair(S.SOCK_DGRAM);
  const [a, b] = p;
  b.setsockopt(S.SOL_SOCKET, S.SO_PASSCRED, 1);
  a.sendmsg(["first"]);
  a.sendmsg(["second"]);
  const [data1, anc1, , addr1] = b.recvmsg(16, S.CMSG_SPACE(12));
  const anc1Copy = anc1.map(([l, t, d]) => [l, t, [...d]]);
  const [data2, anc2] = b.recvmsg(16, S.CMSG_SPACE(12));
  assertEquals(text(data1), "first");
  assertEquals(text(data2), "second");
  assertEquals(anc1.map(([l, t, d]) => [l, t, [...d]]), anc1Copy);
  assert(anc1[0][2].buffer !== anc2[0][2].buffer, "each result has its own ancillary bytes");
  assertEquals(addr1, null); // an unnamed peer, as CPython's None
});
