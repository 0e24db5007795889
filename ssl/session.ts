/**
 * `SSLSession`: a TLS session to resume, holding one reference to an
 * `SSL_SESSION*` (`SSL_get1_session`), released by a FinalizationRegistry.
 *
 * @module
 */
import { ossl } from "../ffi/libssl.ts";

interface Handle {
  p: Deno.PointerValue;
}

const finalizer = new FinalizationRegistry<Handle>((h) => {
  if (h.p !== null) ossl().SSL_SESSION_free(h.p);
  h.p = null;
});

const TOKEN = Symbol("SSLSession");

/**
 * A TLS session, as Python's `ssl.SSLSession`: from `SSLSocket.session`,
 * given to `wrap_socket(…, { session })` to resume it.
 *
 * @example
 * ```ts ignore
 * using first = ctx.wrap_socket(sock1, { server_hostname: "localhost" });
 * using again = ctx.wrap_socket(sock2, { server_hostname: "localhost", session: first.session });
 * console.log(again.session_reused);
 * ```
 */
export class SSLSession {
  #h: Handle;

  /**
   * Use `SSLSocket.session`. Internal.
   *
   * @ignore
   */
  constructor(token: symbol, p: Deno.PointerValue) {
    if (token !== TOKEN || p === null) throw new TypeError("SSLSession has no public constructor");
    this.#h = { p };
    finalizer.register(this, this.#h, this);
  }

  /**
   * The live `SSL_SESSION*`. Internal.
   *
   * @ignore
   */
  get _ptr(): Deno.PointerValue {
    return this.#h.p;
  }

  /** The session id. */
  get id(): Uint8Array {
    const len = new Uint32Array(1);
    const p = ossl().SSL_SESSION_get_id(this.#h.p, new Uint8Array(len.buffer));
    if (p === null || len[0] === 0) return new Uint8Array(0);
    return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p, len[0])).slice();
  }

  /** When the session was made, in seconds since the Epoch. */
  get time(): number {
    return Number(ossl().SSL_SESSION_get_time(this.#h.p));
  }

  /** Its lifetime in seconds. */
  get timeout(): number {
    return Number(ossl().SSL_SESSION_get_timeout(this.#h.p));
  }

  /** Whether it carries a session ticket. */
  get has_ticket(): boolean {
    return ossl().SSL_SESSION_has_ticket(this.#h.p) === 1;
  }

  /** The ticket's lifetime hint in seconds (`SSL_SESSION_get_ticket_lifetime_hint`). */
  get ticket_lifetime_hint(): number {
    return Number(ossl().SSL_SESSION_get_ticket_lifetime_hint(this.#h.p));
  }
}

/** A `BigUint64Array` holding the address of `buf`: C's `unsigned char **`. */
function cursor(buf: Uint8Array): Uint8Array {
  const pp = new BigUint64Array([BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)))]);
  return new Uint8Array(pp.buffer);
}

/**
 * A copy (`i2d_SSL_SESSION` then `d2i_SSL_SESSION`) of the session `p`, an
 * owned reference that is released: as CPython does, so that what happens
 * to the connection later (a close without close_notify makes OpenSSL mark
 * its session not resumable) does not reach the session handed out.
 * Null for null.
 */
export function sessionOf(p: Deno.PointerValue): SSLSession | null {
  if (p === null) return null;
  const f = ossl();
  try {
    const n = f.i2d_SSL_SESSION(p, null);
    if (n <= 0) return null;
    const der = new Uint8Array(n);
    if (f.i2d_SSL_SESSION(p, cursor(der)) !== n) return null;
    const copy = f.d2i_SSL_SESSION(null, cursor(der), BigInt(n));
    return copy === null ? null : new SSLSession(TOKEN, copy);
  } finally {
    f.SSL_SESSION_free(p);
  }
}
