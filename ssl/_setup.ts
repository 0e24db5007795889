/**
 * Setting up a new connection from its context, for both transports: the
 * server name IDNA-encoded as CPython does it, the SNI name (`SSL_set_tlsext_host_name`, not for IP literals), the name the
 * certificate is checked against (`X509_VERIFY_PARAM_set1_host`, or
 * `_set1_ip_asc` for an IP address), post-handshake auth, and a session to
 * resume.
 *
 * @module
 */
import { ossl } from "../ffi/libssl.ts";
import { OSSL } from "../constants/openssl.ts";
import { cstr } from "../core/text.ts";
import { idna } from "../socket/_idna.ts";
import { Engine } from "./_engine.ts";
import { raiseQueued } from "./errors.ts";
import { SSLSession } from "./session.ts";
import { CERT_NONE } from "./constants.ts";

/** What a connection needs from its `SSLContext`. */
export interface ContextCore {
  /**
   * The live `SSL_CTX*`. Internal.
   *
   * @ignore
   */
  readonly _ptr: Deno.PointerValue;
  /** Whether the peer's name is checked. */
  readonly check_hostname: boolean;
  /** `CERT_NONE`, `CERT_OPTIONAL` or `CERT_REQUIRED`. */
  readonly verify_mode: number;
  /** Whether post-handshake client authentication is on. */
  readonly post_handshake_auth: boolean;
}

/** The keyword options of `wrap_socket` / `wrap_bio` that reach the engine. */
export interface EngineOptions {
  /** Whether this is the server end. */
  server_side?: boolean;
  /** The server's name: sent as SNI and, with `check_hostname`, checked. */
  server_hostname?: string | null;
  /** A session to resume (client side). */
  session?: SSLSession | null;
}

/** The keyword options of `SSLContext.wrap_socket`. */
export interface WrapSocketOptions extends EngineOptions {
  /** Handshake right away (default true); else call `do_handshake()`. */
  do_handshake_on_connect?: boolean;
  /** A peer's EOF without close_notify reads as EOF (default true) instead of `SSLEOFError`. */
  suppress_ragged_eofs?: boolean;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Whether `name` is an IP literal (no SNI for those; checked as an address). */
export function isIpLiteral(name: string): boolean {
  return IPV4.test(name) || name.includes(":");
}

/** Makes and configures the engine of a new connection. */
export function newEngine(ctx: ContextCore, options: EngineOptions): Engine {
  const serverSide = options.server_side === true;
  let hostname = options.server_hostname ?? null;
  if (hostname !== null) {
    if (typeof hostname !== "string") throw new TypeError("server_hostname must be a string");
    if (serverSide) throw new RangeError("server_hostname can only be specified in client mode");
    if (hostname.length === 0 || hostname.startsWith(".")) {
      throw new RangeError(
        "server_hostname cannot be an empty string or start with a leading dot.",
      );
    }
    // As CPython's SSLContext._encode_hostname: the "idna" codec's A-labels
    // (RangeError where it fails, Python's UnicodeError), case kept.
    hostname = idna(hostname);
  }
  if (!serverSide && ctx.check_hostname && hostname === null) {
    throw new RangeError("check_hostname requires server_hostname");
  }
  const e = new Engine(ctx._ptr, serverSide, hostname);
  try {
    const f = ossl();
    const ssl = e.ssl;
    if (hostname !== null) {
      const ip = isIpLiteral(hostname);
      const c = cstr(hostname, "server_hostname");
      if (!ip) {
        f.ERR_clear_error();
        if (Number(f.SSL_ctrl(ssl, OSSL.SSL_CTRL_SET_TLSEXT_HOSTNAME, 0n, c)) !== 1) {
          raiseQueued("SSL_set_tlsext_host_name");
        }
      }
      if (ctx.check_hostname) {
        const param = f.SSL_get0_param(ssl);
        const ok = ip
          ? f.X509_VERIFY_PARAM_set1_ip_asc(param, c)
          : f.X509_VERIFY_PARAM_set1_host(param, c, BigInt(c.byteLength - 1));
        if (ok !== 1) raiseQueued("X509_VERIFY_PARAM_set1_host");
      }
    }
    if (serverSide && ctx.post_handshake_auth && ctx.verify_mode !== CERT_NONE) {
      const mode = ossl().SSL_CTX_get_verify_mode(ctx._ptr);
      f.SSL_set_verify(ssl, mode | OSSL.SSL_VERIFY_POST_HANDSHAKE, null);
    }
    if (options.session !== undefined && options.session !== null) {
      if (!(options.session instanceof SSLSession)) {
        throw new TypeError("Value is not a SSLSession.");
      }
      if (serverSide) throw new RangeError("Cannot set session for server-side SSLSocket");
      if (f.SSL_set_session(ssl, options.session._ptr) !== 1) raiseQueued("SSL_set_session");
    }
  } catch (err) {
    e.free();
    throw err;
  }
  return e;
}
