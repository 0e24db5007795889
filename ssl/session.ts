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
 * const first = ctx.wrap_socket(sock1, { server_hostname: "localhost" });
 * const again = ctx.wrap_socket(sock2, { server_hostname: "localhost", session: first.session });
 * console.log(again.session_reused);
 * ```
 */
export class SSLSession {
  #h: Handle;

  /** @internal Use `SSLSocket.session`. */
  constructor(token: symbol, p: Deno.PointerValue) {
    if (token !== TOKEN || p === null) throw new TypeError("SSLSession has no public constructor");
    this.#h = { p };
    finalizer.register(this, this.#h, this);
  }

  /** @internal The live `SSL_SESSION*`. */
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
}

/** Wraps an owned reference (from `SSL_get1_session`), or null. */
export function sessionOf(p: Deno.PointerValue): SSLSession | null {
  return p === null ? null : new SSLSession(TOKEN, p);
}
