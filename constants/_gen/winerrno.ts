/**
 * The errno table of Windows, built from the headers' numbers by the rules
 * of CPython's `errno` module there (`Modules/errnomodule.c`, and the same
 * list in `Objects/exceptions.c`, which maps numbers to `OSError`
 * subclasses).
 *
 * Windows has two sets of error numbers: the C runtime's (`<errno.h>`:
 * `EINTR` 4, `EAGAIN` 11, ..., and since VS2010 POSIX names such as
 * `ECONNREFUSED` 107 that no Winsock call returns) and Winsock's
 * (`WSAECONNREFUSED` 10061, what `WSAGetLastError()` reports). CPython:
 *
 * 1. `#undef`s the 25 VS2010 socket names (`WSA_PREFERRED`), so that
 * 2. each `E...` name it lists with a Winsock fallback (`WSA_FALLBACK`)
 *    and the C runtime lacks takes the `WSAE...` value:
 *    `errno.ECONNREFUSED == 10061`, `errno.EWOULDBLOCK == 10035`, while
 *    `errno.EINTR == 4` and `errno.EAGAIN == 11` stay the C runtime's;
 * 3. adds the `WSA...` names themselves.
 *
 * `errnoNames` holds all three kinds. `errno` maps each number to one
 * primary name: the `E...` name when one has that number, else the `WSA...`
 * name (`10004` → `WSAEINTR`: CPython reports that one as errno 4, see
 * `PC/errmap.h`; the platform layer does that mapping). CPython's
 * `errno.errorcode[10061]` says `WSAECONNREFUSED` (its `WSA...` entries
 * come last); the table says `ECONNREFUSED`, because the library's
 * `error.code` is the name Deno and libuv give the same error on Windows
 * (`WSAECONNREFUSED => "ECONNREFUSED"`), and the same `code` on every OS.
 *
 * The messages are not in the table: Windows' `FormatMessageW` gives them
 * at run time, as CPython's `PyErr_SetExcFromWindowsErr` does.
 *
 * @module
 */

import { cmp } from "./proc.ts";

/**
 * The names `errnomodule.c` and `exceptions.c` `#undef` on Windows ("added
 * to errno.h in VS2010 but have preferred WSA equivalents").
 */
export const WSA_PREFERRED: readonly string[] = [
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "EAFNOSUPPORT",
  "EALREADY",
  "ECONNABORTED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EDESTADDRREQ",
  "EHOSTUNREACH",
  "EINPROGRESS",
  "EISCONN",
  "ELOOP",
  "EMSGSIZE",
  "ENETDOWN",
  "ENETRESET",
  "ENETUNREACH",
  "ENOBUFS",
  "ENOPROTOOPT",
  "ENOTCONN",
  "ENOTSOCK",
  "EOPNOTSUPP",
  "EPROTONOSUPPORT",
  "EPROTOTYPE",
  "ETIMEDOUT",
  "EWOULDBLOCK",
];

/**
 * The `E...` names `errnomodule.c` adds with a Winsock value when the C
 * runtime lacks them (`#ifdef EFOO ... #else #ifdef WSAEFOO
 * add_errcode("EFOO", WSAEFOO, ...)`). Other `WSAE...` numbers
 * (`WSAEPROCLIM`, `WSAEDISCON`, ...) get no `E...` name there.
 */
export const WSA_FALLBACK: readonly string[] = [
  "EACCES",
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "EAFNOSUPPORT",
  "EALREADY",
  "EBADF",
  "ECONNABORTED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EDESTADDRREQ",
  "EDQUOT",
  "EFAULT",
  "EHOSTDOWN",
  "EHOSTUNREACH",
  "EINPROGRESS",
  "EINTR",
  "EINVAL",
  "EISCONN",
  "ELOOP",
  "EMFILE",
  "EMSGSIZE",
  "ENAMETOOLONG",
  "ENETDOWN",
  "ENETRESET",
  "ENETUNREACH",
  "ENOBUFS",
  "ENOPROTOOPT",
  "ENOTCONN",
  "ENOTEMPTY",
  "ENOTSOCK",
  "EOPNOTSUPP",
  "EPFNOSUPPORT",
  "EPROTONOSUPPORT",
  "EPROTOTYPE",
  "EREMOTE",
  "ESHUTDOWN",
  "ESOCKTNOSUPPORT",
  "ESTALE",
  "ETIMEDOUT",
  "ETOOMANYREFS",
  "EUSERS",
  "EWOULDBLOCK",
];

/** A Windows errno table: `PlatformTable["errno"]` and `["errnoNames"]`. */
export interface WindowsErrno {
  errno: Record<number, readonly [string]>;
  errnoNames: Record<string, number>;
}

/**
 * Applies CPython's rules (see the module doc) to the error numbers read
 * from the headers.
 *
 * @param raw Every `E...` name of `<errno.h>` and `WSA...` name of
 * `_wsa_errnos.h`, with its value.
 * @param aliases The names defined as another error name (`EDEADLOCK`,
 * `ENOFILE`, `WSANO_ADDRESS`): never a primary name.
 * @throws {Error} If a name CPython gives a Winsock value has none.
 */
export function windowsErrno(
  raw: Readonly<Record<string, number>>,
  aliases: ReadonlySet<string>,
): WindowsErrno {
  const preferred = new Set(WSA_PREFERRED);
  const errnoNames: Record<string, number> = {};
  for (const [name, n] of Object.entries(raw)) {
    if (name.startsWith("WSA") || !preferred.has(name)) errnoNames[name] = n;
  }
  for (const name of WSA_FALLBACK) {
    const wsa = raw[`WSA${name}`];
    if (!(name in errnoNames) && wsa !== undefined) errnoNames[name] = wsa;
  }
  for (const name of WSA_PREFERRED) {
    if (!(name in errnoNames)) throw new Error(`gen: windows: no WSA${name} for ${name}`);
  }

  const byNumber = new Map<number, string[]>();
  for (const [name, n] of Object.entries(errnoNames)) {
    if (aliases.has(name)) continue;
    byNumber.set(n, [...(byNumber.get(n) ?? []), name]);
  }
  const rank = (name: string) => name.startsWith("WSA") ? 1 : 0;
  const errno: Record<number, readonly [string]> = {};
  for (const [n, names] of [...byNumber].sort((a, b) => a[0] - b[0])) {
    names.sort((a, b) => rank(a) - rank(b) || cmp(a, b));
    errno[n] = [names[0]];
  }
  return { errno, errnoNames };
}
