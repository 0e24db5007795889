/**
 * Names and services: `getaddrinfo`, `getnameinfo`, the `gethostby*` family,
 * `getservby*`, `getprotobyname`, `gethostname`, `sethostname` and `getfqdn`.
 *
 * Only re-entrant libc calls are used (`getaddrinfo`, `gethostbyname2_r`,
 * `gethostbyaddr_r`, `getservbyname_r`, …), so lookups are safe when
 * `getaddrinfoAsync` runs them on another thread.
 *
 * @module
 */
import { domainToASCII } from "node:url";
import { constants as C, struct, table } from "./constants/mod.ts";
import { libc } from "./ffi/library.ts";
import { error, fromErrno, gaierror, herror, lastErrno } from "./errors.ts";
import { decodeAddress, encodeAddress, formatIPv4, formatIPv6, parseNumeric } from "./address.ts";
import type { Address } from "./address.ts";
import {
  cstr,
  fromCBytes,
  int,
  intIn,
  LITTLE_ENDIAN,
  readCString,
  readPointerArray,
  typeName,
} from "./_util.ts";

const AI = struct("addrinfo");
const HOSTENT = struct("hostent");
const SERVENT = struct("servent");
const PROTOENT = struct("protoent");
const PTR = table.sizes.pointer;

/** One `getaddrinfo` result: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: Address,
];

function readPtr(buf: Uint8Array, at = 0): Deno.PointerValue {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = PTR === 8 ? v.getBigUint64(at, LITTLE_ENDIAN) : BigInt(v.getUint32(at, LITTLE_ENDIAN));
  return Deno.UnsafePointer.create(n);
}

/** Throws `gaierror` for a getaddrinfo/getnameinfo code (or OSError for EAI_SYSTEM). */
function throwGai(code: number, syscall: string, errnum?: number): never {
  if (code === C.EAI_SYSTEM && errnum !== undefined) throw fromErrno(errnum, syscall);
  const message = readCString(libc.gai_strerror(code));
  const e = new gaierror(code, message);
  e.code = Object.keys(C).find((k) => k.startsWith("EAI_") && C[k] === code) ??
    null;
  e.syscall = syscall;
  throw e;
}

function hostBytes(host: unknown, what = "host"): Uint8Array | null {
  if (host === null || host === undefined) return null;
  if (host instanceof Uint8Array) {
    const out = new Uint8Array(host.length + 1);
    out.set(host);
    return out;
  }
  if (typeof host !== "string") {
    throw new TypeError(`getaddrinfo() argument 1 must be string or null, not ${typeName(host)}`);
  }
  // CPython encodes host names with the "idna" codec.
  // deno-lint-ignore no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(host) ? host : domainToASCII(host);
  if (ascii === "") throw new gaierror(C.EAI_NONAME, readCString(libc.gai_strerror(C.EAI_NONAME)));
  return cstr(ascii, what);
}

function portBytes(port: unknown): Uint8Array | null {
  if (port === null || port === undefined) return null;
  if (typeof port === "number") {
    if (!Number.isInteger(port)) throw new TypeError("port must be an integer or string");
    return cstr(String(port));
  }
  if (typeof port === "string") return cstr(port, "port");
  if (port instanceof Uint8Array) return hostBytes(port);
  throw new TypeError(`Int or String expected, not ${typeName(port)}`);
}

interface GaiCall {
  node: Uint8Array | null;
  service: Uint8Array | null;
  hints: Uint8Array;
  res: Uint8Array;
}

function prepareGai(
  host: unknown,
  port: unknown,
  family: number,
  type: number,
  proto: number,
  flags: number,
): GaiCall {
  const hints = new Uint8Array(AI.size);
  const v = new DataView(hints.buffer);
  v.setInt32(AI.fields.ai_flags.offset, int(flags, "flags"), LITTLE_ENDIAN);
  v.setInt32(AI.fields.ai_family.offset, int(family, "family"), LITTLE_ENDIAN);
  v.setInt32(AI.fields.ai_socktype.offset, int(type, "type"), LITTLE_ENDIAN);
  v.setInt32(AI.fields.ai_protocol.offset, int(proto, "proto"), LITTLE_ENDIAN);
  return { node: hostBytes(host), service: portBytes(port), hints, res: new Uint8Array(PTR) };
}

function collectGai(call: GaiCall): AddrInfo[] {
  const head = readPtr(call.res);
  const out: AddrInfo[] = [];
  try {
    for (let p = head; p !== null;) {
      const view = new Deno.UnsafePointerView(p);
      const len = view.getUint32(AI.fields.ai_addrlen.offset);
      const addrPtr = view.getPointer(AI.fields.ai_addr.offset);
      const sa = addrPtr === null
        ? new Uint8Array(0)
        : new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(addrPtr, len).slice(0));
      out.push([
        view.getInt32(AI.fields.ai_family.offset),
        view.getInt32(AI.fields.ai_socktype.offset),
        view.getInt32(AI.fields.ai_protocol.offset),
        readCString(view.getPointer(AI.fields.ai_canonname.offset)),
        decodeAddress(sa, len),
      ]);
      p = view.getPointer(AI.fields.ai_next.offset);
    }
  } finally {
    if (head !== null) libc.freeaddrinfo(head);
  }
  return out;
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
 * @param family `AF_INET`, `AF_INET6`, or 0 for any.
 * @param type `SOCK_STREAM`, `SOCK_DGRAM`, …, or 0 for any.
 * @param proto A protocol number, or 0 for any.
 * @param flags `AI_*` flags, OR-ed.
 * @returns `[family, type, proto, canonname, sockaddr]` tuples.
 * @throws {gaierror} When the name cannot be resolved.
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
  if (rc !== 0) throwGai(rc, "getaddrinfo", rc === C.EAI_SYSTEM ? lastErrno() : undefined);
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
  const signal = options.signal;
  signal?.throwIfAborted();
  const call = prepareGai(host, port, family, type, proto, flags);
  const pending = libc.getaddrinfo_nb(call.node, call.service, call.hints, call.res);
  let rc: number;
  if (signal) {
    let onAbort!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      rc = await Promise.race([pending, aborted]);
      // A quick lookup can settle before an abort that came first in JS
      // order (e.g. right after this call): the abort still wins.
      signal.throwIfAborted();
    } catch (e) {
      // Free the result once the thread is done, then report the abort.
      pending.then((code) => {
        if (code === 0) {
          const head = readPtr(call.res);
          if (head !== null) libc.freeaddrinfo(head);
        }
      });
      throw e;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  } else {
    rc = await pending;
  }
  // errno after a call on another thread is meaningless: EAI_SYSTEM is
  // reported as a gaierror.
  if (rc !== 0) throwGai(rc, "getaddrinfo");
  return collectGai(call);
}

/** The raw sockaddr of the first `getaddrinfo` result for `host` in `family`. */
export function resolveFirst(host: string, family: number): Uint8Array {
  const call = prepareGai(host, null, family, 0, 0, 0);
  const rc = libc.getaddrinfo(call.node, null, call.hints, call.res);
  if (rc !== 0) throwGai(rc, "getaddrinfo", rc === C.EAI_SYSTEM ? lastErrno() : undefined);
  const head = readPtr(call.res)!;
  try {
    const view = new Deno.UnsafePointerView(head);
    const len = view.getUint32(AI.fields.ai_addrlen.offset);
    const addr = view.getPointer(AI.fields.ai_addr.offset)!;
    return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(addr, len).slice(0));
  } finally {
    libc.freeaddrinfo(head);
  }
}

/**
 * Translates a socket address into a host and port, numeric or by name.
 * Corresponds to `getnameinfo(3)`.
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
 */
export function getnameinfo(
  sockaddr: [string, number] | [string, number, number, number] | [string, number, number],
  flags: number,
): [host: string, port: string] {
  if (!Array.isArray(sockaddr)) {
    throw new TypeError(`getnameinfo() argument 1 must be an array, not ${typeName(sockaddr)}`);
  }
  if (sockaddr.length < 2 || sockaddr.length > 4) {
    throw new TypeError("getnameinfo(): illegal sockaddr argument");
  }
  const [host, port] = sockaddr;
  if (typeof host !== "string") throw new TypeError("getnameinfo(): host must be a string");
  int(port, "port");
  const infos = getaddrinfo(host, port, C.AF_UNSPEC, C.SOCK_DGRAM, 0, C.AI_NUMERICHOST);
  if (infos.length !== 1) throw new error("sockaddr resolved to multiple addresses");
  const [family] = infos[0];
  if (family === C.AF_INET && sockaddr.length !== 2) {
    throw new error("IPv4 sockaddr must be 2 tuple");
  }
  const sa = encodeAddress(
    family,
    family === C.AF_INET ? [host, port] : sockaddr,
    "getnameinfo(): ",
  );
  const hostBuf = new Uint8Array(C.NI_MAXHOST ?? 1025);
  const servBuf = new Uint8Array(C.NI_MAXSERV ?? 32);
  const rc = libc.getnameinfo(
    sa,
    sa.length,
    hostBuf,
    hostBuf.length,
    servBuf,
    servBuf.length,
    int(flags, "flags"),
  );
  if (rc !== 0) throwGai(rc, "getnameinfo", rc === C.EAI_SYSTEM ? lastErrno() : undefined);
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
  return fromCBytes(buf);
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
 * @param name The new name: a string (UTF-8) or raw bytes.
 * @throws {PermissionError} EPERM without `CAP_SYS_ADMIN`.
 * @throws {error} EINVAL for a name longer than 64 bytes.
 * @throws {TypeError} For a name that is neither a string nor bytes, or a
 *   string with a NUL character.
 */
export function sethostname(name: string | Uint8Array): void {
  let bytes: Uint8Array;
  if (typeof name === "string") bytes = cstr(name, "sethostname() name").subarray(0, -1);
  else if (name instanceof Uint8Array) bytes = name;
  else {
    throw new TypeError(
      `sethostname() argument must be a string or Uint8Array, not ${typeName(name)}`,
    );
  }
  if (libc.sethostname(bytes, BigInt(bytes.length)) === -1) {
    throw fromErrno(lastErrno(), "sethostname");
  }
}

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
 */
export function gethostbyname(hostname: string): string {
  if (typeof hostname !== "string") {
    throw new TypeError(`gethostbyname() argument must be a string, not ${typeName(hostname)}`);
  }
  if (hostname === "") return "0.0.0.0";
  if (hostname === "<broadcast>") return "255.255.255.255";
  const numeric = parseNumeric(C.AF_INET, hostname);
  if (numeric) return formatIPv4(numeric);
  const sa = resolveFirst(hostname, C.AF_INET);
  return formatIPv4(sa, struct("sockaddr_in").fields.sin_addr.offset);
}

/** `[hostname, aliaslist, ipaddrlist]`, as `gethostbyname_ex` and `gethostbyaddr` return. */
export type HostEntry = [hostname: string, aliaslist: string[], ipaddrlist: string[]];

function hostentCall(
  call: (
    ret: Uint8Array,
    buf: Uint8Array,
    len: bigint,
    result: Uint8Array,
    herr: Uint8Array,
  ) => number,
  syscall: string,
): HostEntry {
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
    const h = readPtr(result);
    if (h === null) {
      const code = herr[0];
      const e = new herror(code, readCString(libc.hstrerror(code)));
      e.code = ["", "HOST_NOT_FOUND", "TRY_AGAIN", "NO_RECOVERY", "NO_DATA"][code] ?? null;
      e.syscall = syscall;
      throw e;
    }
    const view = new DataView(ret.buffer);
    const family = view.getInt32(HOSTENT.fields.h_addrtype.offset, LITTLE_ENDIAN);
    const length = view.getInt32(HOSTENT.fields.h_length.offset, LITTLE_ENDIAN);
    const name = readCString(readPtr(ret, HOSTENT.fields.h_name.offset));
    const aliases = readPointerArray(readPtr(ret, HOSTENT.fields.h_aliases.offset)).map(
      readCString,
    );
    const addrs = readPointerArray(readPtr(ret, HOSTENT.fields.h_addr_list.offset)).map((p) => {
      const bytes = new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p!, length));
      return family === C.AF_INET6 ? formatIPv6(bytes) : formatIPv4(bytes);
    });
    return [name, aliases, addrs];
  }
}

/**
 * Extended `gethostbyname`: the primary name, aliases and all IPv4
 * addresses of a host. Corresponds to `gethostbyname2_r(3)` with `AF_INET`.
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
 */
export function gethostbyname_ex(hostname: string): HostEntry {
  gethostbyname(hostname); // raises gaierror for unknown names, as CPython does
  const name = cstr(hostname, "hostname");
  return hostentCall(
    (ret, buf, len, result, herr) =>
      libc.gethostbyname2_r(name, C.AF_INET, ret, buf, len, result, herr),
    "gethostbyname_r",
  );
}

/**
 * Returns `[hostname, aliaslist, ipaddrlist]` for an IP address (or a name,
 * which is resolved first). Corresponds to `gethostbyaddr_r(3)`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.gethostbyaddr("127.0.0.1")); // ["localhost", [], ["127.0.0.1"]]
 * ```
 *
 * @throws {herror} When no host name is known for the address.
 */
export function gethostbyaddr(ip_address: string): HostEntry {
  if (typeof ip_address !== "string") {
    throw new TypeError(`gethostbyaddr() argument must be a string, not ${typeName(ip_address)}`);
  }
  let family = C.AF_INET;
  let bytes = parseNumeric(C.AF_INET, ip_address);
  if (!bytes) {
    bytes = parseNumeric(C.AF_INET6, ip_address);
    family = C.AF_INET6;
  }
  if (!bytes) {
    const sa = resolveFirst(ip_address, C.AF_UNSPEC);
    const dec = decodeAddress(sa, sa.length) as [string, number];
    family = dec[0].includes(":") ? C.AF_INET6 : C.AF_INET;
    bytes = parseNumeric(family, dec[0])!;
  }
  const addr = bytes;
  return hostentCall(
    (ret, buf, len, result, herr) =>
      libc.gethostbyaddr_r(addr, addr.length, family, ret, buf, len, result, herr),
    "gethostbyaddr_r",
  );
}

/**
 * Translates a protocol name such as `"icmp"` to its number, for the third
 * argument of `socket()`. Corresponds to `getprotobyname_r(3)`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.getprotobyname("icmp")); // 1
 * ```
 *
 * @throws {error} "protocol not found".
 */
export function getprotobyname(protocolname: string): number {
  const name = cstr(protocolname, "protocolname");
  const ret = new Uint8Array(PROTOENT.size);
  const buf = new Uint8Array(4096);
  const result = new Uint8Array(PTR);
  libc.getprotobyname_r(name, ret, buf, BigInt(buf.length), result);
  if (readPtr(result) === null) throw new error("protocol not found");
  return new DataView(ret.buffer).getInt32(PROTOENT.fields.p_proto.offset, LITTLE_ENDIAN);
}

function serventCall(
  call: (ret: Uint8Array, buf: Uint8Array, len: bigint, result: Uint8Array) => number,
): Uint8Array | null {
  const ret = new Uint8Array(SERVENT.size);
  const buf = new Uint8Array(4096);
  const result = new Uint8Array(PTR);
  call(ret, buf, BigInt(buf.length), result);
  return readPtr(result) === null ? null : ret;
}

function protoArg(protocolname: unknown): Uint8Array | null {
  if (protocolname === undefined || protocolname === null) return null;
  return cstr(protocolname as string, "protocolname");
}

/**
 * Translates a service name and protocol name (`"tcp"`, `"udp"`) to a port
 * number. Corresponds to `getservbyname_r(3)`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.getservbyname("http", "tcp")); // 80
 * ```
 *
 * @throws {error} "service/proto not found".
 */
export function getservbyname(servicename: string, protocolname?: string): number {
  const name = cstr(servicename, "servicename");
  const proto = protoArg(protocolname);
  const ret = serventCall((r, b, l, res) => libc.getservbyname_r(name, proto, r, b, l, res));
  if (ret === null) throw new error("service/proto not found");
  return new DataView(ret.buffer).getUint16(SERVENT.fields.s_port.offset, false);
}

/**
 * Translates a port number and protocol name to a service name.
 * Corresponds to `getservbyport_r(3)`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.getservbyport(80, "tcp")); // "http"
 * ```
 *
 * @throws {RangeError} When `port` is outside 0-65535.
 * @throws {error} "port/proto not found".
 */
export function getservbyport(port: number, protocolname?: string): string {
  const p = intIn(port, 0, 65535, "getservbyport: port");
  const proto = protoArg(protocolname);
  // s_port is in network byte order.
  const netPort = ((p & 0xff) << 8) | (p >> 8);
  const ret = serventCall((r, b, l, res) => libc.getservbyport_r(netPort, proto, r, b, l, res));
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
