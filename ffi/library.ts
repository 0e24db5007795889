/**
 * Opens the C library once per JS thread (the main thread or a Worker).
 *
 * The library path comes from `LIBC_SOCKET_LIBC` when that environment
 * variable is set (and readable), otherwise from a per-OS list of candidates.
 * When none opens, the error names every path that was tried.
 *
 * @module
 */
import { type Libc, SYMBOLS } from "./symbols.ts";

/** Candidate file names of the C library, by `Deno.build.os`. */
export const LIBC_CANDIDATES: Readonly<Record<string, readonly string[]>> = {
  linux: ["libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", "libc.so"],
  android: ["libc.so"],
  darwin: ["/usr/lib/libSystem.B.dylib"],
  freebsd: ["libc.so.7"],
  netbsd: ["libc.so.12"],
  openbsd: ["libc.so"],
};

function envOverride(): string | undefined {
  try {
    return Deno.env.get("LIBC_SOCKET_LIBC") || undefined;
  } catch {
    return undefined; // no --allow-env: use the defaults
  }
}

function open(): Deno.DynamicLibrary<typeof SYMBOLS> {
  const override = envOverride();
  const paths = override ? [override] : LIBC_CANDIDATES[Deno.build.os] ?? [];
  const failures: string[] = [];
  for (const path of paths) {
    try {
      return Deno.dlopen(path, SYMBOLS);
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) throw e;
      failures.push(`${path}: ${(e as Error).message}`);
    }
  }
  throw new Error(
    `@libc/socket: could not open the C library on ${Deno.build.os}/${Deno.build.arch}. ` +
      (paths.length
        ? `Tried:\n  ${failures.join("\n  ")}\n`
        : "No candidates are known for this OS. ") +
      "Set LIBC_SOCKET_LIBC to the path of your libc.",
  );
}

const library = open();

/** The libc symbols; the only place the rest of the library calls C from. */
export const libc: Libc = library.symbols;
