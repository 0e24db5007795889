/**
 * `SocketType`: CPython's `_socket.socket`, the C-level socket object that
 * `Socket` (`socket.socket`) extends. It holds the methods that are one
 * system call each, with Python's names and semantics: the descriptor and
 * its modes, bind/listen/connect/shutdown, names and options, the blocking
 * send/recv family and the msg family. `socket.ts` adds what CPython's
 * `Lib/socket.py` adds (accept, dup, makefile, sendfile, inheritance) and
 * this library's own: the `…Async` twins, batches and Web Streams.
 *
 * As there, every method's signature and documentation sit here, and each
 * body hands the socket's state (one object in a `#private` field, see
 * `_state.ts`) to the function doing the work, in a file per concern:
 * `_state.ts` (creation, close/detach, modes), `_connect.ts`, `_options.ts`,
 * `_send_recv.ts` (the hot paths), `_msg.ts`, `_windows_only.ts`.
 *
 * @module
 */
import type { AddressLike } from "./address/mod.ts";
import type { FamilyAddress, Sender } from "../core/families.ts";
import type { Data } from "../core/bytes.ts";
import {
  close,
  closed,
  detach,
  getblocking,
  ioref,
  open,
  setblocking,
  settimeout,
  type SocketState,
} from "./_state.ts";
import { bind, connect, connect_ex, listen, shutdown } from "./_connect.ts";
import { getpeername, getsockname, getsockopt, setsockopt } from "./_options.ts";
import { recv, recv_into, recvfrom, recvfrom_into, send, sendall, sendto } from "./_send_recv.ts";
import { recvmsg, recvmsg_into, sendmsg, sendmsg_afalg } from "./_msg.ts";
import type { RecvMsgIntoResult, RecvMsgResult, SendmsgAfalgOptions } from "./types.ts";
import { ioctl, type IoctlOption, share } from "./_windows_only.ts";

/** The state of a socket object, for `Socket`'s methods: set in the class's static block. */
let state: (s: SocketType) => SocketState;

/**
 * The state every concern's functions work on, of any socket object: what
 * `Socket` (in `socket.ts`) reads once in its constructor.
 */
export function stateOf(s: SocketType): SocketState {
  return state(s);
}

/**
 * Python's `socket.SocketType`, CPython's `_socket.socket`: the base class of
 * socket objects, with the methods that are one system call each. Every
 * socket this library makes is a {@linkcode Socket}, its subclass with
 * `accept`, `dup`, `makefile`, `sendfile`, the `…Async` twins and Web
 * Streams; as in CPython, `sock instanceof SocketType` holds for all of
 * them, while the class of a socket object is `Socket`.
 *
 * @example A socket object is a SocketType
 * ```ts
 * import * as socket from "@libc/socket";
 * using s = socket.socket();
 * console.log(s instanceof socket.SocketType); // true
 * ```
 */
export class SocketType<F extends number = number, T extends number = number> {
  /** The state every concern's functions work on (see _state.ts). */
  #s: SocketState;

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

  static {
    state = (s) => s.#s;
  }
}
