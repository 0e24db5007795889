/**
 * The shapes of `spec.ts`'s data: what one OS's scan and probe are given
 * (`OsSpec` and its parts). Apart from the data itself, so that the per-OS
 * specs (`spec_windows.ts`) and `spec.ts` both import them without a cycle.
 *
 * @module
 */

/** An operating system `gen.ts` knows the headers of (`Deno.build.os`). */
export type Os = "linux" | "darwin" | "windows";

/**
 * A translation unit: a set of headers that can be included together.
 * glibc and the kernel's uapi headers clash on a few structs
 * (`struct sockaddr_ll` in `<netpacket/packet.h>` and `<linux/if_packet.h>`,
 * `struct udphdr` in `<netinet/udp.h>` and `<linux/udp.h>`), so the clashing
 * kernel headers are scanned in a second unit. A name found in an earlier
 * unit wins over the same name in a later one.
 */
export interface TranslationUnit {
  /** C identifier-safe name, used for file and function names. */
  readonly name: string;
  readonly headers: readonly string[];
  /**
   * Only these names are taken from this unit (default: every name of the
   * families): for a header included for one macro whose other macros
   * would pollute a family (`<netioapi.h>`'s `IP_STATS`, `TCP_TABLE`, ...).
   */
  readonly only?: readonly string[];
}

/** Struct layouts to measure: C struct tag → fields (names as in C). */
export type Structs = Readonly<Record<string, readonly string[]>>;

/** Which macros are error numbers (see {@linkcode OsSpec.errno}). */
export interface ErrnoRule {
  /** The name of an error number. */
  readonly name: RegExp;
  /** The header that defines it (its path relative to the include dir). */
  readonly header: RegExp;
  /** Names that match both but are no error number. */
  readonly not: ReadonlySet<string>;
}

/** What `gen.ts` scans and measures on one OS. */
export interface OsSpec {
  /** Lines before the first `#include`. */
  readonly preamble: string;
  readonly units: readonly TranslationUnit[];
  /** Internal names the library needs there (generation fails without one). */
  readonly internal: readonly string[];
  /** Internal names collected when the headers define them. */
  readonly collect: readonly string[];
  /**
   * The headers public family names are taken from (default: any). On
   * Windows, `<windows.h>` comes with `<winsock2.h>` and defines names that
   * look like a family but are none (`<winnt.h>`'s `PF_MMX_...` processor
   * features, `<imm.h>`'s `NI_OPENCANDIDATE` input-method messages).
   */
  readonly publicHeaders?: RegExp;
  /** Internal names of this OS that must stay out of `public.ts`. */
  readonly private: readonly string[];
  /** Which macros are error numbers. */
  readonly errno: ErrnoRule;
  readonly structs: Structs;
  /**
   * Headers the struct probe includes after the first unit's (default:
   * none): for a struct declared in a header whose macros stay out of the
   * scan (Windows' `<netioapi.h>`: `MIB_IF_ROW2`).
   */
  readonly structHeaders?: readonly string[];
  /** C type of a struct key that is no `struct <key>` (a typedef name). */
  readonly types: Readonly<Record<string, string>>;
  /** `SIZES` expressions that differ on this OS. */
  readonly sizes: Readonly<Record<string, string>>;
  /**
   * Table name → header name, where CPython exports a header's macro under
   * another name on this OS (Windows' `SHUT_RD` is `SD_RECEIVE`).
   */
  readonly renames: Readonly<Record<string, string>>;
  /** Who wrote the headers, for the table's JSDoc. */
  readonly describe: string;
}
