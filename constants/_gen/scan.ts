/**
 * Steps 1-3 of `gen.ts` before any probe is compiled: scan the headers of a
 * translation unit (`cc -E -dD`) for macros and enumerators with the header
 * that defines each, keep the candidate names, and drop the ones whose
 * expansion can't be an integer.
 *
 * @module
 */

import { HEADER_PREFIXES, type OsSpec, PUBLIC_RE, type TranslationUnit } from "./spec.ts";
import { cmp, mustRun } from "./proc.ts";

/** `/usr/include/x86_64-linux-gnu/bits/socket.h` → `bits/socket.h`. */
export function headerName(file: string): string {
  const m = /\/include(?:-fixed)?\/(.*)$/.exec(file);
  let rel = m ? m[1] : file;
  // The multiarch directory (Debian) and nested include dirs.
  rel = rel.replace(/^.*\/include(?:-fixed)?\//, "");
  rel = rel.replace(/^[a-z0-9_]+-linux-gnu[a-z0-9_]*\//, "");
  // Zig's per-target libc include dirs: `any-macos.13-any/`, `aarch64-macos.13-none/`,
  // `any-windows-any/`.
  rel = rel.replace(/^[a-z0-9_]+-(?:macos[0-9.]*|windows)-[a-z]+\//, "");
  return rel;
}

// ---------------------------------------------------------------------------
// 1. scan: macros and enumerators, with the header that defines them

export interface Scan {
  /** object-like macros: name → { header, body } */
  macros: Map<string, { header: string; body: string }>;
  /** function-like macros: name → header */
  functionLike: Map<string, string>;
  /** enumerators: name → header */
  enumerators: Map<string, string>;
}

/** The C source that includes every header of `unit`, after the OS preamble. */
export function unitSource(os: OsSpec, unit: TranslationUnit): string {
  return os.preamble + unit.headers.map((h) => `#include <${h}>\n`).join("");
}

/** Parses `cc -E -dD` output. */
export function parseScan(text: string): Scan {
  const macros = new Map<string, { header: string; body: string }>();
  const functionLike = new Map<string, string>();
  const enumerators = new Map<string, string>();
  let file = "";
  // enum scanner state
  let state: "none" | "afterEnum" | "afterTag" | "body" = "none";
  let depth = 0;
  let expectName = false;
  let attrDepth = -1;

  const tokenRe = /\s+|\/\/.*$|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[A-Za-z_]\w*|\d[\w.]*|./g;

  for (const line of text.split("\n")) {
    if (line.startsWith("#")) {
      const marker = /^# \d+ "([^"]*)"/.exec(line);
      if (marker) {
        file = marker[1];
        continue;
      }
      const def = /^#define ([A-Za-z_]\w*)(\()?\s*(.*)$/.exec(line);
      if (def) {
        const [, name, paren, body] = def;
        if (paren) {
          functionLike.set(name, headerName(file));
          macros.delete(name);
        } else {
          macros.set(name, { header: headerName(file), body: body.trim() });
          functionLike.delete(name);
        }
        continue;
      }
      const undef = /^#undef ([A-Za-z_]\w*)/.exec(line);
      if (undef) {
        macros.delete(undef[1]);
        functionLike.delete(undef[1]);
      }
      continue; // #pragma etc.
    }
    for (const m of line.matchAll(tokenRe)) {
      const tok = m[0];
      if (/^\s/.test(tok)) continue;
      const isIdent = /^[A-Za-z_]/.test(tok);
      if (state === "none") {
        if (tok === "enum") state = "afterEnum";
        continue;
      }
      // skip __attribute__((...)) between `enum`, the tag and `{`
      if (attrDepth >= 0) {
        if (tok === "(") attrDepth++;
        else if (tok === ")") {
          attrDepth--;
          if (attrDepth === 0) attrDepth = -1;
        }
        continue;
      }
      if (state === "afterEnum" || state === "afterTag") {
        if (tok === "__attribute__") {
          attrDepth = 0;
        } else if (tok === "{") {
          state = "body";
          depth = 0;
          expectName = true;
        } else if (isIdent && state === "afterEnum") {
          state = "afterTag";
        } else {
          state = tok === "enum" ? "afterEnum" : "none";
        }
        continue;
      }
      // state === "body"
      if (tok === "(" || tok === "[" || tok === "{") depth++;
      else if (tok === ")" || tok === "]") depth--;
      else if (tok === "}") {
        if (depth === 0) state = "none";
        else depth--;
      } else if (tok === "," && depth === 0) expectName = true;
      else if (isIdent && expectName && depth === 0) {
        enumerators.set(tok, headerName(file));
        expectName = false;
      }
    }
  }
  return { macros, functionLike, enumerators };
}

// ---------------------------------------------------------------------------
// 2. candidates

/** A name that may become a table entry. */
export interface Candidate {
  /** name in the table */
  out: string;
  /** C expression (the name in the headers) */
  expr: string;
  header: string;
  unit: string;
  errno: boolean;
  /** errno alias: the macro body is another E-name */
  aliasOf?: string;
}

/** A name left out of a table, and why (logged). */
export interface Dropped {
  name: string;
  reason: string;
}

/** Picks the candidates of one unit from its scan. */
export function collect(
  os: OsSpec,
  unit: TranslationUnit,
  scan: Scan,
  dropped: Dropped[],
): Candidate[] {
  const out = new Map<string, Candidate>();
  const internal = new Set(os.collect);
  const errno = os.errno;
  const renamedTo = new Map<string, string[]>();
  for (const [to, from] of Object.entries(os.renames)) {
    renamedTo.set(from, [...(renamedTo.get(from) ?? []), to]);
  }
  const consider = (name: string, header: string, fnLike: boolean) => {
    const targets: { out: string; errno: boolean }[] = [];
    if (internal.has(name)) {
      targets.push({ out: name, errno: false });
    } else if (PUBLIC_RE.test(name)) {
      if (!os.publicHeaders || os.publicHeaders.test(header)) {
        targets.push({ out: name, errno: false });
      } else if (!unit.only) {
        dropped.push({ name, reason: `<${header}> is not a socket header` });
      }
    }
    if (errno.name.test(name) && errno.header.test(header) && !errno.not.has(name)) {
      targets.push({ out: name, errno: true });
    }
    for (const p of HEADER_PREFIXES) {
      if (header === p.header && /^[A-Z][A-Z0-9_]*$/.test(name)) {
        targets.push({ out: p.prefix + name, errno: false });
      }
    }
    for (const to of renamedTo.get(name) ?? []) targets.push({ out: to, errno: false });
    for (const t of targets) {
      if (unit.only && !unit.only.includes(t.out)) continue;
      if (fnLike) {
        dropped.push({ name: t.out, reason: "function-like macro" });
        continue;
      }
      const body = scan.macros.get(name)?.body;
      out.set(t.out, {
        out: t.out,
        expr: name,
        header,
        unit: unit.name,
        errno: t.errno,
        aliasOf: t.errno && body && errno.name.test(body) && body !== name ? body : undefined,
      });
    }
  };
  for (const [name, header] of scan.enumerators) consider(name, header, false);
  for (const [name, m] of scan.macros) consider(name, m.header, false);
  for (const [name, header] of scan.functionLike) {
    consider(name, header, true);
  }
  return [...out.values()].sort((a, b) => cmp(a.out, b.out));
}
// ---------------------------------------------------------------------------
// 3. filter: expansion check, then compile until clean

function balanced(s: string): boolean {
  let d = 0;
  for (const ch of s.replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, "")) {
    if (ch === "(") d++;
    else if (ch === ")" && --d < 0) return false;
  }
  return d === 0;
}

/**
 * Expands every candidate with the preprocessor and drops the ones that are
 * empty, unbalanced or string literals.
 */
export async function prefilter(
  cc: string[],
  dir: string,
  os: OsSpec,
  unit: TranslationUnit,
  cands: Candidate[],
  dropped: Dropped[],
): Promise<Candidate[]> {
  const path = `${dir}/expand_${unit.name}.c`;
  let src = unitSource(os, unit);
  cands.forEach((c, i) => {
    src += `\n@@${i}@@ ${c.expr} @@end@@\n`;
  });
  await Deno.writeTextFile(path, src);
  const text = await mustRun([...cc, "-E", "-P", path]);
  const expansion = new Map<number, string>();
  for (const m of text.matchAll(/@@(\d+)@@([\s\S]*?)@@end@@/g)) {
    expansion.set(Number(m[1]), m[2].replace(/\s+/g, " ").trim());
  }
  return cands.filter((c, i) => {
    const e = expansion.get(i);
    let reason = "";
    if (e === undefined) reason = "expansion not found";
    else if (e === "") reason = "expands to nothing";
    else if (!balanced(e)) reason = `unbalanced expansion: ${e}`;
    else if (/"/.test(e)) reason = `string: ${e}`;
    if (reason) dropped.push({ name: c.out, reason });
    return !reason;
  });
}
