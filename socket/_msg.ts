/**
 * The msg family of `Socket` (socket.ts): `recvmsg`, `recvmsg_into`,
 * `sendmsg`, `sendmsg_afalg`, and the batches `recvmmsg`, `recvmmsg_into`
 * and `sendmmsg`, with their async twins, which share their argument
 * checks. Each function takes the socket's state; the class documents them.
 * The structs they fill live in `ancillary.ts` (`msghdr`, cmsgs) and
 * `_mmsg.ts` (`mmsghdr` arrays).
 *
 * Internal module.
 *
 * @module
 */
import { constants as C, struct, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { error, fromErrno } from "../core/errors.ts";
import { type AddressLike, encodeAddress } from "./address/mod.ts";
import { READ, WRITE } from "../sys/reactor.ts";
import { MSG_DONTWAIT, SEND_FLAGS } from "../sys/platform.ts";
import { byteLength, type Data, liveSource, toBytes, writableBytes } from "../core/bytes.ts";
import { cint, int } from "../core/ints.ts";
import { LITTLE_ENDIAN as L } from "../core/memory.ts";
import { typeName } from "../core/repr.ts";
import {
  batchSize,
  MMSG_MAX,
  MmsgIn,
  type MmsgMessage,
  MmsgOut,
  mmsgOutItems,
  type MmsgResult,
} from "./_mmsg.ts";
import { buildMsgOut, checkAncItem, IOV_MAX, MsgIn } from "./ancillary.ts";
import { MAX_IO, received, sizeArg } from "./_args.ts";
import { io, ioAsyncOn, type SocketState } from "./_state.ts";
import type {
  AsyncOptions,
  RecvMsgIntoResult,
  RecvMsgResult,
  SendmsgAfalgOptions,
} from "./types.ts";

const EMSGSIZE = table.errnoNames.EMSGSIZE;

/**
 * Takes at most `max` items from `items`, checking each as it comes, so a
 * huge iterable (say a 64 MiB buffer given as a list) fails at once rather
 * than being expanded first. More than `max`: EMSGSIZE, as the kernel says.
 */
function boundedList<T>(
  items: unknown,
  max: number,
  syscall: string,
  check: (item: unknown) => T,
): T[] {
  if (typeof items === "string" || items === null || items === undefined) {
    throw new TypeError(`${syscall}() argument must be an iterable, not ${typeName(items)}`);
  }
  const iterator = (items as Partial<Iterable<unknown>>)[Symbol.iterator];
  if (typeof iterator !== "function") {
    throw new TypeError(`${syscall}() argument must be an iterable, not ${typeName(items)}`);
  }
  const out: T[] = [];
  for (const item of items as Iterable<unknown>) {
    if (out.length >= max) throw fromErrno(EMSGSIZE, syscall);
    out.push(check(item));
  }
  return out;
}

/** Type-checks data to send (a string becomes its UTF-8 bytes). */
function checkData(item: unknown): Data {
  return liveSource(item);
}

// ---------------------------------------------------------------------------
// recvmsg(2) and sendmsg(2)

/** `recvmsg(bufsize, ancbufsize, flags)`. */
export function recvmsg(
  st: SocketState,
  bufsize: number,
  ancbufsize: number,
  flags: number,
): RecvMsgResult {
  const buf = new Uint8Array(sizeArg(bufsize, "recvmsg"));
  const msg = new MsgIn([buf], ancbufsize, "recvmsg", true);
  const f = cint(flags, "flags");
  const n = io(st, READ, (fd) => msg.call(fd, f), "recvmsg");
  return [received(buf, buf.length, n, false), ...msg.result(st.proto)];
}

/** `recvmsg_into(buffers, ancbufsize, flags)`. */
export function recvmsg_into(
  st: SocketState,
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  ancbufsize: number,
  flags: number,
): RecvMsgIntoResult {
  const sources = boundedList(buffers, IOV_MAX, "recvmsg_into", (b) => {
    writableBytes(b); // type-check each buffer as it comes
    return b;
  });
  const anc = int(ancbufsize, "ancbufsize");
  const f = cint(flags, "flags");
  // The views are taken last, after every argument that could run user code.
  const msg = new MsgIn(sources.map((b) => writableBytes(b)), anc, "recvmsg_into", true);
  const n = io(st, READ, (fd) => msg.call(fd, f), "recvmsg");
  return [n, ...msg.result(st.proto)];
}

/** `sendmsg(buffers, ancdata, flags, address)`. */
export function sendmsg(
  st: SocketState,
  buffers: Iterable<Data>,
  ancdata: Iterable<readonly [number, number, Data]>,
  flags: number,
  address?: AddressLike | null,
): number {
  const [out, sa] = msgOut(st, buffers, ancdata, address);
  const f = cint(flags, "flags") | SEND_FLAGS;
  const msg = out();
  return io(st, WRITE, (fd) => libc.sendmsg(fd, msg, f), "sendmsg", undefined, sa);
}

/** `sendmsg_afalg(msg, { op, iv, assoclen, flags })`. */
export function sendmsg_afalg(
  st: SocketState,
  msg: Iterable<Data> | undefined,
  options: SendmsgAfalgOptions,
): number {
  if (st.family !== C.AF_ALG) throw new error("algset is only supported for AF_ALG");
  const { op, iv, assoclen, flags = 0 } = options ?? {} as SendmsgAfalgOptions;
  if (typeof op !== "number" || !Number.isInteger(op) || op < 0 || op > 0x7fffffff) {
    throw new TypeError("Invalid or missing argument 'op'");
  }
  const u32 = (v: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, L);
    return b;
  };
  const anc: [number, number, Uint8Array][] = [[C.SOL_ALG, C.ALG_SET_OP, u32(op)]];
  if (iv !== undefined && iv !== null) {
    // struct af_alg_iv { __u32 ivlen; __u8 iv[]; }
    const bytes = toBytes(iv, "iv");
    const ivlen = byteLength(bytes);
    const head = struct("af_alg_iv");
    const item = new Uint8Array(head.size + ivlen);
    new DataView(item.buffer).setUint32(head.fields.ivlen.offset, ivlen, L);
    item.set(bytes, head.size);
    anc.push([C.SOL_ALG, C.ALG_SET_IV, item]);
  }
  if (assoclen !== undefined && assoclen !== null) {
    const n = cint(assoclen, "assoclen");
    if (n < 0) throw new TypeError("assoclen must be positive");
    anc.push([C.SOL_ALG, C.ALG_SET_AEAD_ASSOCLEN, u32(n)]);
  }
  const sources = boundedList(msg ?? [], IOV_MAX, "sendmsg", checkData);
  const f = cint(flags, "flags") | SEND_FLAGS;
  const m = buildMsgOut(sources.map((b) => toBytes(b)), anc, null);
  return io(st, WRITE, (fd) => libc.sendmsg(fd, m, f), "sendmsg");
}

/**
 * Validates sendmsg's arguments and returns a builder of its msghdr, and
 * the destination's sockaddr (if any). The builder reads the buffers' live
 * bounds each time it is called: an async send calls it again after every
 * wait, never reusing pointers taken before one.
 */
function msgOut(
  st: SocketState,
  buffers: Iterable<Data>,
  ancdata: Iterable<readonly [number, number, Data]>,
  address?: AddressLike | null,
): [() => Uint8Array, Uint8Array | undefined] {
  const sources = boundedList(buffers, IOV_MAX, "sendmsg", checkData);
  const items = boundedList(ancdata, IOV_MAX, "sendmsg", checkAncItem);
  const sa = address === undefined || address === null
    ? undefined
    : encodeAddress(st.family, address, "sendmsg(): ", st.proto);
  return [() => buildMsgOut(sources.map((b) => toBytes(b)), items, sa ?? null), sa];
}

/** `recvmsgAsync(bufsize, ancbufsize, flags, options)`. */
export async function recvmsgAsync(
  st: SocketState,
  bufsize: number,
  ancbufsize: number,
  flags: number,
  options?: AsyncOptions,
): Promise<RecvMsgResult> {
  const buf = new Uint8Array(sizeArg(bufsize, "recvmsg"));
  const msg = new MsgIn([buf], ancbufsize, "recvmsg");
  const f = cint(flags, "flags") | MSG_DONTWAIT;
  const n = await ioAsyncOn(st, READ, (fd) => msg.call(fd, f), "recvmsg", options);
  return [received(buf, buf.length, n, false), ...msg.result(st.proto)];
}

/** `sendmsgAsync(buffers, ancdata, flags, address, options)`. */
export function sendmsgAsync(
  st: SocketState,
  buffers: Iterable<Data>,
  ancdata: Iterable<readonly [number, number, Data]>,
  flags: number,
  address?: AddressLike | null,
  options?: AsyncOptions,
): Promise<number> {
  const [out, sa] = msgOut(st, buffers, ancdata, address);
  const f = cint(flags, "flags") | SEND_FLAGS | MSG_DONTWAIT;
  // The msghdr is rebuilt from the live buffers before every attempt.
  const attempt = (fd: number) => libc.sendmsg(fd, out(), f);
  return ioAsyncOn(st, WRITE, attempt, "sendmsg", options, undefined, false, sa);
}

// ---------------------------------------------------------------------------
// Batches of datagrams (Linux): recvmmsg(2) and sendmmsg(2)

function ancArg(ancbufsize: unknown, fn: string): number {
  const anc = int(ancbufsize, "ancbufsize");
  if (anc < 0 || anc > MAX_IO) throw new RangeError(`${fn}: invalid ancillary data buffer length`);
  return anc;
}

// `sync`: the synchronous calls, whose headers may live in shared scratch
// memory (see _mmsg.ts); the async twins' headers outlive their waits.
function mmsgIn(
  bufsize: number,
  vlen: number,
  ancbufsize: number,
  fn: string,
  sync = false,
): [MmsgIn, number] {
  const size = sizeArg(bufsize, fn);
  const n = batchSize(int(vlen, "vlen"), "vlen");
  if (size * n > MAX_IO) throw new RangeError(`${fn}: bufsize * vlen is too large`);
  const block = new Uint8Array(size * n);
  const bufs = Array.from({ length: n }, (_, i) => block.subarray(i * size, (i + 1) * size));
  return [new MmsgIn(bufs, ancArg(ancbufsize, fn), block, sync), size];
}

function mmsgInto(buffers: unknown, ancbufsize: number, fn: string, sync = false): MmsgIn {
  if (buffers === null || typeof buffers !== "object" || !(Symbol.iterator in buffers)) {
    throw new TypeError(`${fn}() buffers must be an iterable of buffers`);
  }
  const views: unknown[] = [];
  for (const b of buffers as Iterable<unknown>) {
    if (views.length >= MMSG_MAX) {
      throw new RangeError(`${fn}() takes at most ${MMSG_MAX} buffers`);
    }
    views.push(b);
  }
  batchSize(views.length, "the number of buffers");
  return new MmsgIn(views, ancArg(ancbufsize, fn), null, sync);
}

function withData(
  results: MmsgResult<number>[],
  msgs: MmsgIn,
  size: number,
): MmsgResult<Uint8Array>[] {
  return results.map(([n, address, anc, flags], i) => {
    const data = msgs.buffer(i).slice(0, Math.min(n, size));
    return [data, address, anc, flags];
  });
}

/** `recvmmsg(bufsize, vlen, flags, ancbufsize)`, with `MSG_WAITFORONE`. */
export function recvmmsg(
  st: SocketState,
  bufsize: number,
  vlen: number,
  flags: number,
  ancbufsize: number,
): MmsgResult<Uint8Array>[] {
  const [msgs, size] = mmsgIn(bufsize, vlen, ancbufsize, "recvmmsg", true);
  const f = cint(flags, "flags") | C.MSG_WAITFORONE;
  const count = msgs.count;
  const n = io(st, READ, (fd) => libc.recvmmsg(fd, msgs.prepare(), count, f, null), "recvmmsg");
  return withData(msgs.results(n, st.proto), msgs, size);
}

/** `recvmmsg_into(buffers, flags, ancbufsize)`, with `MSG_WAITFORONE`. */
export function recvmmsg_into(
  st: SocketState,
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  flags: number,
  ancbufsize: number,
): MmsgResult<number>[] {
  const msgs = mmsgInto(buffers, ancbufsize, "recvmmsg_into", true);
  const f = cint(flags, "flags") | C.MSG_WAITFORONE;
  const count = msgs.count;
  const n = io(st, READ, (fd) => libc.recvmmsg(fd, msgs.prepare(), count, f, null), "recvmmsg");
  return msgs.results(n, st.proto);
}

function mmsgOut(st: SocketState, messages: Iterable<MmsgMessage>, sync = false): MmsgOut {
  const encode = (a: unknown) => encodeAddress(st.family, a, "sendmmsg(): ", st.proto);
  return new MmsgOut(mmsgOutItems(messages, encode), sync);
}

/** `sendmmsg(messages, flags)`. */
export function sendmmsg(st: SocketState, messages: Iterable<MmsgMessage>, flags: number): number {
  const msgs = mmsgOut(st, messages, true);
  const count = batchSize(msgs.length, "the number of messages");
  const f = cint(flags, "flags") | SEND_FLAGS;
  return io(st, WRITE, (fd) => libc.sendmmsg(fd, msgs.prepare(), count, f), "sendmmsg");
}

/** `recvmmsgAsync(bufsize, vlen, flags, ancbufsize, options)`. */
export async function recvmmsgAsync(
  st: SocketState,
  bufsize: number,
  vlen: number,
  flags: number,
  ancbufsize: number,
  options?: AsyncOptions,
): Promise<MmsgResult<Uint8Array>[]> {
  const [msgs, size] = mmsgIn(bufsize, vlen, ancbufsize, "recvmmsg");
  const f = cint(flags, "flags") | C.MSG_WAITFORONE | MSG_DONTWAIT;
  const count = msgs.count;
  const n = await ioAsyncOn(
    st,
    READ,
    (fd) => libc.recvmmsg(fd, msgs.prepare(), count, f, null),
    "recvmmsg",
    options,
  );
  return withData(msgs.results(n, st.proto), msgs, size);
}

/** `recvmmsg_intoAsync(buffers, flags, ancbufsize, options)`. */
export function recvmmsg_intoAsync(
  st: SocketState,
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  flags: number,
  ancbufsize: number,
  options?: AsyncOptions,
): Promise<MmsgResult<number>[]> {
  const msgs = mmsgInto(buffers, ancbufsize, "recvmmsg_into");
  const f = cint(flags, "flags") | C.MSG_WAITFORONE | MSG_DONTWAIT;
  const count = msgs.count;
  return ioAsyncOn(
    st,
    READ,
    (fd) => libc.recvmmsg(fd, msgs.prepare(), count, f, null),
    "recvmmsg",
    options,
  ).then((n) => msgs.results(n, st.proto));
}

/** `sendmmsgAsync(messages, flags, options)`. */
export function sendmmsgAsync(
  st: SocketState,
  messages: Iterable<MmsgMessage>,
  flags: number,
  options?: AsyncOptions,
): Promise<number> {
  const msgs = mmsgOut(st, messages);
  const count = batchSize(msgs.length, "the number of messages");
  const f = cint(flags, "flags") | SEND_FLAGS | MSG_DONTWAIT;
  return ioAsyncOn(
    st,
    WRITE,
    (fd) => libc.sendmmsg(fd, msgs.prepare(), count, f),
    "sendmmsg",
    options,
  );
}
