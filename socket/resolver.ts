/**
 * Names and services: `getaddrinfo`, `getnameinfo`, the `gethostby*` family,
 * `getservby*`, `getprotobyname`, `gethostname`, `sethostname` and `getfqdn`.
 *
 * Where libc has them (glibc, musl), only re-entrant calls are used
 * (`getaddrinfo`, `gethostbyname2_r`, `gethostbyaddr_r`, `getservbyname_r`,
 * …). macOS has no `_r` netdb calls: there, as CPython does, the classic
 * `gethostbyname2`, `gethostbyaddr`, `getprotobyname`, `getservbyname` and
 * `getservbyport` are called (`sys/target.ts` `reentrantNetdb`), and the
 * struct they return is copied out of libc's memory at once.
 *
 * Why no lock, where CPython holds `netdb_lock` around those calls: a JS
 * thread runs one FFI call at a time, and the result is decoded before this
 * thread calls libc again; other threads (Workers) do not disturb it on
 * macOS, whose Libinfo keeps each of these results per thread. (Its
 * `h_errno` is one process-wide variable: a failing lookup on another Worker
 * at the same instant could swap the herror code.) On glibc the classic
 * calls share one static buffer per process: there that path is taken only
 * with `LIBC_SOCKET_PORTABLE=1`, to test the macOS path on Linux.
 *
 * @module
 */
import { constants as C, type FieldLayout, struct, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { hErrno } from "../ffi/errno.ts";
import { target } from "../sys/target.ts";
import { annotate, error, fromErrno, herror, lastErrno } from "../core/errors.ts";
import { aboutAddress } from "./_subject.ts";
import { plainText, pyType, repr, typeName } from "../core/repr.ts";
import { decodeAddress, familyOf, formatIPv4, formatIPv6, setipaddr } from "./address/mod.ts";
import type { Address } from "./address/mod.ts";
import { LITTLE_ENDIAN, readCString, readPointerArray } from "../core/memory.ts";
import { asInteger, cInt, fitsCLong, integer } from "../core/ints.ts";
import { cString, fromCBytes, fsDecodeC, fsEncode, utf8, withNul } from "../core/text.ts";
import { idna } from "./_idna.ts";
import { copyUint8 } from "../core/view.ts";
import {
  collectRaw,
  type GaiCall,
  gaiError,
  hintsFor,
  lookup,
  PTR,
  readPtr,
  runAsync,
  throwGai,
} from "./_gai.ts";

const HOSTENT = struct("hostent");
const SERVENT = struct("servent");
const PROTOENT = struct("protoent");

/** One `getaddrinfo` result: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: Address,
];

/**
 * getaddrinfo's host, as CPython 3.11 reads it: `null`, a string encoded
 * with the "idna" codec (label checks even for ASCII names: RangeError), or
 * bytes. An embedded NUL is a RangeError here; CPython silently cuts the
 * name there.
 */
function hostBytes(host: unknown): Uint8Array | null {
  if (host === null || host === undefined) return null;
  let bytes: Uint8Array;
  if (typeof host === "string") bytes = new TextEncoder().encode(idna(host));
  else {
    const b = copyUint8(host);
    if (b === null) {
      throw new TypeError(`getaddrinfo() argument 1 must be string or null, not ${typeName(host)}`);
    }
    bytes = b;
  }
  if (bytes.includes(0)) throw new RangeError("getaddrinfo() host: embedded null character");
  return withNul(bytes);
}

/**
 * getaddrinfo's port, as CPython 3.11 reads it: an int (not a bool) within
 * C `long`, written in decimal; a string (strict UTF-8); bytes; or `null`.
 * Anything else is OSError "Int or String expected". An embedded NUL is a
 * RangeError here; CPython silently cuts the service name there.
 */
function portBytes(port: unknown): Uint8Array | null {
  if (port === null || port === undefined) return null;
  const n = asInteger(port, false);
  let bytes: Uint8Array;
  if (n !== null) {
    if (!fitsCLong(n)) {
      throw new RangeError("getaddrinfo() port: int too large to convert to C long");
    }
    return withNul(new TextEncoder().encode(n.toString()));
  }
  if (typeof port === "string") bytes = utf8(port);
  else {
    const b = copyUint8(port);
    if (b === null) throw new error("Int or String expected");
    bytes = b;
  }
  if (bytes.includes(0)) throw new RangeError("getaddrinfo() port: embedded null character");
  return withNul(bytes);
}

function prepareGai(
  host: unknown,
  port: unknown,
  family: unknown,
  type: unknown,
  proto: unknown,
  flags: unknown,
): GaiCall {
  // CPython's order: the four C ints ("iiii") first, then host, then port.
  const hints = hintsFor(
    cInt(family, "getaddrinfo() family"),
    cInt(type, "getaddrinfo() type"),
    cInt(proto, "getaddrinfo() proto"),
    cInt(flags, "getaddrinfo() flags"),
  );
  return { node: hostBytes(host), service: portBytes(port), hints, res: new Uint8Array(PTR) };
}

function collectGai(call: GaiCall): AddrInfo[] {
  return collectRaw(call.res).map((r) => [
    r.family,
    r.type,
    r.proto,
    r.canonname,
    decodeAddress(r.sa, r.sa.length),
  ]);
}

/**
 * Translates a host and port into the arguments for creating and connecting
 * a socket. Corresponds to `getaddrinfo(3)`.
 *
 * @example Resolving localhost for a TCP connection
 * ```ts
 * import * as socket from "@libc/socket";
 * for (const [family, type, proto, canonname, sockaddr] of
 *   socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM)) {
 *   console.log(family, type, proto, canonname, sockaddr); // 2 1 6 "" ["127.0.0.1", 80]
 * }
 * ```
 *
 * @param host A host name, numeric address, or `null`.
 * @param port A port number, service name (`"http"`), or `null`.
 * @param family `AF_INET`, `AF_INET6`, or 0 for any (default 0).
 * @param type `SOCK_STREAM`, `SOCK_DGRAM`, …, or 0 for any (default 0).
 * @param proto A protocol number, or 0 for any (default 0).
 * @param flags `AI_*` flags, OR-ed (default 0).
 * @returns `[family, type, proto, canonname, sockaddr]` tuples.
 * @throws {gaierror} When the name cannot be resolved, or libc refuses a
 *   hint (EAI_FAMILY, EAI_SOCKTYPE, EAI_SERVICE, EAI_BADFLAGS).
 * @throws {RangeError} For a hint outside C `int`, an int port outside C
 *   `long`, a host the "idna" codec rejects (an empty label, a label of 64
 *   or more characters, a lone surrogate), or a NUL inside host or port.
 * @throws {error} "Int or String expected" for a port that is a boolean,
 *   a non-integer number or another object, as CPython.
 */
export function getaddrinfo(
  host: string | Uint8Array | null,
  port: string | number | Uint8Array | null,
  family = 0,
  type = 0,
  proto = 0,
  flags = 0,
): AddrInfo[] {
  const call = prepareGai(host, port, family, type, proto, flags);
  const rc = libc.getaddrinfo(call.node, call.service, call.hints, call.res);
  if (rc !== 0) {
    const errnum = rc === C.EAI_SYSTEM ? lastErrno() : undefined;
    throwGai(rc, "getaddrinfo", errnum, call.node, call.service);
  }
  return collectGai(call);
}

/**
 * `getaddrinfo` without blocking the event loop: the lookup runs on a
 * worker thread (`getaddrinfo(3)` is thread-safe). Resolves to what
 * {@linkcode getaddrinfo} returns.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * const infos = await socket.getaddrinfoAsync("localhost", 80, socket.AF_INET);
 * console.log(infos[0][4]); // ["127.0.0.1", 80]
 * ```
 *
 * @param options `signal` rejects the promise early (the lookup itself
 *   finishes in the background and is discarded).
 * @throws {gaierror} When the name cannot be resolved.
 */
export async function getaddrinfoAsync(
  host: string | Uint8Array | null,
  port: string | number | Uint8Array | null,
  family = 0,
  type = 0,
  proto = 0,
  flags = 0,
  options: { signal?: AbortSignal } = {},
): Promise<AddrInfo[]> {
  options.signal?.throwIfAborted();
  const call = prepareGai(host, port, family, type, proto, flags);
  await runAsync(call, options.signal);
  return collectGai(call);
}

/**
 * Translates a socket address into a host and port, numeric or by name.
 * Corresponds to `getnameinfo(3)`, after a numeric `getaddrinfo(3)` of the
 * host, as CPython does.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.getnameinfo(["127.0.0.1", 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)); // ["127.0.0.1", "80"]
 * ```
 *
 * @param sockaddr `[host, port]` or `[host, port, flowinfo, scope_id]`; the host must be numeric.
 * @param flags `NI_*` flags.
 * @returns `[host, port]`, both strings.
 * @throws {gaierror} When the lookup fails.
 * @throws {RangeError} For a port outside 0-65535, a flowinfo outside
 *   0-1048575, a scope_id outside 0-2^32-1, or a host with a NUL.
 */
export function getnameinfo(
  sockaddr: [string, number] | [string, number, number, number] | [string, number, number],
  flags: number,
): [host: string, port: string] {
  // CPython's order: flags ("Oi"), the sockaddr's type, its fields
  // ("si|II"), the flowinfo range, the lookup, then the IPv4 tuple size.
  const fl = cInt(flags, "getnameinfo() flags");
  if (!Array.isArray(sockaddr)) {
    throw new TypeError(`getnameinfo() argument 1 must be an array, not ${typeName(sockaddr)}`);
  }
  if (sockaddr.length < 2 || sockaddr.length > 4 || typeof sockaddr[0] !== "string") {
    throw new TypeError("getnameinfo(): illegal sockaddr argument");
  }
  const host = cString(sockaddr[0], "getnameinfo(): host");
  const port = cInt(sockaddr[1], "getnameinfo(): port");
  const flowinfo = sockaddr.length > 2 ? integer(sockaddr[2], "getnameinfo(): flowinfo") : 0n;
  const scope = sockaddr.length > 3 ? integer(sockaddr[3], "getnameinfo(): scope_id") : 0n;
  if (flowinfo < 0n || flowinfo > 0xfffffn) {
    throw new RangeError("getnameinfo(): flowinfo must be 0-1048575.");
  }
  // Stricter than CPython 3.11, which passes such a port on to libc (70000
  // becomes 4464) and masks scope_id to 32 bits (-1 becomes 4294967295).
  if (port < 0 || port > 65535) throw new RangeError("getnameinfo(): port must be 0-65535.");
  if (scope < 0n || scope > 0xffffffffn) {
    throw new RangeError(`getnameinfo(): scope_id must be 0-4294967295, got ${repr(scope)}`);
  }
  const infos = lookup(
    host,
    withNul(new TextEncoder().encode(String(port))),
    C.AF_UNSPEC,
    C.SOCK_DGRAM,
    C.AI_NUMERICHOST,
  );
  if (infos.length !== 1) throw new error("sockaddr resolved to multiple addresses");
  const { family, sa } = infos[0];
  if (family === C.AF_INET && sockaddr.length !== 2) {
    throw new error("IPv4 sockaddr must be 2 tuple");
  }
  if (family === C.AF_INET6) {
    const F = struct("sockaddr_in6").fields;
    const v = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
    v.setUint32(F.sin6_flowinfo.offset, Number(flowinfo), false);
    // Deliberately unlike CPython, which overwrites the scope parsed from
    // "fe80::1%lo" with the tuple's scope_id even when that is 0: a parsed
    // scope is kept unless the tuple gives a non-zero one.
    if (scope !== 0n) v.setUint32(F.sin6_scope_id.offset, Number(scope), LITTLE_ENDIAN);
  }
  const hostBuf = new Uint8Array(C.NI_MAXHOST ?? 1025);
  const servBuf = new Uint8Array(C.NI_MAXSERV ?? 32);
  const rc = libc.getnameinfo(
    sa,
    sa.length,
    hostBuf,
    hostBuf.length,
    servBuf,
    servBuf.length,
    fl,
  );
  if (rc !== 0) {
    const e = gaiError(rc, "getnameinfo", rc === C.EAI_SYSTEM ? lastErrno() : undefined);
    throw aboutAddress(e, sa, 0, "getnameinfo");
  }
  return [fromCBytes(hostBuf), fromCBytes(servBuf)];
}

/**
 * Returns the host name of this machine. Corresponds to `gethostname(2)`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.gethostname());
 * ```
 */
export function gethostname(): string {
  const buf = new Uint8Array(1025);
  if (libc.gethostname(buf, BigInt(buf.length - 1)) === -1) {
    throw fromErrno(lastErrno(), "gethostname");
  }
  return fsDecodeC(buf); // as CPython: the file-system decoding (surrogateescape)
}

/**
 * Sets the host name of this machine (of the calling process's UTS
 * namespace). Corresponds to `sethostname(2)`, which needs
 * `CAP_SYS_ADMIN`.
 *
 * @example In a private UTS namespace (`unshare -u`), as root
 * ```ts ignore
 * import * as socket from "@libc/socket";
 * socket.sethostname("sandbox");
 * console.log(socket.gethostname()); // "sandbox"
 * ```
 *
 * @param name The new name: a string (the file-system encoding, UTF-8 with
 *   surrogateescape, as CPython's) or raw bytes.
 * @throws {PermissionError} EPERM without `CAP_SYS_ADMIN`.
 * @throws {error} EINVAL for a name longer than 64 bytes.
 * @throws {TypeError} For a name that is neither a string nor bytes.
 * @throws {RangeError} For a string with a NUL or an unencodable lone surrogate.
 */
export function sethostname(name: string | Uint8Array): void {
  let bytes: Uint8Array;
  if (typeof name === "string") {
    bytes = fsEncode(name);
    if (bytes.includes(0)) throw new RangeError("sethostname(): embedded null byte");
  } else {
    const b = copyUint8(name);
    if (b === null) {
      throw new TypeError(
        `sethostname() argument must be a string or Uint8Array, not ${typeName(name)}`,
      );
    }
    bytes = b;
  }
  // An empty name must still reach the kernel as a real pointer.
  const buf = bytes.length === 0 ? new Uint8Array(1) : bytes;
  if (libc.sethostname(buf, BigInt(bytes.length)) === -1) {
    throw fromErrno(lastErrno(), "sethostname");
  }
}

/**
 * A host name argument of the gethostby* family, as CPython's "et" format
 * with the "idna" codec reads it: a string through the codec (RangeError
 * for what it rejects), or bytes; then an embedded NUL is a TypeError.
 */
function encodedName(name: unknown, fn: string): Uint8Array {
  let bytes: Uint8Array | null;
  if (typeof name === "string") bytes = new TextEncoder().encode(idna(name));
  else bytes = copyUint8(name);
  if (bytes === null) {
    throw new TypeError(`${fn}() argument 1 must be str or Uint8Array, not ${typeName(name)}`);
  }
  if (bytes.includes(0)) {
    throw new TypeError(
      `${fn}() argument 1 must be encoded string without null bytes, not ${pyType(name)}`,
    );
  }
  return bytes;
}

const SIN = struct("sockaddr_in");
const SIN6 = struct("sockaddr_in6");

/**
 * Translates a host name to an IPv4 address string; an address is returned
 * unchanged. Built on `getaddrinfo(3)` with `AF_INET`, as CPython's is.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.gethostbyname("localhost")); // "127.0.0.1"
 * console.log(socket.gethostbyname("10.1.2.3")); // "10.1.2.3"
 * ```
 *
 * @throws {gaierror} When the name cannot be resolved.
 * @throws {RangeError} For a name the "idna" codec rejects (an empty label,
 *   a label of 64 or more characters, a lone surrogate).
 */
export function gethostbyname(hostname: string | Uint8Array): string {
  const sa = setipaddr(encodedName(hostname, "gethostbyname"), C.AF_INET);
  return formatIPv4(sa, SIN.fields.sin_addr.offset);
}

/** `[hostname, aliaslist, ipaddrlist]`, as `gethostbyname_ex` and `gethostbyaddr` return. */
export type HostEntry = [hostname: string, aliaslist: string[], ipaddrlist: string[]];

type HostentR = (
  ret: Uint8Array,
  buf: Uint8Array,
  len: bigint,
  result: Uint8Array,
  herr: Uint8Array,
) => number;

/**
 * The herror for an h_errno code, as CPython's `set_herror`, naming the
 * host (or address) looked up.
 */
function hostError(code: number, syscall: string, host: string): herror {
  const e = new herror(code, readCString(libc.hstrerror(code)));
  e.code = ["", "HOST_NOT_FOUND", "TRY_AGAIN", "NO_RECOVERY", "NO_DATA"][code] ?? null;
  e.syscall = syscall;
  return annotate(e, plainText(host), { hostname: host });
}

/**
 * Decodes a `struct hostent` (`ret`, its bytes) and everything it points
 * to, before the next libc call (that may be libc's memory, which the next
 * lookup reuses).
 */
function decodeHostent(ret: Uint8Array): HostEntry {
  const view = new DataView(ret.buffer);
  const family = intField(view, HOSTENT.fields.h_addrtype);
  const length = intField(view, HOSTENT.fields.h_length);
  const name = readCString(readPtr(ret, HOSTENT.fields.h_name.offset));
  const aliases = readPointerArray(readPtr(ret, HOSTENT.fields.h_aliases.offset)).map(
    readCString,
  );
  const raw = readPointerArray(readPtr(ret, HOSTENT.fields.h_addr_list.offset)).map((p) =>
    copyOut(p!, length)
  );
  // Formatting an IPv6 address calls inet_ntop: only after every copy.
  const addrs = raw.map((b) => family === C.AF_INET6 ? formatIPv6(b) : formatIPv4(b));
  return [name, aliases, addrs];
}

/**
 * A signed integer field at the width its layout gives it: `int` on Unix,
 * `short` on Windows (`hostent.h_addrtype`, `h_length`, `protoent.p_proto`).
 */
function intField(view: DataView, f: FieldLayout): number {
  return f.size === 2
    ? view.getInt16(f.offset, LITTLE_ENDIAN)
    : view.getInt32(f.offset, LITTLE_ENDIAN);
}

/** A copy of `size` bytes at `p`. */
function copyOut(p: Deno.PointerObject, size: number): Uint8Array {
  return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p, size)).slice();
}

/** A `*_r` hostent lookup of `host`, retried with a larger buffer on ERANGE. */
function hostentCall(call: HostentR, syscall: string, host: string): HostEntry {
  let size = 16384;
  for (;;) {
    const ret = new Uint8Array(HOSTENT.size);
    const buf = new Uint8Array(size);
    const result = new Uint8Array(PTR);
    const herr = new Int32Array(1);
    const rc = call(ret, buf, BigInt(size), result, new Uint8Array(herr.buffer));
    if (rc === table.errnoNames.ERANGE) {
      if (size >= 1 << 24) throw fromErrno(table.errnoNames.ERANGE, syscall);
      size *= 4;
      continue;
    }
    if (readPtr(result) === null) throw hostError(herr[0], syscall, host);
    const entry = decodeHostent(ret);
    // The strings and addresses were in buf: keep it reachable until here.
    if (buf.length !== size) throw new Error("unreachable");
    return entry;
  }
}

/** A classic hostent lookup (macOS) of `host`: the result is libc's, decoded at once. */
function hostentClassic(h: Deno.PointerValue, syscall: string, host: string): HostEntry {
  if (h === null) throw hostError(hErrno(), syscall, host); // h_errno, before any other call
  return decodeHostent(copyOut(h, HOSTENT.size));
}

/**
 * Extended `gethostbyname`: the primary name, aliases and all IPv4
 * addresses of a host. Corresponds to `gethostbyname2_r(3)` with `AF_INET`
 * (`gethostbyname2(3)` on macOS, which lacks the `_r` call).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * const [name, aliases, addresses] = socket.gethostbyname_ex("localhost");
 * console.log(name, aliases, addresses); // "localhost" [] ["127.0.0.1"]
 * ```
 *
 * @throws {gaierror} When the name cannot be resolved.
 * @throws {herror} When the host database has no entry.
 * @throws {RangeError} For a name the "idna" codec rejects.
 */
export function gethostbyname_ex(hostname: string | Uint8Array): HostEntry {
  const name = encodedName(hostname, "gethostbyname_ex");
  setipaddr(name, C.AF_INET); // raises gaierror for unknown names, as CPython does
  const cname = withNul(name);
  const host = fsDecodeC(cname);
  if (!target.reentrantNetdb) {
    return hostentClassic(libc.gethostbyname2(cname, C.AF_INET), "gethostbyname", host);
  }
  return hostentCall(
    (ret, buf, len, result, herr) =>
      libc.gethostbyname2_r(cname, C.AF_INET, ret, buf, len, result, herr),
    "gethostbyname_r",
    host,
  );
}

/**
 * Returns `[hostname, aliaslist, ipaddrlist]` for an IP address (or a name,
 * which is resolved first). Corresponds to `gethostbyaddr_r(3)`
 * (`gethostbyaddr(3)` on macOS).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.gethostbyaddr("127.0.0.1")); // ["localhost", [], ["127.0.0.1"]]
 * ```
 *
 * @throws {herror} When no host name is known for the address.
 * @throws {RangeError} For a name the "idna" codec rejects.
 */
export function gethostbyaddr(ip_address: string | Uint8Array): HostEntry {
  const name = encodedName(ip_address, "gethostbyaddr");
  const sa = setipaddr(name, C.AF_UNSPEC);
  const family = familyOf(sa);
  const at = family === C.AF_INET6 ? SIN6.fields.sin6_addr.offset : SIN.fields.sin_addr.offset;
  const addr = sa.slice(at, at + (family === C.AF_INET6 ? 16 : 4));
  const host = fsDecodeC(name);
  if (!target.reentrantNetdb) {
    return hostentClassic(libc.gethostbyaddr(addr, addr.length, family), "gethostbyaddr", host);
  }
  return hostentCall(
    (ret, buf, len, result, herr) =>
      libc.gethostbyaddr_r(addr, addr.length, family, ret, buf, len, result, herr),
    "gethostbyaddr_r",
    host,
  );
}

/**
 * Translates a protocol name such as `"icmp"` to its number, for the third
 * argument of `socket()`. Corresponds to `getprotobyname_r(3)`
 * (`getprotobyname(3)` on macOS).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.getprotobyname("icmp")); // 1
 * ```
 *
 * @throws {error} "protocol not found".
 * @throws {RangeError} For a name with a NUL or a lone surrogate.
 */
export function getprotobyname(protocolname: string): number {
  const name = cString(protocolname, "getprotobyname() argument 1");
  let ret: Uint8Array | null;
  if (target.reentrantNetdb) {
    ret = new Uint8Array(PROTOENT.size);
    const buf = new Uint8Array(4096);
    const result = new Uint8Array(PTR);
    libc.getprotobyname_r(name, ret, buf, BigInt(buf.length), result);
    if (readPtr(result) === null) ret = null;
  } else {
    const p = libc.getprotobyname(name); // libc's protoent: copied at once
    ret = p === null ? null : copyOut(p, PROTOENT.size);
  }
  if (ret === null) throw new error("protocol not found");
  return intField(new DataView(ret.buffer), PROTOENT.fields.p_proto);
}

type ServentR = (ret: Uint8Array, buf: Uint8Array, len: bigint, result: Uint8Array) => number;

/**
 * A servent lookup: the `_r` call, or (`!target.reentrantNetdb`) the
 * classic one. Returns a copy of the struct (its `s_name` points into `buf`
 * or libc's memory: read it before the next libc call), or null.
 */
function serventCall(reentrant: ServentR, classic: () => Deno.PointerValue): Uint8Array | null {
  if (!target.reentrantNetdb) {
    const p = classic();
    return p === null ? null : copyOut(p, SERVENT.size);
  }
  const ret = new Uint8Array(SERVENT.size);
  const buf = new Uint8Array(4096);
  const result = new Uint8Array(PTR);
  reentrant(ret, buf, BigInt(buf.length), result);
  return readPtr(result) === null ? null : ret;
}

/** The optional protocol name: omitted means any; `null` is a TypeError, as CPython's None. */
function protoArg(protocolname: unknown, fn: string): Uint8Array | null {
  if (protocolname === undefined) return null;
  return cString(protocolname, `${fn}() argument 2`);
}

/**
 * Translates a service name and protocol name (`"tcp"`, `"udp"`) to a port
 * number. Corresponds to `getservbyname_r(3)` (`getservbyname(3)` on macOS).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.getservbyname("http", "tcp")); // 80
 * ```
 *
 * @param protocolname Omit it for any protocol (`null` is a TypeError, as None in CPython).
 * @throws {error} "service/proto not found".
 * @throws {RangeError} For a name with a NUL or a lone surrogate.
 */
export function getservbyname(servicename: string, protocolname?: string): number {
  const name = cString(servicename, "getservbyname() argument 1");
  const proto = protoArg(protocolname, "getservbyname");
  const ret = serventCall(
    (r, b, l, res) => libc.getservbyname_r(name, proto, r, b, l, res),
    () => libc.getservbyname(name, proto),
  );
  if (ret === null) throw new error("service/proto not found");
  return new DataView(ret.buffer).getUint16(SERVENT.fields.s_port.offset, false);
}

/**
 * Translates a port number and protocol name to a service name.
 * Corresponds to `getservbyport_r(3)` (`getservbyport(3)` on macOS).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.getservbyport(80, "tcp")); // "http"
 * ```
 *
 * @param protocolname Omit it for any protocol (`null` is a TypeError, as None in CPython).
 * @throws {RangeError} When `port` is outside 0-65535.
 * @throws {error} "port/proto not found".
 */
export function getservbyport(port: number, protocolname?: string): string {
  // CPython's order: port as a C int, the protocol name, then the port range.
  const p = cInt(port, "getservbyport() port");
  const proto = protoArg(protocolname, "getservbyport");
  if (p < 0 || p > 65535) throw new RangeError("getservbyport: port must be 0-65535.");
  // s_port is in network byte order.
  const netPort = ((p & 0xff) << 8) | (p >> 8);
  const ret = serventCall(
    (r, b, l, res) => libc.getservbyport_r(netPort, proto, r, b, l, res),
    () => libc.getservbyport(netPort, proto),
  );
  if (ret === null) throw new error("port/proto not found");
  return readCString(readPtr(ret, SERVENT.fields.s_name.offset));
}

/**
 * Returns a fully qualified domain name for `name` (default: this host), as
 * CPython's `socket.getfqdn`: the first of the host name and its aliases from
 * `gethostbyaddr` that contains a dot.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.getfqdn());
 * ```
 */
export function getfqdn(name = ""): string {
  name = name.trim();
  if (!name || name === "0.0.0.0" || name === "::") name = gethostname();
  let entry: HostEntry;
  try {
    entry = gethostbyaddr(name);
  } catch (e) {
    if (e instanceof error) return name;
    throw e;
  }
  const [hostname, aliases] = entry;
  for (const candidate of [hostname, ...aliases]) {
    if (candidate.includes(".")) return candidate;
  }
  return hostname;
}
