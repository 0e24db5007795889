/**
 * UDP sink and echo on `Deno.listenDatagram` (needs `--unstable-net`), the
 * same protocol as `c/udp.c`'s `sink` and `echo`.
 *
 *   deno run -A --unstable-net bench/deno_native_udp.ts sink SECONDS
 *   deno run -A --unstable-net bench/deno_native_udp.ts echo
 *
 * @module
 */
import { exitOnStdinEof, intArg, println, procCpuSeconds } from "./_util.ts";

const [role, secondsArg] = Deno.args;
if (role !== "sink" && role !== "echo") {
  console.error("usage: sink SECONDS | echo");
  Deno.exit(2);
}
const conn = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
println(String((conn.addr as Deno.NetAddr).port));
exitOnStdinEof();

if (role === "sink") {
  const seconds = intArg(secondsArg, "SECONDS");
  await conn.receive(); // the first datagram starts the clock
  const cpu0 = procCpuSeconds(), t0 = performance.now(), end = t0 + seconds * 1000;
  let count = 0;
  // receive() has no timeout: race it against the end of the window.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<null>((r) => timer = setTimeout(() => r(null), seconds * 1000));
  while (performance.now() < end) {
    const got = await Promise.race([conn.receive(), done]);
    if (got === null) break;
    count++;
  }
  clearTimeout(timer);
  const t = (performance.now() - t0) / 1000;
  println(JSON.stringify({ datagrams: count, seconds: t, cpu_s: procCpuSeconds() - cpu0 }));
  Deno.exit(0);
} else {
  for await (const [data, addr] of conn) await conn.send(data, addr);
}
