// socketserver's BaseServer (CPython's Lib/socketserver.py): the request
// loop and its hooks, the request and address types, and the async loop the
// concurrent servers of threading.ts run. The socket servers are servers.ts.
import type { Address, AddressLike } from "../socket/address/mod.ts";
import type { Socket } from "../socket/socket.ts";
import type { AcceptedAddress, Kind, Sender } from "../core/families.ts";
import { error } from "../core/errors.ts";
import { EVENT_READ } from "../selectors/_base.ts";
import { PollSelector } from "../selectors/poll.ts";
import { SelectSelector } from "../selectors/select.ts";
import { HAS_POLL } from "../select/poll.ts";
import { pendingHandlers } from "./_pending.ts";

/**
 * The selector a server waits with, as CPython's `_ServerSelector`:
 * `PollSelector` where `select.poll` exists, else (Windows) `SelectSelector`.
 */
const ServerSelector = HAS_POLL ? PollSelector : SelectSelector;

/** A datagram server's request: the packet and the server's socket. */
export type DatagramRequest<S extends Socket = Socket> = [data: Uint8Array, socket: S];
/** What `get_request()` returns as the request: a connection or a datagram. */
export type Request = Socket | DatagramRequest;

/**
 * The request of a server over a socket of family `F` and type `T`: the
 * connected socket (stream servers), or `[data, socket]` (`SOCK_DGRAM`).
 */
export type ServerRequest<F extends number, T extends number> = [T] extends [Kind<"SOCK_DGRAM">]
  ? DatagramRequest<Socket<F, T>>
  : Socket<F, T>;

/**
 * The client address of a server over a socket of family `F` and type `T`:
 * what `accept()` returns on a stream server, what `recvfrom()` does on a
 * datagram server (`null` from an unnamed AF_UNIX client, where Python
 * gives `None`).
 */
export type ClientAddress<F extends number, T extends number> = [T] extends [Kind<"SOCK_DGRAM">]
  ? Sender<F, T>
  : AcceptedAddress<F>;

/**
 * The shape of `RequestHandlerClass`: constructing it with
 * `(request, client_address, server)` handles the request, as in Python.
 * A server takes the handler classes of its own request and address types:
 * `TCPServer` a {@linkcode StreamRequestHandler} (`this.request` is a
 * `Socket`), `UDPServer` a {@linkcode DatagramRequestHandler}.
 */
export type RequestHandlerClass<
  R extends Request = Request,
  A extends Address | null = Address | null,
> = new (request: R, client_address: A, server: BaseServer<R, A>) => object;

/**
 * Any handler class: the type of {@linkcode BaseServer.RequestHandlerClass},
 * which may be reassigned (as in Python) and is read at every request.
 */
export type AnyRequestHandlerClass = new (
  request: never,
  client_address: never,
  server: never,
) => object;

/** Reads a Python class attribute: an instance override, else the static. */
function classAttr<T>(obj: object, own: Map<string, unknown>, name: string): T {
  if (own.has(name)) return own.get(name) as T;
  return (obj.constructor as unknown as Record<string, T>)[name];
}

/**
 * Python's `socketserver.BaseServer`: the request loop and its hooks,
 * independent of the socket kind. Subclass {@linkcode TCPServer} and
 * friends rather than this.
 *
 * @typeParam R The request `get_request()` returns (see {@linkcode Request}).
 * @typeParam A The client address `get_request()` returns.
 */
export class BaseServer<
  R extends Request = Request,
  A extends Address | null = Address | null,
> implements Disposable, AsyncDisposable {
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
  /** The handler class, constructed once per request (read at every request). */
  RequestHandlerClass: AnyRequestHandlerClass;

  /**
   * Stores the address and handler class (nothing is bound here).
   *
   * @param server_address The address to serve on.
   * @param RequestHandlerClass The handler class.
   */
  constructor(server_address: AddressLike, RequestHandlerClass: RequestHandlerClass<R, A>) {
    this.server_address = server_address as Address;
    this.RequestHandlerClass = RequestHandlerClass;
  }

  /**
   * Reads a class attribute (instance override, else static). Internal.
   *
   * @ignore
   */
  protected _attr<T>(name: string): T {
    return classAttr<T>(this, this.#own, name);
  }

  /**
   * Overrides a class attribute on this instance. Internal.
   *
   * @ignore
   */
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
   * socket.create_connection(server.server_address).close();
   * server.serve_forever(0.05);
   * console.log("stopped");
   * ```
   *
   * @param poll_interval Seconds between checks of the shutdown flag.
   */
  serve_forever(poll_interval = 0.5): void {
    this.#serving = true;
    try {
      using selector = new ServerSelector();
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

  /**
   * The async loop behind the concurrent servers' `serve_forever`. Internal.
   *
   * @ignore
   */
  protected async _serve_forever_async(poll_interval: number): Promise<void> {
    this.#serving = true;
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    const signal = this.#abort.signal;
    try {
      using selector = new ServerSelector();
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

  /**
   * The concurrent servers' `shutdown`. Internal.
   *
   * @ignore
   */
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

  /**
   * The listening socket's timeout (`socket.gettimeout()`). Internal.
   *
   * @ignore
   */
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
    using selector = new ServerSelector();
    selector.register(this, EVENT_READ);
    for (;;) {
      if (selector.select(timeout).length > 0) return this._handle_request_noblock();
      if (timeout !== null) {
        timeout = (deadline - performance.now()) / 1000;
        if (timeout < 0) return this.handle_timeout();
      }
    }
  }

  /**
   * The concurrent servers' `handle_request`: waits for the handler. Internal.
   *
   * @ignore
   */
  protected async _handle_request_async(): Promise<void> {
    let timeout = this.#requestTimeout();
    const deadline = timeout === null ? 0 : performance.now() + timeout * 1000;
    using selector = new ServerSelector();
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
    let request: R;
    let client_address: A;
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
  get_request(): [R, A] {
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
  verify_request(_request: R, _client_address: A): boolean {
    return true;
  }

  /**
   * Processes one request: `finish_request` then `shutdown_request`. The
   * concurrent servers run it as a task and return at once.
   *
   * @param request The request.
   * @param client_address The client's address.
   */
  process_request(request: R, client_address: A): void {
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

  /**
   * The concurrent servers' `process_request`. Internal.
   *
   * @ignore
   */
  protected _process_request_async(request: R, client_address: A): void {
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
  finish_request(request: R, client_address: A): Promise<void> | undefined {
    // The property is typed for any handler class, so that it may be
    // reassigned and so that a `TCPServer` is a `BaseServer` (a property
    // typed by R would make BaseServer invariant in R); the constructor
    // checked the class against R and A.
    const RequestHandlerClass = this.RequestHandlerClass as RequestHandlerClass<R, A>;
    const handler = new RequestHandlerClass(request, client_address, this);
    return pendingHandlers.get(handler);
  }

  /**
   * Called to shut down and close one request (default: `close_request`).
   *
   * @param request The request.
   */
  shutdown_request(request: R): void {
    this.close_request(request);
  }

  /**
   * Called to clean up one request (default: nothing).
   *
   * @param _request The request.
   */
  close_request(_request: R): void {}

  /**
   * Called when a handler throws. Prints the error to stderr between two
   * lines of dashes, as Python prints the traceback; the server goes on.
   *
   * @param _request The request.
   * @param client_address The client's address.
   * @param err The error (an addition: Python reads `sys.exc_info()`).
   */
  handle_error(_request: R, client_address: A, err?: unknown): void {
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

  /**
   * `await using` support: a concurrent server is shut down first (its
   * `shutdown()`, which resolves once `serve_forever` has returned and,
   * with `block_on_close`, its running handlers have finished), then
   * `server_close()` closes the listening socket (`close(2)`). A blocking
   * server has nothing to wait for: only `server_close()`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { AsyncStreamRequestHandler, ThreadingTCPServer } from "@libc/socket/socketserver";
   * class Hello extends AsyncStreamRequestHandler {
   *   override async handle(): Promise<void> {
   *     await this.wfile.write(new TextEncoder().encode("hello\n"));
   *   }
   * }
   * let serving: Promise<void>;
   * {
   *   await using server = new ThreadingTCPServer(["127.0.0.1", 0], Hello);
   *   serving = server.serve_forever();
   *   using c = socket.create_connection(server.server_address);
   *   console.log(new TextDecoder().decode(await c.recvAsync(10))); // "hello\n"
   * } // shut down and closed here
   * await serving; // already settled
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      if (this.concurrent) await this.shutdown();
    } finally {
      this.server_close();
    }
  }
}
