/**
 * Facts about the OpenSSL in use: `OPENSSL_VERSION` and friends, and
 * `get_default_verify_paths`.
 *
 * @module
 */
import { ossl } from "../ffi/libssl.ts";
import { readCString } from "../core/memory.ts";
import { readEnv } from "../sys/target.ts";

function versionNumber(): number {
  try {
    return Number(ossl().OpenSSL_version_num());
  } catch {
    return 0; // no OpenSSL here: the first real use says why
  }
}

/** `OpenSSL_version_num()`, e.g. `0x30000160` (0 where OpenSSL 3 cannot be opened). */
export const OPENSSL_VERSION_NUMBER: number = versionNumber();

/** `OpenSSL_version(OPENSSL_VERSION)`, e.g. `"OpenSSL 3.0.22 25 Aug 2026"` ("" without OpenSSL). */
export const OPENSSL_VERSION: string = OPENSSL_VERSION_NUMBER
  ? readCString(ossl().OpenSSL_version(0))
  : "";

/** `[major, minor, fix, patch, status]` decoded from {@linkcode OPENSSL_VERSION_NUMBER}. */
export const OPENSSL_VERSION_INFO: readonly [number, number, number, number, number] = (() => {
  const n = OPENSSL_VERSION_NUMBER;
  return Object.freeze([
    Math.floor(n / 2 ** 28) & 0xf,
    (n >>> 20) & 0xff,
    (n >>> 12) & 0xff,
    (n >>> 4) & 0xff,
    n & 0xf,
  ]) as unknown as readonly [number, number, number, number, number];
})();

/** Python's `DefaultVerifyPaths` named tuple. */
export interface DefaultVerifyPaths {
  /** The CA file to use: `openssl_cafile` or its env override, if it exists; else null. */
  cafile: string | null;
  /** The CA directory, likewise. */
  capath: string | null;
  /** The environment variable naming the CA file (`SSL_CERT_FILE`). */
  openssl_cafile_env: string;
  /** OpenSSL's built-in CA file. */
  openssl_cafile: string;
  /** The environment variable naming the CA directory (`SSL_CERT_DIR`). */
  openssl_capath_env: string;
  /** OpenSSL's built-in CA directory. */
  openssl_capath: string;
}

function existing(path: string, dir: boolean): string | null {
  try {
    if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return null;
    const st = Deno.statSync(path);
    return (dir ? st.isDirectory : st.isFile) ? path : null;
  } catch {
    return null;
  }
}

/**
 * Where OpenSSL looks for CA certificates by default, as Python's
 * `ssl.get_default_verify_paths()` (`X509_get_default_cert_file` and
 * friends; the environment is read without a prompt).
 *
 * @example
 * ```ts
 * import { get_default_verify_paths } from "@libc/socket/ssl";
 * console.log(get_default_verify_paths().openssl_cafile_env); // "SSL_CERT_FILE"
 * ```
 */
export function get_default_verify_paths(): DefaultVerifyPaths {
  const f = ossl();
  const fileEnv = readCString(f.X509_get_default_cert_file_env());
  const file = readCString(f.X509_get_default_cert_file());
  const dirEnv = readCString(f.X509_get_default_cert_dir_env());
  const dir = readCString(f.X509_get_default_cert_dir());
  return {
    cafile: existing(readEnv(fileEnv) ?? file, false),
    capath: existing(readEnv(dirEnv) ?? dir, true),
    openssl_cafile_env: fileEnv,
    openssl_cafile: file,
    openssl_capath_env: dirEnv,
    openssl_capath: dir,
  };
}
