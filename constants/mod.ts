/**
 * Picks the generated table of the running platform
 * (`${Deno.build.os}_${Deno.build.arch}`) and offers checked access to it.
 *
 * Importing this module on a platform without a generated table throws: a
 * wrong struct layout would corrupt memory silently, so there is no default.
 *
 * @example Read a constant and a struct layout
 * ```ts
 * import { constants, field, struct } from "./mod.ts";
 *
 * const inet = constants.AF_INET; // 2 on Linux
 * const sin = struct("sockaddr_in"); // size 16
 * const port = field(sin, "sin_port"); // { offset: 2, size: 2 }
 * ```
 *
 * @module
 */

import type { FieldLayout, PlatformTable, StructLayout } from "./types.ts";
import { table as linux_x86_64 } from "./linux_x86_64.ts";
import { table as linux_aarch64 } from "./linux_aarch64.ts";
import { table as darwin_x86_64 } from "./darwin_x86_64.ts";
import { table as darwin_aarch64 } from "./darwin_aarch64.ts";
import { table as windows_x86_64 } from "./windows_x86_64.ts";

export type { FieldLayout, PlatformSizes, PlatformTable, StructLayout } from "./types.ts";

const TABLES: Readonly<Record<string, PlatformTable>> = {
  linux_x86_64,
  linux_aarch64,
  darwin_x86_64,
  darwin_aarch64,
  windows_x86_64,
};

/** Struct layout object → its C tag, so `field()` errors can name it. */
const STRUCT_NAMES = new WeakMap<StructLayout, string>();
for (const t of Object.values(TABLES)) {
  for (const [name, layout] of Object.entries(t.structs)) {
    STRUCT_NAMES.set(layout, name);
  }
}

/** The platforms that have a generated table, e.g. `linux_x86_64`. */
export const SUPPORTED_PLATFORMS: readonly string[] = Object.keys(TABLES);

/**
 * Returns the generated table of a platform.
 *
 * @param platform `${os}_${arch}` as in `Deno.build`, e.g. `linux_aarch64`,
 * `windows_x86_64`.
 * @returns The table for that platform.
 * @throws {Error} If no table was generated for `platform`; the message
 * names the platform and the supported ones.
 */
export function tableFor(platform: string): PlatformTable {
  const t = Object.hasOwn(TABLES, platform) ? TABLES[platform] : undefined;
  if (!t) {
    throw new Error(
      `@libc/socket: no constants table for platform "${platform}" ` +
        `(supported: ${SUPPORTED_PLATFORMS.join(", ")}); ` +
        `add it with constants/_gen/gen.ts`,
    );
  }
  return t;
}

/** The running platform's table, chosen at import (throws if unsupported). */
export const table: PlatformTable = tableFor(
  `${Deno.build.os}_${Deno.build.arch}`,
);

/**
 * Every integer macro of the running platform by name, public families and
 * internal names alike (`AF_INET`, `EPOLLIN`, `F_GETFL`, ...). A name the
 * platform lacks is absent, never 0.
 */
export const constants: Readonly<Record<string, number>> = table.constants;

/**
 * Returns a constant the code can't do without, by name.
 *
 * @param name The macro name, e.g. `EVFILT_USER`.
 * @param t The table to read (default: the running platform's).
 * @returns Its value.
 * @throws {Error} If the platform lacks it; the message names both.
 */
export function constant(name: string, t: PlatformTable = table): number {
  const v = Object.hasOwn(t.constants, name) ? t.constants[name] : undefined;
  if (v === undefined) {
    throw new Error(`@libc/socket: ${name} is not defined on ${t.platform}`);
  }
  return v;
}

/**
 * Returns the layout of a C struct on the running platform (or another).
 *
 * @param name The struct tag, e.g. `sockaddr_in6`.
 * @param t The table to read (default: the running platform's).
 * @returns Its size, alignment and field layouts.
 * @throws {Error} If the table has no such struct (the platform lacks it).
 */
export function struct(name: string, t: PlatformTable = table): StructLayout {
  const s = Object.hasOwn(t.structs, name) ? t.structs[name] : undefined;
  if (!s) {
    throw new Error(
      `@libc/socket: struct ${name} is not in the ${t.platform} table`,
    );
  }
  return s;
}

/**
 * Returns the layout of a struct that some platforms lack, for a module's
 * top-level constants: `struct(name)` where the running platform has it,
 * else a stand-in that throws `struct(name)`'s error when any of its
 * properties is read (the features that need the struct are unavailable
 * there: `msghdr` on Windows, `mmsghdr` on macOS).
 *
 * @param name The struct tag, e.g. `msghdr`.
 * @returns Its layout, or the stand-in.
 */
export function structWhereAvailable(name: string): StructLayout {
  if (Object.hasOwn(table.structs, name)) return table.structs[name];
  return new Proxy({} as StructLayout, {
    get: () => struct(name),
  });
}

/**
 * Returns the offset and size of one field of a struct layout.
 *
 * @param layout A layout from {@linkcode struct}, or a struct tag.
 * @param name The field name as in C, e.g. `sin6_scope_id`.
 * @returns The field's offset and size in bytes.
 * @throws {Error} If the struct or the field is not in the table.
 */
export function field(
  layout: StructLayout | string,
  name: string,
): FieldLayout {
  const s = typeof layout === "string" ? struct(layout) : layout;
  const f = Object.hasOwn(s.fields, name) ? s.fields[name] : undefined;
  if (!f) {
    const tag = typeof layout === "string" ? layout : STRUCT_NAMES.get(s);
    const which = tag === undefined
      ? `the struct with fields ${Object.keys(s.fields).join(", ")}`
      : `struct ${tag}`;
    throw new Error(
      `@libc/socket: field ${name} is not in ${which} (${table.platform})`,
    );
  }
  return f;
}

/**
 * Returns the symbolic name of an errno value, as Python's
 * `errno.errorcode[n]` (`11` → `"EAGAIN"`, not `"EWOULDBLOCK"`).
 *
 * @param n An errno value.
 * @returns Its primary name, or `undefined` if the platform has none.
 */
export function errnoName(n: number): string | undefined {
  return Object.hasOwn(table.errno, n) ? table.errno[n][0] : undefined;
}

/** Gives `strerror(n)` at run time; see {@linkcode setErrnoMessageSource}. */
export type ErrnoMessageSource = (n: number) => string | undefined;

let messageSource: ErrnoMessageSource | undefined;

/**
 * Installs where {@linkcode errnoMessage} finds the messages the table lacks.
 * A table generated without running anything on its platform (macOS, read
 * from the assembly) has errno names and numbers but no messages; the FFI
 * layer installs the platform libc's `strerror` here.
 *
 * @param source The message source, or `undefined` to remove it.
 */
export function setErrnoMessageSource(source: ErrnoMessageSource | undefined): void {
  messageSource = source;
}

/**
 * Returns the C-locale `strerror(n)` message of an errno value.
 *
 * The message comes from the table (generated with the C locale), else from
 * the source installed with {@linkcode setErrnoMessageSource} (the libc's
 * `strerror`), else it is the errno name (`ECONNREFUSED`).
 *
 * @param n An errno value.
 * @param t The table to read (default: the running platform's).
 * @returns The message, or `Unknown error n` as glibc says for other values.
 */
export function errnoMessage(n: number, t: PlatformTable = table): string {
  const entry = Object.hasOwn(t.errno, n) ? t.errno[n] : undefined;
  if (entry?.[1] !== undefined) return entry[1];
  const fromLibc = t === table ? messageSource?.(n) : undefined;
  if (fromLibc !== undefined) return fromLibc;
  return entry ? entry[0] : `Unknown error ${n}`;
}
