/**
 * Python's ssl exceptions, and the one path by which an OpenSSL failure
 * becomes one (CPython's `PySSL_SetError`/`fill_and_set_sslerror`).
 *
 * `SSLError` is a `socket.error` (Python's `OSError`) whose `errno` is the
 * `SSL_ERROR_*` code, whose `strerror` (and message) reads like CPython's
 * (`[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: …`), and
 * whose `library`/`reason` are the mnemonics of the generated table
 * (`constants/openssl.ts`, from OpenSSL's own headers).
 *
 * @module
 */
import { error, fromErrno } from "../core/errors.ts";
import { ERR_LIBS, ERR_REASONS, OSSL } from "../constants/openssl.ts";
import { ossl } from "../ffi/libssl.ts";
import { readCString } from "../core/memory.ts";

/**
 * An error from OpenSSL: Python's `ssl.SSLError`.
 *
 * @example
 * ```ts
 * import { SSLError } from "@libc/socket/ssl";
 * const e = new SSLError(1, "[SSL: X] y");
 * console.log(e.errno, e.message); // 1 "[SSL: X] y"
 * ```
 */
export class SSLError extends error {
  /** OpenSSL's library mnemonic, e.g. `"SSL"`, or `null`. */
  library: string | null = null;
  /** OpenSSL's reason mnemonic, e.g. `"CERTIFICATE_VERIFY_FAILED"`, or `null`. */
  reason: string | null = null;

  /**
   * Makes an SSLError (the library makes them from OpenSSL's error queue).
   *
   * @param code The `SSL_ERROR_*` code (Python's `errno`).
   * @param message The text (Python's `strerror`, also `str(e)`).
   */
  constructor(code?: number, message?: string) {
    super(code ?? 0, message ?? "");
    this.message = message ?? "";
    this.code = null; // an SSL_ERROR_* code is no errno: no E* symbol
  }
}

/** The TLS connection was closed cleanly (a close_notify was received). */
export class SSLZeroReturnError extends SSLError {}
/** Non-blocking: the operation needs to read more data first. */
export class SSLWantReadError extends SSLError {}
/** Non-blocking: the operation needs to write data first. */
export class SSLWantWriteError extends SSLError {}
/** A low-level I/O error with no errno (Python's `SSLSyscallError`). */
export class SSLSyscallError extends SSLError {}
/** The connection ended without a close_notify (a truncation). */
export class SSLEOFError extends SSLError {}

/** The peer's certificate failed verification. */
export class SSLCertVerificationError extends SSLError {
  /** OpenSSL's `X509_V_ERR_*` code (0: none). */
  verify_code = 0;
  /** The text for {@linkcode verify_code}. */
  verify_message = "";
}

/** Python's `CertificateError`: the same class as {@linkcode SSLCertVerificationError}. */
export const CertificateError: typeof SSLCertVerificationError = SSLCertVerificationError;

/** `ERR_LIB_SYS`: the library of errors that carry an errno. */
export const ERR_LIB_SYS: number = Number(
  Object.entries(ERR_LIBS).find(([, n]) => n === "SYS")![0],
);

/** `ERR_GET_LIB(e)`: a macro over bits in OpenSSL 3. */
export function errLib(e: number): number {
  if (e >= OSSL.ERR_SYSTEM_FLAG) return ERR_LIB_SYS;
  return Math.floor(e / 2 ** OSSL.ERR_LIB_OFFSET) & OSSL.ERR_LIB_MASK;
}

/** `ERR_GET_REASON(e)`. */
export function errReason(e: number): number {
  if (e >= OSSL.ERR_SYSTEM_FLAG) return e & OSSL.ERR_SYSTEM_MASK;
  return e & OSSL.ERR_REASON_MASK;
}

/** What the caller knows about the failed connection, for the messages. */
export interface ErrorContext {
  /** The SSL*, to read the verify result. */
  ssl?: Deno.PointerValue;
  /** The name checked against the certificate, for a mismatch message. */
  hostname?: string | null;
}

/**
 * Builds the SSLError for the packed error `e` (from `ERR_peek_last_error`),
 * with the SSL_ERROR code `code`, then empties the error queue.
 */
export function fromErrCode(
  e: number,
  code: number = OSSL.SSL_ERROR_SSL,
  ctx: ErrorContext = {},
  cls: typeof SSLError = SSLError,
): SSLError {
  const lib = ERR_LIBS[errLib(e)] ?? null;
  const reasonNum = errReason(e);
  const reason = ERR_REASONS[errLib(e)]?.[reasonNum] ?? null;
  const f = ossl();
  let text = readCString(f.ERR_reason_error_string(BigInt(e))) || "unknown error";
  let verifyCode = 0;
  let verifyMessage = "";
  if (lib === "SSL" && reason === "CERTIFICATE_VERIFY_FAILED") {
    cls = SSLCertVerificationError;
    if (ctx.ssl) {
      verifyCode = Number(f.SSL_get_verify_result(ctx.ssl));
      if (verifyCode === OSSL.X509_V_ERR_HOSTNAME_MISMATCH) {
        verifyMessage = `Hostname mismatch, certificate is not valid for '${ctx.hostname}'.`;
      } else if (verifyCode === OSSL.X509_V_ERR_IP_ADDRESS_MISMATCH) {
        verifyMessage = `IP address mismatch, certificate is not valid for '${ctx.hostname}'.`;
      } else {
        verifyMessage = readCString(f.X509_verify_cert_error_string(BigInt(verifyCode)));
      }
      text = `${text}: ${verifyMessage}`;
    }
  } else if (lib === "SSL" && reason === "UNEXPECTED_EOF_WHILE_READING") {
    cls = SSLEOFError;
    code = 8; // Python's SSL_ERROR_EOF
  }
  const msg = lib && reason ? `[${lib}: ${reason}] ${text}` : reason ? `[${reason}] ${text}` : text;
  const err = new cls(code, msg);
  err.library = lib;
  err.reason = reason;
  if (err instanceof SSLCertVerificationError) {
    err.verify_code = verifyCode;
    err.verify_message = verifyMessage;
  }
  f.ERR_clear_error();
  return err;
}

/**
 * The exception for a failed SSL_* call (CPython's `PySSL_SetError`).
 *
 * @param ssl The connection.
 * @param ret The call's result (`SSL_get_error`'s second argument).
 * @param sslErr `SSL_get_error(ssl, ret)`.
 * @param errnum errno, read right after the call.
 * @param hostname The checked name (for a mismatch message).
 * @param syscall The call, named by an OS error.
 */
export function sslFailure(
  ssl: Deno.PointerValue,
  ret: number,
  sslErr: number,
  errnum: number,
  hostname: string | null,
  syscall: string,
): Error {
  const f = ossl();
  const e = Number(f.ERR_peek_last_error());
  switch (sslErr) {
    case OSSL.SSL_ERROR_ZERO_RETURN:
      return new SSLZeroReturnError(sslErr, "TLS/SSL connection has been closed (EOF)");
    case OSSL.SSL_ERROR_WANT_READ:
      return wantError(true);
    case OSSL.SSL_ERROR_WANT_WRITE:
      return wantError(false);
    case OSSL.SSL_ERROR_WANT_X509_LOOKUP:
      return new SSLError(sslErr, "The operation did not complete (X509 lookup)");
    case OSSL.SSL_ERROR_WANT_CONNECT:
      return new SSLError(sslErr, "The operation did not complete (connect)");
    case OSSL.SSL_ERROR_SYSCALL:
      if (e === 0) {
        // The *_ex calls return 0 on every failure: errno tells an OS error
        // from a bare EOF.
        if (errnum !== 0) return fromErrno(errnum, syscall);
        if (ret === 0) return new SSLEOFError(8, "EOF occurred in violation of protocol");
        return new SSLSyscallError(sslErr, "Some I/O error occurred");
      }
      if (errLib(e) === ERR_LIB_SYS) {
        f.ERR_clear_error();
        return fromErrno(errReason(e), syscall);
      }
      return fromErrCode(e, sslErr, { ssl, hostname }, SSLSyscallError);
    default:
      if (e !== 0 && errLib(e) === ERR_LIB_SYS) {
        f.ERR_clear_error();
        return fromErrno(errReason(e), syscall);
      }
      if (e === 0) {
        return new SSLError(sslErr, "A failure in the SSL library occurred");
      }
      return fromErrCode(e, OSSL.SSL_ERROR_SSL, { ssl, hostname });
  }
}

/**
 * CPython's error for a step that must wait: `SSLWantReadError` (errno
 * `SSL_ERROR_WANT_READ`) when it needs input, `SSLWantWriteError`
 * (`SSL_ERROR_WANT_WRITE`) when it needs room to write.
 */
export function wantError(read: boolean): SSLError {
  return read
    ? new SSLWantReadError(OSSL.SSL_ERROR_WANT_READ, "The operation did not complete (read)")
    : new SSLWantWriteError(OSSL.SSL_ERROR_WANT_WRITE, "The operation did not complete (write)");
}

/** Throws the SSLError of the error queue (after a failed context call), or a generic one. */
export function raiseQueued(what: string): never {
  const e = Number(ossl().ERR_peek_last_error());
  if (e === 0) throw new SSLError(OSSL.SSL_ERROR_SSL, `${what} failed`);
  throw fromErrCode(e);
}
