/**
 * `socket()`: the socket object, Python's `socket.socket`. It extends
 * {@linkcode SocketType} (`socket_type.ts`, CPython's `_socket.socket`: the
 * one-call methods) as `Lib/socket.py` extends the C type: with `accept`
 * and `dup` returning socket objects, `makefile`, `sendfile` and the
 * descriptor's inheritance; and with this library's own additions: the
 * `…Async` twins, which wait on this thread's reactor instead of blocking
 * the event loop, the mmsg batches and the Web Streams.
 *
 * Each method's body hands the socket's state (read once, in the
 * constructor, with `stateOf`) to the function doing the work, in a file
 * per concern: `_connect.ts` (accept and the async connection calls),
 * `_send_recv.ts` (the async hot paths), `_msg.ts` (msg and mmsg),
 * `_sendfile.ts`, `_streams.ts`, `_repr.ts`; `makefile.ts` holds
 * makefile's file object. A body adds one plain call and no allocation;
 * the async ones return the implementation's promise as it is (no `async`
 * wrapper, which would add a promise and a turn per call), so they are
 * typed `Promise<…>` without the `async` keyword.
 *
 * @module
 */
import type { AddressLike } from "./address/mod.ts";
import type { AcceptedAddress, Sender } from "../core/families.ts";
import type { Data } from "../core/bytes.ts";
import { SocketFile, type SocketFileOptions } from "./makefile.ts";
import type { MmsgMessage, MmsgResult } from "./_mmsg.ts";
import {
  dup,
  get_inheritable,
  liveFd,
  set_inheritable,
  setTimeoutState,
  type SocketState,
} from "./_state.ts";
import { accept, acceptAsync, acceptAsyncIter, connectAsync } from "./_connect.ts";
import {
  recv_intoAsync,
  recvAsync,
  recvfromAsync,
  sendallAsync,
  sendAsync,
  sendtoAsync,
} from "./_send_recv.ts";
import {
  recvmmsg,
  recvmmsg_into,
  recvmmsg_intoAsync,
  recvmmsgAsync,
  recvmsgAsync,
  sendmmsg,
  sendmmsgAsync,
  sendmsgAsync,
} from "./_msg.ts";
import { sendfile } from "./_sendfile.ts";
import { readable, writable } from "./_streams.ts";
import { repr } from "./_repr.ts";
import type { AsyncOptions, RecvMsgResult, SendfileSource } from "./types.ts";
import { SocketType, stateOf } from "./socket_type.ts";
import { isOptions } from "./_args.ts";

export { SocketType };

/**
 * A socket: Python's `socket.socket`, over one file descriptor. It extends
 * {@linkcode SocketType}, where the one-call methods (`bind`, `connect`,
 * `recv`, `send`, `setsockopt`, …) are documented.
 *
 * Create one with {@linkcode socket} (or `new Socket(...)`). Blocking methods
 * (`recv`, `accept`, …) block the calling thread, as in Python; the `…Async`
 * twins wait without blocking the event loop and may be mixed with them.
 *
 * @example An echo over a socket pair
 * ```ts
 * import * as socket from "@libc/socket";
 * const [a, b] = socket.socketpair();
 * a.send("ping");
 * console.log(new TextDecoder().decode(b.recv(1024))); // "ping"
 * a.close();
 * b.close();
 * ```
 */
export class Socket<F extends number = number, T extends number = number> extends SocketType<F, T> {
  /** The same state as the base class's (see _state.ts). */
  #s: SocketState;
  #readable?: ReadableStream<Uint8Array>;
  #writable?: WritableStream<Uint8Array>;

  /**
   * Creates a socket. Corresponds to `socket(2)` with `SOCK_CLOEXEC` (where
   * the OS lacks it: `socket(2)` then `fcntl(2)`), or,
   * given `fileno`, adopts that descriptor (family, type and protocol are
   * then read from it with `getsockopt(2)` where not given).
   *
   * @param family Address family, e.g. `AF_INET` (default), `AF_INET6`, `AF_UNIX`.
   * @param type Socket type, e.g. `SOCK_STREAM` (default), `SOCK_DGRAM`;
   *   may include `SOCK_NONBLOCK` and `SOCK_CLOEXEC`.
   * @param proto Protocol number, usually 0.
   * @param fileno An open socket descriptor to adopt (not duplicated).
   */
  constructor(family?: F, type?: T, proto?: number, fileno?: number | null) {
    super(family, type, proto, fileno);
    this.#s = stateOf(this);
  }

  // -------------------------------------------------------------------------
  // Descriptors

  /**
   * Duplicates the socket. Corresponds to `fcntl(F_DUPFD_CLOEXEC)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * using t = s.dup();
   * console.log(t.fileno() !== s.fileno()); // true
   * ```
   */
  dup(): Socket<F, T> {
    const s = dup(this.#s, spawn) as Socket<F, T>;
    setTimeoutState(s.#s, this.#s.timeout);
    return s;
  }

  /**
   * Whether the descriptor is inherited by child processes (no `FD_CLOEXEC`).
   * Corresponds to `fcntl(F_GETFD)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * console.log(s.get_inheritable()); // false
   * ```
   */
  get_inheritable(): boolean {
    return get_inheritable(this.#s);
  }

  /**
   * Sets whether the descriptor is inherited by child processes.
   * Corresponds to `fcntl(F_SETFD)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * s.set_inheritable(true);
   * ```
   */
  set_inheritable(inheritable: boolean): void {
    set_inheritable(this.#s, inheritable);
  }

  /**
   * Accepts a connection. Corresponds to `accept4(2)` with `SOCK_CLOEXEC`
   * (where the OS lacks it: `accept(2)` then `fcntl(2)`).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using srv = socket.socket();
   * srv.bind(["127.0.0.1", 0]);
   * srv.listen(1);
   * using cli = socket.create_connection(srv.getsockname());
   * const [conn, addr] = srv.accept();
   * console.log(addr); // ["127.0.0.1", 50312]
   * conn.close();
   * ```
   *
   * @returns `[conn, address]`: a new socket for the connection and the
   *   peer's address; `""` (no address) on an AF_ALG socket, where CPython
   *   gives `None`.
   */
  accept(): [Socket<F, T>, AcceptedAddress<F>] {
    return accept(this.#s, spawn) as [Socket<F, T>, AcceptedAddress<F>];
  }

  /**
   * Sends the contents of a file, zero-copy with `sendfile(2)` where the
   * source has a descriptor, otherwise by reading it and calling `send`.
   * Returns the number of bytes sent. As in Python the socket must be a
   * blocking `SOCK_STREAM` socket (a timeout is fine). Once anything was
   * sent (even if a later send fails), a `Deno.FsFile`'s position is
   * `offset` + the bytes sent, and so is that of an object with `fileno()`
   * and `seek()`: as CPython, `sendfile` calls `file.seek(offset + sent)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * using f = await Deno.open("deno.json");
   * const sent = a.sendfile(f);
   * a.close();
   * b.close();
   * ```
   *
   * @param file A descriptor, an object with `fileno()`, or a `Deno.FsFile`.
   * @param offset Where to start reading.
   * @param count How many bytes at most (`null`: to the end of the file).
   * @throws {RangeError} For a socket that is not `SOCK_STREAM` or is
   *   non-blocking, or a `count` below 1 (CPython's ValueError).
   */
  sendfile(file: SendfileSource, offset = 0, count: number | null = null): number {
    return sendfile(this.#s, file, offset, count);
  }

  /**
   * `sendfile` without `sendfile(2)`: the file is read (`pread(2)`,
   * or the object's `readSync`) and each chunk handed to `send`, which
   * returns how many bytes it took. The argument checks, the count and the
   * final `seek` are `sendfile`'s. `SSLSocket` sends through TLS this way,
   * as CPython's `_sendfile_use_send`.
   *
   * @ignore
   */
  protected _sendfileVia(
    file: SendfileSource,
    offset: number,
    count: number | null,
    send: (bytes: Uint8Array) => number,
  ): number {
    return sendfile(this.#s, file, offset, count, send);
  }

  // -------------------------------------------------------------------------
  // makefile

  /**
   * Returns a file object over the socket: `read`, `readline`, `readlines`,
   * `write`, `flush`, `close` and line iteration. Modes `"r"`/`"w"` (and
   * `"rw"`) are text (UTF-8 strings); `"rb"`/`"wb"`/`"rwb"` are bytes.
   * Closing the file does not close the socket; closing the socket while a
   * file is open defers the `close(2)` until the file closes, as in Python.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * const w = a.makefile("w");
   * w.write("line one\nline two\n");
   * w.flush();
   * const r = b.makefile("r");
   * console.log(r.readline()); // "line one\n"
   * w.close(); r.close(); a.close(); b.close();
   * ```
   *
   * @param mode `"r"`, `"w"`, `"rw"`, `"rb"`, `"wb"` or `"rwb"`.
   * @param buffering Buffer size in bytes (0: unbuffered, binary only).
   * @returns A file of bytes for a mode with `b` (`const l: Uint8Array =
   *   f.readline()` needs no cast), of strings for a text mode.
   */
  makefile(
    mode: `${string}b${string}`,
    buffering?: number | null,
    options?: SocketFileOptions,
  ): SocketFile<Uint8Array>;
  /** A text mode (`"r"`, the default, `"w"`, `"rw"`): a file of strings. */
  makefile(
    mode?: "r" | "w" | "rw" | "wr",
    buffering?: number | null,
    options?: SocketFileOptions,
  ): SocketFile<string>;
  /** A mode only known at run time: strings or bytes. */
  makefile(mode: string, buffering?: number | null, options?: SocketFileOptions): SocketFile;
  makefile(
    mode = "r",
    buffering: number | null = null,
    options: SocketFileOptions = {},
  ): SocketFile {
    liveFd(this.#s);
    return new SocketFile(this, mode, buffering, options);
  }

  // -------------------------------------------------------------------------
  // Async twins

  /**
   * Async `accept`: waits for a connection without blocking the event loop.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * const pending = srv.acceptAsync();
   * using c = socket.socket();
   * await c.connectAsync(srv.getsockname());
   * const [conn, [host, port]] = await pending;
   * conn.close();
   * ```
   */
  acceptAsync(options?: AsyncOptions): Promise<[Socket<F, T>, AcceptedAddress<F>]> {
    return acceptAsync(this.#s, spawn, options) as Promise<[Socket<F, T>, AcceptedAddress<F>]>;
  }

  /**
   * Accepts connections as they arrive: an async iterator of what
   * `acceptAsync` resolves with, each from `accept4(2)` (where the OS lacks
   * it: `accept(2)` then `fcntl(2)`) after a wait on the reactor. Not in
   * CPython. The loop ends without an error when `signal` aborts or the
   * socket is closed, also during a wait; any other failure (a timeout, a
   * full descriptor table) is thrown. Each connection is the caller's to
   * close.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using c1 = socket.create_connection(srv.getsockname());
   * using c2 = socket.create_connection(srv.getsockname());
   * const ac = new AbortController();
   * let n = 0;
   * for await (const [conn, [host]] of srv.acceptAsyncIter({ signal: ac.signal })) {
   *   conn.close();
   *   if (++n === 2) ac.abort(); // the loop ends here, without an error
   * }
   * console.log(n); // 2
   * ```
   */
  acceptAsyncIter(
    options?: AsyncOptions,
  ): AsyncGenerator<[Socket<F, T>, AcceptedAddress<F>], void, undefined> {
    return acceptAsyncIter(this.#s, () => this.acceptAsync(options), options) as AsyncGenerator<
      [Socket<F, T>, AcceptedAddress<F>],
      void,
      undefined
    >;
  }

  /**
   * Async `connect`: host names are resolved with `getaddrinfoAsync`, and
   * the connection completes without blocking the event loop.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using s = socket.socket();
   * await s.connectAsync(srv.getsockname());
   * ```
   */
  connectAsync(address: AddressLike, options?: AsyncOptions): Promise<void> {
    return connectAsync(this.#s, address, options);
  }

  /**
   * Async `recv`: resolves with up to `bufsize` bytes (empty at end of stream).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * setTimeout(() => a.send("later"), 10);
   * console.log(await b.recvAsync(100)); // the 5 bytes of "later"
   * a.close();
   * b.close();
   * ```
   */
  recvAsync(
    bufsize: number,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<Uint8Array> {
    if (isOptions(flags)) return recvAsync(this.#s, bufsize, 0, flags);
    return recvAsync(this.#s, bufsize, flags, options);
  }

  /**
   * Async `recv_into`: resolves with the number of bytes received into `buffer`.
   *
   * The buffer's bounds are read again after every wait: a buffer detached
   * meanwhile rejects with a `TypeError`, and one a resizable `ArrayBuffer`
   * shrank receives at most its new size (0 bytes: resolves 0 without
   * receiving).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.send("abc");
   * console.log(await b.recv_intoAsync(new Uint8Array(8))); // 3
   * a.close();
   * b.close();
   * ```
   */
  recv_intoAsync(
    buffer: ArrayBufferView | ArrayBuffer,
    nbytes: number | AsyncOptions = 0,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<number> {
    if (isOptions(nbytes)) return recv_intoAsync(this.#s, buffer, 0, 0, nbytes);
    if (isOptions(flags)) return recv_intoAsync(this.#s, buffer, nbytes, 0, flags);
    return recv_intoAsync(this.#s, buffer, nbytes, flags, options);
  }

  /**
   * Async `recvfrom`: resolves with `[data, address]`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * using v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * u.bind(["127.0.0.1", 0]);
   * const p = u.recvfromAsync(100);
   * v.sendto("x", u.getsockname());
   * const [data, [host, port]] = await p;
   * ```
   */
  recvfromAsync(
    bufsize: number,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<[Uint8Array, Sender<F, T>]> {
    if (isOptions(flags)) {
      return recvfromAsync(this.#s, bufsize, 0, flags) as Promise<[Uint8Array, Sender<F, T>]>;
    }
    return recvfromAsync(this.#s, bufsize, flags, options) as Promise<[Uint8Array, Sender<F, T>]>;
  }

  /**
   * Async `recvmsg`: resolves with `[data, ancdata, msg_flags, address]`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.send("x");
   * const [data] = await b.recvmsgAsync(16);
   * a.close();
   * b.close();
   * ```
   */
  recvmsgAsync(
    bufsize: number,
    ancbufsize: number | AsyncOptions = 0,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<RecvMsgResult<Sender<F, T>>> {
    let p;
    if (isOptions(ancbufsize)) p = recvmsgAsync(this.#s, bufsize, 0, 0, ancbufsize);
    else if (isOptions(flags)) p = recvmsgAsync(this.#s, bufsize, ancbufsize, 0, flags);
    else p = recvmsgAsync(this.#s, bufsize, ancbufsize, flags, options);
    return p as Promise<RecvMsgResult<Sender<F, T>>>;
  }

  /**
   * Async `send`: resolves with the number of bytes sent.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * console.log(await a.sendAsync("hi")); // 2
   * a.close();
   * b.close();
   * ```
   */
  sendAsync(data: Data, flags: number | AsyncOptions = 0, options?: AsyncOptions): Promise<number> {
    if (isOptions(flags)) return sendAsync(this.#s, data, 0, flags);
    return sendAsync(this.#s, data, flags, options);
  }

  /**
   * Async `sendall`: resolves once every byte is sent. The socket's timeout
   * bounds the whole call. The buffer's bounds are read again after every
   * wait: detached meanwhile, it rejects with a `TypeError`; shrunk, only
   * what remains within its new size is sent.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * await a.sendallAsync(new Uint8Array(100_000)).catch(() => {});
   * a.close();
   * b.close();
   * ```
   */
  sendallAsync(
    data: Data,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<void> {
    if (isOptions(flags)) return sendallAsync(this.#s, data, 0, flags);
    return sendallAsync(this.#s, data, flags, options);
  }

  /**
   * Async `sendto`: `sendtoAsync(data, address)` or `sendtoAsync(data, flags, address)`,
   * plus an optional final `{ signal }`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * await s.sendtoAsync("hi", ["127.0.0.1", 9]);
   * ```
   */
  sendtoAsync(data: Data, address: AddressLike, options?: AsyncOptions): Promise<number>;
  /** `sendtoAsync(data, flags, address, options?)`: with `MSG_*` flags. */
  sendtoAsync(
    data: Data,
    flags: number,
    address: AddressLike,
    options?: AsyncOptions,
  ): Promise<number>;
  sendtoAsync(
    data: Data,
    a: number | AddressLike,
    b?: AddressLike | AsyncOptions,
    c?: AsyncOptions,
  ): Promise<number> {
    return sendtoAsync(this.#s, data, a, b, c);
  }

  /**
   * Async `sendmsg`: resolves with the number of bytes sent.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * await a.sendmsgAsync(["a", "b"]);
   * a.close();
   * b.close();
   * ```
   */
  sendmsgAsync(
    buffers: Iterable<Data>,
    ancdata: Iterable<readonly [number, number, Data]> = [],
    flags: number | AsyncOptions = 0,
    address?: AddressLike | null,
    options?: AsyncOptions,
  ): Promise<number> {
    if (isOptions(flags)) return sendmsgAsync(this.#s, buffers, ancdata, 0, undefined, flags);
    return sendmsgAsync(this.#s, buffers, ancdata, flags, address, options);
  }

  // -------------------------------------------------------------------------
  // Batches of datagrams (Linux): recvmmsg(2) and sendmmsg(2)

  /**
   * Receives up to `vlen` datagrams of up to `bufsize` bytes each in one
   * call. Corresponds to `recvmmsg(2)` with `MSG_WAITFORONE`: it waits (as
   * the socket's mode says: blocking, timeout or non-blocking) for the
   * first datagram, then takes only those already queued. Linux only.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * tx.sendmmsg([["one", rx.getsockname()], ["two", rx.getsockname()]]);
   * for (const [data, address] of rx.recvmmsg(1500, 8)) console.log(data.length, address);
   * ```
   *
   * @param bufsize The largest datagram to take whole (longer ones are cut; `MSG_TRUNC` is then set).
   * @param vlen How many datagrams at most (1-1024).
   * @param flags `MSG_*` flags.
   * @param ancbufsize Ancillary-data bytes per datagram (e.g. `CMSG_SPACE(4)` for `UDP_GRO`).
   * @returns `[data, address, ancdata, msg_flags]` for each datagram received.
   * @throws {RangeError} For a `vlen` outside 1-1024 or a negative `bufsize`.
   */
  recvmmsg(
    bufsize: number,
    vlen: number,
    flags = 0,
    ancbufsize = 0,
  ): MmsgResult<Uint8Array, Sender<F, T>>[] {
    return recvmmsg(this.#s, bufsize, vlen, flags, ancbufsize) as MmsgResult<
      Uint8Array,
      Sender<F, T>
    >[];
  }

  /**
   * Like {@linkcode Socket.recvmmsg}, receiving one datagram into each of
   * `buffers`. Corresponds to `recvmmsg(2)` with `MSG_WAITFORONE`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * tx.sendto("hello", rx.getsockname());
   * const bufs = [new Uint8Array(2048), new Uint8Array(2048)];
   * const [[nbytes, address]] = rx.recvmmsg_into(bufs);
   * console.log(nbytes, address); // 5 ["127.0.0.1", port]
   * ```
   *
   * @returns `[nbytes, address, ancdata, msg_flags]` for each datagram received, in
   *   the order of `buffers`.
   */
  recvmmsg_into(
    buffers: Iterable<ArrayBufferView | ArrayBuffer>,
    flags = 0,
    ancbufsize = 0,
  ): MmsgResult<number, Sender<F, T>>[] {
    return recvmmsg_into(this.#s, buffers, flags, ancbufsize) as MmsgResult<number, Sender<F, T>>[];
  }

  /**
   * Sends several datagrams in one call. Corresponds to `sendmmsg(2)`. A
   * message is `[data, address?]`, or `sendmsg`'s arguments
   * `[buffers, ancdata?, flags?, address?]` (per-message flags must be 0:
   * pass flags here). Returns how many messages were sent, which may be
   * fewer than given: send the rest again. Linux only.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * const to = rx.getsockname();
   * console.log(tx.sendmmsg([["a", to], ["b", to], [["c", "d"], [], 0, to]])); // 3
   * ```
   *
   * @throws {RangeError} For no messages, or more than 1024.
   */
  sendmmsg(messages: Iterable<MmsgMessage>, flags = 0): number {
    return sendmmsg(this.#s, messages, flags);
  }

  /**
   * Async {@linkcode Socket.recvmmsg}: waits for the first datagram without
   * blocking the event loop, then takes those already queued.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * setTimeout(() => tx.sendto("late", rx.getsockname()), 10);
   * const [[data]] = await rx.recvmmsgAsync(1500, 16);
   * ```
   */
  recvmmsgAsync(
    bufsize: number,
    vlen: number,
    flags: number | AsyncOptions = 0,
    ancbufsize: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<MmsgResult<Uint8Array, Sender<F, T>>[]> {
    const st = this.#s;
    return (isOptions(flags)
      ? recvmmsgAsync(st, bufsize, vlen, 0, 0, flags)
      : isOptions(ancbufsize)
      ? recvmmsgAsync(st, bufsize, vlen, flags, 0, ancbufsize)
      : recvmmsgAsync(st, bufsize, vlen, flags, ancbufsize, options)) as Promise<
        MmsgResult<Uint8Array, Sender<F, T>>[]
      >;
  }

  /**
   * Async {@linkcode Socket.recvmmsg_into}. The buffers' pointers and sizes
   * are read again after each wait: a buffer detached meanwhile is a
   * `TypeError`, one shrunk is used at its new size.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * tx.sendto("x", rx.getsockname());
   * const [[n]] = await rx.recvmmsg_intoAsync([new Uint8Array(64)]);
   * ```
   */
  recvmmsg_intoAsync(
    buffers: Iterable<ArrayBufferView | ArrayBuffer>,
    flags: number | AsyncOptions = 0,
    ancbufsize: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<MmsgResult<number, Sender<F, T>>[]> {
    const st = this.#s;
    return (isOptions(flags)
      ? recvmmsg_intoAsync(st, buffers, 0, 0, flags)
      : isOptions(ancbufsize)
      ? recvmmsg_intoAsync(st, buffers, flags, 0, ancbufsize)
      : recvmmsg_intoAsync(st, buffers, flags, ancbufsize, options)) as Promise<
        MmsgResult<number, Sender<F, T>>[]
      >;
  }

  /**
   * Async {@linkcode Socket.sendmmsg}: resolves with how many messages were sent.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * console.log(await tx.sendmmsgAsync([["a", rx.getsockname()]])); // 1
   * ```
   */
  sendmmsgAsync(
    messages: Iterable<MmsgMessage>,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<number> {
    if (isOptions(flags)) return sendmmsgAsync(this.#s, messages, 0, flags);
    return sendmmsgAsync(this.#s, messages, flags, options);
  }

  // -------------------------------------------------------------------------
  // Web Streams

  /**
   * A `ReadableStream` of the bytes the socket receives (a byte stream:
   * BYOB readers read straight into their buffer). It ends at end of stream;
   * cancelling it shuts down the read half.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.sendall("hello");
   * a.close();
   * const text = await new Response(b.readable).text(); // "hello"
   * b.close();
   * ```
   */
  get readable(): ReadableStream<Uint8Array> {
    return this.#readable ??= readable(this, this.#s);
  }

  /**
   * A `WritableStream` that sends each chunk (strings as UTF-8) with
   * `sendallAsync`. Closing it shuts down the write half (`SHUT_WR`).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * const w = a.writable.getWriter();
   * await w.write(new TextEncoder().encode("hi"));
   * await w.close();
   * a.close();
   * b.close();
   * ```
   */
  get writable(): WritableStream<Uint8Array> {
    return this.#writable ??= writable(this, this.#s);
  }

  /**
   * A description in the shape of Python's `repr()`:
   * `<socket.socket fd=3, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', 8080)>`,
   * with `[closed]` once closed. Family and type are shown by name (as
   * CPython before 3.11; 3.11 prints the numbers). Reads the addresses with
   * `getsockname(2)`/`getpeername(2)`; an unbound or unconnected socket
   * omits them.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * console.log(String(s)); // <socket.socket fd=3, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('0.0.0.0', 0)>
   * ```
   */
  override toString(): string {
    return repr(this.#s);
  }

  /** `console.log(sock)` shows the same as {@linkcode Socket.toString}. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/** Makes the socket object of a descriptor from `accept()` or `dup()`. */
function spawn(st: SocketState, fd: number): Socket {
  return new Socket(st.family, st.type, st.proto, fd);
}
