/**
 * # @libc/socket/ssl
 *
 * Python's `ssl` module over the system's OpenSSL 3, through `Deno.dlopen`:
 * TLS for every socket `@libc/socket` can make (TCP, Unix sockets,
 * socketpairs, adopted descriptors), client and server, with client
 * certificates, SNI, ALPN, STARTTLS, sessions, and memory BIOs.
 *
 * OpenSSL is found by the platform layer: `libssl.so.3` on Linux, the
 * Homebrew or MacPorts `openssl@3` on macOS (never the system's LibreSSL
 * stub; OpenSSL there does not read the Keychain: the CA bundle is that
 * installation's `cert.pem`), or `LIBC_SOCKET_LIBSSL`. Importing
 * `@libc/socket` itself never loads it; importing this module does, to
 * fill in {@linkcode OPENSSL_VERSION} (and tolerates its absence until first
 * use).
 *
 * Run with `--allow-ffi`.
 *
 * @example A verified TLS client and server on a socketpair
 * ```ts ignore
 * import * as socket from "@libc/socket";
 * import * as ssl from "@libc/socket/ssl";
 *
 * const server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
 * server.load_cert_chain("server.pem", "server.key");
 * const client = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: "ca.pem" });
 * const [a, b] = socket.socketpair(); // each wrap_socket takes its socket over
 * using s = server.wrap_socket(b, { server_side: true, do_handshake_on_connect: false });
 * using c = client.wrap_socket(a, { server_hostname: "localhost", do_handshake_on_connect: false });
 * await Promise.all([s.do_handshakeAsync(), c.do_handshakeAsync()]);
 * ```
 *
 * @module
 */
export { create_default_context, SSLContext } from "./ssl/context.ts";
export type { DefaultContextOptions, Password, SniCallback } from "./ssl/context.ts";
export { SSLSocket } from "./ssl/socket.ts";
export type { SocketContext } from "./ssl/socket.ts";
export { MemoryBIO, SSLObject } from "./ssl/object.ts";
export type { ContextCore, EngineOptions, WrapSocketOptions } from "./ssl/_setup.ts";
export { SSLSession } from "./ssl/session.ts";
export type { CipherTuple } from "./ssl/_info.ts";
export {
  CertificateError,
  SSLCertVerificationError,
  SSLEOFError,
  SSLError,
  SSLSyscallError,
  SSLWantReadError,
  SSLWantWriteError,
  SSLZeroReturnError,
} from "./ssl/errors.ts";
export { cert_time_to_seconds, DER_cert_to_PEM_cert, PEM_cert_to_DER_cert } from "./ssl/der.ts";
export type { PeerCertificate } from "./ssl/der.ts";
export {
  get_default_verify_paths,
  OPENSSL_VERSION,
  OPENSSL_VERSION_INFO,
  OPENSSL_VERSION_NUMBER,
} from "./ssl/version.ts";
export type { DefaultVerifyPaths } from "./ssl/version.ts";
export {
  get_protocol_name,
  get_server_certificate,
  RAND_add,
  RAND_bytes,
  RAND_status,
} from "./ssl/functions.ts";
export type { ServerCertificateOptions } from "./ssl/functions.ts";
export * from "./ssl/constants.ts";
