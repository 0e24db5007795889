/**
 * Which copy of the library the `ours_*` competitors run: this tree's
 * `../mod.ts`, or the `mod.ts` named by the environment variable
 * `LIBC_SOCKET_BENCH_MOD` (a path or a `file:` URL). `bench/run.ts --against
 * <rev>` sets it to the `mod.ts` of a worktree of another commit, so this
 * tree's bench scripts measure that commit's library.
 *
 * The scripts import only the library's public entry point, and take their
 * types from this tree (`import type`, erased at run time): an older library
 * that lacks a method fails at run time, and the orchestrator reports that
 * competitor as failed.
 *
 * @module
 */
import type * as Lib from "../mod.ts";
import type * as SslLib from "../ssl.ts";

/** The environment variable naming the `mod.ts` to benchmark. */
export const LIB_ENV = "LIBC_SOCKET_BENCH_MOD";

/** The module specifier of the library to benchmark (a `file:` URL). */
export function librarySpecifier(): string {
  const granted = Deno.permissions.querySync({ name: "env", variable: LIB_ENV }).state ===
    "granted";
  const spec = granted ? Deno.env.get(LIB_ENV) : undefined;
  if (!spec) return new URL("../mod.ts", import.meta.url).href;
  if (/^file:/.test(spec)) return spec;
  return new URL(spec, `file://${Deno.cwd()}/`).href;
}

/** Imports the library to benchmark. */
export async function loadLibrary(): Promise<typeof Lib> {
  return await import(librarySpecifier()) as typeof Lib;
}

/** Imports the ssl module next to the library's `mod.ts` (`ssl.ts` of the same tree). */
export async function loadSsl(): Promise<typeof SslLib> {
  return await import(new URL("./ssl.ts", librarySpecifier()).href) as typeof SslLib;
}
