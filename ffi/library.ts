/**
 * Opens the C library once per JS thread (the main thread or a Worker).
 *
 * The candidate paths come from `sys/target.ts`: `LIBC_SOCKET_LIBC` when that
 * environment variable is set and env access to it is already granted (it is
 * never asked for: no permission prompt), otherwise a per-OS list. When none
 * opens, the error names every path that was tried.
 *
 * It also installs libc's `strerror` as the source of the errno messages a
 * generated table lacks (macOS tables are read from assembly, without
 * running anything, so they carry names and numbers only).
 *
 * On Windows there is no C library to open for sockets: `libc` is Winsock
 * (`ws2_32.dll`) behind the same names (`ffi/winsock.ts`), and the messages
 * come from `FormatMessageW` (Winsock codes) or the C runtime's `strerror`.
 *
 * @module
 */
import { type Libc, SYMBOLS, THROW_WHEN_ABSENT } from "./symbols.ts";
import { crtMessage, systemMessage, winerrorOf, winsockLibc } from "./winsock.ts";
import { target } from "../sys/target.ts";
import { setErrnoMessageSource } from "../constants/mod.ts";

/** Candidate file names of the C library on this platform, in order. */
export const LIBC_CANDIDATES: readonly string[] = target.libcCandidates;

function open(): Deno.DynamicLibrary<typeof SYMBOLS> {
  const paths = LIBC_CANDIDATES;
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
    `@libc/socket: could not open the C library on ${target.os}/${target.arch}. ` +
      (paths.length
        ? `Tried:\n  ${failures.join("\n  ")}\n`
        : "No candidates are known for this OS. ") +
      "Set LIBC_SOCKET_LIBC to the path of your libc (and run with --allow-env).",
  );
}

function withStubs(symbols: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"]): Libc {
  const out: Record<string, unknown> = { ...symbols };
  for (const name of THROW_WHEN_ABSENT) {
    out[name] ??= () => {
      throw new Error(
        `@libc/socket: ${name}() does not exist in the C library of ${target.os}/${target.arch}`,
      );
    };
  }
  return out as unknown as Libc;
}

/**
 * The libc symbols; the only place the rest of the library calls C from.
 * On Windows, Winsock's calls under the same names (`ffi/winsock.ts`).
 */
export const libc: Libc = target.winsock ? winsockLibc() : withStubs(open().symbols);

setErrnoMessageSource(
  target.winsock
    // Winsock codes: the system's message; errno values: the C runtime's.
    ? (n) => winerrorOf(n) === undefined ? crtMessage(n) : systemMessage(n)
    : (n) => {
      const p = libc.strerror(n);
      return p === null ? undefined : new Deno.UnsafePointerView(p).getCString();
    },
);
