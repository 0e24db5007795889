/**
 * `socket()`: the socket object. One method ≈ one libc call, with Python's
 * names and semantics; the `…Async` twins wait on this thread's reactor
 * instead of blocking the event loop.
 *
 * @module
 */
import { constants as C, struct, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { check, error, fromErrno, restack, timedOut } from "../core/errors.ts";
import { aboutAddress, checkAt } from "./_subject.ts";
import { addressStr } from "../core/repr.ts";
import {
  type Address,
  type AddressLike,
  decodeAddress,
  encodeAddress,
  encodeAddressAsync,
  SOCKADDR_MAX,
} from "./address.ts";
import { type Direction, reactor, READ, WRITE } from "../sys/reactor.ts";
import {
  acceptConn,
  fcntl,
  intOption,
  newSocket,
  nonblockIn,
  SEND_FLAGS,
  socketFamily,
  socketProtocol,
  target,
  TYPE_FLAGS,
} from "../sys/platform.ts";
import {
  byteLength,
  cint,
  type Data,
  EMPTY,
  fdArg,
  int,
  intIn,
  LITTLE_ENDIAN,
  liveSource,
  toBytes,
  typeName,
  writableBytes,
} from "../core/util.ts";
import { SocketFile, type SocketFileOptions } from "./makefile.ts";
import {
  batchSize,
  MMSG_MAX,
  MmsgIn,
  type MmsgMessage,
  MmsgOut,
  mmsgOutItems,
  type MmsgResult,
} from "./_mmsg.ts";
import {
  deadlineFor,
  ioAsync,
  ioBlocking,
  isAgain,
  pollUntil,
  retryLater,
  waitReady,
} from "./_io.ts";
import { buildMsgOut, checkAncItem, IOV_MAX, MsgIn } from "./ancillary.ts";
import { FROM_LEN, FROM_LEN_BYTES, FROM_NAME } from "./_scratch.ts";
import { getdefaulttimeout, timeoutArg } from "./timeout.ts";
import type {
  AsyncOptions,
  RecvMsgIntoResult,
  RecvMsgResult,
  SendfileSource,
  SendmsgAfalgOptions,
} from "./types.ts";

const EINTR = table.errnoNames.EINTR;
const EINPROGRESS = table.errnoNames.EINPROGRESS;
const EBADF = table.errnoNames.EBADF;
const ECONNRESET = table.errnoNames.ECONNRESET;
const MSG_DONTWAIT = C.MSG_DONTWAIT;
const MSG_TRUNC = C.MSG_TRUNC ?? 0;
const TYPE_MASK = ~TYPE_FLAGS;
const L = LITTLE_ENDIAN;

/** Largest buffer a single call may request (fits the `i32` result). */
const MAX_IO = 0x7fff_f000;
/** Scratch space for synchronous `recv` (never held across an await). */
const scratch = new Uint8Array(65536);

const EMSGSIZE = table.errnoNames.EMSGSIZE;

// ---------------------------------------------------------------------------
// Leaked sockets are closed when garbage-collected.

interface Handle {
  fd: number;
}

/** The EBADF of a closed socket: a `socket.error` and a `Deno.errors.BadResource`. */
function badFd(syscall?: string, message?: string): error {
  const e = fromErrno(EBADF, syscall);
  if (message !== undefined) e.message = `[Errno ${EBADF}] ${message}`;
  return e;
}

const finalizer = new FinalizationRegistry<Handle>((h) => {
  if (h.fd >= 0) {
    const fd = h.fd;
    h.fd = -1;
    reactor.forget(fd, () => badFd(undefined, "socket was garbage-collected"));
    libc.close(fd);
  }
});

function getFlags(fd: number): number {
  return check(fcntl(fd, C.F_GETFL, 0), "fcntl");
}

function setNonblockFlag(fd: number, on: boolean): void {
  const flags = getFlags(fd);
  const want = on ? flags | C.O_NONBLOCK : flags & ~C.O_NONBLOCK;
  if (want !== flags) check(fcntl(fd, C.F_SETFL, want), "fcntl");
}

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
export class Socket {
  #h: Handle;
  #family: number;
  #type: number;
  #proto: number;
  /**
   * A TCP stream: a read that returns less than it asked for emptied the
   * receive queue (not so for datagrams, nor for AF_UNIX streams, whose
   * reads stop at a change of sender credentials or at passed descriptors).
   */
  #tcpStream: boolean;
  #timeout: number | null;
  #closed = false;
  /** Open makefile() objects; the descriptor closes only after the last. */
  #ioRefs = 0;
  #closePending = false;
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
  constructor(family = -1, type = -1, proto = -1, fileno: number | null = null) {
    // C ints, as CPython's "iii" (OverflowError there, RangeError here).
    family = cint(family, "family");
    type = cint(type, "type");
    proto = cint(proto, "proto");
    let fd: number;
    if (fileno !== null && fileno !== undefined) {
      fd = fdArg(fileno, "fileno");
      const probe = (name: number) => intOption(fd, C.SOL_SOCKET, name);
      if (family === -1) family = socketFamily(fd);
      if (type === -1) type = probe(C.SO_TYPE);
      if (proto === -1) proto = socketProtocol(fd);
    } else {
      if (family === -1) family = C.AF_INET;
      if (type === -1) type = C.SOCK_STREAM;
      if (proto === -1) proto = 0;
      fd = newSocket(family, type, proto);
    }
    this.#h = { fd };
    this.#family = family;
    this.#type = type & TYPE_MASK;
    this.#proto = proto;
    this.#tcpStream = (family === C.AF_INET || family === C.AF_INET6) &&
      this.#type === C.SOCK_STREAM && (proto === 0 || proto === C.IPPROTO_TCP);
    // As CPython: SOCK_NONBLOCK in the type means timeout 0; otherwise the
    // default timeout applies.
    if (nonblockIn(type)) {
      this.#timeout = 0;
    } else {
      this.#timeout = getdefaulttimeout();
    }
    // As CPython, an adopted descriptor keeps its flags unless a timeout applies.
    if (this.#timeout !== null && !nonblockIn(type)) {
      try {
        setNonblockFlag(fd, true);
      } catch (e) {
        // A failed adoption leaves the descriptor alone (it is not ours);
        // a socket we created is closed.
        this.#h.fd = -1;
        this.#closed = true;
        if (fileno === null || fileno === undefined) libc.close(fd);
        throw e;
      }
    }
    // Only a fully built socket gets a finalizer: one registered for a
    // failed adoption would later close whatever reused that number.
    finalizer.register(this, this.#h, this);
  }

  // -------------------------------------------------------------------------
  // Properties

  /** The address family, e.g. `AF_INET`. */
  get family(): number {
    return this.#family;
  }

  /** The socket type without `SOCK_NONBLOCK`/`SOCK_CLOEXEC`, e.g. `SOCK_STREAM`. */
  get type(): number {
    return this.#type;
  }

  /** The protocol number. */
  get proto(): number {
    return this.#proto;
  }

  /** The timeout in seconds (`null`: blocking, 0: non-blocking), as `gettimeout()`. */
  get timeout(): number | null {
    return this.#timeout;
  }

  /** Whether `close()` (or `detach()`) has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  // -------------------------------------------------------------------------
  // Descriptor plumbing

  /** The live descriptor, or an EBADF error once closed. */
  #fd(): number {
    const fd = this.#h.fd;
    if (fd < 0) throw badFd();
    return fd;
  }

  #release(): number {
    const fd = this.#h.fd;
    this.#h.fd = -1;
    this.#closed = true;
    finalizer.unregister(this);
    if (fd >= 0) {
      reactor.forget(fd, () => badFd("close", "socket closed while an operation was pending"));
    }
    return fd;
  }

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
    return this.#h.fd;
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
    if (this.#closed) return;
    if (this.#ioRefs > 0) {
      this.#closePending = true;
      this.#closed = true;
      return;
    }
    const fd = this.#release();
    if (fd >= 0 && libc.close(fd) === -1) {
      const e = errno();
      // The descriptor is released either way; ECONNRESET is not an error
      // worth reporting on close (as CPython).
      if (e !== ECONNRESET && e !== EINTR) throw fromErrno(e, "close");
    }
  }

  /** `using` support: closes the socket. */
  [Symbol.dispose](): void {
    this.close();
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
    if (this.#closed && !this.#closePending) return -1;
    const fd = this.#release();
    this.#closePending = false;
    return fd;
  }

  /** @internal makefile() bookkeeping. */
  _ioref(delta: 1 | -1): void {
    this.#ioRefs += delta;
    if (delta < 0 && this.#ioRefs === 0 && this.#closePending) {
      this.#closePending = false;
      this.#closed = false;
      this.close();
    }
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
  dup(): Socket {
    const fd = check(fcntl(this.#fd(), C.F_DUPFD_CLOEXEC, 0), "fcntl");
    let s: Socket;
    try {
      s = new Socket(this.#family, this.#type, this.#proto, fd);
    } catch (e) {
      libc.close(fd);
      throw e;
    }
    s.#setTimeoutState(this.#timeout);
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
    return (check(fcntl(this.#fd(), C.F_GETFD, 0), "fcntl") & C.FD_CLOEXEC) === 0;
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
    const fd = this.#fd();
    const flags = check(fcntl(fd, C.F_GETFD, 0), "fcntl");
    const want = inheritable ? flags & ~C.FD_CLOEXEC : flags | C.FD_CLOEXEC;
    if (want !== flags) check(fcntl(fd, C.F_SETFD, want), "fcntl");
  }

  // -------------------------------------------------------------------------
  // Blocking, non-blocking and timeout modes

  #setTimeoutState(t: number | null): void {
    this.#timeout = t;
    setNonblockFlag(this.#fd(), t !== null);
  }

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
    this.#fd();
    this.#setTimeoutState(flag ? null : 0);
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
    this.#fd();
    return this.#timeout !== 0;
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
    const t = timeoutArg(value);
    this.#fd();
    this.#setTimeoutState(t);
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
    return this.#timeout;
  }

  /**
   * Runs `attempt` (a syscall returning -1 on failure) with CPython's
   * semantics: retry on EINTR; in timeout mode, wait for readiness on
   * EAGAIN with a deadline; otherwise throw.
   */
  #io(
    dir: Direction,
    attempt: (fd: number) => number,
    syscall: string,
    deadline?: number,
    sa?: Uint8Array,
  ): number {
    const fd = () => this.#fd();
    return ioBlocking(fd, this.#timeout, dir, attempt, syscall, deadline, sa, this.#proto);
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
    const sa = encodeAddress(
      this.#family,
      pairArgs(address, port, arguments.length),
      "bind(): ",
      this.#proto,
    );
    checkAt(libc.bind(this.#fd(), sa, sa.length), "bind", sa, this.#proto);
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
    let b = backlog === undefined ? Math.min(C.SOMAXCONN, 128) : cint(backlog, "backlog");
    if (b < 0) b = 0;
    check(libc.listen(this.#fd(), b), "listen");
  }

  #acceptOnce(fd: number, sa: Uint8Array, len: Uint32Array): number {
    if (this.#family === C.AF_ALG) {
      // As CPython: AF_ALG has no peer address (asking for one fails with
      // ECONNABORTED), so accept gets none; the address decodes as "".
      len[0] = 0;
      return acceptConn(fd, null, null);
    }
    len[0] = sa.length;
    return acceptConn(fd, sa, new Uint8Array(len.buffer));
  }

  #adopt(newFd: number, sa: Uint8Array, len: number): [Socket, Address] {
    // As CPython: the new socket gets the default timeout (acceptConn hands
    // out a blocking, close-on-exec descriptor on every platform).
    try {
      const peer = decodeAddress(sa, len, this.#proto);
      return [new Socket(this.#family, this.#type, this.#proto, newFd), peer];
    } catch (e) {
      libc.close(newFd); // ours since accept returned it: never leaked
      throw e;
    }
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
   * using cli = socket.create_connection(srv.getsockname() as [string, number]);
   * const [conn, addr] = srv.accept();
   * console.log(addr); // ["127.0.0.1", 50312]
   * conn.close();
   * ```
   *
   * @returns `[conn, address]`: a new socket for the connection and the
   *   peer's address; `""` (no address) on an AF_ALG socket, where CPython
   *   gives `None`.
   */
  accept(): [Socket, Address] {
    const sa = new Uint8Array(SOCKADDR_MAX);
    const len = new Uint32Array(1);
    const fd = this.#io(READ, (fd) => this.#acceptOnce(fd, sa, len), "accept");
    return this.#adopt(fd, sa, len[0]);
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
   * s.connect(srv.getsockname() as [string, number]);
   * ```
   */
  connect(address: AddressLike): void;
  /** The seed's form: `connect(host, port)`, the same as `connect([host, port])`. */
  connect(host: string, port: number): void;
  connect(address: AddressLike | string, port?: number): void {
    const sa = this.#connectAddress(pairArgs(address, port, arguments.length));
    const err = this.#connect(sa);
    if (err !== 0) {
      const e = err === -1 ? timedOut("connect") : fromErrno(err, "connect");
      throw aboutAddress(e, sa, this.#proto, "connect");
    }
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
    const err = this.#connect(this.#connectAddress(pairArgs(address, port, arguments.length)));
    return err === -1 ? table.errnoNames.EAGAIN : err;
  }

  #connectAddress(address: unknown): Uint8Array {
    return encodeAddress(this.#family, address, "connect(): ", this.#proto);
  }

  /** 0, an errno, or -1 for a timeout. */
  #connect(sa: Uint8Array): number {
    const fd = this.#fd();
    const r = libc.connect(fd, sa, sa.length);
    if (r === 0) return 0;
    let e = errno();
    const timeout = this.#timeout;
    if (e === EINTR || (e === EINPROGRESS && timeout !== 0)) {
      // Blocking mode interrupted, or a timeout: wait for the outcome.
      const deadline = timeout ? performance.now() + timeout * 1000 : Infinity;
      for (;;) {
        if (!pollUntil(this.#fd(), WRITE, deadline, true)) return -1;
        const live = this.#fd();
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
    check(libc.shutdown(this.#fd(), cint(how, "how")), "shutdown");
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
   * using c = socket.create_connection(srv.getsockname() as [string, number]);
   * console.log(c.getpeername()); // ["127.0.0.1", port]
   * ```
   */
  getpeername(): Address {
    const sa = new Uint8Array(SOCKADDR_MAX);
    const len = new Uint32Array([sa.length]);
    check(libc.getpeername(this.#fd(), sa, new Uint8Array(len.buffer)), "getpeername");
    return decodeAddress(sa, len[0], this.#proto);
  }

  /**
   * The socket's own address. Corresponds to `getsockname(2)`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * s.bind(["127.0.0.1", 0]);
   * const [host, port] = s.getsockname() as [string, number];
   * ```
   */
  getsockname(): Address {
    const sa = new Uint8Array(SOCKADDR_MAX);
    const len = new Uint32Array([sa.length]);
    check(libc.getsockname(this.#fd(), sa, new Uint8Array(len.buffer)), "getsockname");
    return decodeAddress(sa, len[0], this.#proto);
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
    const lv = cint(level, "level");
    const name = cint(optname, "optname");
    if (buflen === undefined) return intOption(this.#fd(), lv, name);
    const n = int(buflen, "buflen");
    if (n <= 0 || n > 1024) throw new RangeError("getsockopt buflen out of range");
    const buf = new Uint8Array(n);
    const len = new Uint32Array([n]);
    check(
      libc.getsockopt(this.#fd(), lv, name, buf, new Uint8Array(len.buffer)),
      "getsockopt",
    );
    return buf.slice(0, len[0]);
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
    const lv = cint(level, "level");
    const name = cint(optname, "optname");
    let buf: Uint8Array | null;
    let len: number;
    if (value === null) {
      if (optlen === undefined) {
        throw new TypeError("setsockopt(): optlen required with a null value");
      }
      buf = null;
      len = intIn(optlen, 0, 0xffffffff, "optlen");
    } else if (typeof value === "number" || typeof value === "boolean") {
      buf = new Uint8Array(new Int32Array([cint(value, "value")]).buffer);
      len = 4;
    } else {
      buf = toBytes(value, "value");
      len = byteLength(buf);
      // Deno FFI passes an empty buffer as NULL; the kernel tells NULL from
      // a valid pointer with length 0 (IP_IPSEC_POLICY: EMSGSIZE vs success).
      if (len === 0) buf = EMPTY;
    }
    check(libc.setsockopt(this.#fd(), lv, name, buf, len), "setsockopt");
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
    const size = sizeArg(bufsize, "recv");
    const f = cint(flags, "flags");
    // As CPython: 0 bytes requested, nothing to do (recv(2) with len 0 may block).
    if (size === 0 && this.#fd() >= 0) return new Uint8Array(0);
    // Small receives land in a reused scratch buffer and are copied out:
    // cheaper than zeroing a fresh bufsize-sized array every call. There
    // the kernel wrote exactly the `n` bytes it returns, except with
    // MSG_TRUNC: on TCP it discards them unwritten, and a datagram's length
    // may exceed what it copied. Those receives get zeroed memory, never
    // what an earlier receive (on any socket) left in the scratch buffer.
    const buf = size <= scratch.length && (f & MSG_TRUNC) === 0 ? scratch : new Uint8Array(size);
    const big = BigInt(size);
    const n = this.#io(READ, (fd) => libc.recv(fd, buf, big, f), "recv");
    return received(buf, size, n, buf === scratch);
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
    const want = intoArgs(buffer, nbytes, "recv_into");
    const f = cint(flags, "flags");
    const view = writableBytes(buffer);
    const big = BigInt(Math.min(want, byteLength(view)));
    if (big === 0n && this.#fd() >= 0) return 0; // as CPython: nothing requested
    return this.#io(READ, (fd) => libc.recv(fd, view, big, f), "recv");
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
  recvfrom(bufsize: number, flags = 0): [Uint8Array, Address | null] {
    const buf = new Uint8Array(sizeArg(bufsize, "recvfrom"));
    const f = cint(flags, "flags");
    const big = BigInt(buf.length);
    const n = this.#io(READ, (fd) => {
      FROM_LEN[0] = SOCKADDR_MAX;
      return libc.recvfrom(fd, buf, big, f, FROM_NAME, FROM_LEN_BYTES);
    }, "recvfrom");
    return [received(buf, buf.length, n, false), this.#sender()];
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
  ): [number, Address | null] {
    const want = intoArgs(buffer, nbytes, "recvfrom_into");
    const f = cint(flags, "flags");
    const view = writableBytes(buffer);
    const big = BigInt(Math.min(want, byteLength(view)));
    const n = this.#io(READ, (fd) => {
      FROM_LEN[0] = SOCKADDR_MAX;
      return libc.recvfrom(fd, view, big, f, FROM_NAME, FROM_LEN_BYTES);
    }, "recvfrom");
    return [n, this.#sender()];
  }

  /** The sender the last synchronous `recvfrom` left in `FROM_NAME`. */
  #sender(): Address | null {
    const len = FROM_LEN[0];
    return len ? decodeAddress(FROM_NAME, len, this.#proto) : null;
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
  recvmsg(bufsize: number, ancbufsize = 0, flags = 0): RecvMsgResult {
    const buf = new Uint8Array(sizeArg(bufsize, "recvmsg"));
    const msg = new MsgIn([buf], ancbufsize, "recvmsg", true);
    const f = cint(flags, "flags");
    const n = this.#io(READ, (fd) => msg.call(fd, f), "recvmsg");
    return [received(buf, buf.length, n, false), ...msg.result(this.#proto)];
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
  ): RecvMsgIntoResult {
    const sources = boundedList(buffers, IOV_MAX, "recvmsg_into", (b) => {
      writableBytes(b); // type-check each buffer as it comes
      return b;
    });
    const anc = int(ancbufsize, "ancbufsize");
    const f = cint(flags, "flags");
    // The views are taken last, after every argument that could run user code.
    const msg = new MsgIn(sources.map((b) => writableBytes(b)), anc, "recvmsg_into", true);
    const n = this.#io(READ, (fd) => msg.call(fd, f), "recvmsg");
    return [n, ...msg.result(this.#proto)];
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
    const bytes = toBytes(data);
    const f = cint(flags, "flags") | SEND_FLAGS;
    const big = BigInt(Math.min(byteLength(bytes), MAX_IO));
    return this.#io(WRITE, (fd) => libc.send(fd, bytes, big, f), "send");
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
    const bytes = toBytes(data);
    const total = byteLength(bytes);
    const f = cint(flags, "flags") | SEND_FLAGS;
    const deadline = this.#timeout ? performance.now() + this.#timeout * 1000 : undefined;
    let off = 0;
    do {
      const chunk = bytes.subarray(off);
      const big = BigInt(Math.min(total - off, MAX_IO));
      off += this.#io(WRITE, (fd) => libc.send(fd, chunk, big, f), "send", deadline);
    } while (off < total);
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
    const [f, sa] = this.#sendtoArgs(data, flagsOrAddress, address, arguments.length);
    const bytes = toBytes(data);
    const big = BigInt(Math.min(byteLength(bytes), MAX_IO));
    return this.#io(
      WRITE,
      (fd) => libc.sendto(fd, bytes, big, f, sa, sa.length),
      "sendto",
      undefined,
      sa,
    );
  }

  #sendtoArgs(
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
    toBytes(data); // type-check only: callers take the bytes after every other argument
    const sa = encodeAddress(this.#family, addr, "sendto(): ", this.#proto);
    return [flags | SEND_FLAGS, sa];
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
    const [out, sa] = this.#msgOut(buffers, ancdata, address);
    const f = cint(flags, "flags") | SEND_FLAGS;
    const msg = out();
    return this.#io(WRITE, (fd) => libc.sendmsg(fd, msg, f), "sendmsg", undefined, sa);
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
    if (this.#family !== C.AF_ALG) throw new error("algset is only supported for AF_ALG");
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
    return this.#io(WRITE, (fd) => libc.sendmsg(fd, m, f), "sendmsg");
  }

  /**
   * Validates sendmsg's arguments and returns a builder of its msghdr, and
   * the destination's sockaddr (if any). The builder reads the buffers' live
   * bounds each time it is called: an async send calls it again after every
   * wait, never reusing pointers taken before one.
   */
  #msgOut(
    buffers: Iterable<Data>,
    ancdata: Iterable<readonly [number, number, Data]>,
    address?: AddressLike | null,
  ): [() => Uint8Array, Uint8Array | undefined] {
    const sources = boundedList(buffers, IOV_MAX, "sendmsg", checkData);
    const items = boundedList(ancdata, IOV_MAX, "sendmsg", checkAncItem);
    const sa = address === undefined || address === null
      ? undefined
      : encodeAddress(this.#family, address, "sendmsg(): ", this.#proto);
    return [() => buildMsgOut(sources.map((b) => toBytes(b)), items, sa ?? null), sa];
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
    // CPython raises ValueError (RangeError here) for these three.
    if (this.#type !== C.SOCK_STREAM) {
      throw new RangeError("only SOCK_STREAM type sockets are supported");
    }
    if (this.#timeout === 0) throw new RangeError("non-blocking sockets are not supported");
    const start = intIn(offset, 0, Number.MAX_SAFE_INTEGER, "offset");
    const limit = count === null || count === undefined
      ? Infinity
      : intIn(count, 1, Number.MAX_SAFE_INTEGER, "count");
    const fd = typeof file === "number"
      ? fdArg(file, "file")
      : typeof (file as { fileno?: unknown })?.fileno === "function"
      ? fileFd((file as { fileno(): unknown }).fileno())
      : -1;
    const deadline = this.#timeout ? performance.now() + this.#timeout * 1000 : undefined;
    const progress = { sent: 0 };
    if (fd < 0) return this.#sendfileByRead(file as Deno.FsFile, start, limit, deadline, progress);
    try {
      if (!target.sendfile) {
        this.#sendfileByPread(fd, start, limit, deadline, progress);
      } else {
        const off = new BigInt64Array([BigInt(start)]);
        const offBytes = new Uint8Array(off.buffer);
        while (progress.sent < limit) {
          const chunk = BigInt(Math.min(limit - progress.sent, 0x4000_0000));
          const n = this.#io(
            WRITE,
            (s) => libc.sendfile(s, fd, offBytes, chunk),
            "sendfile",
            deadline,
          );
          if (n === 0) break;
          progress.sent += n;
        }
      }
      return progress.sent;
    } finally {
      // As CPython: once anything was sent, even if a later send failed, a
      // file object with `seek` is left just after it: `file.seek(offset + sent)`.
      if (progress.sent > 0 && typeof file !== "number") {
        const seek = (file as { seek?: unknown }).seek;
        if (typeof seek === "function") seek.call(file, start + progress.sent);
      }
    }
  }

  /**
   * sendfile where Linux's sendfile(2) is not used: `pread(2)` + `send(2)`,
   * counting in `progress` every byte sent (also when a later send fails).
   */
  #sendfileByPread(
    fd: number,
    start: number,
    limit: number,
    deadline: number | undefined,
    progress: { sent: number },
  ): void {
    const buf = new Uint8Array(Math.min(limit, 65536));
    while (progress.sent < limit) {
      const want = Math.min(buf.byteLength, limit - progress.sent);
      const n = libc.pread(fd, buf, BigInt(want), BigInt(start + progress.sent));
      if (n < 0) {
        const e = errno();
        if (e === EINTR) continue;
        throw fromErrno(e, "pread");
      }
      if (n === 0) break;
      this.#sendCounted(buf.subarray(0, n), deadline, progress);
    }
  }

  /** Sends all of `bytes` with `send(2)`, adding each call's count to `progress`. */
  #sendCounted(bytes: Uint8Array, deadline: number | undefined, progress: { sent: number }): void {
    for (let off = 0; off < bytes.length;) {
      const chunk = bytes.subarray(off);
      const big = BigInt(chunk.length);
      const sent = this.#io(WRITE, (s) => libc.send(s, chunk, big, SEND_FLAGS), "send", deadline);
      off += sent;
      progress.sent += sent;
    }
  }

  #sendfileByRead(
    file: Deno.FsFile,
    start: number,
    limit: number,
    deadline: number | undefined,
    progress: { sent: number },
  ): number {
    if (typeof file?.readSync !== "function") {
      throw new TypeError(
        `sendfile() needs a descriptor, an object with fileno() or a Deno.FsFile, not ${
          typeName(file)
        }`,
      );
    }
    file.seekSync(start, Deno.SeekMode.Start);
    const buf = new Uint8Array(Math.min(limit, 65536));
    try {
      while (progress.sent < limit) {
        const want = Math.min(buf.length, limit - progress.sent);
        const n = file.readSync(buf.subarray(0, want));
        if (n === null || n === 0) break;
        // A file object's own answer: trusted for nothing but a count in range.
        if (!Number.isInteger(n) || n < 0 || n > want) {
          throw new TypeError(
            `readSync() returned ${typeName(n)}, not a count 0-${want}`,
          );
        }
        this.#sendCounted(buf.subarray(0, n), deadline, progress);
      }
      return progress.sent;
    } finally {
      // Just after what was sent, also when a send failed (CPython seeks in a finally).
      if (progress.sent > 0) file.seekSync(start + progress.sent, Deno.SeekMode.Start);
    }
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
   */
  makefile(
    mode = "r",
    buffering: number | null = null,
    options: SocketFileOptions = {},
  ): SocketFile {
    this.#fd();
    return new SocketFile(this, mode, buffering, options);
  }

  // -------------------------------------------------------------------------
  // Async twins

  /**
   * Waits for readiness on the reactor, honouring signal and timeout.
   * Resolves `undefined` when woken; `false` when a slice of a wait longer
   * than {@linkcode MAX_WAIT_MS} expired before the deadline (the caller
   * retries, as after a spurious wake-up, and waits again).
   */
  async #wait(
    dir: Direction,
    options: AsyncOptions | undefined,
    deadline: number | undefined,
    syscall: string,
  ): Promise<void | false> {
    try {
      return await waitReady(this.#fd(), dir, options?.signal, deadline, syscall);
    } catch (e) {
      // Made off this chain (a timer, a close() elsewhere): the awaiting stack.
      throw restack(e);
    }
  }

  #deadline(): number | undefined {
    return deadlineFor(this.#timeout);
  }

  /** Runs a MSG_DONTWAIT-style attempt until it stops returning EAGAIN. */
  #ioAsync(
    dir: Direction,
    attempt: (fd: number) => number,
    syscall: string,
    options?: AsyncOptions,
    deadline?: number,
    waitFirst = false,
    sa?: Uint8Array,
  ): Promise<number> {
    options?.signal?.throwIfAborted();
    deadline ??= this.#deadline();
    const fd = () => this.#fd();
    const signal = options?.signal;
    return ioAsync(fd, dir, attempt, syscall, signal, deadline, waitFirst, sa, this.#proto);
  }

  /** Toggles O_NONBLOCK around `fn` when the descriptor is in blocking mode. */
  #nonblocking(fd: number, fn: () => number): [number, number] {
    if (this.#timeout !== null) {
      const r = fn();
      return [r, r === -1 ? errno() : 0];
    }
    const flags = getFlags(fd);
    check(fcntl(fd, C.F_SETFL, flags | C.O_NONBLOCK), "fcntl");
    const r = fn();
    const e = r === -1 ? errno() : 0;
    fcntl(fd, C.F_SETFL, flags);
    return [r, e];
  }

  /**
   * Async `accept`: waits for a connection without blocking the event loop.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using srv = socket.create_server(["127.0.0.1", 0]);
   * const pending = srv.acceptAsync();
   * using c = await socket.socket().connectAsync(srv.getsockname()).then(() => null);
   * const [conn] = await pending;
   * conn.close();
   * ```
   */
  async acceptAsync(options?: AsyncOptions): Promise<[Socket, Address]> {
    options?.signal?.throwIfAborted();
    const sa = new Uint8Array(SOCKADDR_MAX);
    const len = new Uint32Array(1);
    const deadline = this.#deadline();
    for (;;) {
      const fd = this.#fd();
      const [r, e] = this.#nonblocking(fd, () => this.#acceptOnce(fd, sa, len));
      if (r !== -1) return this.#adopt(r, sa, len[0]);
      if (isAgain(e)) await this.#wait(READ, options, deadline, "accept");
      else if (e !== EINTR) throw fromErrno(e, "accept");
    }
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
  async connectAsync(address: AddressLike, options?: AsyncOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    const deadline = this.#deadline();
    // Names resolve on a worker thread; the checks and bytes are connect()'s.
    const sa = await encodeAddressAsync(this.#family, address, "connect(): ", this.#proto, {
      signal: options?.signal,
    });
    let backoff = 1;
    try {
      for (;;) {
        const fd = this.#fd();
        const [r, e] = this.#nonblocking(fd, () => libc.connect(fd, sa, sa.length));
        if (r === 0) return;
        if (e === EINPROGRESS || e === EINTR) {
          while ((await this.#wait(WRITE, options, deadline, "connect")) === false);
          const err = this.getsockopt(C.SOL_SOCKET, C.SO_ERROR);
          if (err === 0) return;
          throw fromErrno(err, "connect");
        }
        if (isAgain(e)) {
          // AF_UNIX with a full backlog. No readiness event announces room in
          // the listener's queue (a blocking connect sleeps on the listener,
          // and an unconnected socket is already "writable", so an
          // edge-triggered wait would never wake again): retry on a timer,
          // backing off from 1 ms to 50 ms. Signal, timeout and close() apply.
          await this.#retryLater(backoff, options, deadline, "connect");
          backoff = Math.min(backoff * 2, 50);
          continue;
        }
        throw fromErrno(e, "connect");
      }
    } catch (e) {
      throw aboutAddress(e, sa, this.#proto, "connect"); // its error names the address
    }
  }

  /** Waits `ms` (at most until `deadline`) before a retry; rejects like `#wait`. */
  #retryLater(
    ms: number,
    options: AsyncOptions | undefined,
    deadline: number | undefined,
    syscall: string,
  ): Promise<void> {
    return retryLater(this.#fd(), ms, options?.signal, deadline, syscall);
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
  async recvAsync(bufsize: number, flags = 0, options?: AsyncOptions): Promise<Uint8Array> {
    const buf = new Uint8Array(sizeArg(bufsize, "recv"));
    const plain = cint(flags, "flags") === 0;
    const f = flags | MSG_DONTWAIT;
    if (buf.length === 0 && this.#fd() >= 0) return buf; // as recv(0): nothing to wait for
    const size = buf.length;
    const big = BigInt(size);
    const n = await this.#ioAsync(
      READ,
      (fd) => this.#noteShortRead(fd, libc.recv(fd, buf, big, f), size, plain),
      "recv",
      options,
      undefined,
      plain && this.#drained(),
    );
    return received(buf, buf.length, n, false);
  }

  /**
   * Tells the reactor when a plain (flagless) TCP read returned less than
   * it asked for: the receive queue was empty, so the next read can wait for
   * readiness first instead of paying for an EAGAIN (see
   * `Reactor.markDrained`). Returns `r`.
   */
  #noteShortRead(fd: number, r: number, asked: number, plain: boolean): number {
    if (plain && r > 0 && r < asked && this.#tcpStream) reactor.markDrained(fd);
    return r;
  }

  /** Whether a TCP read would find nothing: no arrival since a read emptied the queue. */
  #drained(): boolean {
    return this.#tcpStream && this.#h.fd >= 0 && reactor.drained(this.#h.fd);
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
    nbytes = 0,
    flags = 0,
    options?: AsyncOptions,
  ): Promise<number> {
    const want = intoArgs(buffer, nbytes, "recv_into");
    const plain = cint(flags, "flags") === 0;
    const f = flags | MSG_DONTWAIT;
    // Re-derived before every attempt: the buffer may shrink or go away
    // while the operation waits.
    const attempt = (fd: number) => {
      const view = writableBytes(buffer);
      const n = Math.min(want, byteLength(view));
      return n === 0 ? 0 : this.#noteShortRead(fd, libc.recv(fd, view, BigInt(n), f), n, plain);
    };
    if (want === 0 && this.#h.fd >= 0) return Promise.resolve(0); // nothing requested
    // Nothing has arrived since a read emptied the queue: wait first.
    if (plain && this.#drained()) {
      return this.#ioAsync(READ, attempt, "recv", options, undefined, true);
    }
    // Fast path: data already there costs one syscall and no reactor turn.
    let again = false;
    if (options?.signal?.aborted !== true && this.#h.fd >= 0) {
      const r = attempt(this.#h.fd);
      if (r !== -1) return Promise.resolve(r);
      const e = errno();
      if (!isAgain(e) && e !== EINTR) return Promise.reject(fromErrno(e, "recv"));
      again = isAgain(e);
    }
    return this.#ioAsync(READ, attempt, "recv", options, undefined, again);
  }

  /**
   * Async `recvfrom`: resolves with `[data, address]`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * u.bind(["127.0.0.1", 0]);
   * const p = u.recvfromAsync(100);
   * socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto("x", u.getsockname());
   * const [data, addr] = await p;
   * ```
   */
  async recvfromAsync(
    bufsize: number,
    flags = 0,
    options?: AsyncOptions,
  ): Promise<[Uint8Array, Address | null]> {
    const buf = new Uint8Array(sizeArg(bufsize, "recvfrom"));
    const f = cint(flags, "flags") | MSG_DONTWAIT;
    const big = BigInt(buf.length);
    // The sender is decoded inside the attempt, right after its syscall:
    // the shared FROM_NAME is never read across an await.
    let sender: Address | null = null;
    const n = await this.#ioAsync(
      READ,
      (fd) => {
        FROM_LEN[0] = SOCKADDR_MAX;
        const r = libc.recvfrom(fd, buf, big, f, FROM_NAME, FROM_LEN_BYTES);
        if (r >= 0) sender = this.#sender();
        return r;
      },
      "recvfrom",
      options,
    );
    return [received(buf, buf.length, n, false), sender];
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
  async recvmsgAsync(
    bufsize: number,
    ancbufsize = 0,
    flags = 0,
    options?: AsyncOptions,
  ): Promise<RecvMsgResult> {
    const buf = new Uint8Array(sizeArg(bufsize, "recvmsg"));
    const msg = new MsgIn([buf], ancbufsize, "recvmsg");
    const f = cint(flags, "flags") | MSG_DONTWAIT;
    const n = await this.#ioAsync(READ, (fd) => msg.call(fd, f), "recvmsg", options);
    return [received(buf, buf.length, n, false), ...msg.result(this.#proto)];
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
  sendAsync(data: Data, flags = 0, options?: AsyncOptions): Promise<number> {
    const src = liveSource(data);
    const f = cint(flags, "flags") | SEND_FLAGS | MSG_DONTWAIT;
    return this.#ioAsync(
      WRITE,
      (fd) => {
        const bytes = toBytes(src);
        return libc.send(fd, bytes, BigInt(Math.min(byteLength(bytes), MAX_IO)), f);
      },
      "send",
      options,
    );
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
  sendallAsync(data: Data, flags = 0, options?: AsyncOptions): Promise<void> {
    const src = liveSource(data);
    const f = cint(flags, "flags") | SEND_FLAGS | MSG_DONTWAIT;
    // Fast path: a send that completes at once needs no async machinery.
    if (options?.signal?.aborted !== true && this.#h.fd >= 0) {
      const bytes = toBytes(src);
      const total = byteLength(bytes);
      const r = libc.send(this.#h.fd, bytes, BigInt(Math.min(total, MAX_IO)), f);
      if (r === total) return Promise.resolve();
      if (r === -1) {
        const e = errno();
        if (!isAgain(e) && e !== EINTR) return Promise.reject(fromErrno(e, "send"));
        return this.#sendallRest(src, 0, f, options);
      }
      return this.#sendallRest(src, r, f, options);
    }
    return this.#sendallRest(src, 0, f, options);
  }

  async #sendallRest(
    src: Data,
    off: number,
    f: number,
    options?: AsyncOptions,
  ): Promise<void> {
    const deadline = this.#deadline();
    // The bounds are re-read before every attempt; a buffer that shrank
    // below what was already sent has nothing left to send.
    const remaining = (bytes: Uint8Array) => byteLength(bytes) - off;
    for (;;) {
      if (remaining(toBytes(src)) <= 0) return;
      off += await this.#ioAsync(
        WRITE,
        (fd) => {
          const bytes = toBytes(src);
          const left = remaining(bytes);
          if (left <= 0) return 0;
          return libc.send(fd, bytes.subarray(off), BigInt(Math.min(left, MAX_IO)), f);
        },
        "send",
        options,
        deadline,
      );
    }
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
    const threeArg = typeof a === "number";
    const options = (threeArg ? c : b) as AsyncOptions | undefined;
    const [f, sa] = threeArg
      ? this.#sendtoArgs(data, a, b, 3)
      : this.#sendtoArgs(data, a, undefined, 2);
    const src = liveSource(data);
    return this.#ioAsync(
      WRITE,
      (fd) => {
        const bytes = toBytes(src);
        const big = BigInt(Math.min(byteLength(bytes), MAX_IO));
        return libc.sendto(fd, bytes, big, f | MSG_DONTWAIT, sa, sa.length);
      },
      "sendto",
      options,
      undefined,
      false,
      sa,
    );
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
    flags = 0,
    address?: AddressLike | null,
    options?: AsyncOptions,
  ): Promise<number> {
    const [out, sa] = this.#msgOut(buffers, ancdata, address);
    const f = cint(flags, "flags") | SEND_FLAGS | MSG_DONTWAIT;
    // The msghdr is rebuilt from the live buffers before every attempt.
    const attempt = (fd: number) => libc.sendmsg(fd, out(), f);
    return this.#ioAsync(WRITE, attempt, "sendmsg", options, undefined, false, sa);
  }

  // -------------------------------------------------------------------------
  // Batches of datagrams (Linux): recvmmsg(2) and sendmmsg(2)

  // `sync`: the synchronous calls, whose headers may live in shared scratch
  // memory (see _mmsg.ts); the async twins' headers outlive their waits.
  #mmsgIn(
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

  #mmsgInto(buffers: unknown, ancbufsize: number, fn: string, sync = false): MmsgIn {
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

  #withData(
    results: MmsgResult<number>[],
    msgs: MmsgIn,
    size: number,
  ): MmsgResult<Uint8Array>[] {
    return results.map(([n, address, anc, flags], i) => {
      const data = msgs.buffer(i).slice(0, Math.min(n, size));
      return [data, address, anc, flags];
    });
  }

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
  recvmmsg(bufsize: number, vlen: number, flags = 0, ancbufsize = 0): MmsgResult<Uint8Array>[] {
    const [msgs, size] = this.#mmsgIn(bufsize, vlen, ancbufsize, "recvmmsg", true);
    const f = cint(flags, "flags") | C.MSG_WAITFORONE;
    const count = msgs.count;
    const n = this.#io(READ, (fd) => libc.recvmmsg(fd, msgs.prepare(), count, f, null), "recvmmsg");
    return this.#withData(msgs.results(n, this.#proto), msgs, size);
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
  ): MmsgResult<number>[] {
    const msgs = this.#mmsgInto(buffers, ancbufsize, "recvmmsg_into", true);
    const f = cint(flags, "flags") | C.MSG_WAITFORONE;
    const count = msgs.count;
    const n = this.#io(READ, (fd) => libc.recvmmsg(fd, msgs.prepare(), count, f, null), "recvmmsg");
    return msgs.results(n, this.#proto);
  }

  #mmsgOut(messages: Iterable<MmsgMessage>, sync = false): MmsgOut {
    const encode = (a: unknown) => encodeAddress(this.#family, a, "sendmmsg(): ", this.#proto);
    return new MmsgOut(mmsgOutItems(messages, encode), sync);
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
    const msgs = this.#mmsgOut(messages, true);
    const count = batchSize(msgs.length, "the number of messages");
    const f = cint(flags, "flags") | SEND_FLAGS;
    return this.#io(WRITE, (fd) => libc.sendmmsg(fd, msgs.prepare(), count, f), "sendmmsg");
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
  async recvmmsgAsync(
    bufsize: number,
    vlen: number,
    flags = 0,
    ancbufsize = 0,
    options?: AsyncOptions,
  ): Promise<MmsgResult<Uint8Array>[]> {
    const [msgs, size] = this.#mmsgIn(bufsize, vlen, ancbufsize, "recvmmsg");
    const f = cint(flags, "flags") | C.MSG_WAITFORONE | MSG_DONTWAIT;
    const count = msgs.count;
    const n = await this.#ioAsync(
      READ,
      (fd) => libc.recvmmsg(fd, msgs.prepare(), count, f, null),
      "recvmmsg",
      options,
    );
    return this.#withData(msgs.results(n, this.#proto), msgs, size);
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
    flags = 0,
    ancbufsize = 0,
    options?: AsyncOptions,
  ): Promise<MmsgResult<number>[]> {
    const msgs = this.#mmsgInto(buffers, ancbufsize, "recvmmsg_into");
    const f = cint(flags, "flags") | C.MSG_WAITFORONE | MSG_DONTWAIT;
    const count = msgs.count;
    return this.#ioAsync(
      READ,
      (fd) => libc.recvmmsg(fd, msgs.prepare(), count, f, null),
      "recvmmsg",
      options,
    ).then((n) => msgs.results(n, this.#proto));
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
    flags = 0,
    options?: AsyncOptions,
  ): Promise<number> {
    const msgs = this.#mmsgOut(messages);
    const count = batchSize(msgs.length, "the number of messages");
    const f = cint(flags, "flags") | SEND_FLAGS | MSG_DONTWAIT;
    return this.#ioAsync(
      WRITE,
      (fd) => libc.sendmmsg(fd, msgs.prepare(), count, f),
      "sendmmsg",
      options,
    );
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
    this.#readable ??= new ReadableStream({
      type: "bytes",
      autoAllocateChunkSize: 65536,
      pull: async (controller) => {
        const req = controller.byobRequest!;
        const view = req.view as Uint8Array;
        const n = await this.recv_intoAsync(view);
        if (n === 0) {
          controller.close();
          req.respond(0);
        } else {
          req.respond(n);
        }
      },
      cancel: () => {
        if (!this.#closed) {
          try {
            this.shutdown(C.SHUT_RD);
          } catch { /* already disconnected */ }
        }
      },
    });
    return this.#readable;
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
    this.#writable ??= new WritableStream<Uint8Array>({
      write: (chunk) => this.sendallAsync(chunk),
      close: () => {
        if (!this.#closed) this.shutdown(C.SHUT_WR);
      },
    });
    return this.#writable;
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
    const closed = this.#closed ? " [closed]" : "";
    let s = `<socket.socket${closed} fd=${this.#h.fd}, family=${familyName(this.#family)}, ` +
      `type=${typeNameOf(this.#type)}, proto=${this.#proto}`;
    if (this.#h.fd >= 0 && !this.#closed) {
      for (
        const [key, get] of [["laddr", libc.getsockname], ["raddr", libc.getpeername]] as const
      ) {
        const sa = new Uint8Array(SOCKADDR_MAX);
        const len = new Uint32Array([SOCKADDR_MAX]);
        if (get(this.#h.fd, sa, new Uint8Array(len.buffer)) !== 0) continue;
        try {
          const addr = decodeAddress(sa, len[0], this.#proto);
          const text = addressStr(addr);
          if (text !== "" && text !== "b''") s += `, ${key}=${text}`;
        } catch { /* an address we cannot decode: left out */ }
      }
    }
    return s + ">";
  }

  /** `console.log(sock)` shows the same as {@linkcode Socket.toString}. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

const SOCK_TYPES = [
  "SOCK_STREAM",
  "SOCK_DGRAM",
  "SOCK_RAW",
  "SOCK_RDM",
  "SOCK_SEQPACKET",
  "SOCK_DCCP",
  "SOCK_PACKET",
];
const FAMILY_NAMES = new Map<number, string>();
const TYPE_NAMES = new Map<number, string>();
{
  // Python's canonical names first where several share a value.
  for (const name of ["AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"]) {
    if (C[name] !== undefined) FAMILY_NAMES.set(C[name], name);
  }
  for (const [name, v] of Object.entries(C)) {
    if (name.startsWith("AF_") && name !== "AF_MAX" && !FAMILY_NAMES.has(v)) {
      FAMILY_NAMES.set(v, name);
    }
  }
  for (const name of SOCK_TYPES) if (C[name] !== undefined) TYPE_NAMES.set(C[name], name);
}

function familyName(family: number): string {
  return FAMILY_NAMES.get(family) ?? String(family);
}

function typeNameOf(type: number): string {
  return TYPE_NAMES.get(type) ?? String(type);
}

/** Python's `socket.SocketType`: the class of socket objects. */
export const SocketType: typeof Socket = Socket;

/** The seed's `(host, port)` two-argument form → one address value. */
function pairArgs(address: unknown, port: unknown, argc: number): unknown {
  return argc >= 2 && port !== undefined ? [address, port] : address;
}

function sizeArg(bufsize: unknown, fn: string): number {
  const n = int(bufsize, "bufsize");
  if (n < 0) throw new RangeError(`negative buffersize in ${fn}`);
  if (n > MAX_IO) throw new RangeError(`buffersize too large in ${fn}: ${n}`);
  return n;
}

function ancArg(ancbufsize: unknown, fn: string): number {
  const anc = int(ancbufsize, "ancbufsize");
  if (anc < 0 || anc > MAX_IO) throw new RangeError(`${fn}: invalid ancillary data buffer length`);
  return anc;
}

/**
 * Checks a `*_into` call's buffer and `nbytes`; returns how many bytes to
 * receive (the buffer's intrinsic size when `nbytes` is 0). Callers take
 * the buffer's view afterwards, right before the syscall.
 */
function intoArgs(buffer: unknown, nbytes: unknown, fn: string): number {
  const size = byteLength(writableBytes(buffer));
  const n = int(nbytes, "nbytes");
  if (n < 0) throw new RangeError(`negative buffersize in ${fn}`);
  if (n > size) throw new RangeError(`buffer too small for requested bytes`);
  return Math.min(n === 0 ? size : n, MAX_IO);
}

/**
 * What a receive into `buf` (of which `size` bytes were offered) returns
 * when the kernel reported `n`. `n` exceeds `size` only with `MSG_TRUNC`
 * (the datagram's true length): the result has that length, as in CPython,
 * but the bytes the kernel did not write are zeros, never stale memory.
 */
function received(buf: Uint8Array, size: number, n: number, shared: boolean): Uint8Array {
  if (n > size) {
    const out = new Uint8Array(n);
    out.set(buf.subarray(0, size));
    return out;
  }
  return !shared && n === byteLength(buf) ? buf : buf.slice(0, n);
}

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

/** A descriptor returned by a file's `fileno()`, range-checked. */
function fileFd(v: unknown): number {
  return fdArg(v, "fileno()");
}
