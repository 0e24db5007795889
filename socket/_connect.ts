/**
 * Connections: `bind`, `listen`, `accept`, `connect`, `connect_ex` and
 * `shutdown` of `Socket` (socket.ts), with the async twins `acceptAsync`
 * and `connectAsync`, which share their helpers. Each function takes the
 * socket's state; the class documents them.
 *
 * Internal module.
 *
 * @module
 */
import { constants as C, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { check, error, fromErrno, timedOut } from "../core/errors.ts";
import { aboutAddress, checkAt } from "./_subject.ts";
import {
  type Address,
  type AddressLike,
  decodeAddress,
  encodeAddress,
  encodeAddressAsync,
  SOCKADDR_MAX,
} from "./address/mod.ts";
import { READ, WRITE } from "../sys/reactor.ts";
import { acceptConn, CONNECT_PENDING, intOption } from "../sys/platform.ts";
import { cint } from "../core/ints.ts";
import { isAgain, pollUntil } from "./_io.ts";
import {
  deadline,
  io,
  liveFd,
  nonblocking,
  retryLaterOn,
  type SocketState,
  type Spawn,
  wait,
} from "./_state.ts";
import type { AsyncOptions } from "./types.ts";

const EINTR = table.errnoNames.EINTR;
/** EINPROGRESS (WSAEWOULDBLOCK on Windows): a non-blocking connect under way. */
const EINPROGRESS = CONNECT_PENDING;

/** The seed's `(host, port)` two-argument form → one address value. */
function pairArgs(address: unknown, port: unknown, argc: number): unknown {
  return argc >= 2 && port !== undefined ? [address, port] : address;
}

/** `bind(address)`, or the seed's `bind(host, port)` (`argc`: the call's argument count). */
export function bind(
  st: SocketState,
  address: AddressLike | string,
  port: number | undefined,
  argc: number,
): void {
  const sa = encodeAddress(st.family, pairArgs(address, port, argc), "bind(): ", st.proto);
  checkAt(libc.bind(liveFd(st), sa, sa.length), "bind", sa, st.proto);
}

/** `listen(backlog?)`. */
export function listen(st: SocketState, backlog?: number): void {
  let b = backlog === undefined ? Math.min(C.SOMAXCONN, 128) : cint(backlog, "backlog");
  if (b < 0) b = 0;
  check(libc.listen(liveFd(st), b), "listen");
}

function acceptOnce(st: SocketState, fd: number, sa: Uint8Array, len: Uint32Array): number {
  if (st.family === C.AF_ALG) {
    // As CPython: AF_ALG has no peer address (asking for one fails with
    // ECONNABORTED), so accept gets none; the address decodes as "".
    len[0] = 0;
    return acceptConn(fd, null, null);
  }
  len[0] = sa.length;
  return acceptConn(fd, sa, new Uint8Array(len.buffer));
}

function adopt<S>(
  st: SocketState,
  spawn: Spawn<S>,
  newFd: number,
  sa: Uint8Array,
  len: number,
): [S, Address] {
  // As CPython: the new socket gets the default timeout (acceptConn hands
  // out a blocking, close-on-exec descriptor on every platform).
  try {
    const peer = decodeAddress(sa, len, st.proto);
    return [spawn(st, newFd), peer];
  } catch (e) {
    libc.close(newFd); // ours since accept returned it: never leaked
    throw e;
  }
}

/** `accept()`: the connection's socket is made by `spawn`. */
export function accept<S>(st: SocketState, spawn: Spawn<S>): [S, Address] {
  const sa = new Uint8Array(SOCKADDR_MAX);
  const len = new Uint32Array(1);
  const fd = io(st, READ, (fd) => acceptOnce(st, fd, sa, len), "accept");
  return adopt(st, spawn, fd, sa, len[0]);
}

/** `connect(address)`, or the seed's `connect(host, port)`. */
export function connect(
  st: SocketState,
  address: AddressLike | string,
  port: number | undefined,
  argc: number,
): void {
  const sa = connectAddress(st, pairArgs(address, port, argc));
  const err = connectOnce(st, sa);
  if (err !== 0) {
    const e = err === -1 ? timedOut("connect") : fromErrno(err, "connect");
    throw aboutAddress(e, sa, st.proto, "connect");
  }
}

/** `connect_ex(address)`, or `connect_ex(host, port)`: the errno, 0 on success. */
export function connect_ex(
  st: SocketState,
  address: AddressLike | string,
  port: number | undefined,
  argc: number,
): number {
  const err = connectOnce(st, connectAddress(st, pairArgs(address, port, argc)));
  return err === -1 ? table.errnoNames.EAGAIN : err;
}

function connectAddress(st: SocketState, address: unknown): Uint8Array {
  return encodeAddress(st.family, address, "connect(): ", st.proto);
}

/** 0, an errno, or -1 for a timeout. */
function connectOnce(st: SocketState, sa: Uint8Array): number {
  const fd = liveFd(st);
  const r = libc.connect(fd, sa, sa.length);
  if (r === 0) return 0;
  let e = errno();
  const timeout = st.timeout;
  if (e === EINTR || (e === EINPROGRESS && timeout !== 0)) {
    // Blocking mode interrupted, or a timeout: wait for the outcome.
    const deadline = timeout ? performance.now() + timeout * 1000 : Infinity;
    for (;;) {
      if (!pollUntil(liveFd(st), WRITE, deadline, true)) return -1;
      const live = liveFd(st);
      try {
        e = intOption(live, C.SOL_SOCKET, C.SO_ERROR);
      } catch (err) {
        if (err instanceof error && err.errno !== null) return err.errno;
        throw err;
      }
      if (e === EINTR) continue;
      return e;
    }
  }
  return e;
}

/** `shutdown(how)`. */
export function shutdown(st: SocketState, how: number): void {
  check(libc.shutdown(liveFd(st), cint(how, "how")), "shutdown");
}

/** `acceptAsync()`: the connection's socket is made by `spawn`. */
export async function acceptAsync<S>(
  st: SocketState,
  spawn: Spawn<S>,
  options?: AsyncOptions,
): Promise<[S, Address]> {
  options?.signal?.throwIfAborted();
  const sa = new Uint8Array(SOCKADDR_MAX);
  const len = new Uint32Array(1);
  const deadlineAt = deadline(st);
  for (;;) {
    const fd = liveFd(st);
    const [r, e] = nonblocking(st, fd, () => acceptOnce(st, fd, sa, len));
    if (r !== -1) return adopt(st, spawn, r, sa, len[0]);
    if (isAgain(e)) await wait(st, READ, options, deadlineAt, "accept");
    else if (e !== EINTR) throw fromErrno(e, "accept");
  }
}

/**
 * `acceptAsyncIter()`: the socket object's own `acceptAsync` (`acceptOne`;
 * a subclass's, such as SSLSocket's, wraps each connection) in a loop, as
 * an async iterator that ends (returns, without an error) when `signal`
 * aborts or the listening socket is closed, before or during a wait. Any
 * other failure (a timeout, EMFILE…) ends the iteration by throwing it, as
 * `accept()` would.
 */
export async function* acceptAsyncIter<S>(
  st: SocketState,
  acceptOne: () => Promise<[S, Address]>,
  options?: AsyncOptions,
): AsyncGenerator<[S, Address], void, undefined> {
  const signal = options?.signal;
  // A function: the state changes across awaits, which narrowing ignores.
  const ended = () => st.closed || signal?.aborted === true;
  while (!ended()) {
    let next: [S, Address];
    try {
      next = await acceptOne();
    } catch (e) {
      // Closed or aborted while waiting: the end of the stream, not an error.
      if (ended()) return;
      throw e;
    }
    yield next;
  }
}

/** `connectAsync(address)`: names resolve on a worker thread. */
export async function connectAsync(
  st: SocketState,
  address: AddressLike,
  options?: AsyncOptions,
): Promise<void> {
  options?.signal?.throwIfAborted();
  const deadlineAt = deadline(st);
  // Names resolve on a worker thread; the checks and bytes are connect()'s.
  const sa = await encodeAddressAsync(st.family, address, "connect(): ", st.proto, {
    signal: options?.signal,
  });
  let backoff = 1;
  try {
    for (;;) {
      const fd = liveFd(st);
      const [r, e] = nonblocking(st, fd, () => libc.connect(fd, sa, sa.length));
      if (r === 0) return;
      if (e === EINPROGRESS || e === EINTR) {
        while ((await wait(st, WRITE, options, deadlineAt, "connect")) === false);
        // getsockopt(SOL_SOCKET, SO_ERROR), as the public method reads it.
        const err = intOption(liveFd(st), C.SOL_SOCKET, C.SO_ERROR);
        if (err === 0) return;
        throw fromErrno(err, "connect");
      }
      if (isAgain(e)) {
        // AF_UNIX with a full backlog. No readiness event announces room in
        // the listener's queue (a blocking connect sleeps on the listener,
        // and an unconnected socket is already "writable", so an
        // edge-triggered wait would never wake again): retry on a timer,
        // backing off from 1 ms to 50 ms. Signal, timeout and close() apply.
        await retryLaterOn(st, backoff, options, deadlineAt, "connect");
        backoff = Math.min(backoff * 2, 50);
        continue;
      }
      throw fromErrno(e, "connect");
    }
  } catch (e) {
    throw aboutAddress(e, sa, st.proto, "connect"); // its error names the address
  }
}
