/**
 * Where OpenSSL 3 lives on this OS: the candidate paths of `libssl`, in the
 * order `ffi/libssl.ts` tries them. (libssl's own dependency brings
 * libcrypto, and a symbol looked up through libssl's handle is found in
 * libcrypto too: one library to open.)
 *
 * - `LIBC_SOCKET_LIBSSL` overrides the search, read only when env access to
 *   it is already granted (never a prompt);
 * - Linux and the BSDs: the versioned soname `libssl.so.3`;
 * - macOS: never `/usr/lib/libssl.dylib`, a LibreSSL stub that aborts the
 *   process, and to which a `dlopen` of a missing absolute path falls back
 *   since Monterey. Only versioned OpenSSL 3 paths of Homebrew
 *   (`/opt/homebrew`, `/usr/local`) and MacPorts (`/opt/local`), each checked
 *   to exist (without a prompt) before it is offered;
 * - Windows: OpenSSL is not part of the system, and this library ships no
 *   DLLs: no candidates, and {@linkcode libsslMissing} says so.
 *
 * @module
 */
import { readEnv, target } from "./target.ts";

const MAC_PREFIXES = [
  "/opt/homebrew/opt/openssl@3/lib",
  "/usr/local/opt/openssl@3/lib",
  "/opt/local/lib/openssl-3",
  "/opt/local/lib",
];

/** Whether `path` exists, without a permission prompt (unknown: false). */
function exists(path: string): boolean {
  try {
    if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return false;
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The paths or sonames to try for libssl on this OS, in order (empty: none known). */
export function libsslCandidates(): readonly string[] {
  const override = readEnv("LIBC_SOCKET_LIBSSL");
  if (override !== undefined) return [override];
  switch (target.os) {
    case "linux":
    case "android":
      return ["libssl.so.3", `/usr/lib/${target.arch}-linux-gnu/libssl.so.3`];
    case "freebsd":
    case "netbsd":
    case "openbsd":
      return ["libssl.so.3"];
    case "darwin":
      // Checked first: dlopen of a missing absolute path falls back to the
      // LibreSSL stub, which aborts the process.
      return MAC_PREFIXES.map((d) => `${d}/libssl.3.dylib`).filter(exists);
    default:
      return [];
  }
}

/** The message for "no OpenSSL 3 could be opened": what to install, per OS. */
export function libsslMissing(tried: readonly string[]): string {
  const how = target.os === "darwin"
    ? "Install OpenSSL 3 (`brew install openssl@3` or `port install openssl3`); " +
      "/usr/lib/libssl.dylib is never loaded (a LibreSSL stub that aborts the process). " +
      "OpenSSL does not read the macOS Keychain: load_default_certs() uses the CA bundle " +
      "of that OpenSSL installation (its OPENSSLDIR/cert.pem, kept by Homebrew's ca-certificates)."
    : target.os === "windows"
    ? "OpenSSL is not part of Windows, and @libc/socket ships no DLLs; " +
      "install OpenSSL 3 and point LIBC_SOCKET_LIBSSL at its libssl DLL."
    : "Install OpenSSL 3 (e.g. `apt-get install libssl3`).";
  return `@libc/socket/ssl: could not open OpenSSL 3 on ${target.os}/${target.arch}. ` +
    (tried.length ? `Tried:\n  ${tried.join("\n  ")}\n` : "No candidates are known. ") + how +
    " LIBC_SOCKET_LIBSSL (with --allow-env) overrides the path.";
}
