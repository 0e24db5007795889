/**
 * The `struct sockaddr` ground every address family's codec stands on: the
 * family field (and BSD's length byte), the per-table layouts, a fresh
 * zeroed sockaddr, and the shape check of a tuple address.
 *
 * @module
 */
import {
  type FieldLayout,
  type PlatformTable,
  struct,
  type StructLayout,
  table,
} from "../../constants/mod.ts";
import { LITTLE_ENDIAN } from "../../core/memory.ts";
import { typeName } from "../../core/repr.ts";

const L = LITTLE_ENDIAN;
const SS_SIZE = struct("sockaddr_storage").size;

/** Size of `struct sockaddr_storage`: large enough for any address. */
export const SOCKADDR_MAX: number = SS_SIZE;

/**
 * The family numbers and portable sockaddr layouts of a table: the running
 * platform's, unless a caller (a test) selects another explicitly.
 */
export interface SockaddrTable {
  readonly C: Readonly<Record<string, number>>;
  readonly SIN: StructLayout;
  readonly SIN6: StructLayout;
  readonly SUN: StructLayout;
  readonly SA_FAMILY: FieldLayout;
  /**
   * By family, the size of the struct whose fields `decodeAddress` reads at
   * fixed offsets (AF_UNIX and codec-less families read only `len` bytes).
   */
  readonly FIXED: ReadonlyMap<number, number>;
}
const FIXED_LAYOUTS = [
  ["AF_INET", "sockaddr_in"],
  ["AF_INET6", "sockaddr_in6"],
  ["AF_NETLINK", "sockaddr_nl"],
  ["AF_VSOCK", "sockaddr_vm"],
  ["AF_PACKET", "sockaddr_ll"],
  ["AF_ALG", "sockaddr_alg"],
  ["AF_CAN", "sockaddr_can"],
  ["AF_TIPC", "sockaddr_tipc"],
  ["AF_QIPCRTR", "sockaddr_qrtr"],
] as const;
const SOCKADDR_TABLES = new WeakMap<PlatformTable, SockaddrTable>();
/** The running platform's, once looked up: every send and receive asks for it. */
let here: SockaddrTable | undefined;
/** The sockaddr layouts of table `t` (kept per table). */
export function sockaddrTable(t: PlatformTable): SockaddrTable {
  if (t === table && here !== undefined) return here;
  let s = SOCKADDR_TABLES.get(t);
  if (!s) {
    s = {
      C: t.constants,
      SIN: struct("sockaddr_in", t),
      SIN6: struct("sockaddr_in6", t),
      SUN: struct("sockaddr_un", t),
      SA_FAMILY: struct("sockaddr", t).fields.sa_family,
      FIXED: new Map(
        FIXED_LAYOUTS.filter(([af, name]) =>
          t.constants[af] !== undefined && Object.hasOwn(t.structs, name)
        ).map(([af, name]) => [t.constants[af], t.structs[name].size]),
      ),
    };
    SOCKADDR_TABLES.set(t, s);
  }
  if (t === table) here = s;
  return s;
}

/** A zeroed sockaddr of `size` bytes with its family (and BSD length byte) set. */
export function newSockaddr(
  size: number,
  family: number,
  t: PlatformTable = table,
): [Uint8Array, DataView] {
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  const fam = sockaddrTable(t).SA_FAMILY;
  if (fam.size === 2) view.setUint16(fam.offset, family, L);
  else view.setUint8(fam.offset, family);
  // BSD/macOS: a length byte (sin_len, sin6_len, sun_len) before an 8-bit
  // family; it holds the length passed to the kernel.
  if (t.sizes.sa_len) view.setUint8(0, size);
  return [buf, view];
}

/** `address` as an array of `min` to `max` elements, else a TypeError naming `form`. */
export function tupleArg(
  address: unknown,
  min: number,
  max: number,
  fn: string,
  what: string,
  form?: string,
): readonly unknown[] {
  if (!Array.isArray(address)) {
    throw new TypeError(`${fn}${what} address must be an array, not ${typeName(address)}`);
  }
  if (address.length < min || address.length > max) {
    const want = form !== undefined
      ? form
      : min === max
      ? "a pair [host, port]"
      : "[host, port, flowinfo?, scope_id?]";
    throw new TypeError(`${fn}${what} address must be ${want}, not ${typeName(address)}`);
  }
  return address;
}

/** Reads the family of a `sockaddr` in `buf` (laid out as `t` says). */
export function familyOf(buf: Uint8Array, t: PlatformTable = table): number {
  const { SA_FAMILY } = sockaddrTable(t);
  return SA_FAMILY.size === 2
    ? buf[SA_FAMILY.offset] | (buf[SA_FAMILY.offset + 1] << 8)
    : buf[SA_FAMILY.offset];
}
