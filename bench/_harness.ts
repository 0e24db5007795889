/**
 * The measuring machinery behind `bench/run.ts`: child processes that are
 * always reaped and killed by pid, the C build, rounds that alternate the
 * competitors, and the results table. Sections (`run.ts`, `_redis.ts`,
 * `_udp.ts`) describe what to run; this file runs and tabulates it.
 *
 * @module
 */

export const BENCH_DIR: string = new URL(".", import.meta.url).pathname;
export const DENO: string = Deno.execPath();

/** Seconds allowed for a child to start and print its first line. */
export const STARTUP_S = 30;

/** Rounds per test (set once by the orchestrator from its options). */
export const config = { rounds: 5 };

// -------------------------------------------------------------- processes --

export const live = new Set<Proc>();

/** A child process with line-oriented stdout and a captured stderr tail. */
export class Proc {
  readonly child: Deno.ChildProcess;
  readonly pid: number;
  readonly name: string;
  exited = false;
  #stdout: ReadableStreamDefaultReader<string>;
  #buf = "";
  #stderr = "";
  #stdin: WritableStreamDefaultWriter<Uint8Array> | null;

  /** Starts `cmd` with this environment plus `env` (e.g. a competitor's {@linkcode Comp.env}). */
  constructor(name: string, cmd: string[], env: Record<string, string> = {}) {
    this.name = name;
    const child = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", ...env },
    }).spawn();
    this.child = child;
    this.pid = child.pid;
    live.add(this);
    this.#stdin = this.child.stdin.getWriter();
    this.#stdout = this.child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    (async () => {
      const r = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await r.read();
        if (done) break;
        this.#stderr = (this.#stderr + value).slice(-4000);
      }
    })().catch(() => {});
    this.child.status.then(() => {
      this.exited = true;
      live.delete(this);
    });
  }

  /** The last lines the child wrote to stderr. */
  stderrTail(): string {
    return this.#stderr.trim().split("\n").slice(-6).join("\n");
  }

  /** Next non-empty stdout line; throws on EOF or after `seconds`. */
  async line(seconds: number, what: string): Promise<string> {
    const read = async () => {
      for (;;) {
        const i = this.#buf.indexOf("\n");
        if (i >= 0) {
          const line = this.#buf.slice(0, i).trim();
          this.#buf = this.#buf.slice(i + 1);
          if (line) return line;
          continue;
        }
        const { value, done } = await this.#stdout.read();
        if (done) {
          const line = this.#buf.trim();
          this.#buf = "";
          if (line) return line;
          // Let the stderr reader catch up before reporting.
          await withTimeout(this.child.status, 1, "exit").catch(() => {});
          throw new Error(`${this.name} ended without printing ${what}` + this.#why());
        }
        this.#buf += value;
      }
    };
    try {
      return await withTimeout(read(), seconds, `${this.name}: ${what}`);
    } catch (e) {
      if (e instanceof TimeoutError) throw new Error(e.message + this.#why());
      throw e;
    }
  }

  /**
   * The rest of stdout up to EOF and the exit status; throws (the caller's
   * cleanup kills the child) when that takes more than `seconds`.
   */
  async output(seconds: number, what: string): Promise<{ text: string; code: number }> {
    const read = async () => {
      let text = this.#buf;
      this.#buf = "";
      for (;;) {
        const { value, done } = await this.#stdout.read();
        if (done) break;
        text += value;
      }
      return { text, code: (await this.child.status).code };
    };
    try {
      return await withTimeout(read(), seconds, `${this.name}: ${what}`);
    } catch (e) {
      if (e instanceof TimeoutError) throw new Error(e.message + this.#why());
      throw e;
    }
  }

  /** Next stdout line parsed as JSON. */
  async json(seconds: number, what: string): Promise<Record<string, number>> {
    const line = await this.line(seconds, what);
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(
        `${this.name}: expected JSON ${what}, got ${JSON.stringify(line.slice(0, 200))}`,
      );
    }
  }

  /** Wait for the exit status; kill after `seconds`. */
  async wait(seconds: number): Promise<Deno.CommandStatus | null> {
    try {
      return await withTimeout(this.child.status, seconds, "exit");
    } catch {
      await this.kill();
      return null;
    }
  }

  /** Close stdin, SIGKILL by pid if still running, and reap. */
  async kill(): Promise<void> {
    this.killSync();
    await withTimeout(this.child.status, 5, `${this.name} exit`).catch(() => {});
  }

  killSync(): void {
    try {
      this.#stdin?.close().catch(() => {});
    } catch { /* already closed */ }
    this.#stdin = null;
    if (!this.exited) {
      try {
        this.child.kill("SIGKILL");
      } catch { /* raced with exit */ }
    }
  }

  #why(): string {
    const tail = this.stderrTail();
    return tail ? `\n    stderr: ${tail.replaceAll("\n", "\n            ")}` : "";
  }
}

export function killAll(): void {
  for (const p of [...live]) p.killSync();
}

export class TimeoutError extends Error {}

export function withTimeout<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`timed out after ${seconds} s waiting for ${what}`)),
      seconds * 1000,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// -------------------------------------------------------------- building --

export async function run(cmd: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const o = await new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { ok: o.success, out: (dec.decode(o.stdout) + dec.decode(o.stderr)).trim() };
  } catch (e) {
    return { ok: false, out: e instanceof Error ? e.message : String(e) };
  }
}

export async function sha256hex(data: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compile bench/c/*.c; returns binary paths by name, or null (with a message) without gcc. */
export async function buildC(): Promise<Record<string, string> | null> {
  const gcc = await run(["gcc", "--version"]);
  if (!gcc.ok) {
    console.error(
      "! gcc not found: the C competitors and the load generator need it " +
        "(Debian/Ubuntu: apt-get install gcc). Sections a and d are skipped, C rows are missing.",
    );
    return null;
  }
  const cdir = BENCH_DIR + "c/";
  const files = [...Deno.readDirSync(cdir)].map((e) => e.name).filter((n) => /\.[ch]$/.test(n))
    .sort();
  const enc = new TextEncoder();
  const parts = [enc.encode(gcc.out.split("\n")[0])];
  for (const f of files) parts.push(enc.encode(f), Deno.readFileSync(cdir + f));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) all.set(p, (off += p.length) - p.length);
  const hash = (await sha256hex(all)).slice(0, 16);
  const home = Deno.env.get("HOME");
  const base = Deno.env.get("XDG_CACHE_HOME") ?? (home ? `${home}/.cache` : null);
  const outDir = base
    ? `${base}/libc-socket-bench/${hash}`
    : await Deno.makeTempDir({ prefix: "libc-socket-bench-bin-" });
  Deno.mkdirSync(outDir, { recursive: true });
  const bins: Record<string, string> = {};
  for (const f of files.filter((n) => n.endsWith(".c"))) {
    const name = f.slice(0, -2);
    const out = `${outDir}/${name}`;
    bins[name] = out;
    try {
      Deno.statSync(out);
      continue; // cached
    } catch { /* build it */ }
    const tmp = `${out}.tmp${Deno.pid}`;
    const r = await run(["gcc", "-O2", "-Wall", "-o", tmp, cdir + f]);
    if (!r.ok) throw new Error(`gcc failed on ${f}:\n${r.out}`);
    Deno.renameSync(tmp, out);
  }
  return bins;
}

// ------------------------------------------------------------ competitors --

export interface Comp {
  id: string;
  label: string;
  group: "ours" | "deno" | "c" | "python";
  /** The id of the C row this row's "vs C" ratio divides by (default: the first C row). */
  vsC?: string;
  /** Extra environment for this competitor's processes (see `Proc`). */
  env?: Record<string, string>;
  /** For `--against`: the id of the row (this tree) that this row (the other commit) twins. */
  twinOf?: string;
}

/** Which program a competitor runs: its own id, or for an `--against` twin the id it twins. */
export function kindOf(c: Comp): string {
  return c.twinOf ?? c.id;
}

export const deno = (
  file: string,
  ...args: string[]
): string[] => [DENO, "run", "-A", "--quiet", BENCH_DIR + file, ...args];

// ---------------------------------------------------------------- results --

export interface Row {
  section: string;
  test: string;
  metric: string;
  better: "higher" | "lower";
  digits: number;
  comp: Comp;
  values: number[];
  errors: string[];
}

export const rows: Row[] = [];

export function rowFor(
  section: string,
  test: string,
  metric: string,
  better: Row["better"],
  digits: number,
  comp: Comp,
): Row {
  let r = rows.find((x) => x.test === test && x.metric === metric && x.comp.id === comp.id);
  if (!r) {
    r = { section, test, metric, better, digits, comp, values: [], errors: [] };
    rows.push(r);
  }
  return r;
}

export interface MetricDef {
  key: string;
  label: string;
  better: Row["better"];
  digits: number;
}

/**
 * Run `rounds` rounds of one test; within a round every competitor runs once, in order.
 * A competitor that fails is dropped from the remaining rounds of this test.
 */
export async function measure(
  section: string,
  test: string,
  comps: Comp[],
  metrics: MetricDef[],
  once: (c: Comp) => Promise<Record<string, number>>,
): Promise<void> {
  const failed = new Set<string>();
  for (const m of metrics) {
    for (const c of comps) rowFor(section, test, m.label, m.better, m.digits, c);
  }
  for (let r = 1; r <= config.rounds; r++) {
    for (const c of comps) {
      if (failed.has(c.id)) continue;
      const t0 = performance.now();
      try {
        const res = await once(c);
        const shown: string[] = [];
        for (const m of metrics) {
          const v = res[m.key];
          if (typeof v !== "number" || !Number.isFinite(v)) continue;
          rowFor(section, test, m.label, m.better, m.digits, c).values.push(v);
          shown.push(`${m.label} ${fmt(v, m.digits)}`);
        }
        log(
          `  [${r}/${config.rounds}] ${test} · ${c.label}: ${shown.join(", ")} (${
            ((performance.now() - t0) / 1000).toFixed(1)
          } s)`,
        );
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        failed.add(c.id);
        for (const m of metrics) {
          rowFor(section, test, m.label, m.better, m.digits, c).errors.push(msg);
        }
        log(
          `  [${r}/${config.rounds}] ${test} · ${c.label}: FAILED, skipped for this test\n    ${msg}`,
        );
      } finally {
        killAll(); // nothing of this run survives into the next one
        await Promise.all([...live].map((p) => p.kill()));
      }
    }
  }
}

export function log(s: string): void {
  console.error(s);
}

// ----------------------------------------------------------------- report --

export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fmt(v: number, digits: number): string {
  if (!Number.isFinite(v)) return "—";
  return v.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function ratio(v: number, base: Row | undefined): string {
  if (!base || base.values.length === 0) return "—";
  const b = median(base.values);
  if (!(b > 0)) return "—";
  return `${(v / b).toFixed(2)}×`;
}

export function table(): string {
  const out = [
    "| Benchmark | Metric | Competitor | Median | Min – max | vs Deno | vs C |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const arrow = r.better === "higher" ? "↑" : "↓";
    const baseDeno = rows.find((x) =>
      x.test === r.test && x.metric === r.metric && x.comp.group === "deno"
    );
    const baseC = rows.find((x) =>
      x.test === r.test && x.metric === r.metric &&
      (r.comp.vsC ? x.comp.id === r.comp.vsC : x.comp.group === "c")
    );
    if (r.values.length === 0) {
      const why = r.errors[0] ? `failed: ${r.errors[0].split("\n")[0].slice(0, 80)}` : "no data";
      out.push(
        `| ${r.test} | ${r.metric} ${arrow} | ${r.comp.label} | ${
          why.replaceAll("|", "\\|")
        } | | | |`,
      );
      continue;
    }
    const m = median(r.values);
    const lo = Math.min(...r.values), hi = Math.max(...r.values);
    const n = r.values.length < config.rounds ? ` (n=${r.values.length})` : "";
    out.push(
      `| ${r.test} | ${r.metric} ${arrow} | ${r.comp.label} | ${fmt(m, r.digits)}${n} | ${
        fmt(lo, r.digits)
      } – ${fmt(hi, r.digits)} | ${r === baseDeno ? "1.00×" : ratio(m, baseDeno)} | ${
        baseC === r ? "1.00×" : ratio(m, baseC)
      } |`,
    );
  }
  return out.join("\n");
}

/**
 * For `--against`: each row of this tree's library next to its twin from the
 * other commit, and the ratio of their medians (this tree / other commit). For
 * a ↑ metric a ratio above 1 means this tree is better, for a ↓ metric below 1.
 */
export function abTable(here: string, there: string): string {
  const out = [
    `| Benchmark | Metric | Competitor | ${here} | ${there} | ${here} / ${there} |`,
    "| --- | --- | --- | ---: | ---: | ---: |",
  ];
  for (const b of rows) {
    if (!b.comp.twinOf) continue;
    const a = rows.find((x) =>
      x.test === b.test && x.metric === b.metric && x.comp.id === b.comp.twinOf
    );
    if (!a) continue;
    const arrow = a.better === "higher" ? "↑" : "↓";
    const med = (r: Row) =>
      r.values.length ? fmt(median(r.values), r.digits) : r.errors.length ? "failed" : "—";
    const q = a.values.length && b.values.length ? ratio(median(a.values), b) : "—";
    out.push(
      `| ${a.test} | ${a.metric} ${arrow} | ${a.comp.label} | ${med(a)} | ${med(b)} | ${q} |`,
    );
  }
  return out.join("\n");
}
