/**
 * Bulk transfer on `Deno.listen` / `Deno.connect` (the same protocol as c/bulk.c).
 *
 *   deno run -A bench/deno_native_bulk.ts recv
 *   deno run -A bench/deno_native_bulk.ts send PORT BYTES [CHUNK] [MAX_S]
 *
 * @module
 */
import { intArg, println, procCpuSeconds } from "./_util.ts";

const [role, portArg, bytesArg, chunkArg, maxArg] = Deno.args;

if (role === "recv") {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  println(String((listener.addr as Deno.NetAddr).port));
  const conn = await listener.accept();
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  const buf = new Uint8Array(256 * 1024);
  let total = 0;
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    total += n;
  }
  conn.close();
  listener.close();
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ bytes: total, seconds, cpu_s: procCpuSeconds() - c0 }));
} else if (role === "send") {
  const bytes = intArg(bytesArg, "BYTES");
  const chunk = chunkArg ? intArg(chunkArg, "CHUNK") : 256 * 1024;
  const maxS = maxArg ? intArg(maxArg, "MAX_S") : 60;
  const buf = new Uint8Array(chunk).fill(0x62);
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  const deadline = t0 + maxS * 1000;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: intArg(portArg, "PORT") });
  let sent = 0;
  let iter = 0;
  while (sent < bytes) {
    if ((++iter & 255) === 0 && performance.now() > deadline) break;
    const want = Math.min(chunk, bytes - sent);
    sent += await conn.write(buf.subarray(0, want));
  }
  await conn.closeWrite();
  const one = new Uint8Array(1);
  while ((await conn.read(one)) !== null) { /* wait for the receiver to close */ }
  conn.close();
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ bytes: sent, seconds, cpu_s: procCpuSeconds() - c0 }));
} else {
  console.error("usage: recv | send PORT BYTES [CHUNK] [MAX_S]");
  Deno.exit(2);
}
