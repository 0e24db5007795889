/**
 * Generates `constants/<os>_<arch>.ts` and `constants/public.ts` from the
 * system headers, the way golang/sys `unix/mkerrors.sh` makes
 * `zerrors_linux_*.go`:
 *
 * 1. preprocess each translation unit of `spec.ts` with `cc -E -dD`, which
 *    lists every `#define` with line markers naming the defining header, and
 *    scan the code for enumerators (glibc spells `IPPROTO_*`, `SHUT_*`,
 *    `IPPORT_*` as enums, the kernel spells `J1939_NLA_*` that way);
 * 2. keep the names of the public families (regex), the internal names and
 *    the errno names;
 * 3. expand each candidate with the preprocessor and drop the ones that are
 *    empty, unbalanced or string literals (`scan.ts`);
 * 4. compile a probe with one line per candidate, drop every name whose line
 *    fails to compile (not an integer constant expression), repeat until it
 *    compiles, then measure the values, struct layouts and scalar sizes
 *    (`probe.ts`), by one of two methods:
 *    - Linux (x86_64, aarch64; glibc headers, gcc): **run** the probe,
 *      natively or under qemu-user, which also prints `strerror()`;
 *    - macOS (x86_64, aarch64; the SDK headers inside Zig's npm package,
 *      `zig cc -target <arch>-macos.13.0`): read everything from the
 *      emitted **assembly** (`asm.ts`); nothing runs, and the table has no
 *      errno messages (macOS's `strerror()` gives them at run time);
 *    - Windows (x86_64; the mingw-w64 headers inside the same package,
 *      `zig cc -target x86_64-windows-gnu`): the same, and its errno table
 *      follows CPython's `errno` module there (`winerrno.ts`);
 * 5. add the few CPython constants the headers lack (`fallback.ts`);
 * 6. render the tables and `public.ts`, formatted with `deno fmt`
 *    (`render.ts`).
 *
 * **The asm method is proven on Linux**: each Linux table is generated a
 * second time from scratch by the asm method (`gcc -S`, only `strerror()`
 * run), and the two renderings must be byte-identical, or generation fails.
 *
 * Usage:
 *
 *     deno run -A constants/_gen/gen.ts [--only P[,P...]] [--arch A] [--check] [--prove-asm] [--keep]
 *
 * `--only` picks which tables are generated (platforms such as
 * `linux_x86_64`, `darwin_aarch64`, `windows_x86_64`; default all; `--arch x86_64` means
 * `--only linux_x86_64`); a table not generated is read back from disk to
 * render `public.ts`. `--check` writes nothing and exits 1 with a diff
 * summary if a generated file would change. `--prove-asm` only runs the
 * Linux proof (and writes nothing). `--keep` keeps the temporary directory
 * with the probes.
 *
 * @module
 */

import {
  type Arch,
  ARCHES,
  DARWIN_ARCHES,
  type Os,
  OS_SPECS,
  SIZES,
  type TranslationUnit,
  WINDOWS_ARCHES,
} from "./spec.ts";
import { FALLBACK, OVERRIDE } from "./fallback.ts";
import { windowsErrno } from "./winerrno.ts";
import type { PlatformTable } from "../types.ts";
import { cmp, log, mustRun, run } from "./proc.ts";
import { type Candidate, collect, type Dropped, parseScan, prefilter, unitSource } from "./scan.ts";
import {
  measureByRunning,
  type Measured,
  measureFromAsm,
  measureMessages,
  type Toolchain,
  type Units,
} from "./probe.ts";
import { fmt, renderPublic, renderTable } from "./render.ts";
import { zig } from "./zig.ts";

const OUT_DIR = new URL("../", import.meta.url);

// ---------------------------------------------------------------------------
// targets

/** One table to generate. */
interface Target {
  /** `${os}_${arch}`, the table's file name and `platform`. */
  readonly platform: string;
  readonly os: Os;
  readonly arch: "x86_64" | "aarch64";
  /** How values are measured (see the module doc). */
  readonly method: "run" | "asm";
  /** The arguments that regenerate just this table (its header comment). */
  readonly select: string;
  readonly toolchain: () => Promise<Toolchain>;
}

const GCC_ERRORS = ["-ftrack-macro-expansion=0", "-fmax-errors=0"];
const CLANG_ERRORS = ["-ferror-limit=0", "-fmacro-backtrace-limit=1"];

function linuxToolchain(arch: Arch): Toolchain {
  const dialect = { word: arch.name === "x86_64" ? 2 : 4, underscore: false } as const;
  if (Deno.build.arch === arch.name) {
    return { cc: [Deno.env.get("CC") ?? "cc"], errorFlags: GCC_ERRORS, runner: [], dialect };
  }
  return {
    cc: [`${arch.triplet}-gcc`],
    errorFlags: GCC_ERRORS,
    runner: [arch.qemu, "-L", arch.sysroot],
    dialect,
  };
}

const TARGETS: readonly Target[] = [
  ...ARCHES.map((a): Target => ({
    platform: `linux_${a.name}`,
    os: "linux",
    arch: a.name,
    method: "run",
    select: `--arch ${a.name}`,
    toolchain: () => Promise.resolve(linuxToolchain(a)),
  })),
  ...DARWIN_ARCHES.map((a): Target => ({
    platform: `darwin_${a.name}`,
    os: "darwin",
    arch: a.name,
    method: "asm",
    select: `--only darwin_${a.name}`,
    toolchain: async () => ({
      // -g0: no DWARF sections in the assembly, only the probe's data.
      cc: [await zig(), "cc", "-target", a.zig, "-g0"],
      errorFlags: CLANG_ERRORS,
      runner: null,
      dialect: { word: a.name === "x86_64" ? 2 : 4, underscore: true },
    }),
  })),
  ...WINDOWS_ARCHES.map((a): Target => ({
    platform: `windows_${a.name}`,
    os: "windows",
    arch: a.name,
    method: "asm",
    select: `--only windows_${a.name}`,
    toolchain: async () => ({
      cc: [await zig(), "cc", "-target", a.zig, "-g0"],
      errorFlags: CLANG_ERRORS,
      runner: null,
      // COFF on x86_64: no leading underscore on C symbols.
      dialect: { word: 2, underscore: false },
    }),
  })),
];

// ---------------------------------------------------------------------------
// steps 1-3 (no probe yet): enough to know the headers of every name

interface Prepared {
  target: Target;
  tc: Toolchain;
  dir: string;
  units: Units;
  dropped: Dropped[];
  /** out-name → defining header (for the docs) */
  headers: Map<string, string>;
  /** out-name → expression in the header when renamed (CAN_BCM_*) */
  renamed: Map<string, string>;
}

async function prepare(target: Target, dir: string): Promise<Prepared> {
  const tc = await target.toolchain();
  const os = OS_SPECS[target.os];
  await Deno.mkdir(dir, { recursive: true });
  const dropped: Dropped[] = [];
  const headers = new Map<string, string>();
  const renamed = new Map<string, string>();
  const seen = new Set<string>();
  const units: { unit: TranslationUnit; cands: Candidate[] }[] = [];
  for (const unit of os.units) {
    const src = `${dir}/scan_${unit.name}.c`;
    await Deno.writeTextFile(src, unitSource(os, unit));
    const scan = parseScan(await mustRun([...tc.cc, "-E", "-dD", src]));
    let cands = collect(os, unit, scan, dropped).filter((c) => !seen.has(c.out));
    cands = await prefilter(tc.cc as string[], dir, os, unit, cands, dropped);
    for (const c of cands) {
      seen.add(c.out);
      headers.set(c.out, c.header);
      if (c.out !== c.expr) renamed.set(c.out, c.expr);
    }
    units.push({ unit, cands });
  }
  return { target, tc, dir, units, dropped, headers, renamed };
}

// ---------------------------------------------------------------------------
// steps 4-5: measure, then assemble the table

interface Generated {
  table: PlatformTable;
  fallbacks: string[];
  dropped: Dropped[];
}

async function generate(p: Prepared, method: "run" | "asm"): Promise<Generated> {
  const { target, tc, dir, dropped } = p;
  const os = OS_SPECS[target.os];
  let m: Measured;
  if (method === "run") m = await measureByRunning(tc, os, dir, p.units, dropped);
  else {
    m = await measureFromAsm(tc, os, dir, p.units, dropped);
    if (tc.runner !== null) {
      // Linux: strerror() is the one run-time answer the assembly can't give.
      const numbers = m.cands.filter((c) => c.errno && !c.aliasOf).map((c) => m.values.get(c.out));
      const unique = [...new Set(numbers)].filter((n) => n !== undefined).map(Number);
      m = { ...m, messages: await measureMessages(tc, dir, unique.sort((a, b) => a - b)) };
    }
  }
  const withMessages = tc.runner !== null;

  const byName = new Map(m.cands.map((c) => [c.out, c]));
  const constants: Record<string, number> = {};
  const errnoNames: Record<string, number> = {};
  for (const [name, big] of m.values) {
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) {
      dropped.push({ name, reason: `value ${big} is not a safe JS integer` });
      continue;
    }
    if (byName.get(name)!.errno) errnoNames[name] = Number(big);
    else constants[name] = Number(big);
  }

  // 5. CPython values for names the headers lack (a header value wins),
  // and where CPython's headers disagree with these (OVERRIDE).
  for (const [name, value] of Object.entries(OVERRIDE[target.os])) {
    if (!(name in constants)) throw new Error(`gen: ${target.platform}: no ${name} to override`);
    log(`gen: ${target.platform}: ${name} is ${value} as in CPython, not ${constants[name]}`);
    constants[name] = value;
  }
  const fallbacks: string[] = [];
  for (const [name, value] of Object.entries(FALLBACK[target.os])) {
    if (!(name in constants)) {
      constants[name] = value;
      fallbacks.push(name);
    }
  }

  const aliases = new Set(m.cands.filter((c) => c.errno && c.aliasOf).map((c) => c.out));
  const errnoTable = target.os === "windows"
    ? windowsErrno(errnoNames, aliases)
    : posixErrno(target, errnoNames, aliases, withMessages ? m.messages : undefined);

  const table: PlatformTable = {
    platform: target.platform,
    constants,
    sizes: m.sizes as unknown as PlatformTable["sizes"],
    structs: m.structs,
    ...errnoTable,
  };
  checkComplete(table, target.os);
  return { table, fallbacks: fallbacks.sort(cmp), dropped };
}

/**
 * errno: number → [primary name, message?]. The primary name is the one not
 * defined as another E-name (EAGAIN, not EWOULDBLOCK), as errno.errorcode.
 */
function posixErrno(
  target: Target,
  errnoNames: Record<string, number>,
  aliases: ReadonlySet<string>,
  messages: ReadonlyMap<number, string> | undefined,
): Pick<PlatformTable, "errno" | "errnoNames"> {
  const errno: Record<number, readonly [string, string?]> = {};
  const primaries = new Map<number, string[]>();
  for (const [name, n] of Object.entries(errnoNames)) {
    if (aliases.has(name)) continue;
    primaries.set(n, [...(primaries.get(n) ?? []), name]);
  }
  for (const [n, names] of [...primaries].sort((a, b) => a[0] - b[0])) {
    names.sort(cmp);
    if (names.length > 1) {
      log(`gen: ${target.platform}: errno ${n} has several primary names: ${names}`);
    }
    errno[n] = messages ? [names[0], messages.get(n) ?? ""] : [names[0]];
  }
  return { errno, errnoNames };
}

function checkComplete(t: PlatformTable, osName: Os): void {
  const os = OS_SPECS[osName];
  for (const k of Object.keys(SIZES)) {
    if (!(k in t.sizes)) throw new Error(`gen: ${t.platform}: no size ${k}`);
  }
  for (const [s, fields] of Object.entries(os.structs)) {
    const l = t.structs[s];
    if (!l) throw new Error(`gen: ${t.platform}: no struct ${s}`);
    for (const f of fields) {
      if (!l.fields[f]) throw new Error(`gen: ${t.platform}: no field ${s}.${f}`);
    }
  }
  for (const name of os.internal) {
    if (!(name in t.constants)) {
      throw new Error(`gen: ${t.platform}: internal name ${name} not found`);
    }
  }
}

function describe(t: Target): string {
  return OS_SPECS[t.os].describe.replace("ARCH", t.arch);
}

async function render(t: Target, table: PlatformTable): Promise<string> {
  return await fmt(renderTable(table, t.select, describe(t)));
}

function logResult(t: Target, r: Generated): void {
  const { table } = r;
  log(
    `gen: ${t.platform} (${t.method}): ${Object.keys(table.constants).length} constants, ${
      Object.keys(table.errnoNames).length
    } errno names, ${Object.keys(table.structs).length} structs`,
  );
  if (r.fallbacks.length) {
    log(`gen: ${t.platform}: CPython fallbacks used: ${r.fallbacks.join(" ")}`);
  }
  const seen = new Set<string>();
  const drops = r.dropped.filter((d) => !seen.has(d.name) && seen.add(d.name))
    .sort((a, b) => cmp(a.name, b.name));
  if (drops.length) {
    log(`gen: ${t.platform}: dropped ${drops.length} names:`);
    for (const d of drops) log(`  ${d.name}: ${d.reason}`);
  }
}

/**
 * The proof of the asm method: regenerate a run-method table from scratch
 * by the asm method and compare the renderings byte for byte.
 */
async function proveAsm(t: Target, expected: string, tmp: string): Promise<boolean> {
  const p = await prepare(t, `${tmp}/${t.platform}-asm`);
  const got = await render(t, (await generate(p, "asm")).table);
  if (got === expected) {
    log(`gen: ${t.platform}: the asm method gives the same table, byte for byte`);
    return true;
  }
  const a = `${tmp}/${t.platform}.run.ts`;
  const b = `${tmp}/${t.platform}.asm.ts`;
  await Deno.writeTextFile(a, expected);
  await Deno.writeTextFile(b, got);
  const d = await run(["diff", "-u", a, b]);
  log(`gen: ${t.platform}: the asm method gives a DIFFERENT table:\n${d.stdout.slice(0, 4000)}`);
  return false;
}

// ---------------------------------------------------------------------------
// main

interface Args {
  targets: Target[];
  check: boolean;
  proveOnly: boolean;
  keep: boolean;
}

const USAGE =
  "usage: deno run -A constants/_gen/gen.ts [--only P[,P...]] [--arch x86_64|aarch64] " +
  "[--check] [--prove-asm] [--keep]\n  platforms: " + TARGETS.map((t) => t.platform).join(", ");

function parseArgs(args: string[]): Args {
  let only: string[] | undefined;
  let check = false;
  let proveOnly = false;
  let keep = false;
  const arch = (a: string) => a === "all" ? TARGETS.map((t) => t.platform) : [`linux_${a}`];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--check") check = true;
    else if (a === "--prove-asm") proveOnly = true;
    else if (a === "--keep") keep = true;
    else if (a === "--arch") only = arch(args[++i] ?? "");
    else if (a.startsWith("--arch=")) only = arch(a.slice(7));
    else if (a === "--only") only = (args[++i] ?? "").split(",");
    else if (a.startsWith("--only=")) only = a.slice(7).split(",");
    else if (a === "-h" || a === "--help") {
      console.log(USAGE);
      Deno.exit(0);
    } else throw new Error(`gen: unknown argument ${a}\n${USAGE}`);
  }
  only ??= TARGETS.map((t) => t.platform);
  for (const p of only) {
    if (!TARGETS.some((t) => t.platform === p)) {
      throw new Error(`gen: unknown platform ${p}\n${USAGE}`);
    }
  }
  if (proveOnly) only = only.filter((p) => p.startsWith("linux_"));
  return { targets: TARGETS.filter((t) => only.includes(t.platform)), check, proveOnly, keep };
}

async function readExisting(path: URL): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

async function main(): Promise<number> {
  const { targets, check, proveOnly, keep } = parseArgs(Deno.args);
  const tmp = await Deno.makeTempDir({ prefix: "libc-socket-gen-" });
  try {
    const outputs = new Map<string, string>(); // file name → content
    const tables: PlatformTable[] = [];
    const headers = new Map<string, string>();
    const renamed = new Map<string, string>();
    const fallbacks = new Set<string>();
    let proven = true;
    for (const t of TARGETS) {
      const selected = targets.includes(t);
      if (proveOnly && !selected) continue;
      let prep: Prepared | undefined;
      try {
        prep = await prepare(t, `${tmp}/${t.platform}`);
      } catch (e) {
        if (selected) throw e;
        log(
          `gen: ${t.platform}: cannot scan the headers (${
            (e as Error).message.split("\n")[0]
          }); public.ts docs use the other tables only`,
        );
      }
      let table: PlatformTable;
      if (selected) {
        const r = await generate(prep!, t.method);
        logResult(t, r);
        table = r.table;
        r.fallbacks.forEach((f) => fallbacks.add(f));
        const text = await render(t, table);
        outputs.set(`${t.platform}.ts`, text);
        if (t.method === "run") proven = await proveAsm(t, text, tmp) && proven;
      } else {
        const file = new URL(`${t.platform}.ts`, OUT_DIR);
        if (await readExisting(file) === undefined) {
          throw new Error(
            `gen: constants/${t.platform}.ts is missing and --only excludes it; ` +
              "public.ts needs every table: generate them all",
          );
        }
        table = (await import(file.href) as { table: PlatformTable }).table;
        for (const name of Object.keys(table.constants)) {
          if (name in FALLBACK[t.os] && !prep?.headers.has(name)) fallbacks.add(name);
        }
      }
      tables.push(table);
      if (prep) {
        // The first table that has a name documents it: its header, and
        // the header's own name when that table renames it.
        for (const [k, v] of prep.headers) {
          if (headers.has(k)) continue;
          headers.set(k, v);
          const r = prep.renamed.get(k);
          if (r !== undefined) renamed.set(k, r);
        }
      }
    }
    if (!proven) {
      log("gen: the asm method is not proven: no file written");
      return 1;
    }
    if (proveOnly) return 0;
    outputs.set("public.ts", await fmt(renderPublic({ tables, headers, renamed, fallbacks })));

    let differs = 0;
    for (const [name, content] of outputs) {
      const path = new URL(name, OUT_DIR);
      const old = await readExisting(path);
      if (old === content) continue;
      if (!check) {
        await Deno.writeTextFile(path, content);
        log(`gen: wrote constants/${name}`);
        continue;
      }
      differs++;
      const newPath = `${tmp}/${name}`;
      await Deno.writeTextFile(newPath, content);
      if (old === undefined) {
        log(`gen: --check: constants/${name} is missing`);
        continue;
      }
      const d = await run(["diff", "-u", path.pathname, newPath]);
      const lines = d.stdout.split("\n");
      const added = lines.filter((l) => l.startsWith("+") && !l.startsWith("+++")).length;
      const removed = lines.filter((l) => l.startsWith("-") && !l.startsWith("---")).length;
      log(`gen: --check: constants/${name} differs (+${added} -${removed}):`);
      log(lines.slice(2, 42).join("\n"));
    }
    if (check) {
      if (differs) {
        log(`gen: --check: ${differs} generated file(s) out of date; run \`deno task gen\``);
        return 1;
      }
      log("gen: --check: generated files are up to date");
    }
    return 0;
  } finally {
    if (keep) log(`gen: probes kept in ${tmp}`);
    else await Deno.remove(tmp, { recursive: true });
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(2);
  }
}
