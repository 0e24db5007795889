/**
 * Bulk transfer on this library (the same protocol as c/bulk.c), with either
 * the blocking (`sync`) or the async (`async`) API on both ends.
 *
 *   deno run -A bench/ours_bulk.ts sync|async recv
 *   deno run -A bench/ours_bulk.ts sync|async send PORT BYTES [CHUNK] [MAX_S]
 *
 * @module
 */
import { loadLibrary } from "./_lib.ts";
import { intArg, println, procCpuSeconds } from "./_util.ts";

const socket = await loadLibrary();

const [mode, role, portArg, bytesArg, chunkArg, maxArg] = Deno.args;
const useAsync = mode === "async";
if ((mode !== "sync" && mode !== "async") || (role !== "recv" && role !== "send")) {
  console.error("usage: sync|async recv | sync|async send PORT BYTES [CHUNK] [MAX_S]");
  Deno.exit(2);
}

if (role === "recv") {
  const lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  lst.bind(["127.0.0.1", 0]);
  lst.listen(16);
  println(String(lst.getsockname()[1]));
  const [conn] = useAsync ? await lst.acceptAsync() : lst.accept();
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  const buf = new Uint8Array(256 * 1024);
  let total = 0;
  for (;;) {
    const n = useAsync ? await conn.recv_intoAsync(buf) : conn.recv_into(buf);
    if (n === 0) break;
    total += n;
  }
  conn.close();
  lst.close();
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ bytes: total, seconds, cpu_s: procCpuSeconds() - c0 }));
} else {
  const bytes = intArg(bytesArg, "BYTES");
  const chunk = chunkArg ? intArg(chunkArg, "CHUNK") : 256 * 1024;
  const maxS = maxArg ? intArg(maxArg, "MAX_S") : 60;
  const buf = new Uint8Array(chunk).fill(0x62);
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  const deadline = t0 + maxS * 1000;
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const addr: [string, number] = ["127.0.0.1", intArg(portArg, "PORT")];
  if (useAsync) await s.connectAsync(addr);
  else s.connect(addr);
  let sent = 0;
  let iter = 0;
  while (sent < bytes) {
    if ((++iter & 255) === 0 && performance.now() > deadline) break;
    const part = bytes - sent >= chunk ? buf : buf.subarray(0, bytes - sent);
    if (useAsync) await s.sendallAsync(part);
    else s.sendall(part);
    sent += part.length;
  }
  s.shutdown(socket.SHUT_WR);
  const one = new Uint8Array(1);
  // wait for the receiver to close, so the time covers delivery
  while ((useAsync ? await s.recv_intoAsync(one) : s.recv_into(one)) > 0) { /* drain */ }
  s.close();
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ bytes: sent, seconds, cpu_s: procCpuSeconds() - c0 }));
}
