/**
 * Shapes of the per-platform tables that `deno task gen` writes.
 *
 * Only `constants/` holds numbers: everything else reads sizes, offsets and
 * constant values from the table that `constants/mod.ts` selects at runtime.
 *
 * @module
 */

/** Offset and size, in bytes, of one field of a C struct. */
export interface FieldLayout {
  /** `offsetof(struct, field)` */
  readonly offset: number;
  /** `sizeof(((struct *)0)->field)` */
  readonly size: number;
}

/** Size, alignment and field layout of one C struct. */
export interface StructLayout {
  /** `sizeof(struct)` */
  readonly size: number;
  /** `_Alignof(struct)` */
  readonly align: number;
  /** Every field the library reads or writes. */
  readonly fields: Readonly<Record<string, FieldLayout>>;
}

/** Scalar type sizes and a few derived values the library needs. */
export interface PlatformSizes {
  /** `sizeof(void *)` */
  readonly pointer: number;
  /** `sizeof(int)` */
  readonly int: number;
  /** `sizeof(long)` */
  readonly long: number;
  /** `sizeof(size_t)` */
  readonly size_t: number;
  /** `sizeof(socklen_t)` */
  readonly socklen_t: number;
  /** `CMSG_ALIGN(1)`: the alignment of ancillary data. */
  readonly cmsgAlign: number;
  /** `CMSG_LEN(0)`: the offset of `CMSG_DATA` from the start of a `cmsghdr`. */
  readonly cmsgHeader: number;
  /**
   * `offsetof(struct sockaddr, sa_family)`: the size of the length byte
   * (`sa_len`, `sin_len`, `sin6_len`, `sun_len`) that starts every sockaddr
   * on BSD-derived systems, the family then being 8 bits: 1 on macOS, 0 on
   * Linux (no length byte, a 16-bit family).
   */
  readonly sa_len: number;
}

/** One platform's generated table. */
export interface PlatformTable {
  /** `${Deno.build.os}_${Deno.build.arch}`, e.g. `linux_x86_64`. */
  readonly platform: string;
  /** Every integer macro found, by name (public families and internal names). */
  readonly constants: Readonly<Record<string, number>>;
  /** Scalar sizes and ancillary-data alignment. */
  readonly sizes: PlatformSizes;
  /** Layouts of the structs the library packs, by C name. */
  readonly structs: Readonly<Record<string, StructLayout>>;
  /**
   * errno number → [primary name, C-locale `strerror()` message]. The
   * message is absent where the table was generated without running
   * anything on the platform (macOS): its libc gives it at run time.
   */
  readonly errno: Readonly<Record<number, readonly [name: string, message?: string]>>;
  /** errno name → number, including aliases such as EWOULDBLOCK. */
  readonly errnoNames: Readonly<Record<string, number>>;
}
