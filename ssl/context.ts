/**
 * `SSLContext` (one `SSL_CTX*`) and `create_default_context`, as CPython's
 * `Lib/ssl.py` and `Modules/_ssl.c`.
 *
 * @module
 */
import { ossl } from "../ffi/libssl.ts";
import { OSSL } from "../constants/openssl.ts";
import { cstr } from "../core/text.ts";
import { annotate, fromErrno } from "../core/errors.ts";
import { integer } from "../core/ints.ts";
import { isBytesLike, toBytes } from "../core/bytes.ts";
import { typeName } from "../core/repr.ts";
import { table } from "../constants/mod.ts";
import type { Socket } from "../socket/socket.ts";
import { ERR_LIB_SYS, errLib, errReason, fromErrCode, raiseQueued, SSLError } from "./errors.ts";
import {
  alpnSelectCallback,
  type CallbackContext,
  forgetContext,
  keylogCallback,
  registerContext,
  servernameCallback,
  withPassword,
} from "./_callbacks.ts";
import { SSLSocket } from "./socket.ts";
import { type MemoryBIO, SSLObject } from "./object.ts";
import type { EngineOptions, WrapSocketOptions } from "./_setup.ts";
import {
  type ASN1Object,
  CERT_NONE,
  CERT_OPTIONAL,
  CERT_REQUIRED,
  PROTOCOL_TLS,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  Purpose,
  TLSVersion,
} from "./constants.ts";

/** Whether an optional argument was left out (null or undefined). */
function absent(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/** CPython's default cipher string (`PY_SSL_DEFAULT_CIPHER_STRING`). */
const DEFAULT_CIPHERS = "DEFAULT:!aNULL:!eNULL:!MD5:!3DES:!DES:!RC4:!IDEA:!SEED:!aDSS:!SRP:!PSK";

interface Handle {
  p: Deno.PointerValue;
}

const finalizer = new FinalizationRegistry<Handle>((h) => {
  if (h.p === null) return;
  forgetContext(h.p);
  ossl().SSL_CTX_free(h.p); // connections hold their own reference
  h.p = null;
});

/** A password for an encrypted key: text, bytes, or a function returning one. */
export type Password = string | Uint8Array | (() => string | Uint8Array);

/** `(sslobj, server_name, context)`: may switch `sslobj.context`; a number is a fatal alert. */
export type SniCallback = (
  sslobj: SSLSocket | SSLObject,
  server_name: string | null,
  context: SSLContext,
) => number | null | undefined | void;

/**
 * A 64-bit flag word (`uint64_t` options, `unsigned long` flags) from JS,
 * given the current one. JS's bitwise operators work on 32 bits (and give a
 * negative number when bit 31 is set): so a number from -2^31 to 2^32
 * replaces the low 32 bits (as unsigned) and keeps the current high ones;
 * a larger number, or a bigint, is the whole word.
 */
function flagWord(v: unknown, cur: bigint, what: string): bigint {
  const n = integer(v, what);
  if (typeof v === "bigint" || n >= 2n ** 32n) {
    if (n < 0n) throw new RangeError(`${what}: can't convert negative int to unsigned`);
    if (n >= 2n ** 64n) throw new RangeError(`${what}: int too big to convert`);
    return n;
  }
  if (n < -(2n ** 31n)) throw new RangeError(`${what}: out of range for 32-bit flags`);
  return (cur & ~0xffffffffn) | (n & 0xffffffffn);
}

/** A Deno file error as our OSError (FileNotFoundError, PermissionError, …), naming the file. */
function osError(e: unknown, what: string, file: string): unknown {
  const code = (e as { code?: unknown })?.code;
  const n = typeof code === "string" ? table.errnoNames[code] : undefined;
  if (n === undefined) return e;
  return annotate(fromErrno(n, what), file, { filename: file });
}

function throwLoadError(what: string, file: string): never {
  const f = ossl();
  // A file that could not be opened leaves a system error (errno) in the
  // queue, under OpenSSL's own: OSError with that errno, as CPython.
  const codes: number[] = [];
  for (
    let e = Number(f.ERR_get_error());
    e !== 0 && codes.length < 64;
    e = Number(f.ERR_get_error())
  ) {
    codes.push(e);
  }
  const sys = codes.find((e) => errLib(e) === ERR_LIB_SYS);
  // The error names the file, as the library's OS errors name their subject.
  if (sys !== undefined) throw annotate(fromErrno(errReason(sys), what), file, { filename: file });
  if (codes.length === 0) throw new SSLError(1, `${what} failed`);
  throw fromErrCode(codes[codes.length - 1]);
}

/**
 * Python's `ssl.SSLContext`: settings, certificates and keys shared by
 * many connections. Corresponds to `SSL_CTX_new(TLS_method())`.
 *
 * @example
 * ```ts
 * import * as ssl from "@libc/socket/ssl";
 * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
 * console.log(ctx.verify_mode === ssl.CERT_REQUIRED, ctx.check_hostname); // true true
 * ```
 */
export class SSLContext {
  #h: Handle;
  #protocol: number;
  #checkHostname = false;
  #pha = false;
  #sni: SniCallback | null = null;
  #keylog: string | null = null;
  #hostflags: number = OSSL.X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
  /**
   * The server's ALPN list, wire format, for the selection callback. Internal.
   *
   * @ignore
   */
  alpnWire: Uint8Array | null = null;

  /**
   * Makes the context: `SSL_CTX_new(TLS_method())` with CPython's defaults.
   *
   * @param protocol `PROTOCOL_TLS_CLIENT`, `PROTOCOL_TLS_SERVER` (or the deprecated `PROTOCOL_TLS`).
   */
  constructor(protocol: number = PROTOCOL_TLS) {
    if (![PROTOCOL_TLS, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER].includes(protocol)) {
      throw new RangeError(`invalid or unsupported protocol version ${protocol}`);
    }
    const f = ossl();
    f.ERR_clear_error();
    const p = f.SSL_CTX_new(f.TLS_method());
    if (p === null) raiseQueued("SSL_CTX_new");
    this.#h = { p };
    this.#protocol = protocol;
    finalizer.register(this, this.#h, this);
    registerContext(p, this as CallbackContext);
    // CPython's defaults.
    // In bigints: JS's bitwise operators would turn bit 31 into a sign.
    const B = (name: keyof typeof OSSL) => BigInt(OSSL[name]);
    const ops = (B("SSL_OP_ALL") & ~B("SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS")) |
      B("SSL_OP_NO_SSLv2") | B("SSL_OP_NO_SSLv3") | B("SSL_OP_NO_COMPRESSION") |
      B("SSL_OP_CIPHER_SERVER_PREFERENCE") | B("SSL_OP_SINGLE_DH_USE") |
      B("SSL_OP_SINGLE_ECDH_USE") | B("SSL_OP_ENABLE_MIDDLEBOX_COMPAT");
    f.SSL_CTX_set_options(p, ops);
    // A retried write may come from another address (after an await).
    f.SSL_CTX_ctrl(p, OSSL.SSL_CTRL_MODE, BigInt(OSSL.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), null);
    if (f.SSL_CTX_set_cipher_list(p, cstr(DEFAULT_CIPHERS)) !== 1) raiseQueued("set_ciphers");
    f.SSL_CTX_ctrl(p, OSSL.SSL_CTRL_SET_MIN_PROTO_VERSION, BigInt(OSSL.TLS1_2_VERSION), null);
    const sid = new TextEncoder().encode("Python");
    f.SSL_CTX_set_session_id_context(p, sid, sid.byteLength);
    f.X509_VERIFY_PARAM_set_hostflags(f.SSL_CTX_get0_param(p), this.#hostflags);
    f.SSL_CTX_callback_ctrl(p, OSSL.SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, servernameCallback());
    f.SSL_CTX_set_alpn_select_cb(p, alpnSelectCallback(), null);
    if (protocol === PROTOCOL_TLS_CLIENT) {
      this.#checkHostname = true;
      this.#setVerify(CERT_REQUIRED);
    } else {
      this.#setVerify(CERT_NONE);
    }
    f.ERR_clear_error();
  }

  /**
   * The live `SSL_CTX*`. Internal.
   *
   * @ignore
   */
  get _ptr(): Deno.PointerValue {
    return this.#h.p;
  }

  /** The protocol given to the constructor. */
  get protocol(): number {
    return this.#protocol;
  }

  // ---------------------------------------------------------------------------
  // Verification

  #setVerify(mode: number): void {
    const m = mode === CERT_NONE
      ? OSSL.SSL_VERIFY_NONE
      : mode === CERT_OPTIONAL
      ? OSSL.SSL_VERIFY_PEER
      : OSSL.SSL_VERIFY_PEER | OSSL.SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    ossl().SSL_CTX_set_verify(this.#h.p, m, null);
  }

  /** `CERT_NONE`, `CERT_OPTIONAL` or `CERT_REQUIRED` (`SSL_CTX_set_verify`). */
  get verify_mode(): number {
    const m = ossl().SSL_CTX_get_verify_mode(this.#h.p);
    if ((m & OSSL.SSL_VERIFY_PEER) === 0) return CERT_NONE;
    return (m & OSSL.SSL_VERIFY_FAIL_IF_NO_PEER_CERT) ? CERT_REQUIRED : CERT_OPTIONAL;
  }
  set verify_mode(mode: number) {
    if (![CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED].includes(mode)) {
      throw new RangeError("invalid value for verify_mode");
    }
    if (mode === CERT_NONE && this.#checkHostname) {
      throw new RangeError(
        "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.",
      );
    }
    this.#setVerify(mode);
  }

  /** Whether the peer's certificate must match `server_hostname`. */
  get check_hostname(): boolean {
    return this.#checkHostname;
  }
  set check_hostname(v: boolean) {
    if (v && this.verify_mode === CERT_NONE) this.#setVerify(CERT_REQUIRED);
    this.#checkHostname = !!v;
  }

  /**
   * Whether the subject's commonName is checked when the certificate has no
   * subjectAltName of the right kind (`X509_CHECK_FLAG_NEVER_CHECK_SUBJECT`
   * cleared); true by default, as CPython 3.11 with OpenSSL 3 reports it.
   */
  get hostname_checks_common_name(): boolean {
    return (this.#hostflags & OSSL.X509_CHECK_FLAG_NEVER_CHECK_SUBJECT) === 0;
  }
  set hostname_checks_common_name(v: boolean) {
    const never = OSSL.X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;
    this.#hostflags = v ? this.#hostflags & ~never : this.#hostflags | never;
    ossl().X509_VERIFY_PARAM_set_hostflags(ossl().SSL_CTX_get0_param(this.#h.p), this.#hostflags);
  }

  /** `X509_V_FLAG_*` bits of verification (`VERIFY_CRL_CHECK_LEAF`, …). */
  get verify_flags(): number {
    return Number(ossl().X509_VERIFY_PARAM_get_flags(ossl().SSL_CTX_get0_param(this.#h.p)));
  }
  set verify_flags(v: number | bigint) {
    const f = ossl();
    const param = f.SSL_CTX_get0_param(this.#h.p);
    const cur = f.X509_VERIFY_PARAM_get_flags(param);
    const want = flagWord(v, cur, "verify_flags");
    f.X509_VERIFY_PARAM_clear_flags(param, cur & ~want);
    f.X509_VERIFY_PARAM_set_flags(param, want & ~cur);
  }

  /** Post-handshake client authentication (TLS 1.3). */
  get post_handshake_auth(): boolean {
    return this.#pha;
  }
  set post_handshake_auth(v: boolean) {
    ossl().SSL_CTX_set_post_handshake_auth(this.#h.p, v ? 1 : 0);
    this.#pha = !!v;
  }

  // ---------------------------------------------------------------------------
  // Protocol settings

  /**
   * `SSL_OP_*` flags (`SSL_CTX_set_options`/`clear_options`). JS's bitwise
   * operators work on 32 bits: a number from them (negative when bit 31 is
   * set, as in `ctx.options |= OP_NO_TICKET`) sets the low 32 bits and keeps
   * the others; a bigint (or a number of 2^32 and more) sets all 64.
   */
  get options(): number {
    return Number(ossl().SSL_CTX_get_options(this.#h.p));
  }
  set options(v: number | bigint) {
    const f = ossl();
    const cur = f.SSL_CTX_get_options(this.#h.p);
    const want = flagWord(v, cur, "options");
    const clear = cur & ~want;
    const set = want & ~cur;
    if (clear) f.SSL_CTX_clear_options(this.#h.p, clear);
    if (set) f.SSL_CTX_set_options(this.#h.p, set);
  }

  #version(get: number): number {
    const v = Number(ossl().SSL_CTX_ctrl(this.#h.p, get, 0n, null));
    if (v !== 0) return v;
    return get === OSSL.SSL_CTRL_GET_MIN_PROTO_VERSION
      ? TLSVersion.MINIMUM_SUPPORTED
      : TLSVersion.MAXIMUM_SUPPORTED;
  }

  #setVersion(set: number, v: number): void {
    const wire = v === TLSVersion.MINIMUM_SUPPORTED || v === TLSVersion.MAXIMUM_SUPPORTED ? 0 : v;
    if (!Object.values(TLSVersion).includes(v)) {
      throw new RangeError(`Unsupported TLS/SSL version 0x${v.toString(16)}`);
    }
    if (Number(ossl().SSL_CTX_ctrl(this.#h.p, set, BigInt(wire), null)) !== 1) {
      throw new RangeError(`Unsupported protocol version 0x${v.toString(16)}`);
    }
  }

  /** The lowest TLS version allowed (`TLSVersion`; `SSL_CTX_set_min_proto_version`). */
  get minimum_version(): number {
    return this.#version(OSSL.SSL_CTRL_GET_MIN_PROTO_VERSION);
  }
  set minimum_version(v: number) {
    this.#setVersion(OSSL.SSL_CTRL_SET_MIN_PROTO_VERSION, v);
  }

  /** The highest TLS version allowed (`SSL_CTX_set_max_proto_version`). */
  get maximum_version(): number {
    return this.#version(OSSL.SSL_CTRL_GET_MAX_PROTO_VERSION);
  }
  set maximum_version(v: number) {
    this.#setVersion(OSSL.SSL_CTRL_SET_MAX_PROTO_VERSION, v);
  }

  /** OpenSSL's security level (`SSL_CTX_get_security_level`). */
  get security_level(): number {
    return ossl().SSL_CTX_get_security_level(this.#h.p);
  }

  /** TLS 1.3 session tickets a server sends (`SSL_CTX_set_num_tickets`). */
  get num_tickets(): number {
    return Number(ossl().SSL_CTX_get_num_tickets(this.#h.p));
  }
  set num_tickets(n: number) {
    if (integer(n, "num_tickets") < 0n) throw new RangeError("value must be non-negative");
    if (integer(n, "num_tickets") > 2n ** 53n) throw new RangeError("num_tickets is too large");
    if (this.#protocol !== PROTOCOL_TLS_SERVER) {
      throw new RangeError("SSLContext is not a server context.");
    }
    ossl().SSL_CTX_set_num_tickets(this.#h.p, integer(n, "num_tickets"));
  }

  /**
   * Sets the TLS 1.2 cipher list (`SSL_CTX_set_cipher_list`).
   *
   * @throws {SSLError} "No cipher can be selected." when none matches.
   */
  set_ciphers(ciphers: string): void {
    const f = ossl();
    f.ERR_clear_error();
    if (f.SSL_CTX_set_cipher_list(this.#h.p, cstr(ciphers, "cipherlist")) !== 1) {
      f.ERR_clear_error();
      throw new SSLError(1, "No cipher can be selected.");
    }
  }

  /**
   * The protocols to offer (client) or accept (server) with ALPN, in
   * preference order (`SSL_CTX_set_alpn_protos`; the server selects in a
   * callback).
   */
  set_alpn_protocols(protocols: Iterable<string>): void {
    if (typeof protocols === "string" || typeof protocols?.[Symbol.iterator] !== "function") {
      throw new TypeError(`protocols must be an iterable of strings, not ${typeName(protocols)}`);
    }
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const p of protocols) {
      if (typeof p !== "string") {
        throw new TypeError(`an ALPN protocol must be a string, not ${typeName(p)}`);
      }
      const b = new TextEncoder().encode(p);
      if (b.length === 0 || b.length > 255) {
        throw new RangeError("ALPN protocols must be 1 to 255 in length");
      }
      // The extension's list has a 16-bit length: an endless iterable stops here.
      total += 1 + b.length;
      if (total > 0xffff) throw new RangeError("the ALPN protocol list is longer than 65535 bytes");
      parts.push(Uint8Array.of(b.length), b);
    }
    const wire = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    let off = 0;
    for (const b of parts) {
      wire.set(b, off);
      off += b.length;
    }
    if (ossl().SSL_CTX_set_alpn_protos(this.#h.p, wire, wire.byteLength) !== 0) {
      throw new Error("SSL_CTX_set_alpn_protos failed (out of memory?)");
    }
    this.alpnWire = wire;
  }

  /**
   * Called during a server handshake with the client's SNI name; may switch
   * the connection's `context`. A thrown exception fails the handshake (it
   * becomes the `cause` of the handshake's error).
   */
  get sni_callback(): SniCallback | null {
    return this.#sni;
  }
  set sni_callback(fn: SniCallback | null) {
    if (fn !== null && typeof fn !== "function") throw new TypeError("not a callable object");
    if (this.#protocol === PROTOCOL_TLS_CLIENT) {
      throw new RangeError("sni_callback cannot be set on TLS_CLIENT context");
    }
    this.#sni = fn;
  }

  /** Appends TLS secrets in NSS key log format to this file (`SSL_CTX_set_keylog_callback`). */
  get keylog_filename(): string | null {
    return this.#keylog;
  }
  set keylog_filename(file: string | null) {
    const f = ossl();
    if (file === null) {
      f.SSL_CTX_set_keylog_callback(this.#h.p, null);
      this.#keylog = null;
      return;
    }
    if (typeof file !== "string") {
      throw new TypeError(`keylog_filename must be a string or null, not ${typeName(file)}`);
    }
    cstr(file, "keylog_filename"); // no NUL (RangeError)
    let fresh = true;
    try {
      fresh = Deno.statSync(file).size === 0;
    } catch { /* created below */ }
    try {
      Deno.writeTextFileSync(
        file,
        fresh ? "# TLS secrets log file, generated by OpenSSL / Python\n" : "",
        { append: true },
      );
    } catch (e) {
      throw osError(e, "keylog_filename", file);
    }
    this.#keylog = file;
    f.SSL_CTX_set_keylog_callback(this.#h.p, keylogCallback());
  }

  // ---------------------------------------------------------------------------
  // Certificates

  /**
   * Loads this end's certificate chain and private key
   * (`SSL_CTX_use_certificate_chain_file`, `SSL_CTX_use_PrivateKey_file`,
   * `SSL_CTX_check_private_key`).
   *
   * @param certfile PEM: the certificate, then its chain (and the key, if no `keyfile`).
   * @param keyfile PEM private key (default: in `certfile`).
   * @param password For an encrypted key.
   */
  load_cert_chain(certfile: string, keyfile?: string | null, password?: Password | null): void {
    const f = ossl();
    const p = this.#h.p;
    const pw = password === undefined || password === null
      ? () => {
        throw new SSLError(1, "the private key is encrypted and no password was given");
      }
      : typeof password === "function"
      ? password
      : () => password;
    withPassword(p, pw, () => {
      f.ERR_clear_error();
      if (f.SSL_CTX_use_certificate_chain_file(p, cstr(certfile, "certfile")) !== 1) {
        throwLoadError("load_cert_chain", certfile);
      }
      const key = cstr(keyfile ?? certfile, "keyfile");
      if (f.SSL_CTX_use_PrivateKey_file(p, key, OSSL.SSL_FILETYPE_PEM) !== 1) {
        throwLoadError("load_cert_chain", keyfile ?? certfile);
      }
      if (f.SSL_CTX_check_private_key(p) !== 1) raiseQueued("load_cert_chain");
    });
  }

  /**
   * Loads CA certificates to verify peers with
   * (`SSL_CTX_load_verify_locations`; `cadata` through `PEM_read_bio_X509`
   * or `d2i_X509` into the context's store).
   */
  load_verify_locations(
    cafile?: string | null,
    capath?: string | null,
    cadata?: string | Uint8Array | null,
  ): void {
    if (absent(cafile) && absent(capath) && absent(cadata)) {
      throw new TypeError("cafile, capath and cadata cannot be all omitted");
    }
    const f = ossl();
    if (!absent(cadata)) this.#loadCadata(cadata);
    if (!absent(cafile) || !absent(capath)) {
      f.ERR_clear_error();
      const r = f.SSL_CTX_load_verify_locations(
        this.#h.p,
        absent(cafile) ? null : cstr(cafile, "cafile"),
        absent(capath) ? null : cstr(capath, "capath"),
      );
      if (r !== 1) throwLoadError("load_verify_locations", (absent(cafile) ? capath : cafile)!);
    }
  }

  #loadCadata(cadata: string | Uint8Array): void {
    const f = ossl();
    const store = f.SSL_CTX_get_cert_store(this.#h.p);
    const certs: Deno.PointerValue[] = [];
    f.ERR_clear_error();
    if (typeof cadata === "string") {
      const bytes = new TextEncoder().encode(cadata);
      const bio = f.BIO_new_mem_buf(bytes, bytes.byteLength);
      try {
        for (;;) {
          const x = f.PEM_read_bio_X509(bio, null, null, null);
          if (x === null) break;
          certs.push(x);
        }
      } finally {
        f.BIO_free(bio);
      }
      f.ERR_clear_error(); // the end of input reads as "no start line"
      if (certs.length === 0) {
        throw new SSLError(1, "no start line: cadata does not contain a certificate");
      }
    } else {
      if (!isBytesLike(cadata)) {
        throw new TypeError(
          `cadata should be a string or a bytes-like object, not ${typeName(cadata)}`,
        );
      }
      const bytes = toBytes(cadata, "cadata").slice(); // a private copy the parser walks
      const base = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
      const pp = new BigUint64Array([base]);
      const ppBytes = new Uint8Array(pp.buffer);
      while (pp[0] - base < BigInt(bytes.byteLength)) {
        const left = BigInt(bytes.byteLength) - (pp[0] - base);
        const x = f.d2i_X509(null, ppBytes, left);
        if (x === null) {
          for (const c of certs) f.X509_free(c);
          f.ERR_clear_error();
          throw new SSLError(1, "not enough data: cadata does not contain a certificate");
        }
        certs.push(x);
      }
      if (certs.length === 0) {
        throw new SSLError(1, "not enough data: cadata does not contain a certificate");
      }
    }
    for (const x of certs) {
      f.X509_STORE_add_cert(store, x); // a duplicate is not an error
      f.X509_free(x);
    }
    f.ERR_clear_error();
  }

  /** OpenSSL's default CA locations (`SSL_CTX_set_default_verify_paths`). */
  set_default_verify_paths(): void {
    const f = ossl();
    f.ERR_clear_error();
    if (f.SSL_CTX_set_default_verify_paths(this.#h.p) !== 1) {
      raiseQueued("set_default_verify_paths");
    }
  }

  /** Loads the system's CA certificates (OpenSSL's default paths). */
  load_default_certs(purpose: ASN1Object = Purpose.SERVER_AUTH): void {
    if (purpose !== Purpose.SERVER_AUTH && purpose !== Purpose.CLIENT_AUTH) {
      throw new TypeError("purpose must be ssl.Purpose.SERVER_AUTH or CLIENT_AUTH");
    }
    this.set_default_verify_paths();
  }

  // ---------------------------------------------------------------------------
  // Wrapping

  /**
   * Wraps a connected (or to-be-connected) stream socket: `sock` is
   * detached, and the returned `SSLSocket` owns its descriptor. With
   * `do_handshake_on_connect` (default), a connected socket handshakes now.
   */
  wrap_socket(sock: Socket, options: WrapSocketOptions = {}): SSLSocket {
    return SSLSocket._create(sock, this, options);
  }

  /** Wraps two memory BIOs: TLS over any transport the caller drives. */
  wrap_bio(incoming: MemoryBIO, outgoing: MemoryBIO, options: EngineOptions = {}): SSLObject {
    return SSLObject._create(incoming, outgoing, this, options);
  }
}

/** The keyword options of {@linkcode create_default_context}. */
export interface DefaultContextOptions {
  /** A PEM file of CA certificates. */
  cafile?: string | null;
  /** A directory of hashed CA certificates. */
  capath?: string | null;
  /** CA certificates: PEM text or DER bytes. */
  cadata?: string | Uint8Array | null;
}

/**
 * A context with secure defaults, as Python's `ssl.create_default_context`:
 * for `Purpose.SERVER_AUTH` (a client) verification and hostname checks on,
 * TLS 1.2 or later; the given CAs, else the system's.
 *
 * @example
 * ```ts
 * import * as ssl from "@libc/socket/ssl";
 * const ctx = ssl.create_default_context();
 * console.log(ctx.check_hostname, ctx.minimum_version === ssl.TLSVersion.TLSv1_2); // true true
 * ```
 */
export function create_default_context(
  purpose: ASN1Object = Purpose.SERVER_AUTH,
  options: DefaultContextOptions = {},
): SSLContext {
  let ctx: SSLContext;
  if (purpose === Purpose.SERVER_AUTH) ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  else if (purpose === Purpose.CLIENT_AUTH) ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  else throw new TypeError("purpose must be ssl.Purpose.SERVER_AUTH or CLIENT_AUTH");
  const { cafile, capath, cadata } = options;
  if (!absent(cafile) || !absent(capath) || !absent(cadata)) { // null or undefined
    ctx.load_verify_locations(cafile, capath, cadata);
  } else if (ctx.verify_mode !== CERT_NONE) {
    ctx.load_default_certs(purpose);
  }
  return ctx;
}
