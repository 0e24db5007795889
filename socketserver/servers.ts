// socketserver's blocking socket servers (CPython's Lib/socketserver.py):
// TCPServer, UDPServer and the AF_UNIX pair, on base.ts's BaseServer.
import * as sock from "../mod.ts";
import type { AddressLike } from "../socket/address/mod.ts";
import type { Socket } from "../socket/socket.ts";
import type { Family, FamilyAddress, Kind, Sender } from "../core/families.ts";
import { error } from "../core/errors.ts";
import {
  BaseServer,
  type ClientAddress,
  type DatagramRequest,
  type RequestHandlerClass,
  type ServerRequest,
} from "./base.ts";

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
 * using c = socket.create_connection(server.server_address);
 * c.sendall("abc\n");
 * server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(10))); // "ABC\n"
 * ```
 */
export class TCPServer<
  F extends number = Family<"AF_INET">,
  T extends number = Kind<"SOCK_STREAM">,
> extends BaseServer<ServerRequest<F, T>, ClientAddress<F, T>> {
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
  socket: Socket<F, T>;
  /** The address the server listens on (after bind: `getsockname()`). */
  declare server_address: FamilyAddress<F>;

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
    // NoInfer: F and T come from the class (or its default), never from
    // the handler (whose `Socket` would widen them to `number`).
    RequestHandlerClass: NoInfer<RequestHandlerClass<ServerRequest<F, T>, ClientAddress<F, T>>>,
    bind_and_activate = true,
  ) {
    super(server_address, RequestHandlerClass);
    // The class attributes are numbers at run time; F and T are what the
    // class (or a subclass overriding `address_family`) declares.
    this.socket = sock.socket(this.address_family, this.socket_type) as Socket<F, T>;
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

  /**
   * @ignore
   */
  protected override socketTimeout(): number | null {
    return this.socket.gettimeout();
  }

  /**
   * Accepts a connection.
   *
   * @returns `[connection, client_address]`.
   */
  override get_request(): [ServerRequest<F, T>, ClientAddress<F, T>] {
    // A stream socket's: UDPServer (T = SOCK_DGRAM) overrides it.
    return this.socket.accept() as [ServerRequest<F, T>, ClientAddress<F, T>];
  }

  /**
   * Shuts the connection down for writing (ignoring errors), then closes it.
   *
   * @param request The connection.
   */
  override shutdown_request(request: ServerRequest<F, T>): void {
    try {
      // A connection: UDPServer (T = SOCK_DGRAM) overrides this.
      (request as Socket<F, T>).shutdown(sock.SHUT_WR);
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
  override close_request(request: ServerRequest<F, T>): void {
    // A connection: UDPServer (T = SOCK_DGRAM) overrides this.
    (request as Socket<F, T>).close();
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
export class UDPServer<F extends number = Family<"AF_INET">>
  extends TCPServer<F, Kind<"SOCK_DGRAM">> {
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
  override get_request(): [
    DatagramRequest<Socket<F, Kind<"SOCK_DGRAM">>>,
    Sender<F, Kind<"SOCK_DGRAM">>,
  ] {
    const [data, addr] = this.socket.recvfrom(this.max_packet_size);
    return [[data, this.socket], addr];
  }

  /** Datagram servers don't listen. */
  override server_activate(): void {}

  /**
   * Nothing to shut down for a datagram.
   *
   * @param request The request.
   */
  override shutdown_request(request: DatagramRequest<Socket<F, Kind<"SOCK_DGRAM">>>): void {
    this.close_request(request);
  }

  /**
   * Nothing to close for a datagram.
   *
   * @param _request The request.
   */
  override close_request(_request: DatagramRequest<Socket<F, Kind<"SOCK_DGRAM">>>): void {}
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
 * class Hello extends BaseRequestHandler<socket.Socket> {
 *   override handle(): void {
 *     this.request.sendall("hello");
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
export class UnixStreamServer<F extends number = Family<"AF_UNIX">> extends TCPServer<F> {
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
 * // A named client: the reply (finish() sends wfile's bytes) needs an address.
 * c.bind(new TextEncoder().encode("\0libc-socket-doc-client-" + Date.now()));
 * c.sendto("abc", name);
 * server.handle_request();
 * ```
 */
export class UnixDatagramServer<F extends number = Family<"AF_UNIX">> extends UDPServer<F> {
  /** AF_UNIX. */
  static override address_family: number = sock.AF_UNIX;
}
