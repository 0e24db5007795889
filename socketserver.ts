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
 * using client = socket.create_connection(server.server_address);
 * client.sendall("hello\n");
 * server.handle_request();
 * console.log(new TextDecoder().decode(client.recv(100))); // "HELLO\n"
 * ```
 *
 * @module
 */
export { BaseServer } from "./socketserver/base.ts";
export {
  TCPServer,
  UDPServer,
  UnixDatagramServer,
  UnixStreamServer,
} from "./socketserver/servers.ts";
export type {
  AnyRequestHandlerClass,
  ClientAddress,
  DatagramRequest,
  Request,
  RequestHandlerClass,
  ServerRequest,
} from "./socketserver/base.ts";
export {
  ThreadingTCPServer,
  ThreadingUDPServer,
  ThreadingUnixDatagramServer,
  ThreadingUnixStreamServer,
} from "./socketserver/threading.ts";
export {
  AsyncStreamRequestHandler,
  BaseRequestHandler,
  DatagramRequestHandler,
  StreamRequestHandler,
} from "./socketserver/handlers.ts";
export {
  AsyncSocketReader,
  AsyncSocketWriter,
  BytesIO,
  SocketWriter,
} from "./socketserver/files.ts";
