// Batches of datagrams for recvmmsg(2)/sendmmsg(2): arrays of
// `struct mmsghdr`, each a `struct msghdr` plus the byte count the kernel
// fills in. The Socket methods (`recvmmsg`, `recvmmsg_into`, `sendmmsg` and
// their async twins) are thin wrappers over the two classes here.
//
// Pointers into caller-owned buffers are written by `prepare()` from the
// buffers' intrinsic bounds at the moment of the call, so an async twin
// calls it again after every wait (a buffer may have been detached,
// resized or transferred meanwhile).
import { constants as C, structWhereAvailable } from "../constants/mod.ts";
import { Area, fresh, scratch } from "./_scratch.ts";
import { type Address, type AddressLike, decodeAddress, SOCKADDR_MAX } from "./address/mod.ts";
import { type AncItem, checkAncItem, packCmsgs, unpackCmsgs } from "./ancillary.ts";
import { type Data, toBytes, writableBytes } from "../core/bytes.ts";
import { cint } from "../core/ints.ts";
import { requireFeature } from "../sys/platform.ts";
import { addressOf, getSize, LITTLE_ENDIAN as L, setAddress, setSize } from "../core/memory.ts";

const MM = structWhereAvailable("mmsghdr");
const MSG = structWhereAvailable("msghdr");
const IOV = structWhereAvailable("iovec");

/**
 * The most messages one call takes: Linux's `UIO_MAXIOV` (1024), which the
 * kernel silently caps `vlen` at.
 */
export const MMSG_MAX = C.UIO_MAXIOV ?? C.IOV_MAX ?? 1024;

/**
 * One received datagram: `[data, address, ancdata, msg_flags]`. `A` is the
 * sender's address, typed by the socket's family as `recvfrom`'s is.
 */
export type MmsgResult<T, A = Address | null> = [
  data: T,
  address: A,
  ancdata: [level: number, type: number, data: Uint8Array][],
  msg_flags: number,
];

/** Checks a message count against what one call takes. */
export function batchSize(n: number, what: string): number {
  if (n < 1) throw new RangeError(`${what} must be at least 1, got ${n}`);
  if (n > MMSG_MAX) throw new RangeError(`${what} must be at most ${MMSG_MAX}, got ${n}`);
  return n;
}

/** A reusable `struct mmsghdr[]` receiving one datagram into each buffer. */
export class MmsgIn {
  readonly vec: Uint8Array;
  #view: DataView;
  /** What the caller passed, re-read by `prepare()` (see the header comment). */
  #sources: readonly unknown[];
  #bufs: Uint8Array[];
  #names: Uint8Array;
  #iov: Uint8Array;
  #control: Uint8Array | null;
  #anc: number;
  #block: Uint8Array | null;

  /**
   * @param bufs One buffer per message (already validated plain views).
   * @param ancbufsize Control-buffer bytes per message (0: none).
   * @param block When every buffer is a slice of this one, at equal strides
   *   from its start (recvmmsg's own buffers): one address lookup serves all.
   */
  constructor(
    bufs: readonly unknown[],
    ancbufsize: number,
    block: Uint8Array | null = null,
    sync = false,
  ) {
    requireFeature("mmsg", "socket.recvmmsg()");
    const n = bufs.length;
    const mem = sync ? scratch : fresh;
    this.#sources = bufs;
    this.#bufs = bufs.map((b) => writableBytes(b));
    this.#block = block;
    this.vec = mem(Area.MmsgInVec, n * MM.size);
    this.#view = new DataView(this.vec.buffer);
    this.#names = mem(Area.MmsgInNames, n * SOCKADDR_MAX);
    this.#iov = mem(Area.MmsgInIov, n * IOV.size);
    this.#anc = ancbufsize;
    this.#control = ancbufsize > 0 ? mem(Area.MmsgInControl, n * ancbufsize) : null;
  }

  /** The number of messages. */
  get count(): number {
    return this.#bufs.length;
  }

  /** Buffer `i`, as the last call saw it. */
  buffer(i: number): Uint8Array {
    return this.#bufs[i];
  }

  /** (Re)writes every header from the buffers as they are now; returns the vector. */
  prepare(): Uint8Array {
    const v = this.#view;
    const iv = new DataView(this.#iov.buffer);
    const names = addressOf(this.#names);
    const iov = addressOf(this.#iov);
    const control = addressOf(this.#control);
    const block = this.#block;
    // A buffer detached meanwhile is a TypeError; one shrunk is used at its size now.
    if (block === null) this.#bufs = this.#sources.map((b) => writableBytes(b));
    const blockBase = block === null ? 0n : addressOf(block);
    const stride = block === null || this.#bufs.length === 0 ? 0 : this.#bufs[0].byteLength;
    this.vec.fill(0);
    this.#bufs.forEach((b, i) => {
      const m = i * MM.size + MM.fields.msg_hdr.offset;
      const io = i * IOV.size;
      const base = block === null ? addressOf(b) : blockBase + BigInt(i * stride);
      setAddress(iv, io + IOV.fields.iov_base.offset, base);
      setSize(iv, io + IOV.fields.iov_len.offset, b.byteLength);
      setAddress(v, m + MSG.fields.msg_name.offset, names + BigInt(i * SOCKADDR_MAX));
      v.setUint32(m + MSG.fields.msg_namelen.offset, SOCKADDR_MAX, L);
      setAddress(v, m + MSG.fields.msg_iov.offset, iov + BigInt(io));
      setSize(v, m + MSG.fields.msg_iovlen.offset, 1);
      if (this.#control !== null) {
        setAddress(v, m + MSG.fields.msg_control.offset, control + BigInt(i * this.#anc));
        setSize(v, m + MSG.fields.msg_controllen.offset, this.#anc);
      }
    });
    return this.vec;
  }

  /** The first `n` messages' byte counts, senders, ancillary data and flags. */
  results(n: number, proto: number): MmsgResult<number>[] {
    const v = this.#view;
    const out: MmsgResult<number>[] = [];
    // A batch usually comes from few senders: a name equal to the one before
    // gets a copy of that one's decoded address instead of a second decoding.
    let lastName: Uint8Array | null = null;
    let lastAddress: Address | null = null;
    const sender = (name: Uint8Array): Address => {
      if (lastName !== null && sameBytes(name, lastName)) return copyAddress(lastAddress!);
      lastName = name;
      lastAddress = decodeAddress(name, name.length, proto);
      return lastAddress;
    };
    for (let i = 0; i < n; i++) {
      const m = i * MM.size + MM.fields.msg_hdr.offset;
      const namelen = v.getUint32(m + MSG.fields.msg_namelen.offset, L);
      const name = this.#names.subarray(
        i * SOCKADDR_MAX,
        i * SOCKADDR_MAX + Math.min(namelen, SOCKADDR_MAX),
      );
      const anc = this.#control === null ? [] : unpackCmsgs(
        this.#control.subarray(i * this.#anc, (i + 1) * this.#anc),
        Math.min(getSize(v, m + MSG.fields.msg_controllen.offset), this.#anc),
      );
      out.push([
        v.getUint32(i * MM.size + MM.fields.msg_len.offset, L),
        namelen > 0 ? sender(name) : null,
        anc,
        v.getInt32(m + MSG.fields.msg_flags.offset, L),
      ]);
    }
    return out;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A fresh copy of a decoded address (callers may change what they get). */
function copyAddress(a: Address): Address {
  if (typeof a === "string") return a;
  if (a instanceof Uint8Array) return a.slice();
  return a.map((x) => x instanceof Uint8Array ? x.slice() : x) as Address;
}

/** One outgoing message: its data (re-read before each call), ancillary items and destination. */
export interface MmsgOutItem {
  bufs: Data[];
  control: Uint8Array | null;
  name: Uint8Array | null;
}

/** A `struct mmsghdr[]` for sendmmsg(2), rebuilt by `prepare()` before each call. */
export class MmsgOut {
  readonly vec: Uint8Array;
  #view: DataView;
  #items: readonly MmsgOutItem[];
  #iov: Uint8Array;
  #first: number[] = [];

  /** @param sync As for {@linkcode MmsgIn}: headers in the shared scratch memory. */
  constructor(items: readonly MmsgOutItem[], sync = false) {
    requireFeature("mmsg", "socket.sendmmsg()");
    const mem = sync ? scratch : fresh;
    this.#items = items;
    this.vec = mem(Area.MmsgOutVec, items.length * MM.size);
    this.#view = new DataView(this.vec.buffer);
    let total = 0;
    for (const it of items) {
      this.#first.push(total);
      total += it.bufs.length;
    }
    this.#iov = mem(Area.MmsgOutIov, Math.max(1, total) * IOV.size);
  }

  /** The number of messages. */
  get length(): number {
    return this.#items.length;
  }

  /** (Re)writes headers for messages `from`.. from the live buffers; returns that part. */
  prepare(from = 0): Uint8Array {
    const v = this.#view;
    const iv = new DataView(this.#iov.buffer);
    const iov = addressOf(this.#iov);
    this.vec.fill(0);
    this.#items.forEach((it, i) => {
      const m = i * MM.size + MM.fields.msg_hdr.offset;
      const first = this.#first[i];
      it.bufs.forEach((d, j) => {
        const b = toBytes(d); // detached meanwhile: TypeError; shrunk: its size now
        const io = (first + j) * IOV.size;
        setAddress(iv, io + IOV.fields.iov_base.offset, addressOf(b));
        setSize(iv, io + IOV.fields.iov_len.offset, b.byteLength);
      });
      setAddress(v, m + MSG.fields.msg_name.offset, addressOf(it.name));
      v.setUint32(m + MSG.fields.msg_namelen.offset, it.name?.byteLength ?? 0, L);
      setAddress(
        v,
        m + MSG.fields.msg_iov.offset,
        it.bufs.length ? iov + BigInt(first * IOV.size) : 0n,
      );
      setSize(v, m + MSG.fields.msg_iovlen.offset, it.bufs.length);
      setAddress(v, m + MSG.fields.msg_control.offset, addressOf(it.control));
      setSize(v, m + MSG.fields.msg_controllen.offset, it.control?.byteLength ?? 0);
    });
    return this.vec.subarray(from * MM.size);
  }
}

/** Checks and packs one message's ancillary items (counted before any is expanded). */
function packControl(anc: Iterable<unknown>): Uint8Array | null {
  const items: AncItem[] = [];
  for (const item of anc) {
    if (items.length >= IOV_LIMIT) {
      throw new RangeError(`a message takes at most ${IOV_LIMIT} ancillary items`);
    }
    items.push(checkAncItem(item));
  }
  return packCmsgs(items);
}

/** A message for `sendmmsg`: `[data, address?]`, or `sendmsg`'s `[buffers, ancdata?, flags?, address?]`. */
export type MmsgMessage =
  | readonly [data: Data, address?: AddressLike | null]
  | readonly [
    buffers: Iterable<Data>,
    ancdata?: Iterable<readonly [level: number, type: number, data: Data]> | null,
    flags?: number | null,
    address?: AddressLike | null,
  ];

/** Checks `d` now; keeps a buffer itself (re-read before each call), a string's bytes. */
function kept(d: Data): Data {
  const bytes = toBytes(d);
  return typeof d === "string" ? bytes : d;
}

function isData(v: unknown): v is Data {
  return typeof v === "string" || ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
}

/**
 * Validates `messages` (counting before expanding anything large) and
 * encodes each one's buffers, ancillary data and destination.
 */
export function mmsgOutItems(
  messages: Iterable<MmsgMessage>,
  encode: (address: unknown) => Uint8Array,
): MmsgOutItem[] {
  if (messages === null || typeof messages !== "object" || !(Symbol.iterator in messages)) {
    throw new TypeError("sendmmsg() messages must be an iterable of messages");
  }
  const items: MmsgOutItem[] = [];
  for (const m of messages) {
    if (items.length >= MMSG_MAX) {
      throw new RangeError(`sendmmsg() takes at most ${MMSG_MAX} messages`);
    }
    if (!Array.isArray(m) || m.length < 1 || m.length > 4) {
      throw new TypeError(
        "a sendmmsg() message is [data, address?] or [buffers, ancdata?, flags?, address?]",
      );
    }
    if (isData(m[0])) {
      if (m.length > 2) throw new TypeError("a [data, address?] message has at most 2 items");
      const address = m[1];
      items.push({
        bufs: [kept(m[0])],
        control: null,
        name: address === undefined || address === null ? null : encode(address),
      });
      continue;
    }
    const [buffers, ancdata, flags, address] = m as readonly unknown[];
    if (buffers === null || typeof buffers !== "object" || !(Symbol.iterator in buffers)) {
      throw new TypeError("sendmmsg() message buffers must be data or an iterable of data");
    }
    if (flags !== undefined && flags !== null && cint(flags, "flags") !== 0) {
      throw new RangeError(
        "per-message flags are not supported by sendmmsg(2): pass them to sendmmsg()",
      );
    }
    const bufs: Data[] = [];
    for (const b of buffers as Iterable<Data>) {
      if (bufs.length >= IOV_LIMIT) {
        throw new RangeError(`a message takes at most ${IOV_LIMIT} buffers`);
      }
      bufs.push(kept(b));
    }
    items.push({
      bufs,
      control: ancdata === undefined || ancdata === null
        ? null
        : packControl(ancdata as Iterable<unknown>),
      name: address === undefined || address === null ? null : encode(address),
    });
  }
  return items;
}

const IOV_LIMIT = C.IOV_MAX ?? C.UIO_MAXIOV ?? 1024;
