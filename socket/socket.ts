/**
 * `socket()`: the socket object. One method ≈ one libc call, with Python's
 * names and semantics; the `…Async` twins wait on this thread's reactor
 * instead of blocking the event loop.
 *
 * This file is the class's public face: every method's signature and
 * documentation, and a body that hands the socket's state (one object in a
 * `#private` field, see `_state.ts`) to the function doing the work, in a
 * file per concern:
 * - `_state.ts`: creation, close/detach/dup, modes, the wait-and-retry loops;
 * - `_connect.ts`: bind, listen, accept, connect, shutdown (and async twins);
 * - `_options.ts`: getsockname, getpeername, getsockopt, setsockopt;
 * - `_send_recv.ts`: recv, recv_into, recvfrom(_into), send, sendall, sendto
 *   (and async twins: the hot paths);
 * - `_msg.ts`: recvmsg(_into), sendmsg, sendmsg_afalg, recvmmsg(_into),
 *   sendmmsg (and async twins);
 * - `_sendfile.ts`, `_streams.ts`, `_repr.ts`: sendfile, the Web Streams,
 *   `toString`; `makefile.ts`: makefile's file object.
 *
 * Why one class rather than CPython's two (`_socket.socket`, the C type, and
 * `socket.socket`, its Python subclass with the conveniences): `deno doc`
 * lists only a class's own members, so a base class would take half the
 * methods off `Socket`'s page, and our `SocketType` is `Socket` itself
 * (tests/socket/seed_test.ts asserts it). Thin methods keep one page, one
 * prototype and the same types. Each body adds one plain call and no
 * allocation; the async ones return the implementation's promise as it is
 * (no `async` wrapper, which would add a promise and a turn per call), so
 * they are typed `Promise<…>` without the `async` keyword.
 *
 * The documentation has to sit on the class's own members, and it is ~790
 * lines: this file is therefore longer than the ~800 lines a file should
 * hold, with no logic in it.
 *
 * @module
 */
import type { AddressLike } from "./address/mod.ts";
import type { AcceptedAddress, FamilyAddress, Sender } from "../core/families.ts";
import type { Data } from "../core/bytes.ts";
import { SocketFile, type SocketFileOptions } from "./makefile.ts";
import type { MmsgMessage, MmsgResult } from "./_mmsg.ts";
import {
  close,
  closed,
  detach,
  dup,
  get_inheritable,
  getblocking,
  ioref,
  liveFd,
  open,
  set_inheritable,
  setblocking,
  settimeout,
  setTimeoutState,
  type SocketState,
} from "./_state.ts";
import {
  accept,
  acceptAsync,
  acceptAsyncIter,
  bind,
  connect,
  connect_ex,
  connectAsync,
  listen,
  shutdown,
} from "./_connect.ts";
import { getpeername, getsockname, getsockopt, setsockopt } from "./_options.ts";
import {
  recv,
  recv_into,
  recv_intoAsync,
  recvAsync,
  recvfrom,
  recvfrom_into,
  recvfromAsync,
  send,
  sendall,
  sendallAsync,
  sendAsync,
  sendto,
  sendtoAsync,
} from "./_send_recv.ts";
import {
  recvmmsg,
  recvmmsg_into,
  recvmmsg_intoAsync,
  recvmmsgAsync,
  recvmsg,
  recvmsg_into,
  recvmsgAsync,
  sendmmsg,
  sendmmsgAsync,
  sendmsg,
  sendmsg_afalg,
  sendmsgAsync,
} from "./_msg.ts";
import { sendfile } from "./_sendfile.ts";
import { readable, writable } from "./_streams.ts";
import { repr } from "./_repr.ts";
import type {
  AsyncOptions,
  RecvMsgIntoResult,
  RecvMsgResult,
  SendfileSource,
  SendmsgAfalgOptions,
} from "./types.ts";
import { ioctl, type IoctlOption, share } from "./_windows_only.ts";

/**
 * A socket: Python's `socket.socket`, over one file descriptor.
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
export class Socket<F extends number = number, T extends number = number> {
  /** The state every concern's functions work on (see _state.ts). */
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
    // -1 (Python's defaults): AF_INET, SOCK_STREAM, 0 for a new socket,
    // the descriptor's own for `fileno`.
    this.#s = open(
      family === undefined ? -1 : family,
      type === undefined ? -1 : type,
      proto === undefined ? -1 : proto,
      fileno === undefined ? null : fileno,
    );
  }

  // -------------------------------------------------------------------------
  // Properties

  /** The address family, e.g. `AF_INET`. */
  get family(): F {
    return this.#s.family as F;
  }

  /** The socket type without `SOCK_NONBLOCK`/`SOCK_CLOEXEC`, e.g. `SOCK_STREAM`. */
  get type(): T {
    return this.#s.type as T;
  }

  /** The protocol number. */
  get proto(): number {
    return this.#s.proto;
  }

  /** The timeout in seconds (`null`: blocking, 0: non-blocking), as `gettimeout()`. */
  get timeout(): number | null {
    return this.#s.timeout;
  }

  /** Whether `close()` (or `detach()`) has been called. */
  get closed(): boolean {
    return this.#s.closed;
  }

  // -------------------------------------------------------------------------
  // Descriptor plumbing

  /**
   * Returns the file descriptor, or -1 once the socket is closed (as Python).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * console.log(s.fileno() >= 0); // true
   * ```
   */
  fileno(): number {
    return this.#s.fd;
  }

  /**
   * Closes the socket. Corresponds to `close(2)`. Idempotent: later calls do
   * nothing, and every other method then throws EBADF without touching the
   * old descriptor number. Pending async operations reject. While files from
   * `makefile()` are open, the descriptor stays open until they close.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const s = socket.socket();
   * s.close();
   * s.close(); // no-op
   * ```
   */
  close(): void {
    close(this.#s);
  }

  /** `using` support: closes the socket. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * `await using` support: closes the socket, then waits until the async
   * operations that were pending on it have settled (they reject with
   * EBADF, "socket closed while an operation was pending").
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * let pending: Promise<unknown>;
   * {
   *   await using s = a;
   *   pending = s.recvAsync(10).catch((e) => e.code);
   * }
   * console.log(await pending); // "EBADF", settled before the block ended
   * b.close();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.close(); // a subclass's close (SSLSocket's) included
    return closed();
  }

  /**
   * Closes the socket object without closing the descriptor, and returns it.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const s = socket.socket();
   * const fd = s.detach();
   * socket.close(fd);
   * ```
   */
  detach(): number {
    return detach(this.#s);
  }

  /**
   * makefile() bookkeeping: not part of the API.
   *
   * @ignore
   */
  _ioref(delta: 1 | -1): void {
    if (ioref(this.#s, delta)) this.close();
  }

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

  // -------------------------------------------------------------------------
  // Blocking, non-blocking and timeout modes

  /**
   * Sets blocking (`true`) or non-blocking (`false`) mode: the same as
   * `settimeout(null)` and `settimeout(0)`. Sets or clears `O_NONBLOCK` with
   * `fcntl(2)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * s.setblocking(false);
   * console.log(s.getblocking(), s.gettimeout()); // false 0
   * ```
   */
  setblocking(flag: boolean | number): void {
    setblocking(this.#s, flag);
  }

  /**
   * Whether the socket is in blocking mode: as CPython, `gettimeout() !== 0`
   * (a socket with a positive timeout counts as blocking).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * console.log(s.getblocking()); // true
   * ```
   */
  getblocking(): boolean {
    return getblocking(this.#s);
  }

  /**
   * Sets a timeout in seconds for blocking operations: `null` blocks
   * forever, 0 makes the socket non-blocking, a positive number raises
   * `TimeoutError` when an operation takes longer. Internally the descriptor
   * is non-blocking whenever a timeout is set, as in CPython.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * s.settimeout(2.5);
   * console.log(s.gettimeout()); // 2.5
   * ```
   *
   * @throws {RangeError} For a negative timeout.
   */
  settimeout(value: number | null): void {
    settimeout(this.#s, value);
  }

  /**
   * The timeout in seconds, or `null` in blocking mode.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * console.log(s.gettimeout()); // null
   * ```
   */
  gettimeout(): number | null {
    return this.#s.timeout;
  }

  // -------------------------------------------------------------------------
  // Connections

  /**
   * Binds the socket to `address`. Corresponds to `bind(2)`.
   * The seed's two-argument form `bind(host, port)` is accepted too.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
   * s.bind(["127.0.0.1", 0]);
   * console.log(s.getsockname()); // ["127.0.0.1", 41234]
   * ```
   */
  bind(address: AddressLike): void;
  /** The seed's form: `bind(host, port)`, the same as `bind([host, port])`. */
  bind(host: string, port: number): void;
  bind(address: AddressLike | string, port?: number): void {
    bind(this.#s, address, port, arguments.length);
  }

  /**
   * Listens for connections. Corresponds to `listen(2)`. `backlog` defaults
   * to `min(SOMAXCONN, 128)`; a negative value counts as 0.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * s.bind(["127.0.0.1", 0]);
   * s.listen(5);
   * ```
   */
  listen(backlog?: number): void {
    listen(this.#s, backlog);
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
   * Connects to a remote socket. Corresponds to `connect(2)`; with a
   * timeout, waits for the connection with `poll(2)` and reads `SO_ERROR`.
   * The seed's two-argument form `connect(host, port)` is accepted too.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
   * s.connect(srv.getsockname());
   * ```
   */
  connect(address: AddressLike): void;
  /** The seed's form: `connect(host, port)`, the same as `connect([host, port])`. */
  connect(host: string, port: number): void;
  connect(address: AddressLike | string, port?: number): void {
    connect(this.#s, address, port, arguments.length);
  }

  /**
   * Like `connect`, but returns the errno instead of raising it (0 on
   * success), e.g. EINPROGRESS for a non-blocking socket. Address errors
   * still raise.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * console.log(s.connect_ex(["127.0.0.1", 1])); // 111 (ECONNREFUSED)
   * ```
   */
  connect_ex(address: AddressLike): number;
  /** `connect_ex(host, port)`, the same as `connect_ex([host, port])`. */
  connect_ex(host: string, port: number): number;
  connect_ex(address: AddressLike | string, port?: number): number {
    return connect_ex(this.#s, address, port, arguments.length);
  }

  /**
   * Shuts down one or both halves of the connection: `SHUT_RD` (0),
   * `SHUT_WR` (1) or `SHUT_RDWR` (2). Corresponds to `shutdown(2)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.shutdown(socket.SHUT_WR);
   * console.log(b.recv(10).length); // 0: end of stream
   * a.close();
   * b.close();
   * ```
   */
  shutdown(how: number): void {
    shutdown(this.#s, how);
  }

  // -------------------------------------------------------------------------
  // Names and options

  /**
   * The address of the peer. Corresponds to `getpeername(2)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * using c = socket.create_connection(srv.getsockname());
   * console.log(c.getpeername()); // ["127.0.0.1", port]
   * ```
   */
  getpeername(): FamilyAddress<F> {
    return getpeername(this.#s) as FamilyAddress<F>;
  }

  /**
   * The socket's own address. Corresponds to `getsockname(2)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * s.bind(["127.0.0.1", 0]);
   * const [host, port] = s.getsockname();
   * ```
   */
  getsockname(): FamilyAddress<F> {
    return getsockname(this.#s) as FamilyAddress<F>;
  }

  /**
   * Reads a socket option. Corresponds to `getsockopt(2)`. Without `buflen`
   * the option is an `int` and its value is returned; with `buflen`
   * (1–1024) the raw bytes are returned, to decode yourself (e.g.
   * `SO_PEERCRED` with {@linkcode unpackUcred}).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * console.log(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)); // 1 (SOCK_STREAM)
   * ```
   *
   * @throws {RangeError} When `buflen` is outside 1-1024.
   */
  getsockopt(level: number, optname: number): number;
  /** Reads an option of up to `buflen` bytes (1-1024) and returns its raw bytes. */
  getsockopt(level: number, optname: number, buflen: number): Uint8Array;
  getsockopt(level: number, optname: number, buflen?: number): number | Uint8Array {
    return getsockopt(this.#s, level, optname, buflen);
  }

  /**
   * Sets a socket option. Corresponds to `setsockopt(2)`. The value is an
   * integer (or boolean) passed as a C `int`, or bytes passed as they are
   * (a string as its UTF-8 bytes, where CPython wants bytes; empty bytes as
   * a valid pointer with length 0, as CPython);
   * `setsockopt(level, name, null, optlen)` passes NULL with a length.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
   * ```
   *
   * @throws {RangeError} For an integer value outside C `int`, or an
   *   `optlen` outside 0 to 2^32-1 (CPython wraps both silently).
   */
  setsockopt(level: number, optname: number, value: number | boolean | Data): void;
  /** Passes a NULL option value with length `optlen` (e.g. `ALG_SET_AEAD_AUTHSIZE`). */
  setsockopt(level: number, optname: number, value: null, optlen: number): void;
  setsockopt(
    level: number,
    optname: number,
    value: number | boolean | Data | null,
    optlen?: number,
  ): void {
    setsockopt(this.#s, level, optname, value, optlen);
  }

  // -------------------------------------------------------------------------
  // Receiving

  /**
   * Receives up to `bufsize` bytes. Corresponds to `recv(2)`. Returns an
   * empty array at end of stream.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.send(new Uint8Array([1, 2, 3]));
   * console.log(b.recv(1024)); // Uint8Array(3) [1, 2, 3]
   * a.close();
   * b.close();
   * ```
   *
   * With `MSG_TRUNC` on a datagram socket the result has the datagram's
   * true length, as in CPython; the bytes past `bufsize`, which the kernel
   * did not write, are zeros (CPython leaves them uninitialized). On TCP,
   * where `MSG_TRUNC` discards up to `bufsize` bytes without copying them,
   * the result has as many bytes as were discarded, all zeros.
   *
   * @throws {RangeError} For a negative `bufsize`.
   */
  recv(bufsize: number, flags = 0): Uint8Array {
    return recv(this.#s, bufsize, flags);
  }

  /**
   * Receives into `buffer` (up to `nbytes`, default its length) and returns
   * the number of bytes received. Corresponds to `recv(2)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.send("hi");
   * const buf = new Uint8Array(16);
   * console.log(b.recv_into(buf)); // 2
   * a.close();
   * b.close();
   * ```
   */
  recv_into(buffer: ArrayBufferView | ArrayBuffer, nbytes = 0, flags = 0): number {
    return recv_into(this.#s, buffer, nbytes, flags);
  }

  /**
   * Receives up to `bufsize` bytes and the sender's address. Corresponds to
   * `recvfrom(2)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * b.bind(["127.0.0.1", 0]);
   * a.sendto("hi", b.getsockname());
   * const [data, addr] = b.recvfrom(1024);
   * ```
   *
   * @returns `[data, address]`; the address is `null` when the kernel gave none.
   */
  recvfrom(bufsize: number, flags = 0): [Uint8Array, Sender<F, T>] {
    return recvfrom(this.#s, bufsize, flags) as [Uint8Array, Sender<F, T>];
  }

  /**
   * Like `recvfrom`, into a caller's buffer. Corresponds to `recvfrom(2)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * b.bind(["127.0.0.1", 0]);
   * a.sendto("hi", b.getsockname());
   * const [n, addr] = b.recvfrom_into(new Uint8Array(64));
   * ```
   *
   * @returns `[nbytes, address]`.
   */
  recvfrom_into(
    buffer: ArrayBufferView | ArrayBuffer,
    nbytes = 0,
    flags = 0,
  ): [number, Sender<F, T>] {
    return recvfrom_into(this.#s, buffer, nbytes, flags) as [number, Sender<F, T>];
  }

  /**
   * Receives data and ancillary data. Corresponds to `recvmsg(2)`.
   *
   * @example Receiving a descriptor
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.sendmsg(["x"], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, socket.packFds([a.fileno()])]]);
   * const [data, ancdata] = b.recvmsg(16, socket.CMSG_SPACE(4));
   * const [fd] = socket.unpackFds(ancdata[0][2]);
   * socket.close(fd);
   * a.close();
   * b.close();
   * ```
   *
   * @param bufsize Largest amount of data to receive.
   * @param ancbufsize Size of the buffer for ancillary data (0: none).
   * @returns `[data, ancdata, msg_flags, address]`.
   */
  recvmsg(bufsize: number, ancbufsize = 0, flags = 0): RecvMsgResult<Sender<F, T>> {
    return recvmsg(this.#s, bufsize, ancbufsize, flags) as RecvMsgResult<Sender<F, T>>;
  }

  /**
   * Receives data into `buffers` (scatter) and ancillary data.
   * Corresponds to `recvmsg(2)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.send("abcdef");
   * const x = new Uint8Array(2), y = new Uint8Array(8);
   * const [n] = b.recvmsg_into([x, y]);
   * console.log(n); // 6
   * a.close();
   * b.close();
   * ```
   *
   * @returns `[nbytes, ancdata, msg_flags, address]`.
   */
  recvmsg_into(
    buffers: Iterable<ArrayBufferView | ArrayBuffer>,
    ancbufsize = 0,
    flags = 0,
  ): RecvMsgIntoResult<Sender<F, T>> {
    return recvmsg_into(this.#s, buffers, ancbufsize, flags) as RecvMsgIntoResult<Sender<F, T>>;
  }

  // -------------------------------------------------------------------------
  // Sending

  /**
   * Sends data; returns the number of bytes sent (maybe fewer than given).
   * Corresponds to `send(2)` (with `MSG_NOSIGNAL` where the OS has it; a
   * vanished peer raises `BrokenPipeError` instead of killing the process).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * console.log(a.send("Hello, world")); // 12
   * a.close();
   * b.close();
   * ```
   */
  send(data: Data, flags = 0): number {
    return send(this.#s, data, flags);
  }

  /**
   * Sends all of `data`, calling `send(2)` until done. With a timeout, the
   * timeout bounds the whole call.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.sendall(new Uint8Array(1000));
   * a.close();
   * b.close();
   * ```
   */
  sendall(data: Data, flags = 0): void {
    sendall(this.#s, data, flags);
  }

  /**
   * Sends data to `address` (for unconnected sockets). Corresponds to
   * `sendto(2)`. Called as `sendto(data, address)` or
   * `sendto(data, flags, address)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * s.sendto("hello", ["127.0.0.1", 9]);
   * ```
   */
  sendto(data: Data, address: AddressLike): number;
  /** `sendto(data, flags, address)`: with `MSG_*` flags. */
  sendto(data: Data, flags: number, address: AddressLike): number;
  sendto(data: Data, flagsOrAddress: number | AddressLike, address?: AddressLike): number {
    return sendto(this.#s, data, flagsOrAddress, address, arguments.length);
  }

  /**
   * Sends data gathered from `buffers`, with ancillary data, optionally to
   * `address`. Corresponds to `sendmsg(2)`.
   *
   * @example Passing a descriptor
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * a.sendmsg(["fd"], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, socket.packFds([0])]]);
   * a.close();
   * b.close();
   * ```
   *
   * @param buffers Data to send, concatenated.
   * @param ancdata `[level, type, data]` items.
   * @param flags `MSG_*` flags.
   * @param address Destination, for unconnected sockets.
   * @returns The number of bytes sent.
   */
  sendmsg(
    buffers: Iterable<Data>,
    ancdata: Iterable<readonly [number, number, Data]> = [],
    flags = 0,
    address?: AddressLike | null,
  ): number {
    return sendmsg(this.#s, buffers, ancdata, flags, address);
  }

  /**
   * Sends data to an AF_ALG operation socket (one returned by `accept()` on
   * a bound AF_ALG socket), with the operation, IV and associated-data
   * length as `SOL_ALG` ancillary data. Corresponds to `sendmsg(2)`; as
   * CPython's `sendmsg_afalg([msg], *, op, iv, assoclen, flags)`.
   *
   * @example AES-128-CBC through the kernel crypto API (Linux with AF_ALG;
   * not run by `deno task test`, whose CI kernel lacks AF_ALG)
   * ```ts ignore
   * import * as socket from "@libc/socket";
   * using alg = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0);
   * alg.bind(["skcipher", "cbc(aes)"]);
   * alg.setsockopt(socket.SOL_ALG, socket.ALG_SET_KEY, new Uint8Array(16));
   * const [op] = alg.accept();
   * op.sendmsg_afalg([new Uint8Array(16)], {
   *   op: socket.ALG_OP_ENCRYPT,
   *   iv: new Uint8Array(16),
   * });
   * const ciphertext = op.recv(16);
   * op.close();
   * ```
   *
   * @param msg Data to send, concatenated.
   * @param options `op` (required), `iv`, `assoclen` and `flags`.
   * @returns The number of bytes sent.
   * @throws {error} On a socket that is not AF_ALG (as CPython's OSError).
   * @throws {TypeError} For a missing or negative `op`, or a negative `assoclen`.
   */
  sendmsg_afalg(msg: Iterable<Data> | undefined, options: SendmsgAfalgOptions): number {
    return sendmsg_afalg(this.#s, msg, options);
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
    return acceptAsyncIter(this.#s, spawn, options) as AsyncGenerator<
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
  // Windows only (CPython has these there alone; elsewhere a TypeError)

  /**
   * Controls the socket with a Winsock I/O control code. Corresponds to
   * `WSAIoctl`, with CPython's three codes: `SIO_RCVALL` (`option` one of
   * the `RCVALL_*` constants), `SIO_KEEPALIVE_VALS` (`option`
   * `[onoff, keepalivetime, keepaliveinterval]`, the times in
   * milliseconds) and `SIO_LOOPBACK_FAST_PATH` (`option` a boolean).
   * Windows only, as in CPython.
   *
   * @example TCP keep-alive every 10 s after 60 s idle (Windows)
   * ```ts
   * import * as socket from "@libc/socket";
   * const code = socket.SIO_KEEPALIVE_VALS; // undefined off Windows
   * if (code !== undefined) {
   *   using s = socket.socket();
   *   s.ioctl(code, [1, 60_000, 10_000]);
   * }
   * ```
   *
   * @returns The byte count `WSAIoctl` reports.
   * @throws {TypeError} Off Windows; for a wrong type of argument.
   * @throws {RangeError} For another control code (CPython's ValueError
   *   "invalid ioctl command"), or a value outside its 32-bit C type.
   */
  ioctl(control: number, option: IoctlOption): number {
    return ioctl(this.#s, control, option);
  }

  /**
   * Duplicates the socket for process `process_id`: pass the bytes to that
   * process, where {@linkcode fromshare} opens the same socket. Corresponds
   * to `WSADuplicateSocketW` (a `WSAPROTOCOL_INFOW`). Windows only, as in
   * CPython.
   *
   * @example Sharing with this very process (Windows)
   * ```ts
   * import * as socket from "@libc/socket";
   * if (Deno.build.os === "windows") {
   *   using s = socket.socket();
   *   using t = socket.fromshare(s.share(Deno.pid));
   * }
   * ```
   *
   * @throws {TypeError} Off Windows; for a non-integer process id.
   * @throws {RangeError} For a process id outside a `DWORD`.
   */
  share(process_id: number): Uint8Array {
    return share(this.#s, process_id);
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
  toString(): string {
    return repr(this.#s);
  }

  /** `console.log(sock)` shows the same as {@linkcode Socket.toString}. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/**
 * Whether an async method's optional numeric argument (`flags`, `nbytes`,
 * `ancbufsize`) is the final options object given in its place:
 * `recvAsync(1024, { signal })`. A number is never an object, so this can't
 * be ambiguous; `null` stays a (wrong) number argument, as before.
 */
function isOptions(arg: number | AsyncOptions): arg is AsyncOptions {
  return typeof arg === "object" && arg !== null;
}

/** Makes the socket object of a descriptor from `accept()` or `dup()`. */
function spawn(st: SocketState, fd: number): Socket {
  return new Socket(st.family, st.type, st.proto, fd);
}

// `satisfies` keeps deno doc from rendering a second copy of the class: it
// shows a variable of type `typeof Socket`, the alias it is.
/** Python's `socket.SocketType`: an alias of {@linkcode Socket}, the class of socket objects. */
export const SocketType: typeof Socket = Socket satisfies typeof Socket;
