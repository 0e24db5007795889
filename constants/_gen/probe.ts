/**
 * Step 4 of `gen.ts`: compile a probe holding every candidate and measure
 * the values, struct layouts and scalar sizes, by one of two methods:
 *
 * - **run**: the probe prints everything; it runs natively, or under
 *   qemu-user for another arch (Linux);
 * - **asm**: the probe holds everything in initialized global arrays and is
 *   only compiled to assembly (`cc -S`); `asm.ts` reads the arrays back.
 *   Nothing runs, so this works for a target nothing here can execute
 *   (macOS, through `zig cc`).
 *
 * Both drop a candidate whose line fails to compile (not an integer constant
 * expression) and recompile until the probe is clean.
 *
 * @module
 */

import type { StructLayout } from "../types.ts";
import { type AsmDialect, readAsmWords } from "./asm.ts";
import { mustRun, run } from "./proc.ts";
import { type Candidate, type Dropped, unitSource } from "./scan.ts";
import { type OsSpec, sizeExprs, structType, type TranslationUnit } from "./spec.ts";

/** How to compile for (and maybe run on) one target. */
export interface Toolchain {
  /** The compiler and its target flags. */
  readonly cc: readonly string[];
  /** Flags that make it report every error, each at the probe's line. */
  readonly errorFlags: readonly string[];
  /** Prefix that runs a target binary (`[]`: natively; qemu otherwise). */
  readonly runner: readonly string[] | null;
  /** The assembly dialect of `cc -S`. */
  readonly dialect: AsmDialect;
}

/** What a probe measured, before the table is assembled. */
export interface Measured {
  /** Candidates that compiled, in probe order. */
  readonly cands: Candidate[];
  /** out-name → value. */
  readonly values: Map<string, bigint>;
  /** errno number → `strerror()` (empty when the method can't run). */
  readonly messages: Map<number, string>;
  readonly sizes: Record<string, number>;
  readonly structs: Record<string, StructLayout>;
}

type Source = { src: string; lineOf: Map<number, Candidate> };

/** 1-based number of the line after `lines` joined by newlines. */
function nextLine(lines: string[]): number {
  return lines.join("\n").split("\n").length + 1;
}

const IS_INT = `#define IS_INT(x) _Generic((x), _Bool: 1, char: 1, signed char: 1, \\
  unsigned char: 1, short: 1, unsigned short: 1, int: 1, unsigned int: 1, \\
  long: 1, unsigned long: 1, long long: 1, unsigned long long: 1, default: 0)`;

const PROBE_HEAD = `
#include <stdio.h>
#include <stddef.h>
#include <string.h>
${IS_INT}
struct probe_ent {
  const char *name;
  unsigned long ok;
  int neg;
  long long s;
  unsigned long long u;
};
#define ENT(name, x) { name, sizeof(char[IS_INT(x) ? 1 : -1]), (x) < 0, \\
  (long long)(x), (unsigned long long)(x) }
`;

/**
 * The unit's source, followed, in the unit that measures the structs, by
 * the OS's `structHeaders`.
 */
function structSource(os: OsSpec, unit: TranslationUnit, withStructs: boolean): string {
  const extra = withStructs ? os.structHeaders ?? [] : [];
  return unitSource(os, unit) + extra.map((h) => `#include <${h}>\n`).join("");
}

/** The run method's probe: one function per unit that prints every value. */
function runProbeSource(
  os: OsSpec,
  unit: TranslationUnit,
  cands: Candidate[],
  withStructs: boolean,
): Source {
  const lines: string[] = [structSource(os, unit, withStructs), PROBE_HEAD];
  const lineOf = new Map<number, Candidate>();
  let n = nextLine(lines);
  cands.forEach((c, i) => {
    lines.push(
      `static const struct probe_ent e${i} = ENT(${JSON.stringify(c.out)}, ${c.expr});`,
    );
    lineOf.set(n, c);
    n++;
  });
  lines.push(
    `static const struct probe_ent *const ents[] = {${cands.map((_, i) => `&e${i}`).join(", ")}${
      cands.length ? ", " : ""
    }0};`,
  );
  const errnoNames = cands.filter((c) => c.errno).map((c) => c.out);
  lines.push(`void probe_${unit.name}(void) {`);
  lines.push(`  for (const struct probe_ent *const *p = ents; *p; p++) {`);
  lines.push(`    const struct probe_ent *e = *p;`);
  lines.push(
    `    if (e->neg) printf("C\\t%s\\t-\\t%lld\\n", e->name, e->s);`,
  );
  lines.push(`    else printf("C\\t%s\\t+\\t%llu\\n", e->name, e->u);`);
  lines.push(`  }`);
  for (const name of errnoNames) {
    lines.push(
      `  printf("M\\t%d\\t%s\\n", (int)(${name}), strerror(${name}));`,
    );
  }
  if (withStructs) {
    for (const [key, expr] of Object.entries(sizeExprs(os))) {
      lines.push(
        `  printf("Z\\t${key}\\t%llu\\n", (unsigned long long)(${expr}));`,
      );
    }
    for (const [s, fields] of Object.entries(os.structs)) {
      const t = structType(os, s);
      lines.push(
        `  printf("S\\t${s}\\t%zu\\t%zu\\n", sizeof(${t}), _Alignof(${t}));`,
      );
      for (const f of fields) {
        lines.push(
          `  printf("F\\t${s}\\t${f}\\t%zu\\t%zu\\n", offsetof(${t}, ${f}), sizeof(((${t} *)0)->${f}));`,
        );
      }
    }
  }
  lines.push(`}`);
  return { src: lines.join("\n") + "\n", lineOf };
}

const ASM_HEAD = `
#include <stddef.h>
${IS_INT}
#define PV(x) (unsigned long long)(x), (unsigned long long)((x) < 0), \\
  (unsigned long long)sizeof(char[IS_INT(x) ? 1 : -1])
`;

/** Words per candidate in `probe_c_<unit>`: value, negative?, 1. */
const PV_WORDS = 3;

/**
 * The asm method's probe: `probe_c_<unit>` holds three words per candidate
 * (one line each, so a compile error names the candidate) and a final 0;
 * the first unit also holds `probe_z` (the `SIZES`, in order) and `probe_s`
 * (per struct of the OS: size, align, then offset and size of each field).
 */
function asmProbeSource(
  os: OsSpec,
  unit: TranslationUnit,
  cands: Candidate[],
  withStructs: boolean,
): Source {
  const lines: string[] = [structSource(os, unit, withStructs), ASM_HEAD];
  const lineOf = new Map<number, Candidate>();
  lines.push(`const unsigned long long probe_c_${unit.name}[] = {`);
  let n = nextLine(lines);
  for (const c of cands) {
    lines.push(`  PV(${c.expr}),`);
    lineOf.set(n++, c);
  }
  lines.push(`  0\n};`);
  if (withStructs) {
    lines.push(`const unsigned long long probe_z[] = {`);
    for (const expr of Object.values(sizeExprs(os))) {
      lines.push(`  (unsigned long long)(${expr}),`);
    }
    lines.push(`};`);
    lines.push(`const unsigned long long probe_s[] = {`);
    for (const [s, fields] of Object.entries(os.structs)) {
      const t = structType(os, s);
      lines.push(`  sizeof(${t}), _Alignof(${t}),`);
      for (const f of fields) {
        lines.push(`  offsetof(${t}, ${f}), sizeof(((${t} *)0)->${f}),`);
      }
    }
    lines.push(`};`);
  }
  return { src: lines.join("\n") + "\n", lineOf };
}

async function compileUntilClean(
  tc: Toolchain,
  dir: string,
  unit: TranslationUnit,
  cands: Candidate[],
  source: (cands: Candidate[]) => Source,
  mode: "-c" | "-S",
  dropped: Dropped[],
): Promise<{ cands: Candidate[]; output: string }> {
  const stem = `${dir}/probe_${unit.name}`;
  const output = `${stem}${mode === "-c" ? ".o" : ".s"}`;
  for (let round = 0; round < 20; round++) {
    const { src, lineOf } = source(cands);
    await Deno.writeTextFile(`${stem}.c`, src);
    const r = await run([...tc.cc, mode, "-w", ...tc.errorFlags, "-o", output, `${stem}.c`]);
    if (r.code === 0) return { cands, output };
    const bad = new Set<Candidate>();
    const re = new RegExp(`probe_${unit.name}\\.c:(\\d+):\\d+: (?:error|note)`, "g");
    for (const m of r.stderr.matchAll(re)) {
      const c = lineOf.get(Number(m[1]));
      if (c) bad.add(c);
    }
    if (bad.size === 0) {
      throw new Error(
        `gen: the probe for unit ${unit.name} fails outside the constants:\n${
          r.stderr.slice(0, 4000)
        }`,
      );
    }
    for (const c of bad) {
      dropped.push({ name: c.out, reason: "not an integer constant expression" });
    }
    cands = cands.filter((c) => !bad.has(c));
  }
  throw new Error(`gen: probe for unit ${unit.name} did not converge`);
}

/** The units of one target, each with its prefiltered candidates. */
export type Units = readonly { unit: TranslationUnit; cands: Candidate[] }[];

/** The run method: compile, link and run the probe, parse what it prints. */
export async function measureByRunning(
  tc: Toolchain,
  os: OsSpec,
  dir: string,
  units: Units,
  dropped: Dropped[],
): Promise<Measured> {
  if (tc.runner === null) throw new Error("gen: the run method needs a runnable target");
  const objects: string[] = [];
  const final: Candidate[] = [];
  for (const [i, { unit, cands }] of units.entries()) {
    const source = (cs: Candidate[]) => runProbeSource(os, unit, cs, i === 0);
    const r = await compileUntilClean(tc, dir, unit, cands, source, "-c", dropped);
    objects.push(r.output);
    final.push(...r.cands);
  }
  const main = `${dir}/probe_main.c`;
  await Deno.writeTextFile(
    main,
    units.map(({ unit }) => `void probe_${unit.name}(void);\n`).join("") +
      `int main(void) {\n${
        units.map(({ unit }) => `  probe_${unit.name}();\n`).join("")
      }  return 0;\n}\n`,
  );
  const exe = `${dir}/probe`;
  await mustRun([...tc.cc, "-o", exe, main, ...objects]);
  const out = await mustRun([...tc.runner, exe], { env: { LC_ALL: "C", LANG: "C" } });

  const values = new Map<string, bigint>();
  const messages = new Map<number, string>();
  const sizes: Record<string, number> = {};
  const structs: Record<string, StructLayout> = {};
  const fields: Record<string, Record<string, { offset: number; size: number }>> = {};
  for (const line of out.split("\n")) {
    if (!line) continue;
    const f = line.split("\t");
    switch (f[0]) {
      case "C":
        values.set(f[1], BigInt(f[3]));
        break;
      case "M":
        messages.set(Number(f[1]), f.slice(2).join("\t"));
        break;
      case "Z":
        sizes[f[1]] = Number(f[2]);
        break;
      case "S":
        structs[f[1]] = { size: Number(f[2]), align: Number(f[3]), fields: fields[f[1]] ??= {} };
        break;
      case "F":
        (fields[f[1]] ??= {})[f[2]] = { offset: Number(f[3]), size: Number(f[4]) };
        break;
      default:
        throw new Error(`gen: unexpected probe output: ${line}`);
    }
  }
  return { cands: final, values, messages, sizes, structs };
}

/**
 * The asm method: compile each unit's probe to assembly and read the arrays
 * back (`asm.ts`). `messages` stays empty: `strerror()` is a run-time answer
 * (see {@linkcode measureMessages}).
 */
export async function measureFromAsm(
  tc: Toolchain,
  os: OsSpec,
  dir: string,
  units: Units,
  dropped: Dropped[],
): Promise<Measured> {
  const values = new Map<string, bigint>();
  const sizes: Record<string, number> = {};
  const structs: Record<string, StructLayout> = {};
  const final: Candidate[] = [];
  for (const [i, { unit, cands }] of units.entries()) {
    const source = (cs: Candidate[]) => asmProbeSource(os, unit, cs, i === 0);
    const r = await compileUntilClean(tc, dir, unit, cands, source, "-S", dropped);
    const asm = await Deno.readTextFile(r.output);
    const words = readAsmWords(
      asm,
      `probe_c_${unit.name}`,
      r.cands.length * PV_WORDS + 1,
      tc.dialect,
    );
    r.cands.forEach((c, k) => {
      const [u, neg, one] = words.slice(k * PV_WORDS, k * PV_WORDS + PV_WORDS);
      if (one !== 1n || neg > 1n) {
        throw new Error(`gen: asm probe: bad entry for ${c.out}: ${u} ${neg} ${one}`);
      }
      values.set(c.out, neg ? BigInt.asIntN(64, u) : u);
    });
    final.push(...r.cands);
    if (i !== 0) continue;
    const keys = Object.keys(sizeExprs(os));
    readAsmWords(asm, "probe_z", keys.length, tc.dialect).forEach((v, k) => {
      sizes[keys[k]] = Number(v);
    });
    const count = Object.values(os.structs).reduce((a, fs) => a + 2 + 2 * fs.length, 0);
    const s = readAsmWords(asm, "probe_s", count, tc.dialect).map(Number);
    let at = 0;
    for (const [name, fs] of Object.entries(os.structs)) {
      const fields: Record<string, { offset: number; size: number }> = {};
      structs[name] = { size: s[at], align: s[at + 1], fields };
      at += 2;
      for (const f of fs) {
        fields[f] = { offset: s[at], size: s[at + 1] };
        at += 2;
      }
    }
  }
  return { cands: final, values, messages: new Map(), sizes, structs };
}

/**
 * `strerror(n)` in the C locale for each errno number, from a small program
 * run natively or under qemu-user: the one thing of a Linux table the
 * assembly can't give.
 */
export async function measureMessages(
  tc: Toolchain,
  dir: string,
  numbers: readonly number[],
): Promise<Map<number, string>> {
  if (tc.runner === null) throw new Error("gen: strerror() needs a runnable target");
  const src = `${dir}/strerror.c`;
  await Deno.writeTextFile(
    src,
    `#include <stdio.h>\n#include <string.h>\nstatic const int ns[] = {${numbers.join(", ")}};\n` +
      `int main(void) {\n  for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++)\n` +
      `    printf("%d\\t%s\\n", ns[i], strerror(ns[i]));\n  return 0;\n}\n`,
  );
  await mustRun([...tc.cc, "-o", `${dir}/strerror`, src]);
  const out = await mustRun([...tc.runner, `${dir}/strerror`], {
    env: { LC_ALL: "C", LANG: "C" },
  });
  const messages = new Map<number, string>();
  for (const line of out.split("\n")) {
    if (!line) continue;
    const [n, ...msg] = line.split("\t");
    messages.set(Number(n), msg.join("\t"));
  }
  return messages;
}
