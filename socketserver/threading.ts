// socketserver's concurrent, async servers: the Deno answer to
// ThreadingMixIn (the Threading* names a Python user looks for).
import * as sock from "../mod.ts";
import type { Family, Kind } from "../core/families.ts";
import type { ClientAddress, ServerRequest } from "./base.ts";
import { TCPServer, UDPServer } from "./servers.ts";
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
export class ThreadingTCPServer<
  F extends number = Family<"AF_INET">,
  T extends number = Kind<"SOCK_STREAM">,
> extends TCPServer<F, T> {
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
  override process_request(
    request: ServerRequest<F, T>,
    client_address: ClientAddress<F, T>,
  ): void {
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
export class ThreadingUDPServer<F extends number = Family<"AF_INET">> extends UDPServer<F> {
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
  override process_request(
    request: ServerRequest<F, Kind<"SOCK_DGRAM">>,
    client_address: ClientAddress<F, Kind<"SOCK_DGRAM">>,
  ): void {
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
export class ThreadingUnixStreamServer<F extends number = Family<"AF_UNIX">>
  extends ThreadingTCPServer<F> {
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
export class ThreadingUnixDatagramServer<F extends number = Family<"AF_UNIX">>
  extends ThreadingUDPServer<F> {
  /** AF_UNIX. */
  static override address_family: number = sock.AF_UNIX;
}
