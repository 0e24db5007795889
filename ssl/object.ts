/**
 * `MemoryBIO` and `SSLObject`: TLS over memory buffers, for transports the
 * caller drives (STARTTLS over an existing exchange, a custom framing, an
 * async library). The same engine as `SSLSocket`, with `SSL_set_bio` on two
 * memory BIOs instead of the descriptor; WANT_READ/WANT_WRITE reach the
 * caller as `SSLWantReadError`/`SSLWantWriteError`, as in Python.
 *
 * @module
 */
import { ossl } from "../ffi/libssl.ts";
import { contextPointer } from "./_callbacks.ts";
import { OSSL } from "../constants/openssl.ts";
import { type Data, toBytes } from "../core/bytes.ts";
import { int } from "../core/ints.ts";
import { readInto, readSize } from "./_args.ts";
import { type Engine, WANT_READ } from "./_engine.ts";
import { type ContextCore, type EngineOptions, newEngine } from "./_setup.ts";
import { raiseQueued, SSLError, SSLZeroReturnError, wantError } from "./errors.ts";
import * as info from "./_info.ts";
import type { PeerCertificate } from "./der.ts";
import { sessionOf, type SSLSession } from "./session.ts";
import { CERT_NONE } from "./constants.ts";

interface BioHandle {
  p: Deno.PointerValue;
}

const bioFinalizer = new FinalizationRegistry<BioHandle>((h) => {
  if (h.p !== null) ossl().BIO_free(h.p);
  h.p = null;
});

/**
 * A memory buffer OpenSSL reads from or writes to, as Python's
 * `ssl.MemoryBIO` (`BIO_new(BIO_s_mem())`).
 *
 * @example
 * ```ts
 * import { MemoryBIO } from "@libc/socket/ssl";
 * const bio = new MemoryBIO();
 * bio.write(new Uint8Array([1, 2, 3]));
 * console.log(bio.pending, bio.read()); // 3 Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export class MemoryBIO {
  #h: BioHandle;
  #eof = false;

  /** Makes an empty buffer. */
  constructor() {
    const f = ossl();
    const p = f.BIO_new(f.BIO_s_mem());
    if (p === null) throw new Error("BIO_new failed (out of memory?)");
    // An empty buffer reads as "retry", not EOF, until write_eof().
    f.BIO_ctrl(p, OSSL.BIO_C_SET_BUF_MEM_EOF_RETURN, -1n, null);
    this.#h = { p };
    bioFinalizer.register(this, this.#h, this);
  }

  /**
   * The `BIO*`. Internal.
   *
   * @ignore
   */
  get _ptr(): Deno.PointerValue {
    return this.#h.p;
  }

  /** Bytes buffered (`BIO_ctrl_pending`). */
  get pending(): number {
    return Number(ossl().BIO_ctrl(this.#h.p, OSSL.BIO_CTRL_PENDING, 0n, null));
  }

  /** Whether `write_eof()` was called and everything has been read. */
  get eof(): boolean {
    return this.#eof && this.pending === 0;
  }

  /** Takes up to `size` buffered bytes (all by default) (`BIO_read`). */
  read(size = -1): Uint8Array {
    const want = int(size, "size");
    const avail = this.pending;
    const n = want < 0 || want > avail ? avail : want;
    if (n === 0) return new Uint8Array(0);
    const out = new Uint8Array(n);
    const r = ossl().BIO_read(this.#h.p, out, Math.min(n, 0x7fffffff));
    return r <= 0 ? new Uint8Array(0) : r === n ? out : out.slice(0, r);
  }

  /** Appends `data` (`BIO_write`); returns its length. */
  write(data: Data): number {
    const bytes = toBytes(data);
    if (this.#eof) throw new SSLError(1, "cannot write() after write_eof()");
    if (bytes.byteLength === 0) return 0;
    if (bytes.byteLength > 0x7fffffff) throw new RangeError("string longer than 2147483647 bytes");
    const r = ossl().BIO_write(this.#h.p, bytes, bytes.byteLength);
    if (r !== bytes.byteLength) throw new SSLError(1, "BIO_write failed (out of memory?)");
    return r;
  }

  /** Marks the end of input: once drained, reads see EOF. */
  write_eof(): void {
    this.#eof = true;
    ossl().BIO_ctrl(this.#h.p, OSSL.BIO_C_SET_BUF_MEM_EOF_RETURN, 0n, null);
  }
}

const TOKEN = Symbol("SSLObject");

/**
 * Python's `ssl.SSLObject`, made by `SSLContext.wrap_bio`: the TLS state
 * machine without I/O. Feed what the peer sent into `incoming`, send what
 * appears in `outgoing`; a step that needs more input throws
 * `SSLWantReadError`.
 */
export class SSLObject {
  #e: Engine | null;
  #ctx: ContextCore;
  #serverSide: boolean;

  /**
   * Use `SSLContext.wrap_bio`. Internal.
   *
   * @ignore
   */
  constructor(token: symbol, e: Engine, ctx: ContextCore, serverSide: boolean) {
    if (token !== TOKEN) throw new TypeError("SSLObject has no public constructor: use wrap_bio");
    this.#e = e;
    this.#ctx = ctx;
    this.#serverSide = serverSide;
    e.owner = new WeakRef(this);
  }

  /**
   * @ignore
   */
  static _create(
    incoming: MemoryBIO,
    outgoing: MemoryBIO,
    ctx: ContextCore,
    options: EngineOptions,
  ): SSLObject {
    if (!(incoming instanceof MemoryBIO) || !(outgoing instanceof MemoryBIO)) {
      throw new TypeError("incoming and outgoing must be MemoryBIO objects");
    }
    const e = newEngine(ctx, options);
    const f = ossl();
    // SSL_set_bio takes one reference of each; the MemoryBIOs keep theirs.
    f.BIO_up_ref(incoming._ptr);
    f.BIO_up_ref(outgoing._ptr);
    f.SSL_set_bio(e.ssl, incoming._ptr, outgoing._ptr);
    return new SSLObject(TOKEN, e, ctx, options.server_side === true);
  }

  #engine(): Engine {
    if (this.#e === null) throw new RangeError("the SSL object was unwrapped");
    return this.#e;
  }

  #step(r: number): number {
    if (r >= 0) return r;
    throw wantError(r === WANT_READ);
  }

  /** One handshake step (`SSL_do_handshake`); `SSLWantReadError` until done. */
  do_handshake(): void {
    this.#step(this.#engine().handshake());
  }

  /** Reads up to `len` decrypted bytes (`SSL_read_ex`); empty at a clean EOF. */
  read(len?: number, buffer?: null): Uint8Array;
  /** Reads into `buffer` (`SSL_read_ex`) and returns the count. */
  read(len: number, buffer: ArrayBufferView | ArrayBuffer): number;
  /** Bytes without `buffer`, a count with one. */
  read(len?: number, buffer?: ArrayBufferView | ArrayBuffer | null): Uint8Array | number;
  read(len = 1024, buffer?: ArrayBufferView | ArrayBuffer | null): Uint8Array | number {
    const into = buffer !== undefined && buffer !== null;
    const view = into ? readInto(len, buffer) : new Uint8Array(readSize(len));
    const e = this.#engine();
    if (view.byteLength === 0) return into ? 0 : view;
    let got: number;
    try {
      got = this.#step(e.read(view));
    } catch (err) {
      if (!(err instanceof SSLZeroReturnError)) throw err;
      got = 0;
    }
    if (into) return got;
    return got === view.byteLength ? view : view.slice(0, got);
  }

  /** Encrypts `data` into the outgoing BIO (`SSL_write_ex`); returns its length. */
  write(data: Data): number {
    const bytes = toBytes(data);
    if (bytes.byteLength === 0) return 0;
    return this.#step(this.#engine().write(bytes));
  }

  /** Sends close_notify and reads the peer's (`SSL_shutdown`); `SSLWantReadError` until it arrives. */
  unwrap(): void {
    this.#step(this.#engine().shutdown());
    this.#e?.free();
    this.#e = null;
  }

  /** Asks the client for a certificate after the handshake (`SSL_verify_client_post_handshake`). */
  verify_client_post_handshake(): void {
    const f = ossl();
    f.ERR_clear_error();
    if (f.SSL_verify_client_post_handshake(this.#engine().ssl) !== 1) {
      raiseQueued("verify_client_post_handshake"); // e.g. EXTENSION_NOT_RECEIVED, as CPython
    }
  }

  /** Always null: OpenSSL 3 has no TLS compression. */
  compression(): string | null {
    return null;
  }

  /** Decrypted bytes ready (`SSL_pending`). */
  pending(): number {
    return this.#e === null ? 0 : this.#e.pending();
  }

  /** The context (settable from an `sni_callback`). */
  get context(): ContextCore {
    return this.#ctx;
  }
  set context(ctx: ContextCore) {
    const p = contextPointer(ctx);
    if (this.#e !== null) ossl().SSL_set_SSL_CTX(this.#e.ssl, p);
    this.#ctx = ctx;
  }

  /** Whether this is the server end. */
  get server_side(): boolean {
    return this.#serverSide;
  }

  /** The name checked against the server's certificate, or null. */
  get server_hostname(): string | null {
    return this.#e?.hostname ?? null;
  }

  /**
   * As `SSLSocket.getpeercert`.
   *
   * @param binary_form Return the DER bytes rather than the dict.
   * @returns The dict (`{}` when unverified), or null without a certificate.
   */
  getpeercert(binary_form?: false): PeerCertificate | null;
  /** The DER bytes of the peer's certificate, or null without one. */
  getpeercert(binary_form: true): Uint8Array | null;
  /** Either form, by a flag only known at run time. */
  getpeercert(binary_form: boolean): PeerCertificate | Uint8Array | null;
  getpeercert(binary_form = false): PeerCertificate | Uint8Array | null {
    if (!this.#engine().initFinished()) throw new RangeError("handshake not done yet");
    return info.getpeercert(this.#engine(), binary_form, this.#ctx.verify_mode !== CERT_NONE);
  }

  /** The negotiated protocol, or null. */
  version(): string | null {
    return this.#e === null ? null : info.version(this.#e, this.#e.initFinished());
  }

  /** `[name, protocol, bits]`, or null. */
  cipher(): info.CipherTuple | null {
    return this.#e === null || !this.#e.initFinished() ? null : info.cipher(this.#e);
  }

  /** The ciphers both ends support (server side), or null. */
  shared_ciphers(): info.CipherTuple[] | null {
    return this.#e === null ? null : info.sharedCiphers(this.#e);
  }

  /** The ALPN protocol selected, or null. */
  selected_alpn_protocol(): string | null {
    return this.#e === null ? null : info.selectedAlpn(this.#e);
  }

  /** Channel binding data, or null. */
  get_channel_binding(cb_type = "tls-unique"): Uint8Array | null {
    return this.#e === null ? null : info.channelBinding(this.#e, cb_type, this.#e.initFinished());
  }

  /** The session, or null. */
  get session(): SSLSession | null {
    return this.#e === null ? null : sessionOf(ossl().SSL_get1_session(this.#e.ssl));
  }

  /** Whether the session was resumed. */
  get session_reused(): boolean | null {
    return this.#e === null ? null : ossl().SSL_session_reused(this.#e.ssl) === 1;
  }
}
