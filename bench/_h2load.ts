/**
 * Section g of `bench/run.ts`: HTTP/1.1 keep-alive, a second family of
 * clients we did not write. `h2load --h1` (Debian's nghttp2-client) keeps
 * `-c` connections busy with GET requests, one in flight per connection
 * (`-m 1`), against a minimal responder written three ways: ours (async API,
 * `ours_http_server.ts`), `Deno.listen` (`deno_native_http_server.ts`) and
 * `Deno.serve` (`deno_serve_http_server.ts`). Loads: 10, 100 and 1000
 * connections.
 *
 * Each run starts a fresh server and one h2load in its timing-based mode:
 * a warm-up (`--warm-up-time`: connecting, JIT) then a measured window
 * (`-D`), so the run is bounded in time; h2load is also killed by its pid if
 * it overruns. Reported: h2load's requests/s in the measured window and the
 * server's CPU µs per request in that window, from `/proc/<pid>/stat` (all
 * threads) read when h2load prints that the window starts and ends.
 *
 * Why not `-n` requests from a cold start: h2load opens all 1000 connections
 * at once, a server that accepts too slowly for its backlog (511 for
 * `Deno.listen` and `Deno.serve`, fixed by Deno; ours uses the same, like for
 * like) makes the kernel drop a few hundred connection requests, and those
 * clients retry after a 1 s SYN retransmit: a count-based run then measures
 * that second rather than keep-alive throughput. A warm-up well over 1 s
 * absorbs it. (h2load 1.52 does not exit when a connection still waits for
 * its handshake at the end of the measured window; such a run fails after a
 * grace period.) Drops are counted (`TcpExtListenOverflows` in
 * `/proc/net/netstat`, for the whole network namespace, around each run) and
 * reported ({@linkcode listenOverflows}).
 *
 * There is no C competitor here: the table's "vs C" column divides by
 * `Deno.serve`, the native reference (its HTTP parsing and I/O are Rust).
 *
 * Installs nothing: without `h2load` the section is skipped with a message.
 *
 * @module
 */
import { type Comp, deno, kindOf, log, measure, Proc, STARTUP_S } from "./_harness.ts";
import { procCpuSeconds } from "./_util.ts";

/** Seconds of warm-up and of measurement per h2load run. */
export interface HttpSizes {
  warmup: number;
  seconds: number;
}

/** The competitors of section g, before filtering by what is installed. */
export const HTTP_COMPS: Comp[] = [
  { id: "ours", label: "ours async", group: "ours", vsC: "deno-serve" },
  { id: "deno", label: "Deno.listen", group: "deno", vsC: "deno-serve" },
  { id: "deno-serve", label: "Deno.serve", group: "deno", vsC: "deno-serve" },
];

const SERVERS: Record<string, string> = {
  "ours": "ours_http_server.ts",
  "deno": "deno_native_http_server.ts",
  "deno-serve": "deno_serve_http_server.ts",
};

/** Competitor label → connection requests dropped by a full accept queue during its runs. */
export const listenOverflows: Map<string, number> = new Map();

/** `TcpExt: ListenOverflows` of this network namespace, or NaN where unavailable. */
function readListenOverflows(): number {
  try {
    const lines = Deno.readTextFileSync("/proc/net/netstat").split("\n");
    for (let i = 0; i + 1 < lines.length; i++) {
      if (!lines[i].startsWith("TcpExt:") || !lines[i + 1].startsWith("TcpExt:")) continue;
      const k = lines[i].trim().split(/\s+/).indexOf("ListenOverflows");
      if (k > 0) return Number(lines[i + 1].trim().split(/\s+/)[k]);
    }
  } catch { /* not Linux */ }
  return NaN;
}

/**
 * Seconds h2load may take to exit after its measured window. It normally
 * exits at once; it hangs when a connection is still waiting for its
 * handshake after an accept-queue overflow (then a longer warm-up helps).
 */
const EXIT_GRACE_S = 10;

interface H2loadResult {
  rps: number;
  done: number;
  succeeded: number;
  ok2xx: number;
}

/** Parses h2load's summary (`finished in …, N req/s`, `requests: …`, `status codes: …`). */
export function parseH2load(text: string): H2loadResult | null {
  const fin = /finished in [0-9.]+[a-z]+, ([0-9.]+) req\/s/.exec(text);
  const req = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded/.exec(text);
  const st = /status codes: (\d+) 2xx/.exec(text);
  if (!fin || !req || !st) return null;
  return {
    rps: Number(fin[1]),
    done: Number(req[3]),
    succeeded: Number(req[4]),
    ok2xx: Number(st[1]),
  };
}

/** Reads `p`'s stdout up to a line matching `re`, by the `deadline` (performance.now() ms). */
async function until(p: Proc, re: RegExp, deadline: number, what: string): Promise<void> {
  for (;;) {
    const left = Math.max(0.001, (deadline - performance.now()) / 1000);
    if (re.test(await p.line(left, what))) return;
  }
}

/** One measured h2load run against `server`; CPU is read at the edges of the measured window. */
async function h2load(
  server: Proc,
  port: number,
  conns: number,
  sizes: HttpSizes,
): Promise<{ rps: number; cpu_us: number }> {
  const ms = (s: number) => `${Math.max(1, Math.round(s * 1000))}ms`;
  const p = new Proc("h2load", [
    "h2load",
    "--h1",
    "-t",
    "1",
    "-c",
    String(conns),
    "-m",
    "1",
    "--warm-up-time",
    ms(sizes.warmup),
    "-D",
    ms(sizes.seconds),
    `http://127.0.0.1:${port}/`,
  ]);
  const deadline = performance.now() + (STARTUP_S + sizes.warmup + sizes.seconds + 10) * 1000;
  const drops0 = readListenOverflows();
  await until(p, /Main benchmark duration is started/, deadline, "the start of its measurement");
  const cpu0 = procCpuSeconds(server.pid);
  await until(p, /Main benchmark duration is over/, deadline, "the end of its measurement");
  const cpu1 = procCpuSeconds(server.pid);
  let out;
  try {
    out = await p.output(EXIT_GRACE_S, "its exit after the measurement");
  } finally {
    const drops = readListenOverflows() - drops0;
    if (drops > 0) {
      listenOverflows.set(server.name, (listenOverflows.get(server.name) ?? 0) + drops);
      log(`    (${drops} connection requests dropped by a full accept queue during this run)`);
    }
  }
  const { text, code } = out;
  const res = parseH2load(text);
  if (code !== 0 || !res) {
    throw new Error(`h2load exited with ${code}: ${text.trim().split("\n").slice(-4).join(" / ")}`);
  }
  if (!(res.done > 0) || res.succeeded !== res.done || res.ok2xx !== res.done) {
    throw new Error(
      `h2load: ${res.succeeded} of ${res.done} requests succeeded, ${res.ok2xx} with 2xx`,
    );
  }
  return { rps: res.rps, cpu_us: ((cpu1 - cpu0) / res.done) * 1e6 };
}

/** Runs section g; `comps` are ours (and its `--against` twin), Deno.listen and Deno.serve. */
export async function sectionHttp(comps: Comp[], sizes: HttpSizes): Promise<void> {
  log("\n== g: h2load --h1, HTTP/1.1 keep-alive (a client we did not write) ==");
  for (const conns of [10, 100, 1000]) {
    await measure(
      "g",
      `h2load --h1 -c ${conns} -m 1`,
      comps,
      [
        { key: "rps", label: "req/s", better: "higher", digits: 0 },
        { key: "cpu_us", label: "server CPU µs/req", better: "lower", digits: 2 },
      ],
      async (c) => {
        const server = new Proc(c.label, deno(SERVERS[kindOf(c)]), c.env);
        const port = Number(await server.line(STARTUP_S, "its port"));
        if (!Number.isInteger(port) || port <= 0) throw new Error(`${c.label} printed no port`);
        try {
          const res = await h2load(server, port, conns, sizes);
          if (server.exited) throw new Error("exited");
          return res;
        } catch (e) {
          if (server.exited) throw new Error(`${c.label} server died: ${server.stderrTail()}`);
          throw e;
        }
      },
    );
  }
}
