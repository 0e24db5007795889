/**
 * UDP sink and echo on this library, the protocol of `c/udp.c`, three ways:
 * blocking `recvfrom`/`sendto`, batched `recvmmsg_into`/`sendmmsg`, and async
 * (`recvfromAsync`/`sendtoAsync`).
 *
 *   deno run -A bench/ours_udp.ts sink recvfrom|recvmmsg|async SECONDS
 *   deno run -A bench/ours_udp.ts echo recvfrom|recvmmsg|async
 *
 * @module
 */
import { loadLibrary } from "./_lib.ts";
import { exitOnStdinEof, intArg, println, procCpuSeconds } from "./_util.ts";

const socket = await loadLibrary();

const [role, how, secondsArg] = Deno.args;
if (
  (role !== "sink" && role !== "echo") || !["recvfrom", "recvmmsg", "async"].includes(how)
) {
  console.error("usage: sink recvfrom|recvmmsg|async SECONDS | echo recvfrom|recvmmsg|async");
  Deno.exit(2);
}
const BATCH = 64;
const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20);
s.bind(["127.0.0.1", 0]);
println(String(s.getsockname()[1]));
const buffers = Array.from({ length: BATCH }, () => new Uint8Array(2048));

if (role === "sink") {
  const seconds = intArg(secondsArg, "SECONDS");
  s.recv_into(buffers[0]); // the first datagram starts the clock
  s.settimeout(0.2);
  const cpu0 = procCpuSeconds(), t0 = performance.now(), end = t0 + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    try {
      if (how === "recvfrom") {
        s.recvfrom_into(buffers[0]);
        count++;
      } else if (how === "recvmmsg") {
        count += s.recvmmsg_into(buffers).length;
      } else {
        await s.recvfromAsync(2048);
        count++;
      }
    } catch (e) {
      if (!(e instanceof socket.timeout)) throw e;
    }
  }
  const t = (performance.now() - t0) / 1000;
  println(JSON.stringify({ datagrams: count, seconds: t, cpu_s: procCpuSeconds() - cpu0 }));
} else if (how === "recvfrom") {
  for (;;) {
    const [n, addr] = s.recvfrom_into(buffers[0]);
    try {
      s.sendto(buffers[0].subarray(0, n), addr!);
    } catch { /* dropped, as UDP may */ }
  }
} else if (how === "recvmmsg") {
  for (;;) {
    const got = s.recvmmsg_into(buffers);
    const out = got.map(([n, addr], i) => [buffers[i].subarray(0, n), addr] as const);
    try {
      s.sendmmsg(out);
    } catch { /* dropped */ }
  }
} else {
  exitOnStdinEof();
  for (;;) {
    const [data, addr] = await s.recvfromAsync(2048);
    await s.sendtoAsync(data, addr!).catch(() => {});
  }
}
