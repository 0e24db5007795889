/**
 * The README's quick start, followed in a fresh temporary project made from
 * nothing but what the quick start says: the checkout it clones (here a
 * copy of this working tree, at the path its `git clone` line names; JSR,
 * which `deno add` needs, is not reachable from the tests), its `deno.json`
 * and its `main.ts`, run with its `deno run` line in a fresh `DENO_DIR`.
 * `main.ts` must exit 0 and print what its `// →` comments promise, pass
 * `deno check`, and the `deno lint` plugin that `deno.json` enables must
 * flag an awaited blocking call. The URL route the quick start describes is
 * followed too: the same files served over HTTP on loopback, mapped by URL,
 * with `--allow-import` for the host.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { DENO_PREFIX, tempDir } from "./_helpers.ts";
import {
  type CodeBlock,
  codeBlocks,
  expectedLines,
  missingLine,
  report,
  ROOT,
  runDeno,
  titleOf,
} from "./_markdown.ts";

/** The blocks of the README's "Quick start" section. */
function quickStart(): CodeBlock[] {
  const text = Deno.readTextFileSync(new URL("README.md", ROOT));
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^## Quick start\s*$/.test(l));
  assert(start >= 0, 'README.md has no "## Quick start" section');
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  return codeBlocks("README.md", text).filter((b) => b.line > start && b.line <= end);
}

/** The one block of `blocks` that `pick` selects, or a failure naming `what`. */
function one(blocks: CodeBlock[], what: string, pick: (b: CodeBlock) => boolean): CodeBlock {
  const found = blocks.filter(pick);
  assertEquals(found.length, 1, `the quick start should have one ${what}`);
  return found[0];
}

/** The `deno SUB …` line of a shell block, as its words after `deno`. */
function denoLine(b: CodeBlock, sub: string): string[] {
  const line = b.code.split("\n").find((l) => l.trim().startsWith(`deno ${sub} `));
  assert(line !== undefined, `no "deno ${sub}" line in README.md:${b.line}`);
  return line.replace(/#.*$/, "").trim().split(/\s+/).slice(1);
}

/** What the quick start tells the reader to do. */
interface Steps {
  /** Its `deno add` line, without `deno`. */
  add: string[];
  /** Where its `git clone` puts the checkout, relative to the project. */
  checkout: string;
  /** The project's `deno.json`. */
  config: string;
  /** The project's `main.ts`. */
  main: string;
  /** Its `deno run` line, without `deno`. */
  run: string[];
}

function steps(): Steps {
  const blocks = quickStart();
  const add = denoLine(one(blocks, "deno add line", (b) => /^deno add /m.test(b.code)), "add");
  const clone = one(blocks, "git clone line", (b) => /^git clone /m.test(b.code));
  const cloneLine = clone.code.split("\n").find((l) => l.startsWith("git clone "))!;
  const checkout = cloneLine.replace(/#.*$/, "").trim().split(/\s+/).at(-1)!;
  const config = one(blocks, 'json block titled "deno.json"', (b) => titleOf(b) === "deno.json");
  const main = one(blocks, 'ts block titled "main.ts"', (b) => titleOf(b) === "main.ts");
  const run = denoLine(one(blocks, "deno run line", (b) => /^deno run /m.test(b.code)), "run");
  return { add, checkout, config: config.code, main: main.code, run };
}

/** Copies the working tree at `from` to `to`, as a checkout holds it (no .git). */
function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const e of Deno.readDirSync(from)) {
    if (e.name === ".git" || e.name === "node_modules") continue;
    const src = `${from}/${e.name}`;
    const dst = `${to}/${e.name}`;
    if (e.isDirectory) {
      if (src.endsWith("/bench/out")) continue;
      copyTree(src, dst);
    } else if (e.isFile) {
      Deno.copyFileSync(src, dst);
    }
  }
}

const root = ROOT.pathname.replace(/\/$/, "");

Deno.test("quick start: it says how to add the package, and the run line grants --allow-ffi", () => {
  const s = steps();
  const name = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))).name;
  assertEquals(s.add, ["add", `jsr:${name}`]);
  assertEquals(s.run.at(-1), "main.ts");
  assert(s.run.includes("--allow-ffi"), `the run line lacks --allow-ffi: deno ${s.run.join(" ")}`);
  const imports = JSON.parse(s.config).imports as Record<string, string>;
  assertEquals(imports[name], `./${s.checkout}/mod.ts`);
});

Deno.test("quick start: a fresh project made from the README's steps runs main.ts", async () => {
  const s = steps();
  using project = tempDir();
  using cache = tempDir();
  const env = { DENO_DIR: cache.path };
  copyTree(root, `${project.path}/${s.checkout}`);
  Deno.writeTextFileSync(`${project.path}/deno.json`, s.config);
  Deno.writeTextFileSync(`${project.path}/main.ts`, s.main);

  const r = await runDeno(s.run, project.path, env);
  assert(!r.timedOut && r.code === 0, `deno ${s.run.join(" ")} failed: ${report(r)}`);
  const missing = missingLine(r.stdout, expectedLines(s.main));
  assert(missing === null, `main.ts: ${missing}\n${report(r)}`);

  if (DENO_PREFIX.length === 0) { // the types are the same under emulation
    const check = await runDeno(["check", "--quiet", "main.ts"], project.path, env);
    assertEquals(check.code, 0, `deno check main.ts failed: ${report(check)}`);
  }

  // The lint plugin deno.json enables: the project (main.ts; the checkout
  // is excluded) is clean, an awaited recv is not.
  const clean = await runDeno(["lint"], project.path, env);
  assertEquals(clean.code, 0, `deno lint failed: ${report(clean)}`);
  Deno.writeTextFileSync(
    `${project.path}/blocking.ts`,
    'import * as socket from "@libc/socket";\n' +
      "using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);\n" +
      "console.log(await s.recv(10));\n",
  );
  const flagged = await runDeno(["lint", "blocking.ts"], project.path, env);
  assert(flagged.code !== 0, `deno lint passed an awaited recv: ${report(flagged)}`);
  assertStringIncludes(flagged.stdout + flagged.stderr, "libc-socket/no-await-blocking");
});

// The URL route differs from the checkout route only in module loading, which
// no architecture changes: natively only (it takes minutes under emulation).
Deno.test({
  name: "quick start: the same project, its names mapped to URLs that serve the checkout" +
    (DENO_PREFIX.length > 0 ? " [ignored under emulation: module loading only]" : ""),
  ignore: DENO_PREFIX.length > 0,
}, async () => {
  const s = steps();
  using project = tempDir();
  using cache = tempDir();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      if (path.includes("..")) return new Response("bad path", { status: 400 });
      try {
        const body = await Deno.readFile(root + path);
        return new Response(body, { headers: { "content-type": "application/typescript" } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  try {
    const host = `127.0.0.1:${server.addr.port}`;
    const config = s.config.replaceAll(`./${s.checkout}/`, `http://${host}/`);
    assertMatch(config, new RegExp(`"http://${host}/mod\\.ts"`));
    Deno.writeTextFileSync(`${project.path}/deno.json`, config);
    Deno.writeTextFileSync(`${project.path}/main.ts`, s.main);
    const args = [s.run[0], `--allow-import=${host}`, ...s.run.slice(1)];
    const r = await runDeno(args, project.path, { DENO_DIR: cache.path });
    assert(!r.timedOut && r.code === 0, `deno ${args.join(" ")} failed: ${report(r)}`);
    const missing = missingLine(r.stdout, expectedLines(s.main));
    assert(missing === null, `main.ts: ${missing}\n${report(r)}`);
  } finally {
    await server.shutdown();
  }
});
