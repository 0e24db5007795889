/**
 * Ping-pong on this library's blocking API (the same protocol as c/pingpong.c).
 *
 *   deno run -A bench/ours_pingpong.ts server tcp | server unix PATH
 *   deno run -A bench/ours_pingpong.ts client tcp PORT SIZE COUNT MAX_S
 *   deno run -A bench/ours_pingpong.ts client unix PATH SIZE COUNT MAX_S
 *
 * @module
 */
import { loadLibrary } from "./_lib.ts";
import { intArg, println } from "./_util.ts";

const socket = await loadLibrary();

const [role, kind, where, sizeArg, countArg, maxArg] = Deno.args;
if ((role !== "server" && role !== "client") || (kind !== "tcp" && kind !== "unix")) {
  console.error(
    "usage: server tcp | server unix PATH | client tcp|unix PORT|PATH SIZE COUNT MAX_S",
  );
  Deno.exit(2);
}

if (role === "server") {
  let lst;
  if (kind === "tcp") {
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    lst.bind(["127.0.0.1", 0]);
    lst.listen(16);
    println(String(lst.getsockname()[1]));
  } else {
    try {
      Deno.removeSync(where);
    } catch { /* not there */ }
    lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    lst.bind(where);
    lst.listen(16);
    println("ready");
  }
  const [conn] = lst.accept();
  if (kind === "tcp") conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = conn.recv_into(buf);
      if (n === 0) break;
      conn.sendall(buf.subarray(0, n));
    }
  } catch { /* reset */ }
  conn.close();
  lst.close();
  if (kind === "unix") {
    try {
      Deno.removeSync(where);
    } catch { /* gone */ }
  }
} else {
  const size = intArg(sizeArg, "SIZE");
  const count = intArg(countArg, "COUNT");
  const maxS = intArg(maxArg, "MAX_S");
  let s;
  if (kind === "tcp") {
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    s.connect(["127.0.0.1", intArg(where, "PORT")]);
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  } else {
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    s.connect(where);
  }
  const msg = new Uint8Array(size).fill(0x70);
  const buf = new Uint8Array(size);
  const t0 = performance.now();
  const deadline = t0 + maxS * 1000;
  let done = 0;
  for (; done < count; done++) {
    if ((done & 1023) === 0 && performance.now() > deadline) break;
    s.sendall(msg);
    let got = s.recv_into(buf);
    while (got < size) {
      const n = s.recv_into(buf.subarray(got));
      if (n === 0) throw new Error("server closed early");
      got += n;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  s.close();
  println(JSON.stringify({ roundtrips: done, seconds: secs, rtps: done / secs }));
}
