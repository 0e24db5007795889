/**
 * Section e of `bench/run.ts`: a client we did not write. `redis-benchmark
 * -t ping` (Debian's redis-tools) drives a RESP PING server written three
 * ways: ours (async API), `Deno.listen`, and `redis-server` itself as the
 * native reference. Loads: `-c 50 -P 1`, `-c 50 -P 16`, `-c 500 -P 1`.
 *
 * Reported: requests/s (both PING_INLINE and PING_MBULK, total requests over
 * the time the two tests took) and the server's CPU µs per request, from
 * `/proc/<pid>/stat` (utime + stime of the whole process: every thread,
 * including threads that have already exited, which `/proc/<pid>/task/*`
 * would miss).
 *
 * Installs nothing: without `redis-benchmark` the section is skipped with a
 * message, without `redis-server` that competitor is.
 *
 * @module
 */
import { type Comp, deno, kindOf, log, measure, Proc, run, STARTUP_S } from "./_harness.ts";
import { procCpuSeconds } from "./_util.ts";

/** Requests per `redis-benchmark` test, by load, for full and quick runs. */
export interface RedisSizes {
  requests: { c50p1: number; c50p16: number; c500p1: number };
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitListening(port: number, seconds: number, proc: Proc): Promise<void> {
  const end = performance.now() + seconds * 1000;
  for (;;) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      return;
    } catch {
      if (proc.exited) throw new Error(`${proc.name} exited: ${proc.stderrTail()}`);
      if (performance.now() > end) throw new Error(`${proc.name} is not listening on ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function startServer(c: Comp): Promise<[Proc, number]> {
  if (c.id === "redis") {
    const port = freePort();
    const p = new Proc("redis-server", [
      "redis-server",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "no",
      "--loglevel",
      "warning",
    ]);
    await waitListening(port, STARTUP_S, p);
    return [p, port];
  }
  const file = kindOf(c) === "ours" ? "ours_resp_server.ts" : "deno_native_resp_server.ts";
  const p = new Proc(`${c.label} server`, deno(file), c.env);
  const port = Number(await p.line(STARTUP_S, "its port"));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`${c.label} printed no port`);
  return [p, port];
}

/** Parses `redis-benchmark --csv`: test name → requests/s. */
export function parseCsv(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^"([A-Z_]+)","([0-9.]+)"/.exec(line.trim());
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** Runs section e; `comps` are ours, Deno.listen and redis-server, as available. */
export async function sectionRedis(comps: Comp[], sizes: RedisSizes): Promise<void> {
  log("\n== e: redis-benchmark -t ping (a client we did not write) ==");
  const loads = [
    { clients: 50, pipeline: 1, n: sizes.requests.c50p1 },
    { clients: 50, pipeline: 16, n: sizes.requests.c50p16 },
    { clients: 500, pipeline: 1, n: sizes.requests.c500p1 },
  ];
  for (const load of loads) {
    await measure(
      "e",
      `redis-benchmark ping -c ${load.clients} -P ${load.pipeline}`,
      comps,
      [
        { key: "rps", label: "req/s", better: "higher", digits: 0 },
        { key: "cpu_us", label: "server CPU µs/req", better: "lower", digits: 2 },
      ],
      async (c) => {
        const [server, port] = await startServer(c);
        const before = procCpuSeconds(server.pid);
        const bench = await run([
          "redis-benchmark",
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          "-t",
          "ping",
          "-c",
          String(load.clients),
          "-P",
          String(load.pipeline),
          "-n",
          String(load.n),
          "--csv",
        ]);
        const after = procCpuSeconds(server.pid);
        if (!bench.ok) throw new Error(`redis-benchmark failed: ${bench.out.slice(0, 300)}`);
        if (server.exited) throw new Error(`${c.label} server died: ${server.stderrTail()}`);
        const rates = parseCsv(bench.out);
        if (rates.size !== 2) throw new Error(`unexpected output: ${bench.out.slice(0, 300)}`);
        const requests = load.n * rates.size;
        const seconds = [...rates.values()].reduce((s, r) => s + load.n / r, 0);
        return { rps: requests / seconds, cpu_us: ((after - before) / requests) * 1e6 };
      },
    );
  }
}
