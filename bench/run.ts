/**
 * Benchmark orchestrator for `@libc/socket`: this library against `Deno.listen`
 * / `Deno.connect`, C programs and (for ping-pong) python3, in one invocation.
 *
 *   deno run -A bench/run.ts [--rounds N] [--quick] [--only a,b,c,d,e,f,g,h] [--write]
 *                            [--competitors ours,deno,c,python] [--against GIT-REV]
 *
 * Sections:
 *   a  echo: 64-byte closed loop at 10/100/1000 connections, driven by c/loadgen.c;
 *      requests/s and server CPU µs per request
 *   b  sync ping-pong round trips/s, TCP and AF_UNIX, 1 B and 64 B
 *   c  bulk transfer over loopback TCP: GB/s and CPU s per GiB (both ends)
 *   d  idle: server CPU ms while holding 1000 idle connections for 5 s
 *   e  redis-benchmark -t ping against a RESP PING server: ours, Deno.listen and
 *      redis-server; requests/s and server CPU µs per request (see _redis.ts)
 *   f  UDP, 64-byte datagrams on loopback: a sink and an echo (see _udp.ts)
 *   g  h2load --h1 (HTTP/1.1 keep-alive, one request in flight per connection)
 *      at 10/100/1000 connections against a minimal responder: ours, Deno.listen
 *      and Deno.serve; requests/s and server CPU µs per request in a measured
 *      window after a warm-up (see _h2load.ts). Needs h2load (Debian
 *      nghttp2-client); skipped with a message without it
 *   h  TLS 1.3 on loopback TCP (see _tls.ts): bulk GB/s and CPU s per GiB, and
 *      full handshakes/s one at a time with CPU ms per handshake; ours sync and
 *      async (@libc/socket/ssl), Deno.connectTls/listenTls and python3's ssl,
 *      each talking to itself. Needs the openssl CLI (certificates)
 *
 * Competitors alternate within each round (round 1: A B C, round 2: A B C, …);
 * the table shows the median over the rounds, the min–max spread and the ratio
 * of the median to the `Deno.*` and C medians. All traffic stays on 127.0.0.1 or
 * Unix sockets in a private temp dir. Every child is started by this process,
 * bounded by a timeout and killed by its pid at the end (also on errors and on
 * SIGINT/SIGTERM).
 *
 * A/B: `--against GIT-REV` also measures the library of another commit, in
 * the same invocation. That commit is checked out with `git worktree add
 * --detach` into a temp dir (removed at the end, also on errors and SIGINT);
 * THIS tree's bench scripts run it, importing its `mod.ts` through
 * `LIBC_SOCKET_BENCH_MOD` (see _lib.ts), so an old commit without a section's
 * scripts still works. Every "ours" row gets a twin `ours … @<hash>` right
 * after it (A and B alternate within each round; the other competitors run
 * once per round), and a second table gives per section and load the ratio
 * ours@this tree / ours@rev of each metric: throughput and CPU per request
 * (see _ab.ts). If the other commit's library cannot be imported, the run
 * goes on without twins and says why. E.g.
 *
 *   deno task bench --against HEAD~1 --only e,g
 *
 * The C programs in bench/c are compiled with `gcc -O2` into
 * `$XDG_CACHE_HOME/libc-socket-bench/<hash>` (or `~/.cache/…`).
 *
 * @module
 */
import { addWorktree, describeHere, type OtherTree, removeWorktree, withTwins } from "./_ab.ts";
import {
  abTable,
  BENCH_DIR,
  buildC,
  type Comp,
  config,
  deno,
  killAll,
  kindOf,
  live,
  log,
  measure,
  Proc,
  run,
  STARTUP_S,
  table,
  withTimeout,
} from "./_harness.ts";
import { HTTP_COMPS, listenOverflows, sectionHttp } from "./_h2load.ts";
import { sectionRedis } from "./_redis.ts";
import { sectionUdp, UDP_COMPS } from "./_udp.ts";
import { sectionTls, TLS_COMPS } from "./_tls.ts";

// ---------------------------------------------------------------- options --

interface Options {
  rounds: number;
  quick: boolean;
  only: Set<string>;
  write: boolean;
  competitors: Set<string> | null;
  against: string | null;
}

const SECTIONS = ["a", "b", "c", "d", "e", "f", "g", "h"];

function usage(code: number): never {
  console.error(
    "usage: deno run -A bench/run.ts [--rounds N] [--quick] [--only a,b,c,d,e,f,g,h] [--write]\n" +
      "                               [--competitors ours,deno,c,python] [--against GIT-REV]\n" +
      "  sections: a=echo b=pingpong c=bulk d=idle e=redis f=udp g=http h=tls",
  );
  Deno.exit(code);
}

function parseOptions(args: string[]): Options {
  const o: Options = {
    rounds: 0,
    quick: false,
    only: new Set(SECTIONS),
    write: false,
    competitors: null,
    against: null,
  };
  const aliases: Record<string, string> = {
    echo: "a",
    pingpong: "b",
    bulk: "c",
    idle: "d",
    redis: "e",
    udp: "f",
    http: "g",
    tls: "h",
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.includes("=") ? a.split("=", 2) : [a, undefined];
    const value = () => inline ?? args[++i] ?? usage(2);
    if (flag === "--rounds") o.rounds = Number(value());
    else if (flag === "--quick") o.quick = true;
    else if (flag === "--write") o.write = true;
    else if (flag === "--only") {
      o.only = new Set(value().split(",").map((s) => aliases[s.trim()] ?? s.trim()));
    } else if (flag === "--competitors") {
      o.competitors = new Set(value().split(",").map((s) => s.trim()));
    } else if (flag === "--against") {
      o.against = value();
      if (o.against === "" || o.against.startsWith("-")) usage(2);
    } else if (flag === "--help" || flag === "-h") usage(0);
    else {
      console.error(`unknown option ${a}`);
      usage(2);
    }
  }
  if (o.rounds === 0) o.rounds = o.quick ? 3 : 5;
  if (!Number.isInteger(o.rounds) || o.rounds < 1 || o.rounds > 100) {
    console.error("--rounds must be an integer in 1..100");
    Deno.exit(2);
  }
  for (const s of o.only) {
    if (!SECTIONS.includes(s)) {
      console.error(`unknown section ${s}`);
      usage(2);
    }
  }
  return o;
}

const opts = parseOptions(Deno.args);
config.rounds = opts.rounds;

/** Sizes of every phase; the full set, or tiny ones for `--quick`. */
const P = opts.quick
  ? {
    echoConns: [10, 100, 1000],
    echoWarmup: 0.1,
    echoMeasure: 0.3,
    ppCount: 3_000,
    ppMaxS: 1,
    bulkBytes: 64 * 2 ** 20,
    bulkMaxS: 10,
    idleConns: 1000,
    idleSettle: 0.2,
    idleSeconds: 0.5,
    redis: { requests: { c50p1: 5_000, c50p16: 20_000, c500p1: 5_000 } },
    udp: { seconds: 0.5 },
    http: { warmup: 1.5, seconds: 0.5 }, // a warm-up past the 1 s SYN retransmit, see _h2load.ts
    tls: { bulkBytes: 64 * 2 ** 20, bulkMaxS: 10, handshakes: 200, hsMaxS: 2 },
  }
  : {
    echoConns: [10, 100, 1000],
    echoWarmup: 1,
    echoMeasure: 3,
    ppCount: 50_000,
    ppMaxS: 10,
    bulkBytes: 2 ** 30,
    bulkMaxS: 60,
    idleConns: 1000,
    idleSettle: 1,
    idleSeconds: 5,
    redis: { requests: { c50p1: 200_000, c50p16: 2_000_000, c500p1: 200_000 } },
    udp: { seconds: 3 },
    http: { warmup: 2, seconds: 4 },
    tls: { bulkBytes: 2 ** 30, bulkMaxS: 60, handshakes: 2000, hsMaxS: 10 },
  };

// ------------------------------------------------------------- section a/d --

function echoServerCmd(c: Comp, bins: Record<string, string>): string[] {
  if (kindOf(c) === "ours") return deno("ours_echo_server.ts");
  if (c.id === "deno") return deno("deno_native_echo_server.ts");
  return [bins.echo_epoll];
}

async function startEchoServer(c: Comp, bins: Record<string, string>): Promise<[Proc, number]> {
  const server = new Proc(`${c.label} server`, echoServerCmd(c, bins), c.env);
  const port = Number(await server.line(STARTUP_S, "its port"));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`${c.label} server printed no port`);
  return [server, port];
}

/** Highest CPU share of one core the load generator used in any echo run. */
let loadgenBusiest = 0;

async function sectionEcho(comps: Comp[], bins: Record<string, string>): Promise<void> {
  log("\n== a: echo, 64-byte closed loop (c/loadgen.c) ==");
  for (const conns of P.echoConns) {
    await measure(
      "a",
      `echo 64 B, ${conns} conns`,
      comps,
      [
        { key: "rps", label: "req/s", better: "higher", digits: 0 },
        { key: "cpu_us", label: "server CPU µs/req", better: "lower", digits: 2 },
      ],
      async (c) => {
        const [server, port] = await startEchoServer(c, bins);
        const lg = new Proc("loadgen", [
          bins.loadgen,
          "127.0.0.1",
          String(port),
          String(conns),
          String(P.echoWarmup),
          String(P.echoMeasure),
          "--server-pid",
          String(server.pid),
          "--setup-timeout",
          "20",
        ]);
        const res = await lg.json(20 + P.echoWarmup + P.echoMeasure + 10, "its result");
        if (res.errors > 0) {
          throw new Error(`${res.errors} of ${conns} connections failed during the run`);
        }
        if (server.exited) throw new Error(`${c.label} server died` + server.stderrTail());
        const busy = res.loadgen_cpu_s / res.seconds;
        loadgenBusiest = Math.max(loadgenBusiest, busy);
        return {
          rps: res.rps,
          cpu_us: res.requests > 0 ? (res.server_cpu_s / res.requests) * 1e6 : NaN,
        };
      },
    );
  }
}

async function sectionIdle(comps: Comp[], bins: Record<string, string>): Promise<void> {
  log(`\n== d: idle, ${P.idleConns} connections for ${P.idleSeconds} s ==`);
  await measure(
    "d",
    `idle ${P.idleConns} conns, ${P.idleSeconds} s`,
    comps,
    [{ key: "cpu_ms", label: "server CPU ms", better: "lower", digits: 0 }],
    async (c) => {
      const [server, port] = await startEchoServer(c, bins);
      const lg = new Proc("loadgen", [
        bins.loadgen,
        "127.0.0.1",
        String(port),
        String(P.idleConns),
        String(P.idleSettle),
        String(P.idleSeconds),
        "--server-pid",
        String(server.pid),
        "--idle",
        "--setup-timeout",
        "20",
      ]);
      const res = await lg.json(20 + P.idleSettle + P.idleSeconds + 10, "its result");
      if (res.errors > 0) {
        throw new Error(`${res.errors} of ${P.idleConns} connections failed while idle`);
      }
      if (server.exited) throw new Error(`${c.label} server died` + server.stderrTail());
      return { cpu_ms: res.server_cpu_s * 1000 };
    },
  );
}

// -------------------------------------------------------------- section b --

async function sectionPingpong(
  comps: Comp[],
  bins: Record<string, string> | null,
  tmp: string,
): Promise<void> {
  log("\n== b: sync ping-pong ==");
  const cmd = (c: Comp, ...args: string[]): string[] => {
    if (kindOf(c) === "ours") return deno("ours_pingpong.ts", ...args);
    if (c.id === "deno") return deno("deno_native_pingpong.ts", ...args);
    if (c.id === "python") return ["python3", BENCH_DIR + "py_pingpong.py", ...args];
    return [bins!.pingpong, ...args];
  };
  let seq = 0;
  for (const kind of ["tcp", "unix"]) {
    for (const size of [1, 64]) {
      await measure(
        "b",
        `ping-pong ${kind === "tcp" ? "TCP" : "AF_UNIX"} ${size} B`,
        comps,
        [{ key: "rtps", label: "round trips/s", better: "higher", digits: 0 }],
        async (c) => {
          const path = `${tmp}/pp${seq++}.sock`;
          const server = new Proc(
            `${c.label} server`,
            kind === "tcp" ? cmd(c, "server", "tcp") : cmd(c, "server", "unix", path),
            c.env,
          );
          const ready = await server.line(STARTUP_S, "its port");
          const where = kind === "tcp" ? ready : path;
          if (kind === "tcp" && !(Number(ready) > 0)) {
            throw new Error(`${c.label} server printed ${ready}`);
          }
          const client = new Proc(
            `${c.label} client`,
            cmd(c, "client", kind, where, String(size), String(P.ppCount), String(P.ppMaxS)),
            c.env,
          );
          const res = await client.json(STARTUP_S + P.ppMaxS + 5, "its result");
          if (!(res.roundtrips > 0)) throw new Error(`${c.label}: no round trips`);
          await server.wait(5);
          return res;
        },
      );
    }
  }
}

// -------------------------------------------------------------- section c --

async function sectionBulk(comps: Comp[], bins: Record<string, string> | null): Promise<void> {
  const mib = P.bulkBytes / 2 ** 20;
  log(`\n== c: bulk ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} over loopback TCP ==`);
  const cmd = (c: Comp, ...args: string[]): string[] => {
    if (kindOf(c) === "ours-sync") return deno("ours_bulk.ts", "sync", ...args);
    if (kindOf(c) === "ours-async") return deno("ours_bulk.ts", "async", ...args);
    if (c.id === "deno") return deno("deno_native_bulk.ts", ...args);
    return [bins!.bulk, ...args];
  };
  await measure(
    "c",
    `bulk TCP ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`}`,
    comps,
    [
      { key: "gbps", label: "GB/s", better: "higher", digits: 2 },
      { key: "cpu_per_gib", label: "CPU s/GiB (both ends)", better: "lower", digits: 2 },
    ],
    async (c) => {
      const recv = new Proc(`${c.label} receiver`, cmd(c, "recv"), c.env);
      const port = await recv.line(STARTUP_S, "its port");
      if (!(Number(port) > 0)) throw new Error(`${c.label} receiver printed ${port}`);
      const send = new Proc(
        `${c.label} sender`,
        cmd(c, "send", port, String(P.bulkBytes), String(256 * 1024), String(P.bulkMaxS)),
        c.env,
      );
      const s = await send.json(STARTUP_S + P.bulkMaxS + 10, "its result");
      const r = await recv.json(10, "its result");
      if (r.bytes !== s.bytes) {
        throw new Error(`${c.label}: sent ${s.bytes} B but received ${r.bytes} B`);
      }
      if (s.bytes < P.bulkBytes) {
        log(`    (${c.label} stopped early after ${P.bulkMaxS} s: ${s.bytes} B)`);
      }
      return {
        gbps: s.bytes / s.seconds / 1e9,
        cpu_per_gib: (s.cpu_s + r.cpu_s) / (s.bytes / 2 ** 30),
      };
    },
  );
}

async function header(
  started: Date,
  notes: string[],
  ab: { here: string; other: OtherTree } | null,
): Promise<string> {
  let cpu = "unknown CPU";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? cpu;
  } catch { /* not Linux */ }
  const git = await run(["git", "-C", BENCH_DIR, "rev-parse", "--short", "HEAD"]);
  const py = await run(["python3", "--version"]);
  const load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  return [
    `# @libc/socket benchmarks`,
    "",
    `${started.toISOString()} · commit ${
      git.ok ? git.out : "?"
    } · Deno ${Deno.version.deno} (V8 ${Deno.version.v8})` +
    ` · ${
      py.ok ? py.out : "no python3"
    } · Linux ${Deno.osRelease()} · ${cpu} × ${navigator.hardwareConcurrency}` +
    ` · load average at start ${load}`,
    "",
    `${opts.rounds} rounds${
      opts.quick ? " (--quick: tiny smoke-test sizes, numbers are not meaningful)" : ""
    }; ` +
    `echo ${P.echoWarmup} s warm-up + ${P.echoMeasure} s measured per run; ping-pong ${
      P.ppCount.toLocaleString("en-US")
    } round trips` +
    ` (cap ${P.ppMaxS} s); TLS bulk ${
      P.tls.bulkBytes / 2 ** 20
    } MiB, ${P.tls.handshakes} handshakes (cap ${P.tls.hsMaxS} s); h2load ${P.http.warmup} s warm-up + ${P.http.seconds} s measured per run; bulk ${
      P.bulkBytes / 2 ** 20
    } MiB in 256 KiB writes; idle ${P.idleConns} conns for ${P.idleSeconds} s.` +
    ` Ratios divide this row's median by the Deno (Deno.listen/Deno.connect) and C medians (in section g, the "vs C" column divides by Deno.serve; in section h, by python3's ssl); ↑ higher is better, ↓ lower is better.` +
    ` CPU times come from /proc/<pid>/stat (10 ms ticks) for Deno processes and getrusage for C.` +
    (ab
      ? ` A/B: rows "ours …" run this tree's library (${ab.here}${
        ab.here.endsWith("+") ? ": uncommitted changes included" : ""
      }), rows "ours … @${ab.other.short}" the library of --against ${ab.other.rev} (${ab.other.short}) with this tree's bench scripts, alternating within each round.`
      : ""),
    ...notes.map((n) => `\n> ${n}`),
    "",
  ].join("\n");
}

// ------------------------------------------------------------------- main --

/** The private temp dir of this run (AF_UNIX sockets), removed at the end and on signals. */
let benchTmp: string | null = null;

function removeTmp(): void {
  if (benchTmp === null) return;
  try {
    Deno.removeSync(benchTmp, { recursive: true });
  } catch { /* already gone */ }
  benchTmp = null;
}

async function main(): Promise<number> {
  const started = new Date();
  const notes: string[] = [];
  const want = (group: string) => opts.competitors === null || opts.competitors.has(group);

  let bins: Record<string, string> | null = null;
  try {
    bins = await buildC();
  } catch (e) {
    console.error(`! ${e instanceof Error ? e.message : e}`);
    return 1;
  }

  // Is this library importable yet?
  let oursWhy: string | null = null;
  try {
    const mod = await import(new URL("../mod.ts", import.meta.url).href);
    if (typeof mod.socket !== "function") oursWhy = "../mod.ts exports no socket() function";
  } catch (e) {
    oursWhy = `cannot import ../mod.ts: ${
      (e instanceof Error ? e.message : String(e)).split("\n")[0]
    }`;
  }
  if (oursWhy && want("ours")) {
    notes.push(`ours skipped: ${oursWhy}`);
    log(`! ours skipped: ${oursWhy}`);
  }
  const pyOk = (await run(["python3", "--version"])).ok;
  if (!pyOk && want("python")) {
    notes.push("python3 skipped: not found");
    log("! python3 not found: skipped");
  }
  if (!bins) {
    notes.push("gcc not found: C competitors and the load generator (sections a, d) skipped");
  }

  const ok = (c: Comp) =>
    want(c.group) && (c.group !== "ours" || !oursWhy) && (c.group !== "c" || bins !== null) &&
    (c.group !== "python" || pyOk);
  const serverComps: Comp[] = [
    { id: "ours", label: "ours async", group: "ours" },
    { id: "deno", label: "Deno.listen", group: "deno" },
    { id: "c", label: "C epoll", group: "c" },
  ].filter((c) => ok(c as Comp)) as Comp[];
  const ppComps: Comp[] = [
    { id: "ours", label: "ours sync", group: "ours" },
    { id: "deno", label: "Deno.connect", group: "deno" },
    { id: "c", label: "C", group: "c" },
    { id: "python", label: "python3", group: "python" },
  ].filter((c) => ok(c as Comp)) as Comp[];
  const bulkComps: Comp[] = [
    { id: "ours-sync", label: "ours sync", group: "ours" },
    { id: "ours-async", label: "ours async", group: "ours" },
    { id: "deno", label: "Deno.connect", group: "deno" },
    { id: "c", label: "C", group: "c" },
  ].filter((c) => ok(c as Comp)) as Comp[];

  const redisBenchmark = (await run(["redis-benchmark", "--version"])).ok;
  const redisServer = (await run(["redis-server", "--version"])).ok;
  if (opts.only.has("e") && !redisBenchmark) {
    notes.push("section e skipped: redis-benchmark not found (Debian package redis-tools)");
  } else if (opts.only.has("e") && !redisServer && want("c")) {
    notes.push("redis-server not found (Debian package redis-server): its rows are missing");
  }
  const redisComps: Comp[] = [
    { id: "ours", label: "ours async", group: "ours" },
    { id: "deno", label: "Deno.listen", group: "deno" },
    { id: "redis", label: "redis-server", group: "c" },
  ].filter((c) => ok(c as Comp) && (c.id !== "redis" || redisServer)) as Comp[];

  const h2load = (await run(["h2load", "--version"])).ok;
  if (opts.only.has("g") && !h2load) {
    notes.push("section g skipped: h2load not found (Debian package nghttp2-client)");
  }

  const opensslCli = (await run(["openssl", "version"])).ok;
  if (opts.only.has("h") && !opensslCli) {
    notes.push(
      "section h skipped: the openssl CLI (Debian package openssl) makes its certificates",
    );
  }

  let other: OtherTree | null = null;
  const tmp = await Deno.makeTempDir({ prefix: "libc-socket-bench-" });
  benchTmp = tmp;
  try {
    if (opts.against !== null) {
      if (oursWhy || !want("ours")) {
        notes.push(`--against ${opts.against} ignored: no "ours" rows to compare`);
      } else {
        log(`checking out ${opts.against} into a temporary worktree …`);
        try {
          other = await addWorktree(opts.against);
        } catch (e) {
          log(`! ${e instanceof Error ? e.message : e}`);
          return 2;
        }
        if (other.unusable) {
          notes.push(`--against ${opts.against} (${other.short}): ${other.unusable}; no A/B rows`);
          log(`! --against ${opts.against} (${other.short}): ${other.unusable}; no A/B rows`);
        } else log(`A/B: ours (this tree) against ours @${other.short} (${other.dir})`);
      }
    }
    const tw = (comps: Comp[]) => withTwins(comps, other);
    if (opts.only.has("a")) {
      if (bins) await sectionEcho(tw(serverComps), bins);
      else log("! section a skipped: needs gcc for c/loadgen.c");
    }
    if (opts.only.has("b")) await sectionPingpong(tw(ppComps), bins, tmp);
    if (opts.only.has("c")) await sectionBulk(tw(bulkComps), bins);
    if (opts.only.has("d")) {
      if (bins) await sectionIdle(tw(serverComps), bins);
      else log("! section d skipped: needs gcc for c/loadgen.c");
    }
    if (opts.only.has("e")) {
      if (redisBenchmark) await sectionRedis(tw(redisComps), P.redis);
      else log("! section e skipped: redis-benchmark not found (apt-get install redis-tools)");
    }
    if (opts.only.has("f")) {
      if (bins) await sectionUdp(tw(UDP_COMPS.filter(ok)), bins, P.udp);
      else log("! section f skipped: needs gcc for c/udp.c");
    }
    if (opts.only.has("g")) {
      if (h2load) await sectionHttp(tw(HTTP_COMPS.filter(ok)), P.http);
      else log("! section g skipped: h2load not found (apt-get install nghttp2-client)");
    }
    if (opts.only.has("h")) {
      if (opensslCli) await sectionTls(tw(TLS_COMPS.filter(ok)), P.tls, tmp);
      else log("! section h skipped: the openssl CLI not found (apt-get install openssl)");
    }
  } finally {
    killAll();
    await Promise.all([...live].map((p) => p.kill()));
    removeTmp();
    removeWorktree();
  }

  if (loadgenBusiest >= 0.9) {
    notes.push(
      `the load generator used up to ${
        (loadgenBusiest * 100).toFixed(0)
      }% of a core in the echo runs: ` +
        "the fastest servers may be capped by it (and it competes with the server for the cores).",
    );
  }
  if (listenOverflows.size > 0) {
    notes.push(
      "section g: a full accept queue dropped connection requests (TcpExtListenOverflows) in runs of " +
        [...listenOverflows].map(([label, n]) => `${label} (${n})`).join(", ") +
        "; those clients waited for a SYN retransmit (≥ 1 s) during h2load's warm-up.",
    );
  }
  const ab = other && !other.unusable ? { here: await describeHere(), other } : null;
  let report = (await header(started, notes, ab)) + "\n" + table() + "\n";
  if (ab) {
    report +=
      `\n## A/B: this tree (${ab.here}) / --against ${ab.other.rev} (${ab.other.short})\n\n` +
      "Medians of the same program on each library; ↑ metrics favour this tree above 1.00×, ↓ below.\n\n" +
      abTable(ab.here, ab.other.short) + "\n";
  }
  console.log("\n" + report);
  if (opts.write) {
    Deno.writeTextFileSync(BENCH_DIR + "results.md", report);
    log(`wrote ${BENCH_DIR}results.md`);
  }
  return 0;
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  Deno.addSignalListener(sig, async () => {
    const children = [...live];
    killAll();
    // reap them, so no zombie is left behind
    await withTimeout(Promise.all(children.map((p) => p.child.status)), 2, "children").catch(
      () => {},
    );
    removeWorktree();
    removeTmp();
    Deno.exit(130);
  });
}
globalThis.addEventListener("unload", () => {
  killAll();
  removeWorktree();
  removeTmp();
});

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(e);
} finally {
  killAll();
  removeWorktree();
  removeTmp();
}
Deno.exit(code);
