/**
 * Section g of `bench/run.ts`: HTTP/1.1 keep-alive, a second family of
 * clients we did not write. `h2load --h1` (Debian's nghttp2-client) opens
 * `-c` connections and sends `-n` GET requests in all, one in flight per
 * connection (`-m 1`), to a minimal responder written three ways: ours
 * (async API, `ours_http_server.ts`), `Deno.listen`
 * (`deno_native_http_server.ts`) and `Deno.serve`
 * (`deno_serve_http_server.ts`). Loads: 10, 100 and 1000 connections.
 *
 * Each run starts a fresh server, warms it up with a short h2load run at 10
 * connections (not counted), then measures. Reported: h2load's requests/s
 * (connection set-up included) and the server's CPU µs per request, from
 * `/proc/<pid>/stat` around the measured h2load run (all threads). h2load runs
 * with one thread, and is killed by its pid if it takes longer than a
 * generous time limit.
 *
 * With 1000 connections h2load connects all at once. `Deno.listen` and
 * `Deno.serve` listen with a backlog of 511 (not configurable), so ours does
 * too. When a server accepts too slowly the kernel drops connection requests
 * (`TcpExtListenOverflows` in `/proc/net/netstat`, counted around each run, for
 * the whole network namespace) and those clients wait for a SYN retransmit
 * (1 s, then 3 s), which h2load's requests/s include; the run's log line and the
 * report's notes say when that happened ({@linkcode listenOverflows}).
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

/** Requests per h2load run, by connections, and per warm-up run. */
export interface HttpSizes {
  requests: { c10: number; c100: number; c1000: number };
  warmup: number;
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

/** The slowest rate (requests/s) a run may have before it is killed as stuck. */
const MIN_RATE = 1000;

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

async function h2load(port: number, conns: number, n: number): Promise<H2loadResult> {
  const p = new Proc("h2load", [
    "h2load",
    "--h1",
    "-t",
    "1",
    "-c",
    String(conns),
    "-m",
    "1",
    "-n",
    String(n),
    `http://127.0.0.1:${port}/`,
  ]);
  const { text, code } = await p.output(STARTUP_S + n / MIN_RATE, "its summary");
  const res = parseH2load(text);
  if (code !== 0 || !res) {
    throw new Error(`h2load exited with ${code}: ${text.trim().split("\n").slice(-4).join(" / ")}`);
  }
  if (res.succeeded !== n || res.ok2xx !== n) {
    throw new Error(`h2load: ${res.succeeded} of ${n} requests succeeded, ${res.ok2xx} with 2xx`);
  }
  return res;
}

/** Runs section g; `comps` are ours (and its `--against` twin), Deno.listen and Deno.serve. */
export async function sectionHttp(comps: Comp[], sizes: HttpSizes): Promise<void> {
  log("\n== g: h2load --h1, HTTP/1.1 keep-alive (a client we did not write) ==");
  const loads = [
    { conns: 10, n: sizes.requests.c10 },
    { conns: 100, n: sizes.requests.c100 },
    { conns: 1000, n: sizes.requests.c1000 },
  ];
  for (const load of loads) {
    await measure(
      "g",
      `h2load --h1 -c ${load.conns} -m 1`,
      comps,
      [
        { key: "rps", label: "req/s", better: "higher", digits: 0 },
        { key: "cpu_us", label: "server CPU µs/req", better: "lower", digits: 2 },
      ],
      async (c) => {
        const server = new Proc(`${c.label} server`, deno(SERVERS[kindOf(c)]), c.env);
        const port = Number(await server.line(STARTUP_S, "its port"));
        if (!Number.isInteger(port) || port <= 0) throw new Error(`${c.label} printed no port`);
        const died = () => new Error(`${c.label} server died: ${server.stderrTail()}`);
        try {
          await h2load(port, Math.min(10, load.conns), sizes.warmup);
          const drops0 = readListenOverflows();
          const before = procCpuSeconds(server.pid);
          const res = await h2load(port, load.conns, load.n);
          const after = procCpuSeconds(server.pid);
          const drops = readListenOverflows() - drops0;
          if (server.exited) throw died();
          if (drops > 0) {
            listenOverflows.set(c.label, (listenOverflows.get(c.label) ?? 0) + drops);
            log(
              `    (${drops} connection requests dropped by a full accept queue during this run)`,
            );
          }
          return { rps: res.rps, cpu_us: ((after - before) / load.n) * 1e6 };
        } catch (e) {
          if (server.exited) throw died();
          throw e;
        }
      },
    );
  }
}
