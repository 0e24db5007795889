/**
 * The module-level functions of Python's `ssl` that are not about a
 * certificate's bytes (those are in `der.ts`): OpenSSL's random generator
 * (`RAND_bytes`, `RAND_status`, `RAND_add`), `get_server_certificate` and
 * `get_protocol_name`.
 *
 * @module
 */
import { ossl } from "../ffi/libssl.ts";
import { toBytes } from "../core/bytes.ts";
import { int } from "../core/ints.ts";
import { typeName } from "../core/repr.ts";
import { create_connection } from "../socket/connection.ts";
import { raiseQueued } from "./errors.ts";
import { SSLContext } from "./context.ts";
import { DER_cert_to_PEM_cert } from "./der.ts";
import {
  CERT_NONE,
  CERT_REQUIRED,
  PROTOCOL_TLS,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
} from "./constants.ts";

/**
 * `n` cryptographically strong random bytes (`RAND_bytes`).
 *
 * @example
 * ```ts
 * import { RAND_bytes } from "@libc/socket/ssl";
 * console.log(RAND_bytes(16).length); // 16
 * ```
 * @throws {RangeError} For a negative `n` (Python's ValueError).
 * @throws {SSLError} When the generator is not seeded.
 */
export function RAND_bytes(n: number): Uint8Array {
  const k = int(n, "n");
  if (k < 0) throw new RangeError("num must be positive");
  if (k > 0x7fffffff) throw new RangeError("num must fit in a C int");
  const out = new Uint8Array(k);
  if (k === 0) return out;
  const f = ossl();
  f.ERR_clear_error();
  if (f.RAND_bytes(out, k) !== 1) raiseQueued("RAND_bytes");
  return out;
}

/**
 * Whether the generator has been seeded with enough data (`RAND_status`).
 *
 * @example
 * ```ts
 * import { RAND_status } from "@libc/socket/ssl";
 * console.log(RAND_status()); // true
 * ```
 */
export function RAND_status(): boolean {
  return ossl().RAND_status() === 1;
}

/**
 * Mixes `data` into the generator, claiming `entropy` bytes of randomness
 * in it (`RAND_add`).
 *
 * @example
 * ```ts
 * import { RAND_add } from "@libc/socket/ssl";
 * RAND_add("some noise", 0.0);
 * ```
 */
export function RAND_add(data: string | ArrayBufferView | ArrayBuffer, entropy: number): void {
  const bytes = toBytes(data);
  if (bytes.byteLength > 0x7fffffff) throw new RangeError("data is longer than a C int");
  if (typeof entropy !== "number") {
    throw new TypeError(`entropy must be a number, not ${typeName(entropy)}`);
  }
  ossl().RAND_add(bytes, bytes.byteLength, entropy);
}

const PROTOCOL_NAMES = new Map<number, string>([
  [PROTOCOL_TLS, "PROTOCOL_TLS"],
  [PROTOCOL_TLS_CLIENT, "PROTOCOL_TLS_CLIENT"],
  [PROTOCOL_TLS_SERVER, "PROTOCOL_TLS_SERVER"],
]);

/**
 * The name of a `PROTOCOL_*` constant, as Python's `ssl.get_protocol_name`.
 *
 * @example
 * ```ts
 * import { get_protocol_name, PROTOCOL_TLS_CLIENT } from "@libc/socket/ssl";
 * console.log(get_protocol_name(PROTOCOL_TLS_CLIENT)); // PROTOCOL_TLS_CLIENT
 * ```
 */
export function get_protocol_name(protocol_code: number): string {
  return PROTOCOL_NAMES.get(protocol_code) ?? "<unknown>";
}

/** The keyword options of {@linkcode get_server_certificate}. */
export interface ServerCertificateOptions {
  /** Seconds for the connection and the handshake (default: the socket default). */
  timeout?: number | null;
}

/**
 * Connects to `addr`, handshakes, and returns the server's certificate as
 * PEM, as Python's `ssl.get_server_certificate(addr, ssl_version, ca_certs,
 * timeout)`: with `ca_certs` it is verified against them (else not at all,
 * nor is the host name checked). SNI names the host. A composite of
 * `create_connection`, `wrap_socket` and `getpeercert(true)`.
 *
 * @example
 * ```ts ignore
 * import { get_server_certificate } from "@libc/socket/ssl";
 * console.log(get_server_certificate(["example.com", 443]));
 * ```
 */
export function get_server_certificate(
  addr: [string, number],
  ssl_version: number = PROTOCOL_TLS_CLIENT,
  ca_certs: string | null = null,
  options: ServerCertificateOptions = {},
): string {
  if (!Array.isArray(addr) || addr.length !== 2 || typeof addr[0] !== "string") {
    throw new TypeError("addr must be a [host, port] pair");
  }
  const [host] = addr;
  // As CPython's _create_stdlib_context: no host name check; verified only with ca_certs.
  const ctx = new SSLContext(ssl_version);
  ctx.check_hostname = false;
  if (ca_certs === null || ca_certs === undefined) {
    ctx.verify_mode = CERT_NONE;
  } else {
    ctx.verify_mode = CERT_REQUIRED;
    ctx.load_verify_locations(ca_certs);
  }
  using sock = create_connection(addr, options.timeout);
  using tls = ctx.wrap_socket(sock, { server_hostname: host });
  const der = tls.getpeercert(true);
  // As CPython's DER_cert_to_PEM_cert(None): a TypeError.
  if (der === null) throw new TypeError("get_server_certificate(): the server sent no certificate");
  return DER_cert_to_PEM_cert(der);
}
