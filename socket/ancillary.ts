/**
 * Ancillary data and the msghdr around it: `CMSG_LEN`/`CMSG_SPACE`, the
 * `SCM_RIGHTS` and `SCM_CREDENTIALS` payloads (`packFds`, `unpackFds`,
 * `packUcred`, `unpackUcred`), and the `struct msghdr`/`iovec`/`cmsghdr`
 * packing behind `sendmsg`/`recvmsg`.
 *
 * Every field is written at the width the generated layout gives it:
 * `cmsg_len`, `msg_iovlen` and `msg_controllen` are `size_t` on Linux but
 * 32-bit on macOS, where an 8-byte write into `cmsg_len` would overwrite
 * `cmsg_level`. {@linkcode packCmsgs} and {@linkcode unpackCmsgs} take the
 * table to pack for, so the darwin layout is tested on Linux too.
 *
 * @module
 */
import {
  constants as C,
  type FieldLayout,
  type PlatformTable,
  struct,
  structWhereAvailable,
  table,
} from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { requireFeature } from "../sys/platform.ts";
import { Area, fresh, scratch } from "./_scratch.ts";
import { fromErrno } from "../core/errors.ts";
import { type Address, decodeAddress, SOCKADDR_MAX } from "./address/mod.ts";
import { byteLength, type Data, liveSource, toBytes } from "../core/bytes.ts";
import { cint, fdArg, int, intIn } from "../core/ints.ts";
import { addressOf, LITTLE_ENDIAN as L, setAddress } from "../core/memory.ts";
import { typeName } from "../core/repr.ts";

const MSGHDR = structWhereAvailable("msghdr");
const IOVEC = structWhereAvailable("iovec");
/** The most bytes one call moves (Linux's MAX_RW_COUNT). */
const MAX_IO = 0x7fff_f000;
/** Most buffers one sendmsg/recvmsg takes. */
export const IOV_MAX: number = C.IOV_MAX ?? C.UIO_MAXIOV ?? 1024;
/** Most descriptors one `SCM_RIGHTS` item carries (Linux's `SCM_MAX_FD`). */
const SCM_MAX_FD = 253;
const EMSGSIZE = table.errnoNames.EMSGSIZE;

/** One ancillary data item: `[cmsg_level, cmsg_type, cmsg_data]`. */
export type AncData = [level: number, type: number, data: Uint8Array];

/** One ancillary item `[level, type, data]`, checked; data stays the caller's. */
export type AncItem = readonly [level: number, type: number, data: Data];

/** Type-checks one ancillary item given to `sendmsg`. */
export function checkAncItem(item: unknown): AncItem {
  if (!Array.isArray(item) || item.length !== 3) {
    throw new TypeError("ancillary data items must be [level, type, data]");
  }
  const [level, type, data] = item;
  return [cint(level, "cmsg_level"), cint(type, "cmsg_type"), liveSource(data)];
}

/** Writes an unsigned integer field at the width its layout gives it (4 or 8 bytes). */
function putField(v: DataView, at: number, f: FieldLayout, n: number): void {
  if (f.size === 8) v.setBigUint64(at + f.offset, BigInt(n), L);
  else v.setUint32(at + f.offset, n, L);
}

/** Reads an unsigned integer field at the width its layout gives it. */
function getField(v: DataView, at: number, f: FieldLayout): number {
  return f.size === 8 ? Number(v.getBigUint64(at + f.offset, L)) : v.getUint32(at + f.offset, L);
}

function cmsgAlign(n: number, t: PlatformTable = table): number {
  const a = t.sizes.cmsgAlign;
  return (n + a - 1) & ~(a - 1);
}

/**
 * `CMSG_LEN(length)`: the `cmsg_len` of an item carrying `length` bytes.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.CMSG_LEN(4)); // 20 on 64-bit Linux
 * ```
 *
 * @throws {RangeError} For a negative or too large length.
 */
export function CMSG_LEN(length: number): number {
  requireFeature("msg", "socket.CMSG_LEN()");
  const n = int(length, "length");
  if (n < 0 || n > 0x7fffffff - table.sizes.cmsgHeader) {
    throw new RangeError("CMSG_LEN() argument out of range");
  }
  return table.sizes.cmsgHeader + n;
}

/**
 * `CMSG_SPACE(length)`: the buffer space an item carrying `length` bytes
 * takes, padding included.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.CMSG_SPACE(4)); // 24 on 64-bit Linux
 * ```
 *
 * @throws {RangeError} For a negative or too large length.
 */
export function CMSG_SPACE(length: number): number {
  requireFeature("msg", "socket.CMSG_SPACE()");
  const n = int(length, "length");
  // As CPython: room for the padding before and after the data, i.e.
  // CMSG_SPACE(1), must fit below INT_MAX (2147483623 on 64-bit Linux).
  const space1 = cmsgAlign(table.sizes.cmsgHeader) + cmsgAlign(1);
  if (n < 0 || n > 0x7fffffff - space1) {
    throw new RangeError("CMSG_SPACE() argument out of range");
  }
  return cmsgAlign(table.sizes.cmsgHeader) + cmsgAlign(n);
}

/** An array of `struct iovec` pointing at `bufs` (the caller keeps them alive). */
function packIovec(bufs: Uint8Array[], mem = fresh): Uint8Array {
  const iov = mem(Area.MsgIov, Math.max(1, bufs.length) * IOVEC.size);
  const view = new DataView(iov.buffer);
  bufs.forEach((b, i) => {
    setAddress(view, i * IOVEC.size + IOVEC.fields.iov_base.offset, addressOf(b));
    putField(view, i * IOVEC.size, IOVEC.fields.iov_len, byteLength(b));
  });
  return iov;
}

/**
 * Packs ancillary items as a control buffer (`cmsghdr`s, each padded to
 * `CMSG_SPACE`) for the platform of `t` (default: the running one).
 * The items' data is read through its live bounds now.
 *
 * @returns The buffer, or `null` for no items.
 */
export function packCmsgs(anc: readonly AncItem[], t: PlatformTable = table): Uint8Array | null {
  if (anc.length === 0) return null;
  const F = t.structs.cmsghdr.fields;
  const hdr = t.sizes.cmsgHeader;
  const space = (n: number) => cmsgAlign(hdr, t) + cmsgAlign(n, t);
  const items = anc.map(([level, type, data]) => [level, type, toBytes(data)] as const);
  const total = items.reduce((s, [, , d]) => s + space(byteLength(d)), 0);
  if (total > MAX_IO) throw fromErrno(table.errnoNames.ENOBUFS, "sendmsg");
  const control = new Uint8Array(total);
  const cv = new DataView(control.buffer);
  let at = 0;
  for (const [level, type, data] of items) {
    const n = byteLength(data);
    putField(cv, at, F.cmsg_len, hdr + n);
    cv.setInt32(at + F.cmsg_level.offset, level, L);
    cv.setInt32(at + F.cmsg_type.offset, type, L);
    control.set(data, at + hdr);
    at += space(n);
  }
  return control;
}

/**
 * Parses the first `controllen` bytes of a control buffer into items, for
 * the platform of `t` (default: the running one). Each item's data is a
 * copy; a truncated last item keeps what is there.
 */
export function unpackCmsgs(
  control: Uint8Array,
  controllen: number,
  t: PlatformTable = table,
): AncData[] {
  const F = t.structs.cmsghdr.fields;
  const hdr = t.sizes.cmsgHeader;
  const cv = new DataView(control.buffer, control.byteOffset, byteLength(control));
  const anc: AncData[] = [];
  for (let at = 0; at + hdr <= controllen;) {
    const len = getField(cv, at, F.cmsg_len);
    if (len < hdr) break;
    const level = cv.getInt32(at + F.cmsg_level.offset, L);
    const type = cv.getInt32(at + F.cmsg_type.offset, L);
    const end = Math.min(at + len, controllen);
    anc.push([level, type, control.slice(at + hdr, end)]);
    at += cmsgAlign(len, t);
  }
  return anc;
}

/** Keeps the buffers a msghdr points at alive as long as the msghdr. */
const keepAlive = new WeakMap<Uint8Array, unknown[]>();

/**
 * A msghdr over `bufs` and ancillary `anc` (checked items; their data is
 * read through its live bounds now). Build it right before the sendmsg
 * call: it holds raw pointers.
 */
export function buildMsgOut(
  bufs: Uint8Array[],
  anc: readonly AncItem[],
  sa: Uint8Array | null,
): Uint8Array {
  requireFeature("msg", "socket.sendmsg()");
  const msg = new Uint8Array(MSGHDR.size);
  const v = new DataView(msg.buffer);
  const F = MSGHDR.fields;
  const iov = packIovec(bufs);
  const control = packCmsgs(anc);
  setAddress(v, F.msg_name.offset, addressOf(sa));
  v.setUint32(F.msg_namelen.offset, sa ? byteLength(sa) : 0, L);
  setAddress(v, F.msg_iov.offset, addressOf(iov));
  putField(v, 0, F.msg_iovlen, bufs.length);
  setAddress(v, F.msg_control.offset, addressOf(control));
  putField(v, 0, F.msg_controllen, control ? byteLength(control) : 0);
  keepAlive.set(msg, [bufs, iov, control, sa]);
  return msg;
}

/** A reusable msghdr for receiving into `bufs` (`recvmsg(2)`). */
export class MsgIn {
  /** The `struct msghdr` handed to recvmsg. */
  msg: Uint8Array;
  #v: DataView;
  #sa: Uint8Array;
  #control: Uint8Array | null;
  #keep: unknown[];

  /**
   * @param bufs The buffers to scatter into.
   * @param ancbufsize Room for ancillary data, in bytes.
   * @param fn The calling method's name, for errors.
   * @param sync A synchronous call, whose results are read right after it:
   *   the structs live in the per-thread scratch memory (`_scratch.ts`).
   */
  constructor(bufs: Uint8Array[], ancbufsize: number, fn: string, sync = false) {
    requireFeature("msg", `socket.${fn}()`);
    const anc = int(ancbufsize, "ancbufsize");
    if (bufs.length > IOV_MAX) throw fromErrno(EMSGSIZE, fn === "recvmsg" ? fn : "recvmsg");
    if (anc < 0 || anc > MAX_IO) {
      throw new RangeError(`${fn}: invalid ancillary data buffer length`);
    }
    const mem = sync ? scratch : fresh;
    this.msg = mem(Area.MsgHdr, MSGHDR.size);
    this.#v = new DataView(this.msg.buffer, this.msg.byteOffset, this.msg.byteLength);
    this.#sa = mem(Area.MsgName, SOCKADDR_MAX);
    const iov = packIovec(bufs, mem);
    this.#control = anc > 0 ? mem(Area.MsgControl, anc) : null;
    const F = MSGHDR.fields;
    setAddress(this.#v, F.msg_name.offset, addressOf(this.#sa));
    setAddress(this.#v, F.msg_iov.offset, addressOf(iov));
    putField(this.#v, 0, F.msg_iovlen, bufs.length);
    setAddress(this.#v, F.msg_control.offset, addressOf(this.#control));
    this.#keep = [bufs, iov];
  }

  /** Calls `recvmsg(2)`; returns its result (-1 with errno set on failure). */
  call(fd: number, flags: number): number {
    const F = MSGHDR.fields;
    this.#v.setUint32(F.msg_namelen.offset, this.#sa.length, L);
    putField(this.#v, 0, F.msg_controllen, this.#control ? this.#control.length : 0);
    this.#v.setInt32(F.msg_flags.offset, 0, L);
    const r = libc.recvmsg(fd, this.msg, flags);
    void this.#keep;
    return r;
  }

  /** After a successful call: `[ancdata, msg_flags, address]`. */
  result(proto: number): [AncData[], number, Address | null] {
    const F = MSGHDR.fields;
    const namelen = this.#v.getUint32(F.msg_namelen.offset, L);
    const flags = this.#v.getInt32(F.msg_flags.offset, L);
    const controllen = Math.min(
      getField(this.#v, 0, F.msg_controllen),
      this.#control?.length ?? 0,
    );
    const anc = this.#control && controllen > 0 ? unpackCmsgs(this.#control, controllen) : [];
    return [anc, flags, namelen > 0 ? decodeAddress(this.#sa, namelen, proto) : null];
  }
}

/**
 * Packs descriptors as `SCM_RIGHTS` data (an array of C `int`s).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.packFds([0, 1]).length); // 8
 * ```
 */
export function packFds(fds: Iterable<number>): Uint8Array {
  // Counted as they come: a huge iterable fails at its 254th item, not
  // after being expanded in full.
  if (
    typeof fds === "string" ||
    typeof (fds as Partial<Iterable<number>>)?.[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(`fds must be an iterable of descriptors, not ${typeName(fds)}`);
  }
  const list: number[] = [];
  for (const fd of fds) {
    if (list.length >= SCM_MAX_FD) {
      throw new RangeError(`too many descriptors (SCM_RIGHTS carries at most ${SCM_MAX_FD})`);
    }
    list.push(fdArg(fd));
  }
  return new Uint8Array(new Int32Array(list).buffer);
}

/**
 * Unpacks `SCM_RIGHTS` data into descriptors (whole `int`s only).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.unpackFds(socket.packFds([3, 4]))); // [3, 4]
 * ```
 */
export function unpackFds(data: Uint8Array): number[] {
  const bytes = toBytes(data, "data");
  const n = Math.floor(byteLength(bytes) / 4);
  const copy = bytes.slice(0, n * 4);
  return [...new Int32Array(copy.buffer)];
}

/** Process credentials, as in `struct ucred`: `[pid, uid, gid]`. */
export type Ucred = [pid: number, uid: number, gid: number];

/**
 * Packs `[pid, uid, gid]` as a `struct ucred` (for `SCM_CREDENTIALS`).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * const data = socket.packUcred([Deno.pid, Deno.uid() ?? 0, Deno.gid() ?? 0]);
 * ```
 */
export function packUcred([pid, uid, gid]: Ucred): Uint8Array {
  const U = struct("ucred");
  const buf = new Uint8Array(U.size);
  const v = new DataView(buf.buffer);
  v.setInt32(U.fields.pid.offset, cint(pid, "pid"), L);
  v.setUint32(U.fields.uid.offset, intIn(uid, 0, 0xffffffff, "uid"), L);
  v.setUint32(U.fields.gid.offset, intIn(gid, 0, 0xffffffff, "gid"), L);
  return buf;
}

/**
 * Unpacks a `struct ucred` (from `SCM_CREDENTIALS` or `SO_PEERCRED`).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * const [a, b] = socket.socketpair();
 * const [pid, uid, gid] = socket.unpackUcred(a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12));
 * a.close();
 * b.close();
 * ```
 *
 * @throws {RangeError} When `data` is shorter than a `struct ucred`.
 */
export function unpackUcred(data: Uint8Array): Ucred {
  const U = struct("ucred");
  const bytes = toBytes(data, "data").slice();
  const size = byteLength(bytes);
  if (size < U.size) {
    throw new RangeError(`struct ucred needs ${U.size} bytes, got ${size}`);
  }
  const v = new DataView(bytes.buffer);
  return [
    v.getInt32(U.fields.pid.offset, L),
    v.getUint32(U.fields.uid.offset, L),
    v.getUint32(U.fields.gid.offset, L),
  ];
}
