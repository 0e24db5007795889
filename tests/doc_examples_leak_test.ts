/**
 * Every code block in the library's JSDoc (what `deno test --doc` runs) must
 * close what it opens. Deno's resource sanitizer can't see this library's
 * sockets (they are descriptors, not Deno resources), so this test counts
 * them: it runs each block as a module, one after another in one child
 * process, and compares the process's socket descriptors (`/proc/self/fd`
 * links `socket:[…]`) before and after. A block that leaves one open is
 * named with its file and line.
 *
 * Natively only: under qemu-user the child's few hundred module loads take
 * minutes, and the blocks themselves run there already (`deno test --doc`).
 */

import { assertEquals } from "@std/assert";
import { fromFileUrl, join } from "@std/path";
import { denoCommand, tempDir } from "./_helpers.ts";
import { has, PROC } from "./_caps.ts";
import { codeBlocks, importMap, isTypeScript } from "./_markdown.ts";

const ROOT = new URL("../", import.meta.url);
/** The files `deno task test --doc` covers (tests/ aside). */
const SOURCES = [
  "mod.ts",
  "select.ts",
  "selectors.ts",
  "socketserver.ts",
  "ssl.ts",
  "core",
  "socket",
  "select",
  "selectors",
  "socketserver",
  "ssl",
];

interface Block {
  where: string;
  code: string;
}

function* sourceFiles(path: string): Generator<string> {
  const abs = fromFileUrl(new URL(path, ROOT));
  if (Deno.statSync(abs).isFile) {
    yield path;
    return;
  }
  for (const e of [...Deno.readDirSync(abs)].sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = `${path}/${e.name}`;
    if (e.isDirectory) yield* sourceFiles(rel);
    else if (e.name.endsWith(".ts")) yield rel;
  }
}

/**
 * The TypeScript blocks of every JSDoc comment of `text`, as `deno test
 * --doc` finds them: each comment's lines without their ` * ` prefix, read
 * by the README test's fence parser.
 */
export function docBlocks(file: string, text: string): Block[] {
  const out: Block[] = [];
  for (const m of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const first = text.slice(0, m.index).split("\n").length; // the comment's first line
    const body = m[0].split("\n").map((l) => l.replace(/^\s*(\/\*\*|\*\/|\*) ?/, "")).join("\n");
    for (const b of codeBlocks(file, body).filter(isTypeScript)) {
      out.push({ where: `${file}:${first + b.line}`, code: resolveImports(b.code) });
    }
  }
  return out;
}

/** This checkout's files for the package's own specifiers (deno.json's exports). */
const EXPORTS: Record<string, string> = importMap().imports;

/** Rewrites the package's import specifiers to this checkout's files. */
function resolveImports(code: string): string {
  return code.replace(/(from\s+|import\s*\(\s*)"(@libc\/socket(?:\/[a-z]+)?)"/g, (m, pre, spec) => {
    const target = EXPORTS[spec];
    return target === undefined ? m : `${pre}${JSON.stringify(target)}`;
  });
}

const RUNNER = `
const { unreleasedSockets } = await import(Deno.args[1]);
const blocks = JSON.parse(Deno.readTextFileSync(Deno.args[0]));
const report = [];
for (const { where, url } of blocks) {
  const before = unreleasedSockets();
  try {
    await import(url);
  } catch (e) {
    report.push({ where, threw: String(e?.stack ?? e).split("\\n").slice(0, 3).join(" | ") });
    continue;
  }
  await new Promise((r) => setTimeout(r, 0));
  const after = unreleasedSockets();
  if (after > before) report.push({ where, leaked: after - before });
}
console.log(JSON.stringify(report));
`;

Deno.test({
  name: "doc examples: every JSDoc code block closes the sockets it opens" +
    (!has(PROC)
      ? " [ignored: needs /proc/self/fd]"
      : (Deno.env.get("LIBC_SOCKET_DENO_PREFIX") ?? "") !== ""
      ? " [ignored under emulation: a few hundred module loads; the blocks run there via --doc]"
      : ""),
  ignore: !has(PROC) || (Deno.env.get("LIBC_SOCKET_DENO_PREFIX") ?? "") !== "",
}, async () => {
  using dir = tempDir();
  const blocks: { where: string; url: string }[] = [];
  for (const src of SOURCES) {
    for (const file of sourceFiles(src)) {
      const text = Deno.readTextFileSync(fromFileUrl(new URL(file, ROOT)));
      for (const b of docBlocks(file, text)) {
        const path = join(dir.path, `block_${blocks.length}.ts`);
        Deno.writeTextFileSync(path, b.code);
        blocks.push({ where: b.where, url: new URL(`file://${path}`).href });
      }
    }
  }
  // Enough blocks were found: a parser that finds none would pass vacuously.
  if (blocks.length < 150) throw new Error(`only ${blocks.length} code blocks found`);
  const list = join(dir.path, "blocks.json");
  Deno.writeTextFileSync(list, JSON.stringify(blocks));
  const runner = join(dir.path, "runner.ts");
  Deno.writeTextFileSync(runner, RUNNER);
  const out = await denoCommand(
    [
      "run",
      "--allow-all",
      "--no-check",
      `--config=${fromFileUrl(new URL("deno.json", ROOT))}`,
      runner,
      list,
      new URL("socket/_state.ts", ROOT).href,
    ],
    { cwd: fromFileUrl(ROOT), stdout: "piped", stderr: "piped" },
  ).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`runner failed:\n${stderr}`);
  const last = stdout.trimEnd().split("\n").at(-1) ?? "[]";
  assertEquals(JSON.parse(last), [], `${blocks.length} blocks run`);
});
