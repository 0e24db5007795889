/**
 * What a connection knows about itself, shared by `SSLSocket` and
 * `SSLObject`: version, cipher, peer certificate, ALPN, channel binding,
 * session. Each reads one OpenSSL getter; certificates leave C only as DER
 * (`i2d_X509`), decoded in `der.ts`.
 *
 * @module
 */
import { ossl } from "../ffi/libssl.ts";
import { readCString } from "../core/memory.ts";
import type { Engine } from "./_engine.ts";
import { decodeCertificate, type PeerCertificate } from "./der.ts";
import { CHANNEL_BINDING_TYPES } from "./constants.ts";

/** `(name, protocol, secret bits)`, as Python's `cipher()`. */
export type CipherTuple = [string, string, number];

/** The DER of an `X509*` (`i2d_X509`), or null. */
export function derOf(x: Deno.PointerValue): Uint8Array | null {
  if (x === null) return null;
  const f = ossl();
  const n = f.i2d_X509(x, null);
  if (n <= 0) return null;
  const out = new Uint8Array(n);
  // i2d_X509 writes through `unsigned char **` and advances it.
  const pp = new BigUint64Array([BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(out)))]);
  const m = f.i2d_X509(x, new Uint8Array(pp.buffer));
  return m === n ? out : null;
}

/** The peer's certificate as DER (`SSL_get1_peer_certificate` + `i2d_X509`), or null. */
export function peerDer(e: Engine): Uint8Array | null {
  const f = ossl();
  const x = f.SSL_get1_peer_certificate(e.ssl);
  if (x === null) return null;
  try {
    return derOf(x);
  } finally {
    f.X509_free(x);
  }
}

/** Python's `getpeercert(binary_form)` given whether the peer was verified. */
export function getpeercert(
  e: Engine,
  binary: boolean,
  verified: boolean,
): PeerCertificate | Uint8Array | null {
  const der = peerDer(e);
  if (der === null) return null;
  if (binary) return der;
  if (!verified) return {};
  return decodeCertificate(der);
}

/** `SSL_get_version`, or null before the handshake. */
export function version(e: Engine, done: boolean): string | null {
  if (!done) return null;
  return readCString(ossl().SSL_get_version(e.ssl));
}

function cipherTuple(c: Deno.PointerValue): CipherTuple {
  const f = ossl();
  return [
    readCString(f.SSL_CIPHER_get_name(c)),
    readCString(f.SSL_CIPHER_get_version(c)),
    f.SSL_CIPHER_get_bits(c, null),
  ];
}

/** `SSL_get_current_cipher`, or null. */
export function cipher(e: Engine): CipherTuple | null {
  const c = ossl().SSL_get_current_cipher(e.ssl);
  return c === null ? null : cipherTuple(c);
}

function stack(p: Deno.PointerValue): Deno.PointerValue[] {
  const f = ossl();
  if (p === null) return [];
  const n = f.OPENSSL_sk_num(p);
  const out: Deno.PointerValue[] = [];
  for (let i = 0; i < n; i++) out.push(f.OPENSSL_sk_value(p, i));
  return out;
}

/** Ciphers both ends offered (server side: `SSL_get_client_ciphers` ∩ `SSL_get_ciphers`), or null. */
export function sharedCiphers(e: Engine): CipherTuple[] | null {
  const f = ossl();
  const client = stack(f.SSL_get_client_ciphers(e.ssl));
  if (client.length === 0) return null;
  const ours = new Set(stack(f.SSL_get_ciphers(e.ssl)).map((p) => Deno.UnsafePointer.value(p)));
  return client.filter((c) => ours.has(Deno.UnsafePointer.value(c))).map(cipherTuple);
}

/** `SSL_get0_alpn_selected`, or null. */
export function selectedAlpn(e: Engine): string | null {
  const p = new BigUint64Array(1);
  const len = new Uint32Array(1);
  ossl().SSL_get0_alpn_selected(e.ssl, new Uint8Array(p.buffer), new Uint8Array(len.buffer));
  if (p[0] === 0n || len[0] === 0) return null;
  const ptr = Deno.UnsafePointer.create(p[0]);
  const bytes = new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(ptr!, len[0])).slice();
  return new TextDecoder("latin1").decode(bytes);
}

/** Python's `get_channel_binding(cb_type)`: `tls-unique` from the Finished messages. */
export function channelBinding(e: Engine, cbType: string, done: boolean): Uint8Array | null {
  if (!CHANNEL_BINDING_TYPES.includes(cbType)) {
    throw new RangeError(`${JSON.stringify(cbType)} channel binding type not implemented`);
  }
  if (!done) return null;
  const f = ossl();
  const buf = new Uint8Array(128);
  // The first Finished of the handshake: ours for a client on a new session.
  const reused = f.SSL_session_reused(e.ssl) === 1;
  const n = reused !== e.serverSide
    ? f.SSL_get_peer_finished(e.ssl, buf, BigInt(buf.byteLength))
    : f.SSL_get_finished(e.ssl, buf, BigInt(buf.byteLength));
  const len = Number(n);
  return len === 0 ? null : buf.slice(0, Math.min(len, buf.byteLength));
}

/** `SSL_get_servername`: the SNI name a server received, or null. */
export function servername(e: Engine): string | null {
  const p = ossl().SSL_get_servername(e.ssl, 0);
  return p === null ? null : readCString(p);
}
