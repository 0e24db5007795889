/**
 * Python's conveniences from `Lib/socket.py`: `create_connection`,
 * `create_server` and `has_dualstack_ipv6`, built on public socket methods.
 *
 * @module
 */
import { constants as C } from "../constants/mod.ts";
import { error, fromErrno } from "../core/errors.ts";
import type { AddressLike } from "./address/mod.ts";
import { getaddrinfo } from "./resolver.ts";
import type { Socket } from "./socket.ts";
import type { Family, Kind } from "../core/families.ts";
import { socket } from "./functions.ts";
import { addressStr, typeName } from "../core/repr.ts";

/** Python's `socket.has_ipv6`: whether IPv6 is supported by this build. */
export const has_ipv6: boolean = C.AF_INET6 !== undefined;

/** Keyword-only options of {@linkcode create_connection}. */
export interface CreateConnectionOptions {
  /** Throw an `AggregateError` of every attempt's error instead of the first. */
  all_errors?: boolean;
}

/**
 * Connects to a TCP service: resolves `[host, port]` with `getaddrinfo`,
 * tries each address in turn, and returns the first socket that connects.
 * Python's `socket.create_connection`.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * using srv = socket.create_server(["127.0.0.1", 0]);
 * using s = socket.create_connection(srv.getsockname(), 5);
 * ```
 *
 * @param address `[host, port]`.
 * @param timeout Seconds for the connect and later operations; `null` for
 *   blocking; omitted (`undefined`): the default timeout.
 * @param source_address `[host, port]` to bind to before connecting
 *   (default `null`: the kernel picks).
 * @param options Python's keyword-only `all_errors` (default false); default `{}`.
 * @returns A connected `SOCK_STREAM` socket, `AF_INET` or `AF_INET6` by the
 *   address resolved (its addresses typed as either form).
 * @throws {error} The last attempt's error, as CPython (or `AggregateError` of all with `all_errors`).
 */
export function create_connection(
  address: readonly [string | null, number | string],
  timeout?: number | null,
  source_address: AddressLike | null = null,
  options: CreateConnectionOptions = {},
): Socket<Family<"AF_INET"> | Family<"AF_INET6">, Kind<"SOCK_STREAM">> {
  if (!Array.isArray(address) || address.length !== 2) {
    throw new TypeError(`address must be [host, port], not ${typeName(address)}`);
  }
  const [host, port] = address;
  const errors: unknown[] = [];
  for (const [family, type, proto, , sockaddr] of getaddrinfo(host, port, 0, C.SOCK_STREAM)) {
    let sock: Socket | null = null;
    try {
      sock = socket(family, type, proto);
      if (timeout !== undefined) sock.settimeout(timeout);
      if (source_address) sock.bind(source_address);
      sock.connect(sockaddr);
      return sock as Socket<Family<"AF_INET"> | Family<"AF_INET6">, Kind<"SOCK_STREAM">>;
    } catch (e) {
      sock?.close();
      // As CPython: only OS errors move on to the next address; a wrong
      // argument (a bad timeout or source address) is raised at once.
      if (!(e instanceof error)) throw e;
      errors.push(e);
    }
  }
  if (errors.length === 0) throw new error("getaddrinfo returns an empty list");
  if (options.all_errors) throw new AggregateError(errors, "create_connection failed");
  throw errors[errors.length - 1];
}

/** Keyword-only options of {@linkcode create_server}. */
export interface CreateServerOptions<F extends number = number> {
  /** `AF_INET` (default) or `AF_INET6`. */
  family?: F;
  /** `listen()` backlog; default `min(SOMAXCONN, 128)`. */
  backlog?: number | null;
  /** Set `SO_REUSEPORT` so several sockets can bind the same port. */
  reuse_port?: boolean;
  /** With `AF_INET6`, accept IPv4 connections too (clears `IPV6_V6ONLY`). */
  dualstack_ipv6?: boolean;
}

/**
 * Creates a TCP socket bound to `address` and listening. Python's
 * `socket.create_server`: sets `SO_REUSEADDR`, and for AF_INET6 sets
 * `IPV6_V6ONLY` unless `dualstack_ipv6` asks for both stacks.
 *
 * @example A dual-stack server
 * ```ts
 * import * as socket from "@libc/socket";
 * using srv = socket.create_server(["", 0], { family: socket.AF_INET6, dualstack_ipv6: true });
 * ```
 *
 * @param address `[host, port]` (`""` for every address), or an AF_UNIX path.
 * @param options Python's keyword-only `family` (default `AF_INET`),
 *   `backlog` (default `min(SOMAXCONN, 128)`), `reuse_port` (default false) and
 *   `dualstack_ipv6` (default false); default `{}`.
 * @returns A listening `SOCK_STREAM` socket of `options.family` (typed by it).
 * @throws {RangeError} For an unsupported option combination.
 * @throws {error} When binding fails; the message names the address.
 */
export function create_server<F extends number = Family<"AF_INET">>(
  address: AddressLike,
  options: CreateServerOptions<F> = {},
): Socket<F, Kind<"SOCK_STREAM">> {
  const family: number = options.family ?? C.AF_INET;
  if (options.reuse_port && C.SO_REUSEPORT === undefined) {
    throw new RangeError("SO_REUSEPORT not supported on this platform");
  }
  if (options.dualstack_ipv6) {
    if (!has_dualstack_ipv6()) {
      throw new RangeError("dualstack_ipv6 not supported on this platform");
    }
    if (family !== C.AF_INET6) throw new RangeError("dualstack_ipv6 requires AF_INET6 family");
  }
  const sock = socket(family as F, C.SOCK_STREAM as Kind<"SOCK_STREAM">);
  try {
    try {
      sock.setsockopt(C.SOL_SOCKET, C.SO_REUSEADDR, 1);
    } catch (e) {
      if (!(e instanceof error)) throw e; // some platforms refuse it: not fatal
    }
    if (options.reuse_port) sock.setsockopt(C.SOL_SOCKET, C.SO_REUSEPORT, 1);
    if (family === C.AF_INET6) {
      sock.setsockopt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, options.dualstack_ipv6 ? 0 : 1);
    }
    try {
      sock.bind(address);
    } catch (e) {
      if (e instanceof error && e.errno !== null) {
        // Same class (and Deno class, e.g. AddrInUse) and errno, with the
        // address in strerror, as CPython's; `address`/`filename` as bind's.
        const wrapped = fromErrno(e.errno, "bind", e.constructor as typeof error);
        wrapped.strerror = `${e.strerror} (while attempting to bind on address ${
          addressStr(address, true)
        })`;
        wrapped.message = `[Errno ${e.errno}] ${wrapped.strerror}`;
        wrapped.code = e.code;
        if (e.address !== undefined) wrapped.address = e.address;
        if (e.filename !== undefined) wrapped.filename = e.filename;
        throw wrapped;
      }
      throw e;
    }
    if (options.backlog === null || options.backlog === undefined) sock.listen();
    else sock.listen(options.backlog);
    return sock;
  } catch (e) {
    sock.close();
    throw e;
  }
}

/**
 * Whether this machine can create a socket that accepts both IPv4 and IPv6
 * (an AF_INET6 socket with `IPV6_V6ONLY` cleared).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * console.log(socket.has_dualstack_ipv6()); // true on Linux
 * ```
 */
export function has_dualstack_ipv6(): boolean {
  if (!has_ipv6 || C.IPV6_V6ONLY === undefined) return false;
  try {
    using s = socket(C.AF_INET6, C.SOCK_STREAM);
    s.setsockopt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, 0);
    return true;
  } catch (e) {
    if (e instanceof error) return false;
    throw e;
  }
}
