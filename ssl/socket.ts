/**
 * `SSLSocket`: a `Socket` whose stream runs through TLS, over the socket's
 * own descriptor (`SSL_set_fd`: OpenSSL reads and writes the descriptor
 * itself, the fast path, as CPython).
 *
 * Waiting follows the socket's mode, as CPython's `_ssl.c`:
 * - blocking (`timeout` null): OpenSSL blocks in the kernel;
 * - timeout > 0: the descriptor is non-blocking and each WANT_READ /
 *   WANT_WRITE step sleeps in `poll(2)` until the deadline, then
 *   `TimeoutError` ("The read operation timed out");
 * - non-blocking (timeout 0): `SSLWantReadError` / `SSLWantWriteError`.
 * The `…Async` twins wait on the reactor instead, and never start a wait
 * while OpenSSL still holds buffered input (a WANT_READ means OpenSSL has
 * just drained the descriptor, so an edge-triggered wake-up will follow).
 *
 * No byte of the stream passes in the clear while TLS is on: every inherited
 * method that moves data either goes through TLS (`recv*`/`send*`/`read`/
 * `write`, `sendfile`, `makefile`, `readable`/`writable`) or refuses
 * (`recvfrom*` and `sendto` while TLS is on, `recvmsg*`/`sendmsg*`/
 * `recvmmsg*`/`sendmmsg*` and `dup` always, as CPython). The raw socket is
 * used only before a connection exists and after `unwrap()`.
 *
 * @module
 */
import { Socket } from "../socket/socket.ts";
import type { AsyncOptions, SendfileSource } from "../socket/types.ts";
import type { Address, AddressLike } from "../socket/address/mod.ts";
import { deadlineFor, pollUntil, waitReady } from "../socket/_io.ts";
import { fcntl } from "../sys/platform.ts";
import { constants as C, table } from "../constants/mod.ts";
import { READ, WRITE } from "../sys/reactor.ts";
import { BlockingIOError, check, error, restack, timedOut } from "../core/errors.ts";
import { byteLength, type Data, toBytes, writableBytes } from "../core/bytes.ts";
import { ossl } from "../ffi/libssl.ts";
import { intoCount, noFlags, notAllowed, readInto, readSize } from "./_args.ts";
import { isOptions } from "../socket/_args.ts";
import { type Engine, WANT_READ } from "./_engine.ts";
import { type ContextCore, newEngine, type WrapSocketOptions } from "./_setup.ts";
import { contextPointer } from "./_callbacks.ts";
import { raiseQueued, SSLEOFError, SSLZeroReturnError, wantError } from "./errors.ts";
import * as info from "./_info.ts";
import type { PeerCertificate } from "./der.ts";
import { sessionOf, type SSLSession } from "./session.ts";
import { CERT_NONE } from "./constants.ts";

/** A context that can wrap a socket (what `SSLSocket` keeps). */
export interface SocketContext extends ContextCore {
  /** Wraps an accepted connection. */
  wrap_socket(sock: Socket, options?: WrapSocketOptions): SSLSocket;
}

const TOKEN = Symbol("SSLSocket");

/** `connect_ex` results that leave the connection on its way (TLS stays attached). */
const IN_PROGRESS = new Set(
  ["EINPROGRESS", "EAGAIN", "EWOULDBLOCK", "EALREADY", "EINTR"]
    .map((n) => table.errnoNames[n])
    .filter((v) => v !== undefined),
);

type Op = "handshake" | "read" | "write" | "shutdown";

/**
 * Python's `ssl.SSLSocket`, made by `SSLContext.wrap_socket`.
 *
 * @example
 * ```ts ignore
 * import * as socket from "@libc/socket";
 * import * as ssl from "@libc/socket/ssl";
 * const ctx = ssl.create_default_context();
 * using s = ctx.wrap_socket(socket.create_connection(["example.com", 443]), {
 *   server_hostname: "example.com",
 * });
 * s.sendall("HEAD / HTTP/1.0\r\nHost: example.com\r\n\r\n");
 * console.log(new TextDecoder().decode(s.recv(1024)));
 * ```
 */
export class SSLSocket extends Socket {
  #e: Engine | null = null;
  #ctx: SocketContext;
  #options: WrapSocketOptions;
  #unwrapped = false;

  /**
   * Use `SSLContext.wrap_socket`. Internal.
   *
   * @ignore
   */
  constructor(token: symbol, sock: Socket, ctx: SocketContext, options: WrapSocketOptions) {
    if (token !== TOKEN) {
      throw new TypeError("SSLSocket has no public constructor: use wrap_socket");
    }
    if (sock.type !== C.SOCK_STREAM) throw new RangeError("only stream sockets are supported");
    const timeout = sock.gettimeout();
    super(sock.family, sock.type, sock.proto, sock.detach());
    this.settimeout(timeout);
    this.#ctx = ctx;
    this.#options = { ...options };
  }

  /**
   * @ignore
   */
  static _create(sock: Socket, ctx: SocketContext, options: WrapSocketOptions = {}): SSLSocket {
    if (options.server_side && options.server_hostname) {
      throw new RangeError("server_hostname can only be specified in client mode");
    }
    if (sock.gettimeout() === 0 && options.do_handshake_on_connect !== false) {
      // As CPython: the handshake would need to be driven by the caller.
      options = { ...options, do_handshake_on_connect: false };
    }
    const s = new SSLSocket(TOKEN, sock, ctx, options);
    let connected = true;
    try {
      s.getpeername();
    } catch (e) {
      if (!(e instanceof error) || e.code !== "ENOTCONN") {
        s.close();
        throw e;
      }
      connected = false;
    }
    if (connected) {
      try {
        s.#attach();
        if (s.#options.do_handshake_on_connect !== false) s.do_handshake();
      } catch (e) {
        s.close();
        throw e;
      }
    }
    return s;
  }

  #attach(): void {
    const e = newEngine(this.#ctx, this.#options);
    if (ossl().SSL_set_fd(e.ssl, this.fileno()) !== 1) {
      e.free();
      throw new Error("SSL_set_fd failed");
    }
    e.owner = new WeakRef(this);
    this.#e = e;
  }

  #engine(): Engine {
    const e = this.#tls();
    if (e === null) {
      throw new RangeError("the SSL connection is not established (or unwrapped)");
    }
    return e;
  }

  /**
   * The engine every data method goes through, or null when the raw socket
   * may be used: closed, unwrapped, or not connected (where a raw call can
   * move no data). A connection made behind the wrapper's back (say with
   * `Socket.prototype.connect.call`) gets TLS attached here, rather than
   * letting bytes pass in the clear.
   */
  #tls(): Engine | null {
    if (this.#e !== null) return this.#e;
    if (this.#unwrapped || this.fileno() < 0) return null;
    try {
      this.getpeername();
    } catch (err) {
      if (err instanceof error && err.code === "ENOTCONN") return null;
      throw err;
    }
    this.#attach();
    return this.#e;
  }

  /** Runs `step` to completion in the socket's blocking/timeout mode. */
  #run(step: (e: Engine) => number, op: Op): number {
    const e = this.#engine();
    const timeout = this.gettimeout();
    const deadline = timeout ? performance.now() + timeout * 1000 : Infinity;
    for (;;) {
      const r = step(e);
      if (r >= 0) return r;
      if (timeout === 0) throw wantError(r === WANT_READ);
      if (!pollUntil(this.fileno(), r === WANT_READ ? READ : WRITE, deadline)) {
        const t = timedOut(`SSL_${op}`);
        t.message = t.strerror = `The ${op} operation timed out`;
        throw t;
      }
    }
  }

  /** Runs `step` to completion on the reactor (the descriptor non-blocking for each step). */
  async #runAsync(step: (e: Engine) => number, op: Op, options?: AsyncOptions): Promise<number> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    const deadline = deadlineFor(this.gettimeout());
    for (;;) {
      const e = this.#engine(); // re-read after every await: close() may have run
      const r = this.#nonblocking(() => step(e));
      if (r >= 0) return r;
      try {
        await waitReady(
          this.fileno(),
          r === WANT_READ ? READ : WRITE,
          signal,
          deadline,
          `SSL_${op}`,
        );
      } catch (err) {
        throw restack(err);
      }
    }
  }

  /** Sets O_NONBLOCK around `fn` when the descriptor is in blocking mode. */
  #nonblocking(fn: () => number): number {
    if (this.gettimeout() !== null) return fn();
    const fd = this.fileno();
    const flags = check(fcntl(fd, C.F_GETFL, 0), "fcntl");
    check(fcntl(fd, C.F_SETFL, flags | C.O_NONBLOCK), "fcntl");
    try {
      return fn();
    } finally {
      fcntl(fd, C.F_SETFL, flags);
    }
  }

  // ---------------------------------------------------------------------------
  // Connection

  /** Checks a client connect may start, then attaches TLS (before `connect(2)`, as CPython). */
  #beginConnect(): void {
    if (this.#options.server_side) throw new RangeError("can't connect in server-side mode");
    if (this.#e !== null) throw new RangeError("attempt to connect already-connected SSLSocket!");
    this.#unwrapped = false;
    this.#attach();
  }

  /**
   * Connects, then (with `do_handshake_on_connect`) runs the handshake.
   * Corresponds to `connect(2)` then `SSL_do_handshake`. TLS is attached
   * first, so a non-blocking connect still in progress (`BlockingIOError`)
   * keeps it: what is sent once connected goes through TLS.
   */
  override connect(address: AddressLike | string, port?: number): void {
    this.#beginConnect();
    try {
      if (typeof address === "string" && port !== undefined) super.connect(address, port);
      else super.connect(address as AddressLike);
    } catch (err) {
      if (!(err instanceof BlockingIOError)) this.#release();
      throw err;
    }
    if (this.#options.do_handshake_on_connect !== false) this.do_handshake();
  }

  /**
   * `connect` returning the errno instead of raising it (0 on success,
   * EINPROGRESS for a non-blocking socket). Corresponds to `connect(2)`,
   * then `SSL_do_handshake` when connected and `do_handshake_on_connect`.
   */
  override connect_ex(address: AddressLike | string, port?: number): number {
    this.#beginConnect();
    let rc: number;
    try {
      rc = typeof address === "string" && port !== undefined
        ? super.connect_ex(address, port)
        : super.connect_ex(address as AddressLike);
    } catch (err) {
      this.#release();
      throw err;
    }
    if (rc === 0) {
      if (this.#options.do_handshake_on_connect !== false) this.do_handshake();
    } else if (!IN_PROGRESS.has(rc)) {
      this.#release();
    }
    return rc;
  }

  /**
   * Async `connect`: `connect(2)` on the reactor, then (with
   * `do_handshake_on_connect`) `do_handshakeAsync`.
   */
  override async connectAsync(address: AddressLike, options?: AsyncOptions): Promise<void> {
    this.#beginConnect();
    try {
      await super.connectAsync(address, options);
    } catch (err) {
      this.#release();
      throw err;
    }
    if (this.#options.do_handshake_on_connect !== false) await this.do_handshakeAsync(options);
  }

  /** Accepts a connection and wraps it with this socket's context, server side. */
  override accept(): [SSLSocket, Address] {
    const [conn, addr] = super.accept();
    return [
      this.#ctx.wrap_socket(conn, {
        server_side: true,
        do_handshake_on_connect: this.#options.do_handshake_on_connect,
        suppress_ragged_eofs: this.#options.suppress_ragged_eofs,
      }),
      addr,
    ];
  }

  /**
   * Async `accept`: the connection is wrapped server side, and (with
   * `do_handshake_on_connect`) its handshake runs on the reactor.
   */
  override async acceptAsync(options?: AsyncOptions): Promise<[SSLSocket, Address]> {
    const [conn, addr] = await super.acceptAsync(options);
    const s = this.#ctx.wrap_socket(conn, {
      server_side: true,
      do_handshake_on_connect: false,
      suppress_ragged_eofs: this.#options.suppress_ragged_eofs,
    });
    if (this.#options.do_handshake_on_connect !== false) {
      try {
        await s.do_handshakeAsync(options);
      } catch (err) {
        s.close();
        throw err;
      }
    }
    return [s, addr];
  }

  /** `acceptAsync` in a loop (see `Socket.acceptAsyncIter`): every connection wrapped, server side. */
  override acceptAsyncIter(
    options?: AsyncOptions,
  ): AsyncGenerator<[SSLSocket, Address], void, undefined> {
    return super.acceptAsyncIter(options) as AsyncGenerator<[SSLSocket, Address], void, undefined>;
  }

  /**
   * Runs the TLS handshake. Corresponds to `SSL_do_handshake`, repeated
   * while it wants to read or write (in the socket's timeout mode).
   */
  do_handshake(): void {
    this.#run((e) => e.handshake(), "handshake");
  }

  /** Async `do_handshake`: waits on the reactor between `SSL_do_handshake` steps. */
  async do_handshakeAsync(options?: AsyncOptions): Promise<void> {
    await this.#runAsync((e) => e.handshake(), "handshake", options);
  }

  // ---------------------------------------------------------------------------
  // Data

  #eof(err: unknown): boolean {
    if (err instanceof SSLZeroReturnError) return true; // the peer's close_notify
    return err instanceof SSLEOFError && this.#options.suppress_ragged_eofs !== false;
  }

  /**
   * Reads up to `len` decrypted bytes (`SSL_read_ex`); an empty result at
   * EOF. With `buffer`, reads into it (all of it when `len` is 0 or
   * negative) and returns the count.
   */
  read(len?: number, buffer?: null): Uint8Array;
  /** Reads into `buffer` and returns the count. */
  read(len: number, buffer: ArrayBufferView | ArrayBuffer): number;
  /** Bytes without `buffer`, a count with one. */
  read(len?: number, buffer?: ArrayBufferView | ArrayBuffer | null): Uint8Array | number;
  read(len = 1024, buffer?: ArrayBufferView | ArrayBuffer | null): Uint8Array | number {
    if (buffer !== undefined && buffer !== null) {
      const view = readInto(len, buffer);
      this.#engine();
      return view.byteLength === 0 ? 0 : this.#readInto(view);
    }
    const size = readSize(len);
    this.#engine();
    if (size === 0) return new Uint8Array(0);
    const buf = new Uint8Array(size);
    const n = this.#readInto(buf);
    return n === size ? buf : buf.slice(0, n);
  }

  #readInto(view: Uint8Array): number {
    try {
      return this.#run((e) => e.read(view), "read");
    } catch (err) {
      if (this.#eof(err)) return 0;
      throw err;
    }
  }

  /** Writes `data` (`SSL_write_ex`); returns the count written. */
  write(data: Data): number {
    const bytes = toBytes(data);
    this.#engine();
    if (bytes.byteLength === 0) return 0;
    return this.#run((e) => e.write(bytes), "write");
  }

  /** Receives up to `bufsize` decrypted bytes; empty at EOF. Flags must be 0. */
  override recv(bufsize: number, flags = 0): Uint8Array {
    if (this.#tls() === null) return super.recv(bufsize, flags);
    noFlags(flags, "recv");
    return this.read(bufsize) as Uint8Array;
  }

  /** Receives into `buffer`; returns the count (0 at EOF). Flags must be 0. */
  override recv_into(buffer: ArrayBufferView | ArrayBuffer, nbytes = 0, flags = 0): number {
    if (this.#tls() === null) return super.recv_into(buffer, nbytes, flags);
    noFlags(flags, "recv_into");
    return this.read(intoCount(buffer, nbytes, "recv_into"), buffer) as number;
  }

  /** Sends `data` through TLS; returns the count. Flags must be 0. */
  override send(data: Data, flags = 0): number {
    if (this.#tls() === null) return super.send(data, flags);
    noFlags(flags, "send");
    return this.write(data);
  }

  /** Sends all of `data` through TLS. Flags must be 0. */
  override sendall(data: Data, flags = 0): void {
    if (this.#tls() === null) return super.sendall(data, flags);
    noFlags(flags, "sendall");
    const bytes = toBytes(data);
    let off = 0;
    while (off < bytes.byteLength) off += this.write(bytes.subarray(off));
  }

  /** Async `recv`: resolves with up to `bufsize` decrypted bytes; empty at EOF. */
  override async recvAsync(
    bufsize: number,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<Uint8Array> {
    if (this.#tls() === null) return super.recvAsync(bufsize, flags, options);
    if (isOptions(flags)) [flags, options] = [0, flags];
    noFlags(flags, "recv");
    const size = readSize(bufsize, "bufsize");
    if (size === 0) return new Uint8Array(0);
    const buf = new Uint8Array(size);
    let n: number;
    try {
      n = await this.#runAsync((e) => e.read(buf), "read", options);
    } catch (err) {
      if (this.#eof(err)) return new Uint8Array(0);
      throw err;
    }
    return n === size ? buf : buf.slice(0, n);
  }

  /**
   * Async `recv_into`: resolves with the count of decrypted bytes read into
   * `buffer` (0 at EOF). The buffer is re-derived before every step, so one
   * detached while waiting rejects with a `TypeError`.
   */
  override async recv_intoAsync(
    buffer: ArrayBufferView | ArrayBuffer,
    nbytes: number | AsyncOptions = 0,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<number> {
    if (this.#tls() === null) return super.recv_intoAsync(buffer, nbytes, flags, options);
    // As Socket's: the options may come in the place of nbytes or of flags.
    if (isOptions(nbytes)) [nbytes, flags, options] = [0, 0, nbytes];
    else if (isOptions(flags)) [flags, options] = [0, flags];
    noFlags(flags, "recv_into");
    const want = intoCount(buffer, nbytes, "recv_into");
    if (want === 0) return 0;
    try {
      return await this.#runAsync(
        (e) => {
          const view = writableBytes(buffer);
          const n = Math.min(want, byteLength(view));
          return n === 0 ? 0 : e.read(view.subarray(0, n));
        },
        "read",
        options,
      );
    } catch (err) {
      if (this.#eof(err)) return 0;
      throw err;
    }
  }

  /** Async `sendall`: waits on the reactor while TLS records cannot be written. */
  override async sendallAsync(
    data: Data,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<void> {
    if (this.#tls() === null) return super.sendallAsync(data, flags, options);
    if (isOptions(flags)) [flags, options] = [0, flags];
    noFlags(flags, "sendall");
    // A private copy: the caller's buffer may change or be detached while we wait.
    const bytes = toBytes(data).slice();
    let off = 0;
    while (off < bytes.byteLength) {
      const chunk = bytes.subarray(off);
      off += await this.#runAsync((e) => e.write(chunk), "write", options);
    }
  }

  /** Async `send`: resolves with the count written. */
  override async sendAsync(
    data: Data,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<number> {
    if (this.#tls() === null) return super.sendAsync(data, flags, options);
    if (isOptions(flags)) [flags, options] = [0, flags];
    noFlags(flags, "send");
    const bytes = toBytes(data).slice();
    if (bytes.byteLength === 0) return 0;
    return await this.#runAsync((e) => e.write(bytes), "write", options);
  }

  /** Decrypted bytes ready to read without waiting (`SSL_pending`). */
  pending(): number {
    return this.#e === null ? 0 : this.#e.pending();
  }

  /**
   * Ends TLS and returns this socket as a plain one: sends close_notify and
   * reads until the peer's (`SSL_shutdown`, then `SSL_read` until
   * `SSL_ERROR_ZERO_RETURN`).
   */
  unwrap(): Socket {
    this.#run((e) => e.shutdown(), "shutdown");
    this.#release();
    this.#unwrapped = true;
    return this;
  }

  /** Async `unwrap`. */
  async unwrapAsync(options?: AsyncOptions): Promise<Socket> {
    await this.#runAsync((e) => e.shutdown(), "shutdown", options);
    this.#release();
    this.#unwrapped = true;
    return this;
  }

  #release(): void {
    this.#e?.free();
    this.#e = null;
  }

  /**
   * Closes the socket and frees the TLS state (`close(2)`, then `SSL_free`).
   * While files from `makefile()` are open, both wait for them (as the
   * descriptor does): those files go on reading and writing through TLS.
   */
  override close(): void {
    try {
      super.close();
    } finally {
      if (this.fileno() < 0) this.#release();
    }
  }

  /** Detaches the descriptor (the TLS state is freed). */
  override detach(): number {
    this.#release();
    return super.detach();
  }

  /**
   * Shuts down one or both halves (`shutdown(2)`). Closing the write half
   * (`SHUT_WR`, `SHUT_RDWR`) after the handshake first sends TLS's
   * close_notify (one `SSL_shutdown`, not waiting for the peer's), so the
   * peer reads a clean end of stream. TLS stays on for what is left to
   * read (CPython drops it here, and its later `recv` returns raw records).
   */
  override shutdown(how: number): void {
    const e = this.#e;
    if (e !== null && (how === C.SHUT_WR || how === C.SHUT_RDWR) && e.initFinished()) {
      try {
        this.#nonblocking(() => e.closeNotify());
      } catch { /* best effort: the peer then sees an EOF without close_notify */ }
      ossl().ERR_clear_error();
    }
    super.shutdown(how);
  }

  /**
   * Sends a file through TLS: it is read (`pread(2)`, or `readSync`) and
   * written with `SSL_write_ex`, as CPython's `SSLSocket.sendfile` falls
   * back to `_sendfile_use_send`; `sendfile(2)` would bypass TLS. Before a
   * connection and after `unwrap()`, it is the plain socket's `sendfile`.
   */
  override sendfile(file: SendfileSource, offset = 0, count: number | null = null): number {
    if (this.#tls() === null) return super.sendfile(file, offset, count);
    return this._sendfileVia(file, offset, count, (bytes) => this.write(bytes));
  }

  /** Not allowed (CPython's NotImplementedError): a duplicate would bypass TLS. */
  override dup(): never {
    throw new RangeError("Can't dup() SSLSocket instances");
  }

  // ---------------------------------------------------------------------------
  // What TLS cannot carry: refused, so no byte passes in the clear.

  /** `recvfrom`: refused while TLS is on (CPython's ValueError); use `recv`. */
  override recvfrom(bufsize: number, flags = 0): [Uint8Array, Address | null] {
    if (this.#tls() !== null) throw notAllowed("recvfrom");
    return super.recvfrom(bufsize, flags);
  }

  /** `recvfrom_into`: refused while TLS is on (CPython's ValueError); use `recv_into`. */
  override recvfrom_into(
    buffer: ArrayBufferView | ArrayBuffer,
    nbytes = 0,
    flags = 0,
  ): [number, Address | null] {
    if (this.#tls() !== null) throw notAllowed("recvfrom_into");
    return super.recvfrom_into(buffer, nbytes, flags);
  }

  /** Async `recvfrom`: refused while TLS is on; use `recvAsync`. */
  override recvfromAsync(
    bufsize: number,
    flags: number | AsyncOptions = 0,
    options?: AsyncOptions,
  ): Promise<[Uint8Array, Address | null]> {
    if (this.#tls() !== null) return Promise.reject(notAllowed("recvfrom"));
    return super.recvfromAsync(bufsize, flags, options);
  }

  /** `sendto`: refused while TLS is on (CPython's ValueError); use `send`. */
  override sendto(data: Data, flagsOrAddress: number | AddressLike, address?: AddressLike): number {
    if (this.#tls() !== null) throw notAllowed("sendto");
    return address === undefined
      ? super.sendto(data, flagsOrAddress as AddressLike)
      : super.sendto(data, flagsOrAddress as number, address);
  }

  /** Async `sendto`: refused while TLS is on; use `sendAsync`. */
  override sendtoAsync(
    data: Data,
    a: number | AddressLike,
    b?: AddressLike | AsyncOptions,
    c?: AsyncOptions,
  ): Promise<number> {
    if (this.#tls() !== null) return Promise.reject(notAllowed("sendto"));
    return typeof a === "number"
      ? super.sendtoAsync(data, a, b as AddressLike, c)
      : super.sendtoAsync(data, a, b as AsyncOptions | undefined);
  }

  /** Always refused, as CPython's (NotImplementedError): TLS has no ancillary data. */
  override recvmsg(..._args: unknown[]): never {
    throw notAllowed("recvmsg");
  }

  /** Always refused, as CPython's (NotImplementedError). */
  override recvmsg_into(..._args: unknown[]): never {
    throw notAllowed("recvmsg_into");
  }

  /** Always refused, as CPython's (NotImplementedError): it would send in the clear. */
  override sendmsg(..._args: unknown[]): never {
    throw notAllowed("sendmsg");
  }

  /** Always refused (`AF_ALG` only). */
  override sendmsg_afalg(..._args: unknown[]): never {
    throw notAllowed("sendmsg_afalg");
  }

  /** Always refused (datagram batches; TLS is a stream). */
  override recvmmsg(..._args: unknown[]): never {
    throw notAllowed("recvmmsg");
  }

  /** Always refused (datagram batches; TLS is a stream). */
  override recvmmsg_into(..._args: unknown[]): never {
    throw notAllowed("recvmmsg_into");
  }

  /** Always refused (datagram batches; TLS is a stream). */
  override sendmmsg(..._args: unknown[]): never {
    throw notAllowed("sendmmsg");
  }

  /** Always refused, as `recvmsg`. */
  override recvmsgAsync(..._args: unknown[]): Promise<never> {
    return Promise.reject(notAllowed("recvmsg"));
  }

  /** Always refused, as `sendmsg`. */
  override sendmsgAsync(..._args: unknown[]): Promise<never> {
    return Promise.reject(notAllowed("sendmsg"));
  }

  /** Always refused, as `recvmmsg`. */
  override recvmmsgAsync(..._args: unknown[]): Promise<never> {
    return Promise.reject(notAllowed("recvmmsg"));
  }

  /** Always refused, as `recvmmsg_into`. */
  override recvmmsg_intoAsync(..._args: unknown[]): Promise<never> {
    return Promise.reject(notAllowed("recvmmsg_into"));
  }

  /** Always refused, as `sendmmsg`. */
  override sendmmsgAsync(..._args: unknown[]): Promise<never> {
    return Promise.reject(notAllowed("sendmmsg"));
  }

  // ---------------------------------------------------------------------------
  // What the connection knows

  /** The context (settable, e.g. from an `sni_callback`: `SSL_set_SSL_CTX`). */
  get context(): SocketContext {
    return this.#ctx;
  }
  set context(ctx: SocketContext) {
    const p = contextPointer(ctx);
    if (this.#e !== null) ossl().SSL_set_SSL_CTX(this.#e.ssl, p);
    this.#ctx = ctx;
  }

  /** Whether this is the server end. */
  get server_side(): boolean {
    return this.#options.server_side === true;
  }

  /** The name given to `wrap_socket`, or null. */
  get server_hostname(): string | null {
    return this.#e?.hostname ?? this.#options.server_hostname ?? null;
  }

  /**
   * The peer's certificate: CPython's dict (decoded from `i2d_X509`'s DER),
   * `{}` when it was not verified, the DER itself with `binary_form`, or
   * null when the peer sent none.
   *
   * @param binary_form Return the DER bytes rather than the dict.
   * @returns The dict (`{}` when unverified), or null without a certificate.
   */
  getpeercert(binary_form?: false): PeerCertificate | null;
  /** The DER bytes of the peer's certificate, or null without one. */
  getpeercert(binary_form: true): Uint8Array | null;
  /** Either form, by a flag only known at run time. */
  getpeercert(binary_form: boolean): PeerCertificate | Uint8Array | null;
  getpeercert(binary_form = false): PeerCertificate | Uint8Array | null {
    const e = this.#engine();
    if (!e.initFinished()) throw new RangeError("handshake not done yet");
    return info.getpeercert(e, binary_form, this.#ctx.verify_mode !== CERT_NONE);
  }

  /** The negotiated protocol, e.g. `"TLSv1.3"` (`SSL_get_version`), or null. */
  version(): string | null {
    return this.#e === null ? null : info.version(this.#e, this.#e.initFinished());
  }

  /** `[name, protocol, bits]` of the cipher in use, or null. */
  cipher(): info.CipherTuple | null {
    return this.#e === null || !this.#e.initFinished() ? null : info.cipher(this.#e);
  }

  /** The ciphers both ends support (server side), or null. */
  shared_ciphers(): info.CipherTuple[] | null {
    return this.#e === null ? null : info.sharedCiphers(this.#e);
  }

  /** The protocol ALPN selected, or null. */
  selected_alpn_protocol(): string | null {
    return this.#e === null ? null : info.selectedAlpn(this.#e);
  }

  /** Channel binding data (`tls-unique`), or null. */
  get_channel_binding(cb_type = "tls-unique"): Uint8Array | null {
    return this.#e === null ? null : info.channelBinding(this.#e, cb_type, this.#e.initFinished());
  }

  /** Always null: OpenSSL 3 has no TLS compression. */
  compression(): string | null {
    return null;
  }

  /** The session (`SSL_get1_session`), to resume with `wrap_socket(…, { session })`. */
  get session(): SSLSession | null {
    return this.#e === null ? null : sessionOf(ossl().SSL_get1_session(this.#e.ssl));
  }

  /** Whether the handshake resumed a session (`SSL_session_reused`). */
  get session_reused(): boolean | null {
    return this.#e === null ? null : ossl().SSL_session_reused(this.#e.ssl) === 1;
  }

  /** Asks the client for a certificate after the handshake (`SSL_verify_client_post_handshake`). */
  verify_client_post_handshake(): void {
    const f = ossl();
    f.ERR_clear_error();
    if (f.SSL_verify_client_post_handshake(this.#engine().ssl) !== 1) {
      raiseQueued("verify_client_post_handshake"); // e.g. EXTENSION_NOT_RECEIVED, as CPython
    }
  }
}
