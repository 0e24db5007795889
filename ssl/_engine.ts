/**
 * The one state machine around an `SSL*`, shared by both transports (the
 * socket's descriptor through `SSL_set_fd`, and memory BIOs). Each step
 * returns a count ("done"), {@linkcode WANT_READ} or {@linkcode WANT_WRITE};
 * every other outcome is thrown as the right SSLError (or `socket.error`).
 * Waiting is the caller's business: `ssl/socket.ts` polls (blocking) or
 * waits on the reactor (async); `ssl/object.ts` hands the WANT_* to its
 * caller as Python's `SSLWantReadError`.
 *
 * Safety:
 * - `ERR_clear_error()` before every operation, so an error read after it
 *   is this operation's;
 * - errno is read right after the call, before anything else calls C;
 * - after {@linkcode Engine.free} the pointer is gone: every step then
 *   throws instead of touching freed memory; a FinalizationRegistry frees
 *   an engine nobody freed.
 *
 * @module
 */
import { ossl } from "../ffi/libssl.ts";
import { errno } from "../ffi/errno.ts";
import { OSSL } from "../constants/openssl.ts";
import { sslFailure } from "./errors.ts";

/** The step needs the transport to become readable. */
export const WANT_READ = -1;
/** The step needs the transport to become writable. */
export const WANT_WRITE = -2;

interface Handle {
  ssl: Deno.PointerValue;
}

const finalizer = new FinalizationRegistry<Handle>((h) => {
  if (h.ssl !== null) {
    live.delete(BigInt(Deno.UnsafePointer.value(h.ssl)));
    ossl().SSL_free(h.ssl);
    h.ssl = null;
  }
});

/** SSL* address → its engine (weakly), for the C callbacks. */
const live = new Map<bigint, WeakRef<Engine>>();

/** The engine of a live `SSL*` (for callbacks), or undefined. */
export function engineOf(ssl: Deno.PointerValue): Engine | undefined {
  if (ssl === null) return undefined;
  return live.get(BigInt(Deno.UnsafePointer.value(ssl)))?.deref();
}

/** Thrown by every step after free(): Python's `ValueError`. */
function freed(): Error {
  return new TypeError("the SSL object was released (closed or unwrapped)");
}

/** One TLS connection's state machine. */
export class Engine {
  #h: Handle;
  #count = new BigUint64Array(1);
  #countBytes = new Uint8Array(this.#count.buffer);
  #sentClose = false;
  #scratch: Uint8Array | undefined;
  /** The object the user holds (SSLSocket or SSLObject), for callbacks. */
  owner: WeakRef<object> | undefined;
  /** The name checked against the certificate (and sent as SNI), or null. */
  hostname: string | null;
  /** Whether this is the server end. */
  readonly serverSide: boolean;
  /** An exception a callback caught, rethrown by the failing step. */
  callbackError: unknown = undefined;

  /**
   * Makes the `SSL*`: `SSL_new(ctx)` then `SSL_set_connect_state` or
   * `SSL_set_accept_state`. The caller attaches the transport.
   */
  constructor(ctx: Deno.PointerValue, serverSide: boolean, hostname: string | null) {
    const f = ossl();
    f.ERR_clear_error();
    const ssl = f.SSL_new(ctx);
    if (ssl === null) throw new Error("SSL_new failed (out of memory?)");
    this.#h = { ssl };
    this.serverSide = serverSide;
    this.hostname = hostname;
    if (serverSide) f.SSL_set_accept_state(ssl);
    else f.SSL_set_connect_state(ssl);
    live.set(BigInt(Deno.UnsafePointer.value(ssl)), new WeakRef(this));
    finalizer.register(this, this.#h, this);
  }

  /** The live `SSL*`; throws once freed. */
  get ssl(): NonNullable<Deno.PointerValue> {
    const p = this.#h.ssl;
    if (p === null) throw freed();
    return p;
  }

  /** Whether {@linkcode free} has run. */
  get freed(): boolean {
    return this.#h.ssl === null;
  }

  /** `SSL_free`: idempotent; every later step throws. */
  free(): void {
    const p = this.#h.ssl;
    if (p === null) return;
    this.#h.ssl = null;
    finalizer.unregister(this);
    live.delete(BigInt(Deno.UnsafePointer.value(p)));
    ossl().SSL_free(p);
  }

  /** Maps a failed call to WANT_READ/WANT_WRITE, or throws its error. */
  #fail(ssl: NonNullable<Deno.PointerValue>, ret: number, syscall: string): number {
    const en = errno(); // first: nothing else may call C before it
    const err = ossl().SSL_get_error(ssl, ret);
    if (err === OSSL.SSL_ERROR_WANT_READ) return WANT_READ;
    if (err === OSSL.SSL_ERROR_WANT_WRITE) return WANT_WRITE;
    const cb = this.callbackError;
    if (cb !== undefined) {
      this.callbackError = undefined;
      ossl().ERR_clear_error();
      throw cb;
    }
    throw sslFailure(ssl, ret, err, en, this.hostname, syscall);
  }

  /** One `SSL_do_handshake` step: 0 when done, or WANT_*. */
  handshake(): number {
    const ssl = this.ssl;
    const f = ossl();
    f.ERR_clear_error();
    const r = f.SSL_do_handshake(ssl);
    if (r === 1) return 0;
    return this.#fail(ssl, r, "SSL_do_handshake");
  }

  /**
   * One `SSL_read_ex` into `buf` (non-empty): the count read (> 0), or
   * WANT_*. A close_notify from the peer throws `SSLZeroReturnError`.
   */
  read(buf: Uint8Array): number {
    const ssl = this.ssl;
    const f = ossl();
    f.ERR_clear_error();
    this.#count[0] = 0n;
    const r = f.SSL_read_ex(ssl, buf, BigInt(buf.byteLength), this.#countBytes);
    if (r === 1) return Number(this.#count[0]);
    return this.#fail(ssl, r, "SSL_read");
  }

  /** One `SSL_write_ex` of `buf` (non-empty): the count written (> 0), or WANT_*. */
  write(buf: Uint8Array): number {
    const ssl = this.ssl;
    const f = ossl();
    f.ERR_clear_error();
    this.#count[0] = 0n;
    const r = f.SSL_write_ex(ssl, buf, BigInt(buf.byteLength), this.#countBytes);
    if (r === 1) return Number(this.#count[0]);
    return this.#fail(ssl, r, "SSL_write");
  }

  /** Whether the handshake has completed (`SSL_is_init_finished`). */
  initFinished(): boolean {
    return ossl().SSL_is_init_finished(this.ssl) === 1;
  }

  /**
   * Sends our close_notify and nothing more (`SSL_shutdown` once): the write
   * half of the TLS stream ends, reading goes on. 0 once sent (or earlier),
   * or WANT_*.
   */
  closeNotify(): number {
    if (this.#sentClose) return 0;
    const ssl = this.ssl;
    const f = ossl();
    f.ERR_clear_error();
    const r = f.SSL_shutdown(ssl);
    if (r < 0) return this.#fail(ssl, r, "SSL_shutdown");
    this.#sentClose = true;
    return 0;
  }

  /**
   * One step of a full close: `SSL_shutdown` sends our close_notify, then
   * the peer's is read (records before it, e.g. TLS 1.3 session tickets or
   * late data, are read and dropped: unread, they would make `close()` send
   * a reset). 0 when both close_notify have passed, or WANT_*.
   */
  shutdown(): number {
    const ssl = this.ssl;
    const f = ossl();
    if (!this.#sentClose) {
      f.ERR_clear_error();
      const r = f.SSL_shutdown(ssl);
      if (r === 1) return 0;
      if (r < 0) return this.#fail(ssl, r, "SSL_shutdown");
      this.#sentClose = true;
    }
    this.#scratch ??= new Uint8Array(16384);
    for (;;) {
      f.ERR_clear_error();
      const r = f.SSL_read_ex(
        ssl,
        this.#scratch,
        BigInt(this.#scratch.byteLength),
        this.#countBytes,
      );
      if (r === 1) continue;
      const en = errno();
      const err = f.SSL_get_error(ssl, r);
      if (err === OSSL.SSL_ERROR_ZERO_RETURN) {
        f.ERR_clear_error();
        return 0;
      }
      if (err === OSSL.SSL_ERROR_WANT_READ) return WANT_READ;
      if (err === OSSL.SSL_ERROR_WANT_WRITE) return WANT_WRITE;
      throw sslFailure(ssl, r, err, en, this.hostname, "SSL_shutdown");
    }
  }

  /** `SSL_pending`: decrypted bytes ready to read without touching the transport. */
  pending(): number {
    return ossl().SSL_pending(this.ssl);
  }

  /**
   * `SSL_has_pending`: anything buffered (decrypted, or raw record bytes
   * read ahead). An edge-triggered wait must not start while this is true.
   */
  hasPending(): boolean {
    return ossl().SSL_has_pending(this.ssl) === 1;
  }

  /** Whether the peer's close_notify has been received (`SSL_get_shutdown`). */
  receivedShutdown(): boolean {
    return (ossl().SSL_get_shutdown(this.ssl) & OSSL.SSL_RECEIVED_SHUTDOWN) !== 0;
  }
}
