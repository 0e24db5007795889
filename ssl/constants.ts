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

/**
 * OpenSSL's bug workarounds: `SSL_OP_ALL` without
 * `SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS`, as CPython defines it (unsigned).
 */
export const OP_ALL: number = (OSSL.SSL_OP_ALL & ~OSSL.SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS) >>> 0;
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
/** `X509_V_FLAG_ALLOW_PROXY_CERTS`. */
export const VERIFY_ALLOW_PROXY_CERTS: number = OSSL.X509_V_FLAG_ALLOW_PROXY_CERTS;
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
/** Python's own: an SSL error code it does not know. */
export const SSL_ERROR_INVALID_ERROR_CODE = 10;

// TLS alert descriptions (`SSL_AD_*`), e.g. for `sni_callback`'s return value.
/** `SSL_AD_CLOSE_NOTIFY`. */
export const ALERT_DESCRIPTION_CLOSE_NOTIFY: number = OSSL.SSL_AD_CLOSE_NOTIFY;
/** `SSL_AD_UNEXPECTED_MESSAGE`. */
export const ALERT_DESCRIPTION_UNEXPECTED_MESSAGE: number = OSSL.SSL_AD_UNEXPECTED_MESSAGE;
/** `SSL_AD_BAD_RECORD_MAC`. */
export const ALERT_DESCRIPTION_BAD_RECORD_MAC: number = OSSL.SSL_AD_BAD_RECORD_MAC;
/** `SSL_AD_RECORD_OVERFLOW`. */
export const ALERT_DESCRIPTION_RECORD_OVERFLOW: number = OSSL.SSL_AD_RECORD_OVERFLOW;
/** `SSL_AD_DECOMPRESSION_FAILURE`. */
export const ALERT_DESCRIPTION_DECOMPRESSION_FAILURE: number = OSSL.SSL_AD_DECOMPRESSION_FAILURE;
/** `SSL_AD_HANDSHAKE_FAILURE`. */
export const ALERT_DESCRIPTION_HANDSHAKE_FAILURE: number = OSSL.SSL_AD_HANDSHAKE_FAILURE;
/** `SSL_AD_BAD_CERTIFICATE`. */
export const ALERT_DESCRIPTION_BAD_CERTIFICATE: number = OSSL.SSL_AD_BAD_CERTIFICATE;
/** `SSL_AD_UNSUPPORTED_CERTIFICATE`. */
export const ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE: number =
  OSSL.SSL_AD_UNSUPPORTED_CERTIFICATE;
/** `SSL_AD_CERTIFICATE_REVOKED`. */
export const ALERT_DESCRIPTION_CERTIFICATE_REVOKED: number = OSSL.SSL_AD_CERTIFICATE_REVOKED;
/** `SSL_AD_CERTIFICATE_EXPIRED`. */
export const ALERT_DESCRIPTION_CERTIFICATE_EXPIRED: number = OSSL.SSL_AD_CERTIFICATE_EXPIRED;
/** `SSL_AD_CERTIFICATE_UNKNOWN`. */
export const ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN: number = OSSL.SSL_AD_CERTIFICATE_UNKNOWN;
/** `SSL_AD_ILLEGAL_PARAMETER`. */
export const ALERT_DESCRIPTION_ILLEGAL_PARAMETER: number = OSSL.SSL_AD_ILLEGAL_PARAMETER;
/** `SSL_AD_UNKNOWN_CA`. */
export const ALERT_DESCRIPTION_UNKNOWN_CA: number = OSSL.SSL_AD_UNKNOWN_CA;
/** `SSL_AD_ACCESS_DENIED`. */
export const ALERT_DESCRIPTION_ACCESS_DENIED: number = OSSL.SSL_AD_ACCESS_DENIED;
/** `SSL_AD_DECODE_ERROR`. */
export const ALERT_DESCRIPTION_DECODE_ERROR: number = OSSL.SSL_AD_DECODE_ERROR;
/** `SSL_AD_DECRYPT_ERROR`. */
export const ALERT_DESCRIPTION_DECRYPT_ERROR: number = OSSL.SSL_AD_DECRYPT_ERROR;
/** `SSL_AD_PROTOCOL_VERSION`. */
export const ALERT_DESCRIPTION_PROTOCOL_VERSION: number = OSSL.SSL_AD_PROTOCOL_VERSION;
/** `SSL_AD_INSUFFICIENT_SECURITY`. */
export const ALERT_DESCRIPTION_INSUFFICIENT_SECURITY: number = OSSL.SSL_AD_INSUFFICIENT_SECURITY;
/** `SSL_AD_INTERNAL_ERROR`. */
export const ALERT_DESCRIPTION_INTERNAL_ERROR: number = OSSL.SSL_AD_INTERNAL_ERROR;
/** `SSL_AD_USER_CANCELLED`. */
export const ALERT_DESCRIPTION_USER_CANCELLED: number = OSSL.SSL_AD_USER_CANCELLED;
/** `SSL_AD_NO_RENEGOTIATION`. */
export const ALERT_DESCRIPTION_NO_RENEGOTIATION: number = OSSL.SSL_AD_NO_RENEGOTIATION;
/** `SSL_AD_UNSUPPORTED_EXTENSION`. */
export const ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION: number = OSSL.SSL_AD_UNSUPPORTED_EXTENSION;
/** `SSL_AD_CERTIFICATE_UNOBTAINABLE`. */
export const ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE: number =
  OSSL.SSL_AD_CERTIFICATE_UNOBTAINABLE;
/** `SSL_AD_UNRECOGNIZED_NAME`. */
export const ALERT_DESCRIPTION_UNRECOGNIZED_NAME: number = OSSL.SSL_AD_UNRECOGNIZED_NAME;
/** `SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE`. */
export const ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE: number =
  OSSL.SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE;
/** `SSL_AD_BAD_CERTIFICATE_HASH_VALUE`. */
export const ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE: number =
  OSSL.SSL_AD_BAD_CERTIFICATE_HASH_VALUE;
/** `SSL_AD_UNKNOWN_PSK_IDENTITY`. */
export const ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY: number = OSSL.SSL_AD_UNKNOWN_PSK_IDENTITY;

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
/** Whether `hostname_checks_common_name` can be turned off (OpenSSL 3: yes). */
export const HAS_NEVER_CHECK_COMMON_NAME = true;
/** Whether NPN is available (OpenSSL 3: no; ALPN replaced it). */
export const HAS_NPN = false;
/** Whether SSL 2 is available: never. */
export const HAS_SSLv2 = false;
/** Whether SSL 3 is available (OpenSSL 3 as distributions build it: no). */
export const HAS_SSLv3 = false;
/** Whether TLS 1.0 can be enabled (its security level may still refuse it). */
export const HAS_TLSv1 = true;
/** Whether TLS 1.1 can be enabled (its security level may still refuse it). */
export const HAS_TLSv1_1 = true;
/** Whether TLS 1.2 is available. */
export const HAS_TLSv1_2 = true;

/** The first line of a PEM certificate. */
export const PEM_HEADER = "-----BEGIN CERTIFICATE-----";
/** The last line of a PEM certificate. */
export const PEM_FOOTER = "-----END CERTIFICATE-----";

/** Python's `ssl.AlertDescription` enum: each `ALERT_DESCRIPTION_*` name and value. */
export const AlertDescription: Readonly<Record<string, number>> = Object.freeze({
  ALERT_DESCRIPTION_CLOSE_NOTIFY,
  ALERT_DESCRIPTION_UNEXPECTED_MESSAGE,
  ALERT_DESCRIPTION_BAD_RECORD_MAC,
  ALERT_DESCRIPTION_RECORD_OVERFLOW,
  ALERT_DESCRIPTION_DECOMPRESSION_FAILURE,
  ALERT_DESCRIPTION_HANDSHAKE_FAILURE,
  ALERT_DESCRIPTION_BAD_CERTIFICATE,
  ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE,
  ALERT_DESCRIPTION_CERTIFICATE_REVOKED,
  ALERT_DESCRIPTION_CERTIFICATE_EXPIRED,
  ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN,
  ALERT_DESCRIPTION_ILLEGAL_PARAMETER,
  ALERT_DESCRIPTION_UNKNOWN_CA,
  ALERT_DESCRIPTION_ACCESS_DENIED,
  ALERT_DESCRIPTION_DECODE_ERROR,
  ALERT_DESCRIPTION_DECRYPT_ERROR,
  ALERT_DESCRIPTION_PROTOCOL_VERSION,
  ALERT_DESCRIPTION_INSUFFICIENT_SECURITY,
  ALERT_DESCRIPTION_INTERNAL_ERROR,
  ALERT_DESCRIPTION_USER_CANCELLED,
  ALERT_DESCRIPTION_NO_RENEGOTIATION,
  ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION,
  ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE,
  ALERT_DESCRIPTION_UNRECOGNIZED_NAME,
  ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE,
  ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE,
  ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY,
});

/** Python's `ssl.SSLErrorNumber` enum. */
export const SSLErrorNumber: Readonly<Record<string, number>> = Object.freeze({
  SSL_ERROR_SSL,
  SSL_ERROR_WANT_READ,
  SSL_ERROR_WANT_WRITE,
  SSL_ERROR_WANT_X509_LOOKUP,
  SSL_ERROR_SYSCALL,
  SSL_ERROR_ZERO_RETURN,
  SSL_ERROR_WANT_CONNECT,
  SSL_ERROR_EOF,
  SSL_ERROR_INVALID_ERROR_CODE,
});

/** Python's `ssl.VerifyMode` enum. */
export const VerifyMode: Readonly<Record<string, number>> = Object.freeze({
  CERT_NONE,
  CERT_OPTIONAL,
  CERT_REQUIRED,
});

/** Python's `ssl.VerifyFlags` enum. */
export const VerifyFlags: Readonly<Record<string, number>> = Object.freeze({
  VERIFY_DEFAULT,
  VERIFY_CRL_CHECK_LEAF,
  VERIFY_CRL_CHECK_CHAIN,
  VERIFY_X509_STRICT,
  VERIFY_ALLOW_PROXY_CERTS,
  VERIFY_X509_TRUSTED_FIRST,
  VERIFY_X509_PARTIAL_CHAIN,
});

/** Python's `ssl.Options` enum: each `OP_*` name and value. */
export const Options: Readonly<Record<string, number>> = Object.freeze({
  OP_ALL,
  OP_NO_SSLv2,
  OP_NO_SSLv3,
  OP_NO_TLSv1,
  OP_NO_TLSv1_1,
  OP_NO_TLSv1_2,
  OP_NO_TLSv1_3,
  OP_CIPHER_SERVER_PREFERENCE,
  OP_SINGLE_DH_USE,
  OP_SINGLE_ECDH_USE,
  OP_NO_COMPRESSION,
  OP_NO_TICKET,
  OP_NO_RENEGOTIATION,
  OP_ENABLE_MIDDLEBOX_COMPAT,
  OP_IGNORE_UNEXPECTED_EOF,
  OP_LEGACY_SERVER_CONNECT,
});
