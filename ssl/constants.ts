/**
 * Python's ssl constants: the `OP_*`, `VERIFY_*`, `ALERT_DESCRIPTION_*` and
 * `SSL_ERROR_*` values come from the generated `constants/openssl.ts`; the
 * enums Python itself defines (`PROTOCOL_*`, `CERT_*`, `TLSVersion`'s
 * sentinels, `Purpose`) carry Python's values.
 *
 * @module
 */
import { OSSL } from "../constants/openssl.ts";

/** Python's `ssl.PROTOCOL_TLS` (deprecated; either side). */
export const PROTOCOL_TLS = 2;
/** A client context: verification and hostname check on. */
export const PROTOCOL_TLS_CLIENT = 16;
/** A server context. */
export const PROTOCOL_TLS_SERVER = 17;

/** Do not verify the peer. */
export const CERT_NONE = 0;
/** Verify the peer's certificate if it sends one. */
export const CERT_OPTIONAL = 1;
/** Require and verify the peer's certificate. */
export const CERT_REQUIRED = 2;

/** The values of {@linkcode TLSVersion}. */
export interface TLSVersions {
  /** As low as OpenSSL allows. */
  readonly MINIMUM_SUPPORTED: number;
  /** As high as OpenSSL allows. */
  readonly MAXIMUM_SUPPORTED: number;
  /** SSL 3.0 (never negotiated by OpenSSL 3's defaults). */
  readonly SSLv3: number;
  /** TLS 1.0. */
  readonly TLSv1: number;
  /** TLS 1.1. */
  readonly TLSv1_1: number;
  /** TLS 1.2. */
  readonly TLSv1_2: number;
  /** TLS 1.3. */
  readonly TLSv1_3: number;
}

/** Python's `ssl.TLSVersion` (wire numbers; the sentinels mean "as low/high as possible"). */
export const TLSVersion: TLSVersions = Object.freeze({
  MINIMUM_SUPPORTED: -2,
  MAXIMUM_SUPPORTED: -1,
  SSLv3: OSSL.SSL3_VERSION as number,
  TLSv1: OSSL.TLS1_VERSION as number,
  TLSv1_1: OSSL.TLS1_1_VERSION as number,
  TLSv1_2: OSSL.TLS1_2_VERSION as number,
  TLSv1_3: OSSL.TLS1_3_VERSION as number,
});

/** An X.509 purpose OID, as Python's `_ASN1Object`. */
export interface ASN1Object {
  /** OpenSSL's NID. */
  nid: number;
  /** Short name, e.g. `serverAuth`. */
  shortname: string;
  /** Long name. */
  longname: string;
  /** Dotted OID. */
  oid: string;
}

/** Python's `ssl.Purpose`: what the peer's certificate is checked for. */
export const Purpose: {
  readonly SERVER_AUTH: ASN1Object;
  readonly CLIENT_AUTH: ASN1Object;
} = Object.freeze({
  /** Verify servers (a client context). */
  SERVER_AUTH: Object.freeze<ASN1Object>({
    nid: 129,
    shortname: "serverAuth",
    longname: "TLS Web Server Authentication",
    oid: "1.3.6.1.5.5.7.3.1",
  }),
  /** Verify clients (a server context). */
  CLIENT_AUTH: Object.freeze<ASN1Object>({
    nid: 130,
    shortname: "clientAuth",
    longname: "TLS Web Client Authentication",
    oid: "1.3.6.1.5.5.7.3.2",
  }),
});

/** `SSL_OP_ALL`: OpenSSL's bug workarounds. */
export const OP_ALL: number = OSSL.SSL_OP_ALL;
/** No SSLv2 (always, in OpenSSL 3). */
export const OP_NO_SSLv2: number = OSSL.SSL_OP_NO_SSLv2;
/** No SSLv3. */
export const OP_NO_SSLv3: number = OSSL.SSL_OP_NO_SSLv3;
/** No TLS 1.0. */
export const OP_NO_TLSv1: number = OSSL.SSL_OP_NO_TLSv1;
/** No TLS 1.1. */
export const OP_NO_TLSv1_1: number = OSSL.SSL_OP_NO_TLSv1_1;
/** No TLS 1.2. */
export const OP_NO_TLSv1_2: number = OSSL.SSL_OP_NO_TLSv1_2;
/** No TLS 1.3. */
export const OP_NO_TLSv1_3: number = OSSL.SSL_OP_NO_TLSv1_3;
/** The server's cipher order wins. */
export const OP_CIPHER_SERVER_PREFERENCE: number = OSSL.SSL_OP_CIPHER_SERVER_PREFERENCE;
/** A new DH key per session (always in OpenSSL 3). */
export const OP_SINGLE_DH_USE: number = OSSL.SSL_OP_SINGLE_DH_USE;
/** A new ECDH key per session (always in OpenSSL 3). */
export const OP_SINGLE_ECDH_USE: number = OSSL.SSL_OP_SINGLE_ECDH_USE;
/** No TLS compression. */
export const OP_NO_COMPRESSION: number = OSSL.SSL_OP_NO_COMPRESSION;
/** No session tickets. */
export const OP_NO_TICKET: number = OSSL.SSL_OP_NO_TICKET;
/** No renegotiation. */
export const OP_NO_RENEGOTIATION: number = OSSL.SSL_OP_NO_RENEGOTIATION;
/** TLS 1.3 middlebox compatibility mode. */
export const OP_ENABLE_MIDDLEBOX_COMPAT: number = OSSL.SSL_OP_ENABLE_MIDDLEBOX_COMPAT;
/** Treat an EOF without close_notify as a clean close. */
export const OP_IGNORE_UNEXPECTED_EOF: number = OSSL.SSL_OP_IGNORE_UNEXPECTED_EOF;
/** Allow legacy (insecure) renegotiation with unpatched servers. */
export const OP_LEGACY_SERVER_CONNECT: number = OSSL.SSL_OP_LEGACY_SERVER_CONNECT;

/** `X509_V_FLAG_CRL_CHECK`. */
export const VERIFY_CRL_CHECK_LEAF: number = OSSL.X509_V_FLAG_CRL_CHECK;
/** `X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL`. */
export const VERIFY_CRL_CHECK_CHAIN: number = OSSL.X509_V_FLAG_CRL_CHECK |
  OSSL.X509_V_FLAG_CRL_CHECK_ALL;
/** No CRL checks (0). */
export const VERIFY_DEFAULT = 0;
/** `X509_V_FLAG_X509_STRICT`. */
export const VERIFY_X509_STRICT: number = OSSL.X509_V_FLAG_X509_STRICT;
/** `X509_V_FLAG_PARTIAL_CHAIN`. */
export const VERIFY_X509_PARTIAL_CHAIN: number = OSSL.X509_V_FLAG_PARTIAL_CHAIN;
/** `X509_V_FLAG_TRUSTED_FIRST`. */
export const VERIFY_X509_TRUSTED_FIRST: number = OSSL.X509_V_FLAG_TRUSTED_FIRST;

/** `SSL_ERROR_SSL`. */
export const SSL_ERROR_SSL: number = OSSL.SSL_ERROR_SSL;
/** `SSL_ERROR_WANT_READ`. */
export const SSL_ERROR_WANT_READ: number = OSSL.SSL_ERROR_WANT_READ;
/** `SSL_ERROR_WANT_WRITE`. */
export const SSL_ERROR_WANT_WRITE: number = OSSL.SSL_ERROR_WANT_WRITE;
/** `SSL_ERROR_WANT_X509_LOOKUP`. */
export const SSL_ERROR_WANT_X509_LOOKUP: number = OSSL.SSL_ERROR_WANT_X509_LOOKUP;
/** `SSL_ERROR_SYSCALL`. */
export const SSL_ERROR_SYSCALL: number = OSSL.SSL_ERROR_SYSCALL;
/** `SSL_ERROR_ZERO_RETURN`. */
export const SSL_ERROR_ZERO_RETURN: number = OSSL.SSL_ERROR_ZERO_RETURN;
/** `SSL_ERROR_WANT_CONNECT`. */
export const SSL_ERROR_WANT_CONNECT: number = OSSL.SSL_ERROR_WANT_CONNECT;
/** Python's own: an EOF in violation of the protocol. */
export const SSL_ERROR_EOF = 8;

/** `SSL_AD_HANDSHAKE_FAILURE`, for `sni_callback`'s return value. */
export const ALERT_DESCRIPTION_HANDSHAKE_FAILURE: number = OSSL.SSL_AD_HANDSHAKE_FAILURE;
/** `SSL_AD_INTERNAL_ERROR`. */
export const ALERT_DESCRIPTION_INTERNAL_ERROR: number = OSSL.SSL_AD_INTERNAL_ERROR;
/** `SSL_AD_UNRECOGNIZED_NAME`. */
export const ALERT_DESCRIPTION_UNRECOGNIZED_NAME: number = OSSL.SSL_AD_UNRECOGNIZED_NAME;
/** `SSL_AD_ACCESS_DENIED`. */
export const ALERT_DESCRIPTION_ACCESS_DENIED: number = OSSL.SSL_AD_ACCESS_DENIED;

/** The channel binding types `get_channel_binding` knows. */
export const CHANNEL_BINDING_TYPES: readonly string[] = Object.freeze(["tls-unique"]);
/** Whether ALPN is available (always, in OpenSSL 3). */
export const HAS_ALPN = true;
/** Whether SNI is available. */
export const HAS_SNI = true;
/** Whether TLS 1.3 is available. */
export const HAS_TLSv1_3 = true;
/** Whether ECDH is available. */
export const HAS_ECDH = true;
/** Whether post-handshake authentication is available. */
export const HAS_PHA = true;
