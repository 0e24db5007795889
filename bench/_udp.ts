/**
 * Section f of `bench/run.ts`: UDP, 64-byte datagrams on 127.0.0.1.
 *
 * - **sink**: `c/udp.c blast` sends `sendmmsg` batches as fast as it can; the
 *   receiver counts what arrives for a fixed time. Reported: datagrams/s
 *   received and the receiver's CPU µs per datagram.
 * - **echo**: `c/udp.c client` keeps 32 datagrams in flight; the server sends
 *   each one back. Reported: round trips/s and the server's CPU µs per trip.
 *
 * Competitors: ours with blocking `recvfrom`, ours with `recvmmsg`, ours
 * async, `Deno.listenDatagram` (`--unstable-net`), python3, and C with
 * `recvfrom` and with `recvmmsg`. The batched rows are compared with C's
 * batched row, the others with C's `recvfrom` row.
 *
 * @module
 */
import {
  BENCH_DIR,
  type Comp,
  DENO,
  deno,
  kindOf,
  log,
  measure,
  Proc,
  STARTUP_S,
} from "./_harness.ts";
import { procCpuSeconds } from "./_util.ts";

/** Seconds each sink and echo run measures. */
export interface UdpSizes {
  seconds: number;
}

/** The competitors of section f, before filtering by what is installed. */
export const UDP_COMPS: Comp[] = [
  { id: "ours-recvfrom", label: "ours recvfrom", group: "ours", vsC: "c-recvfrom" },
  { id: "ours-recvmmsg", label: "ours recvmmsg", group: "ours", vsC: "c-recvmmsg" },
  { id: "ours-async", label: "ours async", group: "ours", vsC: "c-recvfrom" },
  { id: "deno", label: "Deno.listenDatagram", group: "deno", vsC: "c-recvfrom" },
  { id: "python", label: "python3", group: "python", vsC: "c-recvfrom" },
  { id: "c-recvfrom", label: "C recvfrom", group: "c" },
  { id: "c-recvmmsg", label: "C recvmmsg", group: "c", vsC: "c-recvmmsg" },
];

function cmd(c: Comp, bins: Record<string, string>, ...args: string[]): string[] {
  const [role, ...rest] = args;
  const how = kindOf(c).split("-")[1] ?? "recvfrom";
  if (c.group === "ours") return deno("ours_udp.ts", role, how, ...rest);
  if (c.id === "deno") {
    return [
      DENO,
      "run",
      "-A",
      "--quiet",
      "--unstable-net",
      BENCH_DIR + "deno_native_udp.ts",
      ...args,
    ];
  }
  if (c.id === "python") return ["python3", BENCH_DIR + "py_udp.py", ...args];
  return [bins.udp, role, how, ...rest];
}

async function start(
  c: Comp,
  bins: Record<string, string>,
  ...args: string[]
): Promise<[Proc, string]> {
  const p = new Proc(`${c.label} ${args[0]}`, cmd(c, bins, ...args), c.env);
  const port = await p.line(STARTUP_S, "its port");
  if (!(Number(port) > 0)) throw new Error(`${c.label} printed ${port}`);
  return [p, port];
}

/** Runs section f (needs the C programs for the load side). */
export async function sectionUdp(
  comps: Comp[],
  bins: Record<string, string>,
  sizes: UdpSizes,
): Promise<void> {
  log("\n== f: UDP, 64-byte datagrams on loopback ==");
  const s = sizes.seconds;
  await measure(
    "f",
    "UDP sink 64 B",
    comps,
    [
      { key: "dps", label: "datagrams/s", better: "higher", digits: 0 },
      { key: "cpu_us", label: "receiver CPU µs/datagram", better: "lower", digits: 2 },
    ],
    async (c) => {
      const [sink, port] = await start(c, bins, "sink", String(s));
      const blast = new Proc("blaster", [bins.udp, "blast", port, String(s + 2), "64"]);
      const res = await sink.json(STARTUP_S + s + 5, "its result");
      await blast.kill();
      if (!(res.datagrams > 0)) throw new Error(`${c.label}: nothing received`);
      return { dps: res.datagrams / res.seconds, cpu_us: (res.cpu_s / res.datagrams) * 1e6 };
    },
  );
  await measure(
    "f",
    "UDP echo 64 B, 32 in flight",
    comps,
    [
      { key: "rtps", label: "round trips/s", better: "higher", digits: 0 },
      { key: "cpu_us", label: "server CPU µs/trip", better: "lower", digits: 2 },
    ],
    async (c) => {
      const [server, port] = await start(c, bins, "echo");
      const before = procCpuSeconds(server.pid);
      const client = new Proc("client", [bins.udp, "client", port, "32", String(s), "64"]);
      const res = await client.json(STARTUP_S + s + 5, "its result");
      const after = procCpuSeconds(server.pid);
      if (server.exited) throw new Error(`${c.label} server died: ${server.stderrTail()}`);
      if (!(res.roundtrips > 0)) throw new Error(`${c.label}: no round trips`);
      return { rtps: res.rtps, cpu_us: ((after - before) / res.roundtrips) * 1e6 };
    },
  );
}
