/**
 * The layering rules of DESIGN.md, checked on the library's own module graph
 * (`deno info --json` of every entry point, local files only):
 * - no import cycles (type-only imports count: they tie the modules too),
 *   but for the few in {@linkcode ALLOWED}, each with its reason;
 * - only `sys/target.ts` reads `Deno.build.os` (and `constants/mod.ts`,
 *   which picks the generated table by `os_arch`);
 * - only `ffi/` calls `Deno.dlopen`.
 */
import { assertEquals } from "@std/assert";
import { denoCommand } from "./_helpers.ts";

const ROOT = new URL("..", import.meta.url);
const ENTRY_POINTS = ["mod.ts", "select.ts", "selectors.ts", "socketserver.ts", "ssl.ts"]
  .filter((f) => {
    try {
      return Deno.statSync(new URL(f, ROOT)).isFile;
    } catch {
      return false;
    }
  });

interface Dep {
  code?: { specifier?: string };
  type?: { specifier?: string };
}

/** Local module → the local modules it imports (code or type). */
async function graph(): Promise<Map<string, string[]>> {
  const modules: { specifier: string; dependencies?: Dep[] }[] = [];
  for (const entry of ENTRY_POINTS) {
    const out = await denoCommand(["info", "--json", entry], {
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    modules.push(...JSON.parse(new TextDecoder().decode(out.stdout)).modules);
  }
  const root = ROOT.href;
  const local = (s?: string) => s !== undefined && s.startsWith(root) && !s.includes("/_std/");
  const g = new Map<string, string[]>();
  for (const m of modules) {
    if (!local(m.specifier)) continue;
    const deps = (m.dependencies ?? []).flatMap((d) => [d.code?.specifier, d.type?.specifier])
      .filter(local) as string[];
    g.set(m.specifier.slice(root.length), [...new Set(deps.map((d) => d.slice(root.length)))]);
  }
  return g;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/**
 * Cycles let through, each with its reason. socketserver's handlers name
 * their server's type while the servers construct handlers (as in CPython's
 * socketserver.py); the tie is type-only.
 */
const ALLOWED = [["socketserver/base.ts", "socketserver/handlers.ts"]];

Deno.test("layers: the library's modules import each other without cycles", async () => {
  const found = cycles(await graph()).filter((c) =>
    !ALLOWED.some((a) => a.length === c.length && a.every((f, i) => c[i] === f))
  );
  assertEquals(found, []);
});

Deno.test("layers: only sys/target.ts asks which OS this is; only ffi/ opens libraries", async () => {
  const files = [...(await graph()).keys()];
  const reads = (re: RegExp) =>
    files.filter((f) => {
      const code = Deno.readTextFileSync(new URL(f, ROOT)).split("\n")
        .filter((l) => !/^\s*(\/\*|\*|\/\/)/.test(l)).join("\n");
      return re.test(code);
    });
  assertEquals(reads(/Deno\.build\.os/), ["constants/mod.ts", "sys/target.ts"]);
  assertEquals(reads(/Deno\.dlopen\(/).filter((f) => !f.startsWith("ffi/")), []);
});
