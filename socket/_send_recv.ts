/**
 * The send/recv family of `Socket` (socket.ts): `recv`, `recv_into`,
 * `recvfrom`, `recvfrom_into`, `send`, `sendall` and `sendto`, and their
 * async twins, which share their argument checks. Each function takes the
 * socket's state; the class documents them.
 *
 * These are the hot paths: one syscall per attempt, no allocation beyond
 * the result and the attempt's closure.
 *
 * Internal module.
 *
 * @module
 */
import { constants as C } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import {
  type Address,
  type AddressLike,
  decodeAddress,
  encodeAddress,
  SOCKADDR_MAX,
} from "./address/mod.ts";
import { reactor, READ, WRITE } from "../sys/reactor.ts";
import { MSG_DONTWAIT, SEND_FLAGS } from "../sys/platform.ts";
import {
  byteLength,
  type Data,
  isBytesLike,
  sourceOf,
  toBytes,
  writableBytes,
} from "../core/bytes.ts";
import { cint } from "../core/ints.ts";
import { FROM_LEN, FROM_LEN_BYTES, FROM_NAME } from "./_scratch.ts";
import { intoView, MAX_IO, received, sizeArg } from "./_args.ts";
import { attemptNow, deadline, io, ioAsyncOn, liveFd, type SocketState } from "./_state.ts";
import { NOT_READY } from "./_io.ts";
import type { AsyncOptions } from "./types.ts";

const MSG_TRUNC = C.MSG_TRUNC ?? 0;

/** Scratch space for receives (never held across an await). */
const scratch = new Uint8Array(65536);

/**
 * Whether a receive of `size` bytes may land in the shared scratch: only
 * when the kernel writes exactly the bytes it reports (not with
 * `MSG_TRUNC`, see `recv`). The bytes are copied out before the call
 * returns (an async attempt's, before it returns): scratch is never held
 * across an await. A fresh ArrayBuffer costs more than the copy (~1.1 µs
 * each in Deno, whatever its size).
 */
function scratchFits(size: number, f: number): boolean {
  return size <= scratch.length && (f & MSG_TRUNC) === 0;
}

// ---------------------------------------------------------------------------
// Receiving

/** `recv(bufsize, flags)`. */
export function recv(st: SocketState, bufsize: number, flags: number): Uint8Array {
  const size = sizeArg(bufsize, "recv");
  const f = cint(flags, "flags");
  // As CPython: 0 bytes requested, nothing to do (recv(2) with len 0 may block).
  if (size === 0 && liveFd(st) >= 0) return new Uint8Array(0);
  // Small receives land in a reused scratch buffer and are copied out:
  // cheaper than zeroing a fresh bufsize-sized array every call. There
  // the kernel wrote exactly the `n` bytes it returns, except with
  // MSG_TRUNC: on TCP it discards them unwritten, and a datagram's length
  // may exceed what it copied. Those receives get zeroed memory, never
  // what an earlier receive (on any socket) left in the scratch buffer.
  const buf = scratchFits(size, f) ? scratch : new Uint8Array(size);
  const big = BigInt(size);
  const n = io(st, READ, (fd) => libc.recv(fd, buf, big, f), "recv");
  return received(buf, size, n, buf === scratch);
}

/** `recv_into(buffer, nbytes, flags)`. */
export function recv_into(
  st: SocketState,
  buffer: ArrayBufferView | ArrayBuffer,
  nbytes: number,
  flags: number,
): number {
  // One look at the buffer: `want` is at most the view's length.
  const [view, want] = intoView(buffer, nbytes, "recv_into");
  const f = cint(flags, "flags");
  const big = BigInt(want);
  if (big === 0n && liveFd(st) >= 0) return 0; // as CPython: nothing requested
  return io(st, READ, (fd) => libc.recv(fd, view, big, f), "recv");
}

/** `recvfrom(bufsize, flags)`. */
export function recvfrom(
  st: SocketState,
  bufsize: number,
  flags: number,
): [Uint8Array, Address | null] {
  const size = sizeArg(bufsize, "recvfrom");
  const f = cint(flags, "flags");
  // As `recv`: small receives land in scratch and are copied out.
  const shared = scratchFits(size, f);
  const buf = shared ? scratch : new Uint8Array(size);
  const big = BigInt(size);
  const n = io(st, READ, (fd) => {
    FROM_LEN[0] = SOCKADDR_MAX;
    return libc.recvfrom(fd, buf, big, f, FROM_NAME, FROM_LEN_BYTES);
  }, "recvfrom");
  return [received(buf, size, n, shared), sender(st)];
}

/** `recvfrom_into(buffer, nbytes, flags)`. */
export function recvfrom_into(
  st: SocketState,
  buffer: ArrayBufferView | ArrayBuffer,
  nbytes: number,
  flags: number,
): [number, Address | null] {
  const [view, want] = intoView(buffer, nbytes, "recvfrom_into");
  const f = cint(flags, "flags");
  const big = BigInt(want);
  const n = io(st, READ, (fd) => {
    FROM_LEN[0] = SOCKADDR_MAX;
    return libc.recvfrom(fd, view, big, f, FROM_NAME, FROM_LEN_BYTES);
  }, "recvfrom");
  return [n, sender(st)];
}

/** The sender the last synchronous `recvfrom` left in `FROM_NAME`. */
function sender(st: SocketState): Address | null {
  const len = FROM_LEN[0];
  return len ? decodeAddress(FROM_NAME, len, st.proto) : null;
}

// ---------------------------------------------------------------------------
// Sending

/** `send(data, flags)`. */
export function send(st: SocketState, data: Data, flags: number): number {
  const bytes = toBytes(data);
  const f = cint(flags, "flags") | SEND_FLAGS;
  const big = BigInt(Math.min(byteLength(bytes), MAX_IO));
  return io(st, WRITE, (fd) => libc.send(fd, bytes, big, f), "send");
}

/** `sendall(data, flags)`: the socket's timeout bounds the whole call. */
export function sendall(st: SocketState, data: Data, flags: number): void {
  const bytes = toBytes(data);
  const total = byteLength(bytes);
  const f = cint(flags, "flags") | SEND_FLAGS;
  const deadline = st.timeout ? performance.now() + st.timeout * 1000 : undefined;
  let off = 0;
  do {
    const chunk = bytes.subarray(off);
    const big = BigInt(Math.min(total - off, MAX_IO));
    off += io(st, WRITE, (fd) => libc.send(fd, chunk, big, f), "send", deadline);
  } while (off < total);
}

/** `sendto(data, address)` or `sendto(data, flags, address)` (`argc`: the call's count). */
export function sendto(
  st: SocketState,
  data: Data,
  flagsOrAddress: number | AddressLike,
  address: AddressLike | undefined,
  argc: number,
): number {
  const [f, sa] = sendtoArgs(st, data, flagsOrAddress, address, argc);
  const bytes = toBytes(data);
  const big = BigInt(Math.min(byteLength(bytes), MAX_IO));
  return io(
    st,
    WRITE,
    (fd) => libc.sendto(fd, bytes, big, f, sa, sa.length),
    "sendto",
    undefined,
    sa,
  );
}

function sendtoArgs(
  st: SocketState,
  data: Data,
  flagsOrAddress: unknown,
  address: unknown,
  argc: number,
): [number, Uint8Array] {
  let flags = 0;
  let addr = flagsOrAddress;
  if (argc >= 3) {
    flags = cint(flagsOrAddress, "flags");
    addr = address;
  } else if (argc < 2) {
    throw new TypeError("sendto() takes 2 or 3 arguments");
  }
  // Type-check only (toBytes throws its TypeError), encoding no string and
  // making no view: callers take the bytes after every other argument.
  if (typeof data !== "string" && !isBytesLike(data)) toBytes(data);
  const sa = encodeAddress(st.family, addr, "sendto(): ", st.proto);
  return [flags | SEND_FLAGS, sa];
}

// ---------------------------------------------------------------------------
// Async twins

/** `recvAsync(bufsize, flags, options)`. */
export function recvAsync(
  st: SocketState,
  bufsize: number,
  flags: number,
  options?: AsyncOptions,
): Promise<Uint8Array> {
  try {
    const size = sizeArg(bufsize, "recv");
    const plain = cint(flags, "flags") === 0;
    const f = flags | MSG_DONTWAIT;
    if (size === 0 && liveFd(st) >= 0) return Promise.resolve(new Uint8Array(0));
    const big = BigInt(size);
    let data: Uint8Array = EMPTY;
    const shared = scratchFits(size, f);
    let own: Uint8Array | undefined; // zeroed, made once (a failed attempt writes nothing)
    const attempt = (fd: number) => {
      const buf = shared ? scratch : (own ??= new Uint8Array(size));
      const r = libc.recv(fd, buf, big, f);
      if (r >= 0) data = received(buf, size, r, shared);
      return noteShortRead(st, fd, r, size, plain);
    };
    // Nothing has arrived since a read emptied the queue: wait first.
    const r = plain && drained(st) ? NOT_READY : attemptNow(st, attempt, "recv", options);
    if (r >= 0) return Promise.resolve(data);
    return finish(
      ioAsyncOn(st, READ, attempt, "recv", options, undefined, r === NOT_READY),
      () => data,
    );
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Zero bytes: what an attempt's result holds until a receive fills it. */
const EMPTY: Uint8Array = new Uint8Array(0);

/** `p`, then what `result` says the operation produced. */
async function finish<T>(p: Promise<number>, result: () => T): Promise<T> {
  await p;
  return result();
}

/**
 * Tells the reactor when a plain (flagless) TCP read returned less than
 * it asked for: the receive queue was empty, so the next read can wait for
 * readiness first instead of paying for an EAGAIN (see
 * `Reactor.markDrained`). Returns `r`.
 */
function noteShortRead(
  st: SocketState,
  fd: number,
  r: number,
  asked: number,
  plain: boolean,
): number {
  if (plain && r > 0 && r < asked && st.tcpStream) reactor.markDrained(fd);
  return r;
}

/** Whether a TCP read would find nothing: no arrival since a read emptied the queue. */
function drained(st: SocketState): boolean {
  return st.tcpStream && st.fd >= 0 && reactor.drained(st.fd);
}

/** `recv_intoAsync(buffer, nbytes, flags, options)`: bounds re-read after every wait. */
export function recv_intoAsync(
  st: SocketState,
  buffer: ArrayBufferView | ArrayBuffer,
  nbytes: number,
  flags: number,
  options?: AsyncOptions,
): Promise<number> {
  // Argument errors are thrown, before a promise exists; what the socket
  // says (or an aborted signal) rejects.
  const [checked, want] = intoView(buffer, nbytes, "recv_into");
  const plain = cint(flags, "flags") === 0;
  const f = flags | MSG_DONTWAIT;
  try {
    // Re-derived before every attempt after a wait: the buffer may shrink or
    // go away while the operation waits.
    const attempt = (fd: number) => {
      const view = writableBytes(buffer);
      const n = Math.min(want, byteLength(view));
      return n === 0 ? 0 : noteShortRead(st, fd, libc.recv(fd, view, BigInt(n), f), n, plain);
    };
    if (want === 0 && st.fd >= 0) return Promise.resolve(0); // nothing requested
    // Nothing has arrived since a read emptied the queue: wait first.
    let r = NOT_READY;
    if (!(plain && drained(st))) {
      // Fast path: data already there costs one syscall and no reactor turn.
      // No await has run since `checked` was derived: its bounds still hold
      // (`want` is at most its length), so this attempt needs no second look.
      const big = BigInt(want);
      r = attemptNow(
        st,
        (fd) => noteShortRead(st, fd, libc.recv(fd, checked, big, f), want, plain),
        "recv",
        options,
      );
      if (r >= 0) return Promise.resolve(r);
    }
    return ioAsyncOn(st, READ, attempt, "recv", options, undefined, r === NOT_READY);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** `recvfromAsync(bufsize, flags, options)`. */
export function recvfromAsync(
  st: SocketState,
  bufsize: number,
  flags: number,
  options?: AsyncOptions,
): Promise<[Uint8Array, Address | null]> {
  try {
    const size = sizeArg(bufsize, "recvfrom");
    const f = cint(flags, "flags") | MSG_DONTWAIT;
    const big = BigInt(size);
    // The data is copied out and the sender decoded inside the attempt,
    // right after its syscall: neither scratch nor the shared FROM_NAME is
    // read across an await.
    let got: [Uint8Array, Address | null] = [EMPTY, null];
    const shared = scratchFits(size, f);
    let own: Uint8Array | undefined; // zeroed, made once (a failed attempt writes nothing)
    const attempt = (fd: number) => {
      const buf = shared ? scratch : (own ??= new Uint8Array(size));
      FROM_LEN[0] = SOCKADDR_MAX;
      const r = libc.recvfrom(fd, buf, big, f, FROM_NAME, FROM_LEN_BYTES);
      if (r >= 0) got = [received(buf, size, r, shared), sender(st)];
      return r;
    };
    const r = attemptNow(st, attempt, "recvfrom", options);
    if (r >= 0) return Promise.resolve(got);
    const p = ioAsyncOn(st, READ, attempt, "recvfrom", options, undefined, r === NOT_READY);
    return finish(p, () => got);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** `sendAsync(data, flags, options)`: the bytes are re-read before every attempt after a wait. */
export function sendAsync(
  st: SocketState,
  data: Data,
  flags: number,
  options?: AsyncOptions,
): Promise<number> {
  // One look at the data for the first attempt; later ones look again.
  // Argument errors are thrown, before a promise exists.
  const bytes = toBytes(data);
  const src = sourceOf(data, bytes);
  const f = cint(flags, "flags") | SEND_FLAGS | MSG_DONTWAIT;
  try {
    const r = attemptNow(st, (fd) => sendNow(fd, bytes, f), "send", options);
    if (r >= 0) return Promise.resolve(r);
    const attempt = (fd: number) => sendNow(fd, toBytes(src), f);
    return ioAsyncOn(st, WRITE, attempt, "send", options, undefined, r === NOT_READY);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** One `send(2)` of `bytes` (at most MAX_IO of them). */
function sendNow(fd: number, bytes: Uint8Array, f: number): number {
  return libc.send(fd, bytes, BigInt(Math.min(byteLength(bytes), MAX_IO)), f);
}

/** `sendallAsync(data, flags, options)`: one `send(2)` when it completes at once. */
export function sendallAsync(
  st: SocketState,
  data: Data,
  flags: number,
  options?: AsyncOptions,
): Promise<void> {
  // One look at the data, kept for the first attempt: a string is encoded
  // once; a buffer's view is re-derived only after a wait. Argument errors
  // are thrown, before a promise exists.
  const bytes = toBytes(data);
  const src = sourceOf(data, bytes);
  const f = cint(flags, "flags") | SEND_FLAGS | MSG_DONTWAIT;
  try {
    // Fast path: a send that completes at once needs no async machinery (and,
    // no await having run, `bytes` still has the bounds toBytes read).
    const r = attemptNow(st, (fd) => sendNow(fd, bytes, f), "send", options);
    if (r === byteLength(bytes)) return Promise.resolve();
    return sendallRest(st, src, Math.max(r, 0), f, options);
  } catch (e) {
    return Promise.reject(e);
  }
}

async function sendallRest(
  st: SocketState,
  src: Data,
  off: number,
  f: number,
  options?: AsyncOptions,
): Promise<void> {
  const deadlineAt = deadline(st);
  // The bounds are re-read before every attempt; a buffer that shrank
  // below what was already sent has nothing left to send.
  const remaining = (bytes: Uint8Array) => byteLength(bytes) - off;
  for (;;) {
    if (remaining(toBytes(src)) <= 0) return;
    off += await ioAsyncOn(
      st,
      WRITE,
      (fd) => {
        const bytes = toBytes(src);
        const left = remaining(bytes);
        if (left <= 0) return 0;
        return libc.send(fd, bytes.subarray(off), BigInt(Math.min(left, MAX_IO)), f);
      },
      "send",
      options,
      deadlineAt,
    );
  }
}

/** `sendtoAsync(data, address, options?)` or `sendtoAsync(data, flags, address, options?)`. */
export function sendtoAsync(
  st: SocketState,
  data: Data,
  a: number | AddressLike,
  b?: AddressLike | AsyncOptions,
  c?: AsyncOptions,
): Promise<number> {
  // Argument errors are thrown, before a promise exists.
  const threeArg = typeof a === "number";
  const options = (threeArg ? c : b) as AsyncOptions | undefined;
  const [flags, sa] = threeArg
    ? sendtoArgs(st, data, a, b, 3)
    : sendtoArgs(st, data, a, undefined, 2);
  const f = flags | MSG_DONTWAIT;
  // One look at the data for the first attempt; later ones look again.
  const bytes = toBytes(data);
  const src = sourceOf(data, bytes);
  try {
    const r = attemptNow(st, (fd) => sendtoNow(fd, bytes, f, sa), "sendto", options, sa);
    if (r >= 0) return Promise.resolve(r);
    const attempt = (fd: number) => sendtoNow(fd, toBytes(src), f, sa);
    return ioAsyncOn(st, WRITE, attempt, "sendto", options, undefined, r === NOT_READY, sa);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** One `sendto(2)` of `bytes` (at most MAX_IO of them) to `sa`. */
function sendtoNow(fd: number, bytes: Uint8Array, f: number, sa: Uint8Array): number {
  return libc.sendto(fd, bytes, BigInt(Math.min(byteLength(bytes), MAX_IO)), f, sa, sa.length);
}
