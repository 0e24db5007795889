/**
 * # @libc/socket/socketserver
 *
 * Python's `socketserver` module for Deno: {@linkcode TCPServer},
 * {@linkcode UDPServer}, {@linkcode UnixStreamServer},
 * {@linkcode UnixDatagramServer} and their request handlers, with CPython's
 * names, hooks and behaviour. These servers block: one request at a time,
 * and the event loop waits, exactly as in Python.
 *
 * The concurrent servers ({@linkcode ThreadingTCPServer},
 * {@linkcode ThreadingUDPServer}, {@linkcode ThreadingUnixStreamServer},
 * {@linkcode ThreadingUnixDatagramServer}) are the Deno answer to
 * `ThreadingMixIn`: concurrent, async. Their handlers' `setup`/`handle`/
 * `finish` may be `async`; `serve_forever()` returns a Promise and serves
 * many clients at once on this thread's reactor; `shutdown()` stops
 * accepting, aborts {@linkcode BaseServer.prototype.signal} (reads of an
 * async handler's `rfile` use it; pass it to your own async calls), lets
 * the handlers finish (their writes still go out), and settles both promises.
 *
 * Python's class attributes (`allow_reuse_address`, `request_queue_size`,
 * `timeout`, `rbufsize`, …) are static properties, read through instance
 * accessors, so that a subclass's value is seen while the base constructor
 * binds: `class S extends TCPServer { static override allow_reuse_address = true }`.
 * Assigning the instance property overrides it for that instance.
 *
 * @example The socketserver documentation's TCP echo server, one request
 * ```ts
 * import * as socket from "@libc/socket";
 * import { StreamRequestHandler, TCPServer } from "@libc/socket/socketserver";
 *
 * class Handler extends StreamRequestHandler {
 *   override handle(): void {
 *     const line = this.rfile.readline();
 *     this.wfile.write(new TextEncoder().encode(
 *       new TextDecoder().decode(line).toUpperCase(),
 *     ));
 *   }
 * }
 * using server = new TCPServer(["127.0.0.1", 0], Handler);
 * using client = socket.create_connection(server.server_address as [string, number]);
 * client.sendall("hello\n");
 * server.handle_request();
 * console.log(new TextDecoder().decode(client.recv(100))); // "HELLO\n"
 * ```
 *
 * @module
 */
import * as sock from "./mod.ts";
import type { Address, AddressLike } from "./address.ts";
import type { Socket } from "./socket.ts";
import { error } from "./errors.ts";
import type { SocketFile } from "./makefile.ts";
import { EVENT_READ, PollSelector } from "./selectors.ts";
import {
  AsyncSocketReader,
  AsyncSocketWriter,
  BytesIO,
  SocketWriter,
} from "./_socketserver_files.ts";

export { AsyncSocketReader, AsyncSocketWriter, BytesIO, SocketWriter };
// The socket types these classes mention, so that the docs can link them.
export type * from "./mod.ts";

/** A datagram server's request: the packet and the server's socket. */
export type DatagramRequest = [data: Uint8Array, socket: Socket];
/** What `get_request()` returns as the request: a connection or a datagram. */
export type Request = Socket | DatagramRequest;

/**
 * The shape of `RequestHandlerClass`: constructing it with
 * `(request, client_address, server)` handles the request, as in Python.
 */
export type RequestHandlerClass = new (
  request: Request,
  client_address: Address,
  server: BaseServer,
) => BaseRequestHandler;

/** Completion of handlers whose setup/handle/finish returned a Promise. */
const pendingHandlers = new WeakMap<BaseRequestHandler, Promise<void>>();

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

/** Reads a Python class attribute: an instance override, else the static. */
function classAttr<T>(obj: object, own: Map<string, unknown>, name: string): T {
  if (own.has(name)) return own.get(name) as T;
  return (obj.constructor as unknown as Record<string, T>)[name];
}

/**
 * Python's `socketserver.BaseServer`: the request loop and its hooks,
 * independent of the socket kind. Subclass {@linkcode TCPServer} and
 * friends rather than this.
 */
export class BaseServer implements Disposable {
  /** The default of {@linkcode BaseServer.prototype.timeout}: `null`, no timeout. */
  static timeout: number | null = null;
  /** Python-style instance overrides of the static class attributes. */
  #own = new Map<string, unknown>();
  #shutdownRequest = false;
  #serving = false;
  #shutdownWaiters: (() => void)[] = [];
  #abort = new AbortController();
  /** The handlers running on a concurrent server. */
  #running = new Set<Promise<void>>();
  /** The address the server listens on (after bind: `getsockname()`). */
  server_address: Address;
  /** The handler class, constructed once per request. */
  RequestHandlerClass: RequestHandlerClass;

  /**
   * Stores the address and handler class (nothing is bound here).
   *
   * @param server_address The address to serve on.
   * @param RequestHandlerClass The handler class.
   */
  constructor(server_address: AddressLike, RequestHandlerClass: RequestHandlerClass) {
    this.server_address = server_address as Address;
    this.RequestHandlerClass = RequestHandlerClass;
  }

  /** @internal Reads a class attribute (instance override, else static). */
  protected _attr<T>(name: string): T {
    return classAttr<T>(this, this.#own, name);
  }

  /** @internal Overrides a class attribute on this instance. */
  protected _setAttr(name: string, value: unknown): void {
    this.#own.set(name, value);
  }

  /** Seconds `handle_request()` waits; `null`: forever. */
  get timeout(): number | null {
    return this._attr("timeout");
  }
  set timeout(v: number | null) {
    this._setAttr("timeout", v);
  }

  /**
   * Aborted by `shutdown()` on a concurrent server: pass it to the async
   * calls of a handler (`recvAsync(n, 0, { signal: this.server.signal })`)
   * so that shutting down ends them. A fresh signal per `serve_forever`.
   */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** True for the concurrent (async) servers. */
  get concurrent(): boolean {
    return false;
  }

  /** Called by the constructor to activate the server (TCP: `listen`). */
  server_activate(): void {}

  /**
   * Handles requests until `shutdown()`: waits up to `poll_interval`
   * seconds at a time for a request, and calls `service_actions()` after
   * each wait. Blocks the thread (and the event loop) while serving: call
   * `shutdown()` from a handler or from `service_actions()`.
   *
   * @example Serve until a handler shuts the server down
   * ```ts
   * import * as socket from "@libc/socket";
   * import { BaseRequestHandler, TCPServer } from "@libc/socket/socketserver";
   * class Once extends BaseRequestHandler {
   *   override handle(): void {
   *     this.server.shutdown();
   *   }
   * }
   * using server = new TCPServer(["127.0.0.1", 0], Once);
   * socket.create_connection(server.server_address as [string, number]).close();
   * server.serve_forever(0.05);
   * console.log("stopped");
   * ```
   *
   * @param poll_interval Seconds between checks of the shutdown flag.
   */
  serve_forever(poll_interval = 0.5): void {
    this.#serving = true;
    try {
      using selector = new PollSelector();
      selector.register(this, EVENT_READ);
      while (!this.#shutdownRequest) {
        const ready = selector.select(poll_interval);
        if (this.#shutdownRequest) break;
        if (ready.length > 0) this._handle_request_noblock();
        this.service_actions();
      }
    } finally {
      this.#stopped();
    }
  }

  #stopped(): void {
    this.#shutdownRequest = false;
    this.#serving = false;
    const waiters = this.#shutdownWaiters;
    this.#shutdownWaiters = [];
    for (const w of waiters) w();
  }

  /** @internal The async loop behind the concurrent servers' `serve_forever`. */
  protected async _serve_forever_async(poll_interval: number): Promise<void> {
    this.#serving = true;
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    const signal = this.#abort.signal;
    try {
      using selector = new PollSelector();
      selector.register(this, EVENT_READ);
      while (!this.#shutdownRequest) {
        let ready: unknown[] = [];
        try {
          ready = await selector.selectAsync(poll_interval, { signal });
        } catch (e) {
          if (!signal.aborted) throw e;
        }
        if (this.#shutdownRequest) break;
        if (ready.length > 0) this._handle_request_noblock();
        this.service_actions();
      }
    } finally {
      if (this._attr<boolean>("block_on_close") !== false) {
        while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
      }
      this.#stopped();
    }
  }

  /**
   * Stops the `serve_forever` loop. Python's waits until the loop has
   * stopped; here a blocking server can't wait (the loop runs on this very
   * thread): it sets the flag and the loop stops after the current request.
   * Concurrent servers override it to return a Promise.
   *
   * @example
   * ```ts
   * import { BaseRequestHandler, TCPServer } from "@libc/socket/socketserver";
   * using server = new TCPServer(["127.0.0.1", 0], BaseRequestHandler);
   * server.shutdown();
   * server.serve_forever(); // returns at once: shutdown was requested
   * ```
   */
  shutdown(): void {
    this.#shutdownRequest = true;
  }

  /** @internal The concurrent servers' `shutdown`. */
  protected _shutdown_async(): Promise<void> {
    this.#shutdownRequest = true;
    this.#abort.abort(new DOMException("server shut down", "AbortError"));
    if (!this.#serving) {
      this.#shutdownRequest = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#shutdownWaiters.push(resolve));
  }

  /**
   * Called once per `serve_forever` iteration; override to do periodic work
   * (Python's ForkingMixIn reaps children here).
   */
  service_actions(): void {}

  /** The timeouts `handle_request` honours: the socket's and `self.timeout`. */
  #requestTimeout(): number | null {
    let timeout = this.socketTimeout();
    if (timeout === null) timeout = this.timeout;
    else if (this.timeout !== null) timeout = Math.min(timeout, this.timeout);
    return timeout;
  }

  /** @internal The listening socket's timeout (`socket.gettimeout()`). */
  protected socketTimeout(): number | null {
    return null;
  }

  /**
   * Handles one request, waiting at most `timeout` seconds (the smaller
   * of the socket's timeout and `this.timeout`); calls `handle_timeout()`
   * when none came.
   *
   * @example
   * ```ts
   * import { BaseRequestHandler, TCPServer } from "@libc/socket/socketserver";
   * class Quick extends TCPServer {
   *   static override timeout = 0.01;
   *   override handle_timeout(): void {
   *     console.log("timed out");
   *   }
   * }
   * using server = new Quick(["127.0.0.1", 0], BaseRequestHandler);
   * server.handle_request();
   * ```
   */
  handle_request(): void {
    let timeout = this.#requestTimeout();
    const deadline = timeout === null ? 0 : performance.now() + timeout * 1000;
    using selector = new PollSelector();
    selector.register(this, EVENT_READ);
    for (;;) {
      if (selector.select(timeout).length > 0) return this._handle_request_noblock();
      if (timeout !== null) {
        timeout = (deadline - performance.now()) / 1000;
        if (timeout < 0) return this.handle_timeout();
      }
    }
  }

  /** @internal The concurrent servers' `handle_request`: waits for the handler. */
  protected async _handle_request_async(): Promise<void> {
    let timeout = this.#requestTimeout();
    const deadline = timeout === null ? 0 : performance.now() + timeout * 1000;
    using selector = new PollSelector();
    selector.register(this, EVENT_READ);
    for (;;) {
      if ((await selector.selectAsync(timeout)).length > 0) {
        const before = new Set(this.#running);
        this._handle_request_noblock();
        await Promise.allSettled([...this.#running].filter((p) => !before.has(p)));
        return;
      }
      if (timeout !== null) {
        timeout = (deadline - performance.now()) / 1000;
        if (timeout < 0) return this.handle_timeout();
      }
    }
  }

  /**
   * Handles one request that is known to be waiting: `get_request`,
   * `verify_request`, `process_request` (errors go to `handle_error`).
   */
  _handle_request_noblock(): void {
    let request: Request;
    let client_address: Address;
    try {
      [request, client_address] = this.get_request();
    } catch (e) {
      if (e instanceof error) return;
      throw e;
    }
    if (this.verify_request(request, client_address)) {
      try {
        this.process_request(request, client_address);
      } catch (e) {
        this.handle_error(request, client_address, e);
        this.shutdown_request(request);
      }
    } else {
      this.shutdown_request(request);
    }
  }

  /**
   * Gets one waiting request (TCP: `accept`, UDP: `recvfrom`); subclasses
   * implement it.
   *
   * @returns `[request, client_address]`.
   */
  get_request(): [Request, Address] {
    throw new TypeError(`${this.constructor.name} must implement get_request()`);
  }

  /** Called when `handle_request` timed out. */
  handle_timeout(): void {}

  /**
   * Returns whether to process the request (default: true).
   *
   * @param _request The request.
   * @param _client_address The client's address.
   * @returns True to process it.
   */
  verify_request(_request: Request, _client_address: Address): boolean {
    return true;
  }

  /**
   * Processes one request: `finish_request` then `shutdown_request`. The
   * concurrent servers run it as a task and return at once.
   *
   * @param request The request.
   * @param client_address The client's address.
   */
  process_request(request: Request, client_address: Address): void {
    const done = this.finish_request(request, client_address);
    if (done !== undefined) {
      done.catch(() => {}); // reported below; never an unhandled rejection
      throw new TypeError(
        "the request handler returned a Promise: use a concurrent server " +
          "(ThreadingTCPServer & co.) for async handlers",
      );
    }
    this.shutdown_request(request);
  }

  /** @internal The concurrent servers' `process_request`. */
  protected _process_request_async(request: Request, client_address: Address): void {
    const signal = this.#abort.signal;
    const task = (async () => {
      try {
        await this.finish_request(request, client_address);
      } catch (e) {
        if (!(signal.aborted && e === signal.reason)) this.handle_error(request, client_address, e);
      } finally {
        this.shutdown_request(request);
      }
    })();
    this.#running.add(task);
    task.finally(() => this.#running.delete(task));
  }

  /** Cleans up the server (TCP: closes the socket). */
  server_close(): void {}

  /**
   * Constructs the handler class, which handles the request. Returns the
   * handler's Promise when its methods are async.
   *
   * @param request The request.
   * @param client_address The client's address.
   * @returns `undefined`, or a Promise when the handler is async.
   */
  finish_request(request: Request, client_address: Address): Promise<void> | undefined {
    const handler = new this.RequestHandlerClass(request, client_address, this);
    return pendingHandlers.get(handler);
  }

  /**
   * Called to shut down and close one request (default: `close_request`).
   *
   * @param request The request.
   */
  shutdown_request(request: Request): void {
    this.close_request(request);
  }

  /**
   * Called to clean up one request (default: nothing).
   *
   * @param _request The request.
   */
  close_request(_request: Request): void {}

  /**
   * Called when a handler throws. Prints the error to stderr between two
   * lines of dashes, as Python prints the traceback; the server goes on.
   *
   * @param _request The request.
   * @param client_address The client's address.
   * @param err The error (an addition: Python reads `sys.exc_info()`).
   */
  handle_error(_request: Request, client_address: Address, err?: unknown): void {
    const dashes = "-".repeat(40);
    console.error(dashes);
    console.error("Exception occurred during processing of request from", client_address);
    console.error(err instanceof Error ? err.stack ?? String(err) : String(err));
    console.error(dashes);
  }

  /**
   * The descriptor the server waits on (its socket's), so a server can be
   * passed to `select` and selectors.
   *
   * @returns The descriptor.
   */
  fileno(): number {
    throw new TypeError("BaseServer.fileno() must be overridden");
  }

  /** `server_close()` at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.server_close();
  }
}

/**
 * Python's `socketserver.TCPServer`: a blocking TCP server over one
 * listening socket (`socket`, `bind`, `listen`; one `accept` per request).
 *
 * @example A server that upper-cases a line, with a python3-style client
 * ```ts
 * import * as socket from "@libc/socket";
 * import { StreamRequestHandler, TCPServer } from "@libc/socket/socketserver";
 * class Upper extends StreamRequestHandler {
 *   override handle(): void {
 *     const line = new TextDecoder().decode(this.rfile.readline());
 *     this.wfile.write(new TextEncoder().encode(line.toUpperCase()));
 *   }
 * }
 * using server = new TCPServer(["127.0.0.1", 0], Upper);
 * using c = socket.create_connection(server.server_address as [string, number]);
 * c.sendall("abc\n");
 * server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(10))); // "ABC\n"
 * ```
 */
export class TCPServer extends BaseServer {
  /** The family of the listening socket. */
  static address_family: number = sock.AF_INET;
  /** The type of the listening socket. */
  static socket_type: number = sock.SOCK_STREAM;
  /** The `listen()` backlog. */
  static request_queue_size: number = 5;
  /** Set SO_REUSEADDR before binding. */
  static allow_reuse_address: boolean = false;
  /** Set SO_REUSEPORT before binding. */
  static allow_reuse_port: boolean = false;
  /** The listening socket. */
  socket: Socket;

  /**
   * Creates the socket and, unless told not to, binds and activates it
   * (closing it again if either fails).
   *
   * @param server_address The address to bind.
   * @param RequestHandlerClass The handler class.
   * @param bind_and_activate Call `server_bind()` and `server_activate()`.
   */
  constructor(
    server_address: AddressLike,
    RequestHandlerClass: RequestHandlerClass,
    bind_and_activate = true,
  ) {
    super(server_address, RequestHandlerClass);
    this.socket = sock.socket(this.address_family, this.socket_type);
    if (bind_and_activate) {
      try {
        this.server_bind();
        this.server_activate();
      } catch (e) {
        this.server_close();
        throw e;
      }
    }
  }

  /** The family of the listening socket (class attribute). */
  get address_family(): number {
    return this._attr("address_family");
  }
  set address_family(v: number) {
    this._setAttr("address_family", v);
  }
  /** The type of the listening socket (class attribute). */
  get socket_type(): number {
    return this._attr("socket_type");
  }
  set socket_type(v: number) {
    this._setAttr("socket_type", v);
  }
  /** The `listen()` backlog (class attribute). */
  get request_queue_size(): number {
    return this._attr("request_queue_size");
  }
  set request_queue_size(v: number) {
    this._setAttr("request_queue_size", v);
  }
  /** Set SO_REUSEADDR before binding (class attribute). */
  get allow_reuse_address(): boolean {
    return this._attr("allow_reuse_address");
  }
  set allow_reuse_address(v: boolean) {
    this._setAttr("allow_reuse_address", v);
  }
  /** Set SO_REUSEPORT before binding (class attribute). */
  get allow_reuse_port(): boolean {
    return this._attr("allow_reuse_port");
  }
  set allow_reuse_port(v: boolean) {
    this._setAttr("allow_reuse_port", v);
  }

  /** Sets the reuse options, binds, and reads back `server_address`. */
  server_bind(): void {
    if (this.allow_reuse_address && sock.SO_REUSEADDR !== undefined) {
      this.socket.setsockopt(sock.SOL_SOCKET, sock.SO_REUSEADDR, 1);
    }
    if (this.allow_reuse_port && sock.SO_REUSEPORT !== undefined) {
      this.socket.setsockopt(sock.SOL_SOCKET, sock.SO_REUSEPORT, 1);
    }
    this.socket.bind(this.server_address);
    this.server_address = this.socket.getsockname();
  }

  /** `listen(request_queue_size)`. */
  override server_activate(): void {
    this.socket.listen(this.request_queue_size);
  }

  /** Closes the listening socket. */
  override server_close(): void {
    this.socket.close();
  }

  /**
   * The listening socket's descriptor.
   *
   * @returns It.
   */
  override fileno(): number {
    return this.socket.fileno();
  }

  /** @internal */
  protected override socketTimeout(): number | null {
    return this.socket.gettimeout();
  }

  /**
   * Accepts a connection.
   *
   * @returns `[connection, client_address]`.
   */
  override get_request(): [Request, Address] {
    return this.socket.accept();
  }

  /**
   * Shuts the connection down for writing (ignoring errors), then closes it.
   *
   * @param request The connection.
   */
  override shutdown_request(request: Request): void {
    try {
      (request as Socket).shutdown(sock.SHUT_WR);
    } catch (e) {
      if (!(e instanceof error)) throw e;
    }
    this.close_request(request);
  }

  /**
   * Closes the connection.
   *
   * @param request The connection.
   */
  override close_request(request: Request): void {
    (request as Socket).close();
  }
}

/**
 * Python's `socketserver.UDPServer`: a blocking datagram server; each
 * packet is a request `[data, socket]`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { DatagramRequestHandler, UDPServer } from "@libc/socket/socketserver";
 * class Echo extends DatagramRequestHandler {
 *   override handle(): void {
 *     this.wfile.write(this.rfile.read());
 *   }
 * }
 * using server = new UDPServer(["127.0.0.1", 0], Echo);
 * using c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * c.sendto("ping", server.server_address);
 * server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(10))); // "ping"
 * ```
 */
export class UDPServer extends TCPServer {
  /** The type of the server socket. */
  static override socket_type: number = sock.SOCK_DGRAM;
  /** The largest packet `get_request` receives. */
  static max_packet_size: number = 8192;

  /** The largest packet `get_request` receives (class attribute). */
  get max_packet_size(): number {
    return this._attr("max_packet_size");
  }
  set max_packet_size(v: number) {
    this._setAttr("max_packet_size", v);
  }

  /**
   * Receives one packet.
   *
   * @returns `[[data, socket], client_address]`.
   */
  override get_request(): [Request, Address] {
    const [data, addr] = this.socket.recvfrom(this.max_packet_size);
    return [[data, this.socket], addr as Address];
  }

  /** Datagram servers don't listen. */
  override server_activate(): void {}

  /**
   * Nothing to shut down for a datagram.
   *
   * @param request The request.
   */
  override shutdown_request(request: Request): void {
    this.close_request(request);
  }

  /**
   * Nothing to close for a datagram.
   *
   * @param _request The request.
   */
  override close_request(_request: Request): void {}
}

/**
 * Python's `socketserver.UnixStreamServer`: {@linkcode TCPServer} on an
 * AF_UNIX stream socket (the address is a path, or a `Uint8Array` abstract
 * name). The path is not unlinked on close, as in Python.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { BaseRequestHandler, UnixStreamServer } from "@libc/socket/socketserver";
 * class Hello extends BaseRequestHandler {
 *   override handle(): void {
 *     (this.request as socket.Socket).sendall("hello");
 *   }
 * }
 * const name = new TextEncoder().encode("\0libc-socket-doc-" + Date.now());
 * using server = new UnixStreamServer(name, Hello);
 * using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
 * c.connect(name);
 * server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(10))); // "hello"
 * ```
 */
export class UnixStreamServer extends TCPServer {
  /** AF_UNIX. */
  static override address_family: number = sock.AF_UNIX;
}

/**
 * Python's `socketserver.UnixDatagramServer`: {@linkcode UDPServer} on an
 * AF_UNIX datagram socket.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { DatagramRequestHandler, UnixDatagramServer } from "@libc/socket/socketserver";
 * class Count extends DatagramRequestHandler {
 *   override handle(): void {
 *     console.log("got", this.rfile.read().length, "bytes"); // got 3 bytes
 *   }
 * }
 * const name = new TextEncoder().encode("\0libc-socket-doc-dgram-" + Date.now());
 * using server = new UnixDatagramServer(name, Count);
 * using c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
 * c.sendto("abc", name);
 * server.handle_request();
 * ```
 */
export class UnixDatagramServer extends UDPServer {
  /** AF_UNIX. */
  static override address_family: number = sock.AF_UNIX;
}

// ---------------------------------------------------------------------------
// The concurrent servers

/**
 * Concurrent, async {@linkcode TCPServer}: the Deno answer to Python's
 * `ThreadingTCPServer`. Handlers may be async and run side by side on this
 * thread's reactor; `serve_forever()` and `shutdown()` return Promises.
 *
 * `shutdown()` stops accepting and aborts `server.signal`: pending and
 * later reads of an {@linkcode AsyncStreamRequestHandler}'s `rfile` reject
 * (so idle clients don't keep the server up), as do your own async calls
 * given that signal; everything else, writes included, runs to completion.
 * It waits for the running handlers (`block_on_close`, true by default; set it false
 * to settle without waiting) and resolves when `serve_forever` has
 * returned. From inside a handler call it without `await` (awaiting it
 * there would wait for that very handler, as Python's deadlocks).
 *
 * @example Two clients at once
 * ```ts
 * import * as socket from "@libc/socket";
 * import { AsyncStreamRequestHandler, ThreadingTCPServer } from "@libc/socket/socketserver";
 * class Echo extends AsyncStreamRequestHandler {
 *   override async handle(): Promise<void> {
 *     for await (const line of this.rfile) await this.wfile.write(line);
 *   }
 * }
 * const server = new ThreadingTCPServer(["127.0.0.1", 0], Echo);
 * const serving = server.serve_forever();
 * const a = socket.socket();
 * const b = socket.socket();
 * await a.connectAsync(server.server_address);
 * await b.connectAsync(server.server_address);
 * await b.sendallAsync("b\n");
 * await a.sendallAsync("a\n");
 * console.log(new TextDecoder().decode(await a.recvAsync(10))); // "a\n"
 * console.log(new TextDecoder().decode(await b.recvAsync(10))); // "b\n"
 * a.close();
 * b.close();
 * await server.shutdown();
 * await serving;
 * server.server_close();
 * ```
 */
export class ThreadingTCPServer extends TCPServer {
  /** Wait for running handlers before `serve_forever` settles. */
  static block_on_close: boolean = true;

  /** Always true: handlers run concurrently. */
  override get concurrent(): boolean {
    return true;
  }

  /** Wait for running handlers before `serve_forever` settles (class attribute). */
  get block_on_close(): boolean {
    return this._attr("block_on_close");
  }
  set block_on_close(v: boolean) {
    this._setAttr("block_on_close", v);
  }

  /**
   * Serves until `shutdown()`, many requests at once.
   *
   * @param poll_interval Seconds between `service_actions()` calls when idle.
   * @returns A Promise that settles once stopped.
   */
  override serve_forever(poll_interval = 0.5): Promise<void> {
    return this._serve_forever_async(poll_interval);
  }

  /**
   * Stops serving; see the class documentation.
   *
   * @returns A Promise that resolves once `serve_forever` has returned.
   */
  override shutdown(): Promise<void> {
    return this._shutdown_async();
  }

  /**
   * Waits for one request and handles it (resolves when its handler is done).
   *
   * @returns A Promise.
   */
  override handle_request(): Promise<void> {
    return this._handle_request_async();
  }

  /**
   * Starts handling one request as a task and returns at once.
   *
   * @param request The request.
   * @param client_address The client's address.
   */
  override process_request(request: Request, client_address: Address): void {
    this._process_request_async(request, client_address);
  }
}

/**
 * Concurrent, async {@linkcode UDPServer} (Python's `ThreadingUDPServer`);
 * see {@linkcode ThreadingTCPServer}.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { DatagramRequestHandler, ThreadingUDPServer } from "@libc/socket/socketserver";
 * class Echo extends DatagramRequestHandler {
 *   override handle(): void {
 *     this.wfile.write(this.rfile.read());
 *   }
 * }
 * const server = new ThreadingUDPServer(["127.0.0.1", 0], Echo);
 * const serving = server.serve_forever();
 * using c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * await c.sendtoAsync("hi", server.server_address);
 * console.log((await c.recvAsync(10)).length); // 2
 * await server.shutdown();
 * await serving;
 * server.server_close();
 * ```
 */
export class ThreadingUDPServer extends UDPServer {
  /** Wait for running handlers before `serve_forever` settles. */
  static block_on_close: boolean = true;

  /** Always true: handlers run concurrently. */
  override get concurrent(): boolean {
    return true;
  }

  /**
   * Serves until `shutdown()`.
   *
   * @param poll_interval Seconds between `service_actions()` calls when idle.
   * @returns A Promise that settles once stopped.
   */
  override serve_forever(poll_interval = 0.5): Promise<void> {
    return this._serve_forever_async(poll_interval);
  }

  /**
   * Stops serving.
   *
   * @returns A Promise that resolves once `serve_forever` has returned.
   */
  override shutdown(): Promise<void> {
    return this._shutdown_async();
  }

  /**
   * Waits for one request and handles it.
   *
   * @returns A Promise.
   */
  override handle_request(): Promise<void> {
    return this._handle_request_async();
  }

  /**
   * Starts handling one request as a task.
   *
   * @param request The request.
   * @param client_address The client's address.
   */
  override process_request(request: Request, client_address: Address): void {
    this._process_request_async(request, client_address);
  }
}

/**
 * Concurrent, async {@linkcode UnixStreamServer} (Python's
 * `ThreadingUnixStreamServer`); see {@linkcode ThreadingTCPServer}.
 *
 * @example
 * ```ts
 * import { BaseRequestHandler, ThreadingUnixStreamServer } from "@libc/socket/socketserver";
 * const name = new TextEncoder().encode("\0libc-socket-doc-tus-" + Date.now());
 * const server = new ThreadingUnixStreamServer(name, BaseRequestHandler);
 * const serving = server.serve_forever();
 * await server.shutdown();
 * await serving;
 * server.server_close();
 * ```
 */
export class ThreadingUnixStreamServer extends ThreadingTCPServer {
  /** AF_UNIX. */
  static override address_family: number = sock.AF_UNIX;
}

/**
 * Concurrent, async {@linkcode UnixDatagramServer} (Python's
 * `ThreadingUnixDatagramServer`); see {@linkcode ThreadingTCPServer}.
 *
 * @example
 * ```ts
 * import { BaseRequestHandler, ThreadingUnixDatagramServer } from "@libc/socket/socketserver";
 * const name = new TextEncoder().encode("\0libc-socket-doc-tud-" + Date.now());
 * const server = new ThreadingUnixDatagramServer(name, BaseRequestHandler);
 * const serving = server.serve_forever();
 * await server.shutdown();
 * await serving;
 * server.server_close();
 * ```
 */
export class ThreadingUnixDatagramServer extends ThreadingUDPServer {
  /** AF_UNIX. */
  static override address_family: number = sock.AF_UNIX;
}

// ---------------------------------------------------------------------------
// Request handlers

/** Runs setup/handle/finish; a Promise only if one of them returned one. */
function runHandler(h: BaseRequestHandler): Promise<void> | undefined {
  const s = h.setup();
  if (isThenable(s)) {
    return (async () => {
      await s;
      try {
        await h.handle();
      } finally {
        await h.finish();
      }
    })();
  }
  let r: void | Promise<void>;
  try {
    r = h.handle();
  } catch (e) {
    const f = h.finish();
    if (isThenable(f)) (f as Promise<void>).catch(() => {});
    throw e;
  }
  if (isThenable(r)) {
    return (async () => {
      try {
        await r;
      } finally {
        await h.finish();
      }
    })();
  }
  const f = h.finish();
  return isThenable(f) ? Promise.resolve(f).then(() => {}) : undefined;
}

/**
 * Python's `socketserver.BaseRequestHandler`: constructed once per
 * request with `(request, client_address, server)`; the constructor runs
 * `setup()`, `handle()` and `finish()` (even when `handle` throws).
 *
 * On a concurrent server these may be `async`. Note that JavaScript
 * initializes a subclass's own fields only after the base constructor has
 * returned, i.e. after the request was handled: keep per-request state in
 * `setup()`, and class-wide settings in static properties.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { BaseRequestHandler, TCPServer } from "@libc/socket/socketserver";
 * class Echo extends BaseRequestHandler {
 *   override handle(): void {
 *     const conn = this.request as socket.Socket;
 *     conn.sendall(conn.recv(1024));
 *   }
 * }
 * using server = new TCPServer(["127.0.0.1", 0], Echo);
 * using c = socket.create_connection(server.server_address as [string, number]);
 * c.sendall("hi");
 * server.handle_request();
 * console.log(c.recv(10).length); // 2
 * ```
 */
export class BaseRequestHandler {
  /** The request: a connected socket, or `[data, socket]` for datagrams. */
  request: Request;
  /** The client's address. */
  client_address: Address;
  /** The server handling the request. */
  server: BaseServer;

  /**
   * Stores the request and handles it.
   *
   * @param request The request.
   * @param client_address The client's address.
   * @param server The server.
   */
  constructor(request: Request, client_address: Address, server: BaseServer) {
    this.request = request;
    this.client_address = client_address;
    this.server = server;
    const done = runHandler(this);
    if (done !== undefined) pendingHandlers.set(this, done);
  }

  /** @internal Reads a class attribute (static property). */
  protected _attr<T>(name: string): T {
    return (this.constructor as unknown as Record<string, T>)[name];
  }

  /**
   * Called before `handle()`.
   *
   * @returns Nothing, or a Promise (concurrent servers).
   */
  setup(): void | Promise<void> {}

  /**
   * Services the request; override it.
   *
   * @returns Nothing, or a Promise (concurrent servers).
   */
  handle(): void | Promise<void> {}

  /**
   * Called after `handle()`, even when it threw.
   *
   * @returns Nothing, or a Promise (concurrent servers).
   */
  finish(): void | Promise<void> {}
}

/**
 * Python's `socketserver.StreamRequestHandler`: `rfile` (from
 * `makefile("rb", rbufsize)`) and `wfile` (unbuffered
 * {@linkcode SocketWriter}, or `makefile("wb", wbufsize)`) over the
 * connection. Settings are static properties: `rbufsize` (-1), `wbufsize`
 * (0), `timeout` (`null`) and `disable_nagle_algorithm` (false).
 *
 * Its files block: on a concurrent server use
 * {@linkcode AsyncStreamRequestHandler}.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { StreamRequestHandler, TCPServer } from "@libc/socket/socketserver";
 * class Lines extends StreamRequestHandler {
 *   static override disable_nagle_algorithm: boolean = true;
 *   override handle(): void {
 *     for (const line of this.rfile) this.wfile.write(line);
 *   }
 * }
 * using server = new TCPServer(["127.0.0.1", 0], Lines);
 * using c = socket.create_connection(server.server_address as [string, number]);
 * c.sendall("a\nb\n");
 * c.shutdown(socket.SHUT_WR);
 * server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(10))); // "a\nb\n"
 * ```
 */
export class StreamRequestHandler extends BaseRequestHandler {
  /** Buffer size of `rfile` (-1: the default size). */
  static rbufsize: number = -1;
  /** Buffer size of `wfile` (0: unbuffered). */
  static wbufsize: number = 0;
  /** A timeout (seconds) set on the connection in `setup`; `null`: none. */
  static timeout: number | null = null;
  /** Set TCP_NODELAY on the connection in `setup`. */
  static disable_nagle_algorithm: boolean = false;

  /** The connection (`this.request`). */
  declare connection: Socket;
  /** The connection, read buffered. */
  declare rfile: SocketFile<Uint8Array>;
  /** The connection, written (unbuffered by default). */
  declare wfile: SocketWriter | SocketFile<Uint8Array>;

  /** Applies `timeout` and `disable_nagle_algorithm`, and opens `rfile`/`wfile`. */
  override setup(): void {
    this.connection = this.request as Socket;
    const timeout = this._attr<number | null>("timeout");
    if (timeout !== null) this.connection.settimeout(timeout);
    if (this._attr<boolean>("disable_nagle_algorithm")) {
      this.connection.setsockopt(sock.IPPROTO_TCP, sock.TCP_NODELAY, true);
    }
    this.rfile = this.connection.makefile("rb", this._attr("rbufsize")) as SocketFile<Uint8Array>;
    const wbufsize = this._attr<number>("wbufsize");
    this.wfile = wbufsize === 0
      ? new SocketWriter(this.connection)
      : this.connection.makefile("wb", wbufsize) as SocketFile<Uint8Array>;
  }

  /** Flushes `wfile` (ignoring socket errors) and closes both files. */
  override finish(): void {
    if (!this.wfile.closed) {
      try {
        this.wfile.flush();
      } catch (e) {
        if (!(e instanceof error)) throw e;
      }
    }
    this.wfile.close();
    this.rfile.close();
  }
}

/**
 * The async twin of {@linkcode StreamRequestHandler}, for the concurrent
 * servers: `rfile` is an {@linkcode AsyncSocketReader} (`await
 * this.rfile.readline()`), `wfile` an {@linkcode AsyncSocketWriter}. Reads
 * end when the server shuts down (they use `server.signal`); writes don't,
 * so a reply started before `shutdown()` is still sent.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { AsyncStreamRequestHandler, ThreadingTCPServer } from "@libc/socket/socketserver";
 * class Upper extends AsyncStreamRequestHandler {
 *   override async handle(): Promise<void> {
 *     const line = new TextDecoder().decode(await this.rfile.readline());
 *     await this.wfile.write(line.toUpperCase());
 *   }
 * }
 * const server = new ThreadingTCPServer(["127.0.0.1", 0], Upper);
 * using c = socket.create_connection(server.server_address as [string, number]);
 * c.sendall("hey\n");
 * await server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(10))); // "HEY\n"
 * server.server_close();
 * ```
 */
export class AsyncStreamRequestHandler extends BaseRequestHandler {
  /** Bytes per `recv` of `rfile` (-1: 8192). */
  static rbufsize: number = -1;
  /** A timeout (seconds) set on the connection in `setup`; `null`: none. */
  static timeout: number | null = null;
  /** Set TCP_NODELAY on the connection in `setup`. */
  static disable_nagle_algorithm: boolean = false;

  /** The connection (`this.request`). */
  declare connection: Socket;
  /** The connection, read buffered and async. */
  declare rfile: AsyncSocketReader;
  /** The connection, written async. */
  declare wfile: AsyncSocketWriter;

  /** Applies `timeout` and `disable_nagle_algorithm`, and opens the files. */
  override setup(): void {
    this.connection = this.request as Socket;
    const timeout = this._attr<number | null>("timeout");
    if (timeout !== null) this.connection.settimeout(timeout);
    if (this._attr<boolean>("disable_nagle_algorithm")) {
      this.connection.setsockopt(sock.IPPROTO_TCP, sock.TCP_NODELAY, true);
    }
    const signal = this.server.signal;
    this.rfile = new AsyncSocketReader(this.connection, this._attr("rbufsize"), signal);
    this.wfile = new AsyncSocketWriter(this.connection);
  }

  /** Closes both files. */
  override finish(): void {
    this.wfile.close();
    this.rfile.close();
  }
}

/**
 * Python's `socketserver.DatagramRequestHandler`: `rfile` holds the
 * packet, and what `handle()` writes to `wfile` is sent back to the
 * client by `finish()` (one `sendto`). `packet` and `socket` are the two
 * halves of the request.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { DatagramRequestHandler, UDPServer } from "@libc/socket/socketserver";
 * class Upper extends DatagramRequestHandler {
 *   override handle(): void {
 *     const text = new TextDecoder().decode(this.rfile.readline());
 *     this.wfile.write(text.toUpperCase());
 *   }
 * }
 * using server = new UDPServer(["127.0.0.1", 0], Upper);
 * using c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * c.sendto("up", server.server_address);
 * server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(10))); // "UP"
 * ```
 */
export class DatagramRequestHandler extends BaseRequestHandler {
  /** The received packet. */
  declare packet: Uint8Array;
  /** The server's socket, to reply with. */
  declare socket: Socket;
  /** The packet, as a file. */
  declare rfile: BytesIO;
  /** The reply, sent by `finish()`. */
  declare wfile: BytesIO;

  /** Opens `rfile` over the packet and an empty `wfile`. */
  override setup(): void {
    [this.packet, this.socket] = this.request as DatagramRequest;
    this.rfile = new BytesIO(this.packet);
    this.wfile = new BytesIO();
  }

  /** Sends what was written to `wfile` to the client. */
  override finish(): void {
    this.socket.sendto(this.wfile.getvalue(), this.client_address);
  }
}
