/**
 * Types that tie a socket to its address family and type, so that a socket
 * made with `AF_INET` returns `[host, port]` addresses without a cast.
 *
 * The constants' values depend on the OS (`AF_INET6` is 10 on Linux, 30 on
 * macOS, 23 on Windows), so they can't be literal types. Instead the few
 * constants that decide an address form are typed as a `number` carrying a
 * type-only brand with their name (`Family<"AF_INET">`): they are still
 * numbers for arithmetic, comparisons and `switch`, and `socket(AF_INET)`
 * infers `Socket<Family<"AF_INET">>`. A plain `number` (a family read at run
 * time) keeps the full {@linkcode Address} union. Nothing here exists at run
 * time.
 *
 * @module
 */
import type {
  Address,
  AlgAddress,
  CanAddress,
  IPv4Address,
  IPv6Address,
  NetlinkAddress,
  PacketAddress,
  QipcrtrAddress,
  TipcAddress,
  UnixAddress,
  VsockAddress,
} from "./address_types.ts";

/** The address families whose constants carry their name in their type. */
export type FamilyName =
  | "AF_INET"
  | "AF_INET6"
  | "AF_UNIX"
  | "AF_NETLINK"
  | "AF_VSOCK"
  | "AF_PACKET"
  | "AF_ALG"
  | "AF_CAN"
  | "AF_TIPC"
  | "AF_QIPCRTR";

/** The socket types whose constants carry their name in their type. */
export type KindName = "SOCK_STREAM" | "SOCK_DGRAM" | "SOCK_SEQPACKET" | "SOCK_RAW";

/**
 * The type of an address family constant such as `AF_INET`: a `number`
 * (whose value depends on the OS) that also names its family, for the type
 * checker only. `Socket<Family<"AF_INET">>` is written
 * `Socket<typeof socket.AF_INET>` as well.
 */
export type Family<Name extends FamilyName> = number & { readonly __family: Name };

/**
 * The type of a socket type constant such as `SOCK_DGRAM`: a `number` that
 * also names it, for the type checker only (see {@linkcode Family}).
 */
export type Kind<Name extends KindName> = number & { readonly __kind: Name };

/**
 * The address form of family `F`, as a socket of that family returns it:
 * `[host, port]` for `AF_INET`, the 4-tuple for `AF_INET6`, a path for
 * `AF_UNIX`…, and the whole {@linkcode Address} union for a family only
 * known at run time (`number`). A union of families gives the union of
 * their forms.
 */
export type FamilyAddress<F extends number> = F extends Family<"AF_INET"> ? IPv4Address
  : F extends Family<"AF_INET6"> ? IPv6Address
  : F extends Family<"AF_UNIX"> ? UnixAddress
  : F extends Family<"AF_NETLINK"> ? NetlinkAddress
  : F extends Family<"AF_VSOCK"> ? VsockAddress
  : F extends Family<"AF_PACKET"> ? PacketAddress
  : F extends Family<"AF_ALG"> ? AlgAddress
  : F extends Family<"AF_CAN"> ? CanAddress
  : F extends Family<"AF_TIPC"> ? TipcAddress
  : F extends Family<"AF_QIPCRTR"> ? QipcrtrAddress
  : Address;

/**
 * The peer address `accept` returns on a socket of family `F`: its
 * {@linkcode FamilyAddress}, but `""` on `AF_ALG` (where CPython gives
 * `None`).
 */
export type AcceptedAddress<F extends number> = F extends Family<"AF_ALG"> ? ""
  : FamilyAddress<F>;

/**
 * The sender `recvfrom` returns on a socket of family `F` and type `T`:
 * never `null` for an `AF_INET`/`AF_INET6` datagram or raw socket (every
 * packet has a source, which the kernel always reports) nor for an
 * `AF_PACKET` socket (the kernel always fills its `sockaddr_ll`);
 * otherwise `FamilyAddress<F> | null` (a stream socket, or an unnamed
 * `AF_UNIX` peer, gives `null`).
 */
export type Sender<F extends number, T extends number> = [F] extends [Family<"AF_PACKET">]
  ? FamilyAddress<F>
  : [T] extends [Kind<"SOCK_DGRAM"> | Kind<"SOCK_RAW">]
    ? [F] extends [Family<"AF_INET"> | Family<"AF_INET6">] ? FamilyAddress<F>
    : FamilyAddress<F> | null
  : FamilyAddress<F> | null;
