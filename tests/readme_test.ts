/**
 * Every TypeScript code block of README.md and docs/*.md runs: each is
 * written to a file in a temporary project whose import map sends
 * `@libc/socket` and its subpaths to this checkout's entry points, then
 * run with `deno run --allow-ffi` (the one permission the README says the
 * library needs; no prompt) and a time limit, and must exit 0 and print, in
 * order, the lines its `// → text` comments promise. All blocks are also
 * type-checked together with `deno check` (natively; the types are the
 * same under emulation, where one check would take minutes).
 *
 * A block marked `ts ignore` is neither checked nor run, `ts no-run` only
 * checked, and `ts native` not run under emulation (`LIBC_SOCKET_DENO_PREFIX`):
 * use them sparingly, for code that needs what a test can't have (a remote
 * host, privileges, a syscall qemu-user does not emulate), and say why beside
 * the block.
 */
import { assert, assertEquals } from "@std/assert";
import { DENO_PREFIX, tempDir } from "./_helpers.ts";
import {
  allCodeBlocks,
  anchors,
  type CodeBlock,
  codeBlocks,
  expectedLines,
  importMap,
  isTypeScript,
  linkTargets,
  markdownFiles,
  missingLine,
  report,
  ROOT,
  runDeno,
  slug,
} from "./_markdown.ts";

const blocks = allCodeBlocks().filter(isTypeScript);

/** The file name a block is written to: `README.md:52` → `README_md_52.ts`. */
function fileName(b: CodeBlock): string {
  return `${b.file.replace(/[^A-Za-z0-9]/g, "_")}_${b.line}.ts`;
}

/** A temporary project holding `blocks`, with the checkout's import map. */
function project(dir: string, chosen: CodeBlock[]): void {
  Deno.writeTextFileSync(`${dir}/deno.json`, JSON.stringify(importMap(), null, 2));
  for (const b of chosen) Deno.writeTextFileSync(`${dir}/${fileName(b)}`, b.code);
}

Deno.test("code blocks: the README and docs/ have TypeScript blocks to run", () => {
  const files = new Set(blocks.map((b) => b.file));
  assert(files.has("README.md"), "no TypeScript block in README.md");
  assert(blocks.filter((b) => b.file === "README.md").length >= 4, "README.md lost examples");
});

Deno.test("code blocks: the fence parser reads info strings, indentation and longer fences", () => {
  const md = [
    "text",
    "```ts no-run",
    "a();",
    "```",
    "- item",
    '  ````ts title="main.ts"',
    "  ```",
    "  b(); // → 1",
    "  ````",
    "~~~",
    "plain",
    "~~~",
  ].join("\n");
  const got = codeBlocks("x.md", md);
  assertEquals(got.map((b) => [b.line, b.lang, b.attrs, b.code]), [
    [2, "ts", ["no-run"], "a();\n"],
    [6, "ts", ['title="main.ts"'], "```\nb(); // → 1\n"],
    [10, "", [], "plain\n"],
  ]);
  assertEquals(expectedLines(got[1].code), ["1"]);
  assertEquals(missingLine("x\n1\n", ["1"]), null);
  assertEquals(missingLine("1\nx\n", ["x", "1"]), 'expected the line "1"');
});

Deno.test("links: every relative link of the README and docs/ names a file and heading that exist", () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    const here = new URL(file, ROOT);
    for (const target of linkTargets(Deno.readTextFileSync(here))) {
      if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path, anchor] = target.split("#");
      const url = path === "" ? here : new URL(path, here);
      let text: string | null = null;
      try {
        const info = Deno.statSync(url);
        if (info.isFile && url.pathname.endsWith(".md")) text = Deno.readTextFileSync(url);
      } catch {
        broken.push(`${file}: ${target} (no such file)`);
        continue;
      }
      if (anchor !== undefined && text !== null && !anchors(text).has(anchor)) {
        broken.push(`${file}: ${target} (no such heading)`);
      }
    }
  }
  assertEquals(broken, []);
});

Deno.test("links: headings become GitHub's anchors", () => {
  assertEquals(
    slug("Permissions: `--allow-ffi` is everything"),
    "permissions---allow-ffi-is-everything",
  );
  assertEquals(
    slug("Blocking, non-blocking, timeouts, async"),
    "blocking-non-blocking-timeouts-async",
  );
  assertEquals(slug("socket (`@libc/socket`)"), "socket-libcsocket");
  assertEquals([...anchors("# A b\n```\n# not\n```\n## C_d ##\n")], ["a-b", "c_d"]);
  assertEquals(linkTargets("[a](x.md#y) `[b](z)`\n```\n[c](w)\n```\n"), ["x.md#y"]);
});

Deno.test({
  name: "code blocks: all type-check",
  // Type checking does not depend on the machine; under emulation it would
  // take minutes, so the native run covers it.
  ignore: DENO_PREFIX.length > 0,
  async fn() {
    using dir = tempDir();
    project(dir.path, blocks);
    const r = await runDeno(["check", "--quiet", ...blocks.map(fileName)], dir.path);
    assertEquals(r.code, 0, `deno check failed:\n${report(r)}`);
  },
});

for (const b of blocks.filter((b) => !b.attrs.includes("no-run"))) {
  // Under emulation every run costs half a minute: the README's blocks run
  // there, docs/'s natively only (the native phases run them all three times).
  const ignore = DENO_PREFIX.length > 0 && (b.attrs.includes("native") || b.file !== "README.md");
  Deno.test({
    name: `code blocks: ${b.file}:${b.line} runs` +
      (ignore ? " [ignored under emulation: run natively]" : ""),
    ignore,
    fn: async () => {
      using dir = tempDir();
      project(dir.path, [b]);
      const r = await runDeno(["run", "--allow-ffi", "--no-prompt", fileName(b)], dir.path);
      assert(!r.timedOut && r.code === 0, `${b.file}:${b.line} failed: ${report(r)}`);
      const missing = missingLine(r.stdout, expectedLines(b.code));
      assert(missing === null, `${b.file}:${b.line}: ${missing}\n${report(r)}`);
    },
  });
}
