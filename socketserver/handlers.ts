// socketserver's request handlers: BaseRequestHandler, the stream and
// datagram handlers, and the async stream handler of the concurrent servers.
import * as sock from "../mod.ts";
import type { Address } from "../socket/address/mod.ts";
import type { Socket } from "../socket/socket.ts";
import { error } from "../core/errors.ts";
import type { SocketFile } from "../socket/makefile.ts";
import type { BaseServer, DatagramRequest, Request } from "./base.ts";
import { AsyncSocketReader, AsyncSocketWriter, BytesIO, SocketWriter } from "./files.ts";
import { pendingHandlers } from "./_pending.ts";

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

/** Runs setup/handle/finish; a Promise when one of them returned one. */
function runHandler(h: BaseRequestHandler<Request, Address | null>): Promise<void> | undefined {
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
    if (isThenable(f)) Promise.resolve(f).catch(() => {});
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
 * The type parameters say what the handler expects: `R` the request (a
 * `Socket` from a stream server, `[data, socket]` from a datagram server)
 * and `A` the client address. A server accepts only handler classes of its
 * own request type.
 *
 * @typeParam R The request: `Socket`, or {@linkcode DatagramRequest}.
 * @typeParam A The client address.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { BaseRequestHandler, TCPServer } from "@libc/socket/socketserver";
 * class Echo extends BaseRequestHandler<socket.Socket> {
 *   override handle(): void {
 *     this.request.sendall(this.request.recv(1024));
 *   }
 * }
 * using server = new TCPServer(["127.0.0.1", 0], Echo);
 * using c = socket.create_connection(server.server_address);
 * c.sendall("hi");
 * server.handle_request();
 * console.log(c.recv(10).length); // 2
 * ```
 */
export class BaseRequestHandler<
  R extends Request = Request,
  A extends Address | null = Address | null,
> {
  /** The request: a connected socket, or `[data, socket]` for datagrams. */
  request: R;
  /** The client's address (`null` from an unnamed AF_UNIX datagram client). */
  client_address: A;
  /** The server handling the request. */
  server: BaseServer;

  /**
   * Stores the request and handles it.
   *
   * @param request The request.
   * @param client_address The client's address.
   * @param server The server.
   */
  constructor(request: R, client_address: A, server: BaseServer) {
    this.request = request;
    this.client_address = client_address;
    this.server = server;
    const done = runHandler(this);
    if (done !== undefined) pendingHandlers.set(this, done);
  }

  /**
   * Reads a class attribute (static property). Internal.
   *
   * @ignore
   */
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
 * using c = socket.create_connection(server.server_address);
 * c.sendall("a\nb\n");
 * c.shutdown(socket.SHUT_WR);
 * server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(10))); // "a\nb\n"
 * ```
 *
 * @typeParam A The client address.
 */
export class StreamRequestHandler<A extends Address = Address>
  extends BaseRequestHandler<Socket, A> {
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
    this.connection = this.request;
    const timeout = this._attr<number | null>("timeout");
    if (timeout !== null) this.connection.settimeout(timeout);
    if (this._attr<boolean>("disable_nagle_algorithm")) {
      this.connection.setsockopt(sock.IPPROTO_TCP, sock.TCP_NODELAY, true);
    }
    this.rfile = this.connection.makefile("rb", this._attr<number>("rbufsize"));
    const wbufsize = this._attr<number>("wbufsize");
    this.wfile = wbufsize === 0
      ? new SocketWriter(this.connection)
      : this.connection.makefile("wb", wbufsize);
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
 * using c = socket.create_connection(server.server_address);
 * c.sendall("hey\n");
 * await server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(10))); // "HEY\n"
 * server.server_close();
 * ```
 *
 * @typeParam A The client address.
 */
export class AsyncStreamRequestHandler<A extends Address = Address>
  extends BaseRequestHandler<Socket, A> {
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
    this.connection = this.request;
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
 *
 * @typeParam A The client address (`null` from an unnamed AF_UNIX client).
 */
export class DatagramRequestHandler<A extends Address | null = Address | null>
  extends BaseRequestHandler<DatagramRequest, A> {
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
    [this.packet, this.socket] = this.request;
    this.rfile = new BytesIO(this.packet);
    this.wfile = new BytesIO();
  }

  /**
   * Sends what was written to `wfile` to the client. Throws a `TypeError`
   * when the client is unnamed (`client_address` null: an unbound AF_UNIX
   * socket), as Python's `sendto(data, None)` does.
   */
  override finish(): void {
    const to = this.client_address;
    if (to === null) {
      throw new TypeError(
        "sendto(): the client is unnamed (client_address null): no reply address",
      );
    }
    this.socket.sendto(this.wfile.getvalue(), to);
  }
}
