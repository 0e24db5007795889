/**
 * Test helper: the fenced code blocks of the README and `docs/`, and what
 * running one needs: an import map that sends `@libc/socket` and its
 * subpaths to this checkout's entry points (read from `deno.json`'s
 * `exports`), the output lines a block promises (`// → text`), and a
 * `deno run` with a time limit (behind `LIBC_SOCKET_DENO_PREFIX`).
 *
 * Info-string words after the language mark a block: `ignore` (neither
 * type-checked nor run), `no-run` (type-checked, not run) and
 * `title="main.ts"` (the file the text tells the reader to create).
 */
import { DENO_PREFIX, denoCommand } from "./_helpers.ts";

/** The repository root. */
export const ROOT: URL = new URL("..", import.meta.url);

/** One fenced code block. */
export interface CodeBlock {
  /** The Markdown file, relative to the root (`README.md`, `docs/errors.md`). */
  file: string;
  /** The line of the opening fence (1-based). */
  line: number;
  /** The language word of the info string (`ts`, `sh`, `json`, …; "" when none). */
  lang: string;
  /** The other words of the info string (`ignore`, `no-run`, `title="main.ts"`). */
  attrs: string[];
  /** The block's text, its indentation removed, ending with a newline. */
  code: string;
}

/** The fenced code blocks of `text` (CommonMark fences of ``` or ~~~). */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split("\n");
  const out: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const [lang = "", ...attrs] = info.trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    out.push({ file, line: i + 1, lang, attrs, code: body.join("\n") + "\n" });
    i = j;
  }
  return out;
}

/** The Markdown files whose code blocks are tested: README.md and docs/*.md. */
export function markdownFiles(): string[] {
  const docs = [...Deno.readDirSync(new URL("docs/", ROOT))]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => `docs/${e.name}`)
    .sort();
  return ["README.md", ...docs];
}

/** Every fenced block of README.md and docs/*.md, in file order. */
export function allCodeBlocks(): CodeBlock[] {
  return markdownFiles().flatMap((f) => codeBlocks(f, Deno.readTextFileSync(new URL(f, ROOT))));
}

/** A TypeScript block that is not marked `ignore`. */
export function isTypeScript(b: CodeBlock): boolean {
  return (b.lang === "ts" || b.lang === "typescript") && !b.attrs.includes("ignore");
}

/** The `title="…"` of a block, or undefined. */
export function titleOf(b: CodeBlock): string | undefined {
  for (const a of b.attrs) {
    const m = /^title=(?:"([^"]*)"|(\S+))$/.exec(a);
    if (m) return m[1] ?? m[2];
  }
  return undefined;
}

/** The output lines a block promises with `// → text` comments, in order. */
export function expectedLines(code: string): string[] {
  return [...code.matchAll(/\/\/\s*→\s*(.*?)\s*$/gm)].map((m) => m[1]);
}

/**
 * Checks that `expected` appear in `stdout` as whole lines (trailing blanks
 * ignored), in order; returns a description of the first missing one, or
 * null.
 */
export function missingLine(stdout: string, expected: string[]): string | null {
  const lines = stdout.split("\n").map((l) => l.trimEnd());
  let at = 0;
  for (const e of expected) {
    const found = lines.indexOf(e, at);
    if (found < 0) return `expected the line ${JSON.stringify(e)}`;
    at = found + 1;
  }
  return null;
}

/**
 * The import map of a project that uses this checkout: each export of
 * `deno.json` (`"."` → `@libc/socket`, `"./select"` → `@libc/socket/select`,
 * …) mapped to its file here.
 */
export function importMap(): { imports: Record<string, string> } {
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT)));
  const imports: Record<string, string> = {};
  for (const [key, path] of Object.entries(config.exports as Record<string, string>)) {
    imports[config.name + key.slice(1)] = new URL(path, ROOT).href;
  }
  return { imports };
}

/** How long one `deno run` of a block may take: longer under emulation. */
export const RUN_LIMIT_MS: number = DENO_PREFIX.length > 0 ? 600_000 : 60_000;

/** What a child Deno did. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Whether it was killed for passing {@linkcode RUN_LIMIT_MS}. */
  timedOut: boolean;
}

/** Runs `deno ARGS` in `cwd` (stdin closed), killing it after `limitMs`. */
export async function runDeno(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  limitMs: number = RUN_LIMIT_MS,
): Promise<RunResult> {
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, limitMs);
  try {
    const out = await denoCommand(args, {
      cwd,
      env: { NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "piped",
      signal: ctl.signal,
    }).output();
    const dec = new TextDecoder();
    return {
      code: out.code,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A failure report: the command's outcome and both outputs. */
export function report(r: RunResult): string {
  const how = r.timedOut ? `killed after ${RUN_LIMIT_MS / 1000} s` : `exit code ${r.code}`;
  return `${how}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

/**
 * The anchor GitHub gives a heading: lower case, punctuation other than `-`
 * and `_` dropped, each space a `-` (so "Permissions: `--allow-ffi`" is
 * `permissions---allow-ffi`).
 */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The anchors of the headings of a Markdown text (outside code blocks). */
export function anchors(text: string): Set<string> {
  const out = new Set<string>();
  let fence: string | null = null;
  for (const line of text.split("\n")) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length) fence = null;
      continue;
    }
    const h = fence === null ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null;
    if (h) out.add(slug(h[1]));
  }
  return out;
}

/** The targets of the inline links `[text](target)` of a text, outside code. */
export function linkTargets(text: string): string[] {
  const prose = text.replace(/^ {0,3}(`{3,}|~{3,})[^]*?^ {0,3}\1\s*$/gm, "")
    .replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}
