/**
 * The C callbacks OpenSSL calls during a handshake or a key load: one
 * `Deno.UnsafeCallback` of each kind per thread, made on first use and
 * never closed (every `SSL_CTX` may point at them for its whole life). Each
 * finds its context or connection from the pointer OpenSSL passes, through
 * weak maps.
 *
 * **Nothing thrown here unwinds through OpenSSL.** Every callback body runs
 * in a try/catch: an exception is stored on the connection
 * (`Engine.callbackError`, rethrown as the cause of the failing step's
 * error) and the callback returns OpenSSL's "fail" value.
 *
 * @module
 */
import { ossl, SSL_CALLBACKS } from "../ffi/libssl.ts";
import { OSSL } from "../constants/openssl.ts";
import { engineOf } from "./_engine.ts";
import { readCString } from "../core/memory.ts";

/** What a context gives the callbacks. */
export interface CallbackContext {
  /** The server's ALPN list in wire format (kept alive by the context). */
  alpnWire: Uint8Array | null;
  /** Python's `sni_callback(sslobj, server_name, context)`. */
  // deno-lint-ignore no-explicit-any
  sni_callback: ((sslobj: any, name: string | null, ctx: any) => unknown) | null;
  /** Where key material is appended (NSS key log format), or null. */
  keylog_filename: string | null;
}

const contexts = new Map<bigint, WeakRef<CallbackContext>>();

const addr = (p: Deno.PointerValue) => BigInt(Deno.UnsafePointer.value(p));

/** Every SSLContext made (weakly): what a `context` setter accepts. */
const made = new WeakSet<object>();

/** Makes `ctx` findable from its `SSL_CTX*`. */
export function registerContext(p: Deno.PointerValue, ctx: CallbackContext): void {
  contexts.set(addr(p), new WeakRef(ctx));
  made.add(ctx);
}

/**
 * The `SSL_CTX*` of `ctx`, checked to be a real SSLContext first (a
 * look-alike's `_ptr` never reaches OpenSSL): Python's "The value must be
 * a SSLContext".
 */
export function contextPointer(ctx: unknown): NonNullable<Deno.PointerValue> {
  if (typeof ctx !== "object" || ctx === null || !made.has(ctx)) {
    throw new TypeError("The value must be a SSLContext");
  }
  const p = (ctx as { _ptr: Deno.PointerValue })._ptr;
  if (p === null) throw new TypeError("The value must be a SSLContext");
  return p;
}

/** Forgets a freed `SSL_CTX*`. */
export function forgetContext(p: Deno.PointerValue): void {
  contexts.delete(addr(p));
}

function contextOfSsl(ssl: Deno.PointerValue): CallbackContext | undefined {
  if (ssl === null) return undefined;
  return contexts.get(addr(ossl().SSL_get_SSL_CTX(ssl)))?.deref();
}

function writeInt(p: Deno.PointerValue, v: number): void {
  if (p !== null) new Int32Array(Deno.UnsafePointerView.getArrayBuffer(p, 4))[0] = v;
}

// ---------------------------------------------------------------------------
// pem_password_cb: only ever runs inside a synchronous load on this thread.

let password: (() => unknown) | null = null;
let passwordError: unknown = undefined;
let passwordCb: Deno.UnsafeCallback<typeof SSL_CALLBACKS.password> | undefined;

/**
 * Runs `fn` (a key load) with `pw` as the password source; rethrows an
 * error the password function threw, else returns `fn`'s result.
 */
export function withPassword<T>(ctx: Deno.PointerValue, pw: () => unknown, fn: () => T): T {
  passwordCb ??= new Deno.UnsafeCallback(SSL_CALLBACKS.password, (buf, size, _rw, _u) => {
    try {
      const v = password?.();
      const bytes = typeof v === "string"
        ? new TextEncoder().encode(v)
        : v instanceof Uint8Array
        ? v
        : null;
      if (bytes === null) {
        throw new TypeError("password callback must return a string or Uint8Array");
      }
      if (bytes.length > size) {
        throw new RangeError(`password cannot be longer than ${size} bytes`);
      }
      if (buf !== null) new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(buf, size)).set(bytes);
      return bytes.length;
    } catch (e) {
      passwordError ??= e;
      return -1;
    }
  });
  const f = ossl();
  password = pw;
  passwordError = undefined;
  f.SSL_CTX_set_default_passwd_cb(ctx, passwordCb.pointer);
  try {
    const r = fn();
    if (passwordError !== undefined) throw passwordError;
    return r;
  } catch (e) {
    if (passwordError !== undefined) {
      f.ERR_clear_error();
      throw passwordError;
    }
    throw e;
  } finally {
    f.SSL_CTX_set_default_passwd_cb(ctx, null);
    password = null;
    passwordError = undefined;
  }
}

// ---------------------------------------------------------------------------
// servername (SNI) callback

let sniCb: Deno.UnsafeCallback<typeof SSL_CALLBACKS.servername> | undefined;

/** The function pointer to install with `SSL_CTRL_SET_TLSEXT_SERVERNAME_CB`. */
export function servernameCallback(): Deno.PointerValue {
  sniCb ??= new Deno.UnsafeCallback(SSL_CALLBACKS.servername, (ssl, al, _arg) => {
    const engine = engineOf(ssl);
    try {
      const ctx = contextOfSsl(ssl);
      const fn = ctx?.sni_callback;
      if (engine === undefined || ctx === undefined || typeof fn !== "function") {
        return OSSL.SSL_TLSEXT_ERR_OK;
      }
      const p = ossl().SSL_get_servername(ssl, OSSL.TLSEXT_NAMETYPE_host_name);
      const name = p === null ? null : readCString(p);
      const r = fn(engine.owner?.deref() ?? null, name, ctx);
      if (r === null || r === undefined) return OSSL.SSL_TLSEXT_ERR_OK;
      if (typeof r !== "number" || !Number.isInteger(r) || r < 0 || r > 255) {
        throw new TypeError("sni_callback must return null or an alert description (0..255)");
      }
      writeInt(al, r);
      return OSSL.SSL_TLSEXT_ERR_ALERT_FATAL;
    } catch (e) {
      if (engine !== undefined) engine.callbackError ??= e;
      writeInt(al, OSSL.SSL_AD_HANDSHAKE_FAILURE);
      return OSSL.SSL_TLSEXT_ERR_ALERT_FATAL;
    }
  });
  return sniCb.pointer;
}

// ---------------------------------------------------------------------------
// ALPN selection (server)

let alpnCb: Deno.UnsafeCallback<typeof SSL_CALLBACKS.alpnSelect> | undefined;

/** The function pointer for `SSL_CTX_set_alpn_select_cb`. */
export function alpnSelectCallback(): Deno.PointerValue {
  alpnCb ??= new Deno.UnsafeCallback(
    SSL_CALLBACKS.alpnSelect,
    (ssl, out, outlen, inp, inlen, _arg) => {
      try {
        const wire = contextOfSsl(ssl)?.alpnWire;
        if (!wire || wire.byteLength === 0 || inp === null) return OSSL.SSL_TLSEXT_ERR_NOACK;
        // As CPython: the client's list is SSL_select_next_proto's first,
        // so the client's preference order decides.
        const r = ossl().SSL_select_next_proto(
          out,
          outlen,
          inp,
          inlen,
          Deno.UnsafePointer.of(wire),
          wire.byteLength,
        );
        return r === OSSL.OPENSSL_NPN_NEGOTIATED
          ? OSSL.SSL_TLSEXT_ERR_OK
          : OSSL.SSL_TLSEXT_ERR_NOACK;
      } catch (e) {
        const engine = engineOf(ssl);
        if (engine !== undefined) engine.callbackError ??= e;
        return OSSL.SSL_TLSEXT_ERR_ALERT_FATAL;
      }
    },
  );
  return alpnCb.pointer;
}

// ---------------------------------------------------------------------------
// key log

let keylogCb: Deno.UnsafeCallback<typeof SSL_CALLBACKS.keylog> | undefined;

/** The function pointer for `SSL_CTX_set_keylog_callback`. */
export function keylogCallback(): Deno.PointerValue {
  keylogCb ??= new Deno.UnsafeCallback(SSL_CALLBACKS.keylog, (ssl, line) => {
    try {
      const file = contextOfSsl(ssl)?.keylog_filename;
      if (!file || line === null) return;
      Deno.writeTextFileSync(file, readCString(line) + "\n", { append: true });
    } catch {
      // As CPython, a failing key log write does not fail the handshake.
    }
  });
  return keylogCb.pointer;
}
