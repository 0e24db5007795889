/**
 * Ping-pong on `Deno.listen` / `Deno.connect` (the same protocol as c/pingpong.c).
 *
 *   deno run -A bench/deno_native_pingpong.ts server tcp | server unix PATH
 *   deno run -A bench/deno_native_pingpong.ts client tcp PORT SIZE COUNT MAX_S
 *   deno run -A bench/deno_native_pingpong.ts client unix PATH SIZE COUNT MAX_S
 *
 * @module
 */
import { intArg, println } from "./_util.ts";

const [role, kind, where, sizeArg, countArg, maxArg] = Deno.args;
if ((role !== "server" && role !== "client") || (kind !== "tcp" && kind !== "unix")) {
  console.error(
    "usage: server tcp | server unix PATH | client tcp|unix PORT|PATH SIZE COUNT MAX_S",
  );
  Deno.exit(2);
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

if (role === "server") {
  let listener: Deno.Listener;
  if (kind === "tcp") {
    listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    println(String((listener.addr as Deno.NetAddr).port));
  } else {
    try {
      Deno.removeSync(where);
    } catch { /* not there */ }
    listener = Deno.listen({ transport: "unix", path: where });
    println("ready");
  }
  const conn = await listener.accept();
  if (kind === "tcp") (conn as Deno.TcpConn).setNoDelay(true);
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      await writeAll(conn, buf.subarray(0, n));
    }
  } catch { /* reset */ }
  conn.close();
  listener.close();
  if (kind === "unix") {
    try {
      Deno.removeSync(where);
    } catch { /* gone */ }
  }
} else {
  const size = intArg(sizeArg, "SIZE");
  const count = intArg(countArg, "COUNT");
  const maxS = intArg(maxArg, "MAX_S");
  const conn = kind === "tcp"
    ? await Deno.connect({ hostname: "127.0.0.1", port: intArg(where, "PORT") })
    : await Deno.connect({ transport: "unix", path: where });
  if (kind === "tcp") (conn as Deno.TcpConn).setNoDelay(true);
  const msg = new Uint8Array(size).fill(0x70);
  const buf = new Uint8Array(size);
  const t0 = performance.now();
  const deadline = t0 + maxS * 1000;
  let done = 0;
  for (; done < count; done++) {
    if ((done & 1023) === 0 && performance.now() > deadline) break;
    await writeAll(conn, msg);
    let got = 0;
    while (got < size) {
      const n = await conn.read(buf.subarray(got));
      if (n === null) throw new Error("server closed early");
      got += n;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  conn.close();
  println(JSON.stringify({ roundtrips: done, seconds: secs, rtps: done / secs }));
}
