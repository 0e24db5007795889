/**
 * # @libc/socket
 *
 * The BSD socket interface for Deno, with the names and semantics of
 * Python's `socket` module, built by calling libc directly through
 * `Deno.dlopen`: raw sockets, UDP broadcast and multicast, Unix datagram and
 * seqpacket sockets, descriptor passing, any `setsockopt`, adopting inherited
 * descriptors — everything `Deno.listen`/`Deno.connect` do not offer.
 *
 * Run with `--allow-ffi` (which, note, grants full access to the process and
 * bypasses `--allow-net`).
 *
 * @example The seed's echo client and server, in one script
 * ```ts
 * import * as socket from "@libc/socket";
 *
 * using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * s.bind("127.0.0.1", 0);
 * s.listen(1);
 * using c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * c.connect(s.getsockname());
 * const [conn, addr] = s.accept();
 * c.send("Hello, world");
 * conn.send(conn.recv(1024));
 * console.log("Received", new TextDecoder().decode(c.recv(1024)));
 * conn.close();
 * ```
 *
 * @module
 */

export { Socket, SocketType } from "./socket/socket.ts";
export { getdefaulttimeout, setdefaulttimeout } from "./socket/timeout.ts";
export type {
  AcceptedAddress,
  Family,
  FamilyAddress,
  FamilyName,
  Kind,
  KindName,
  Sender,
} from "./core/families.ts";
export type {
  AsyncOptions,
  RecvMsgIntoResult,
  RecvMsgResult,
  SendfileSource,
  SendmsgAfalgOptions,
} from "./socket/types.ts";
export {
  CMSG_LEN,
  CMSG_SPACE,
  packFds,
  packUcred,
  unpackFds,
  unpackUcred,
} from "./socket/ancillary.ts";
export type { AncData, Ucred } from "./socket/ancillary.ts";
export {
  close,
  dup,
  fromfd,
  fromshare,
  recv_fds,
  send_fds,
  socket,
  socketpair,
} from "./socket/functions.ts";
export type { IoctlOption } from "./socket/_windows_only.ts";
export {
  create_connection,
  create_server,
  has_dualstack_ipv6,
  has_ipv6,
} from "./socket/connection.ts";
export type { CreateConnectionOptions, CreateServerOptions } from "./socket/connection.ts";
export {
  getaddrinfo,
  getaddrinfoAsync,
  getfqdn,
  gethostbyaddr,
  gethostbyname,
  gethostbyname_ex,
  gethostname,
  getnameinfo,
  getprotobyname,
  getservbyname,
  getservbyport,
  sethostname,
} from "./socket/resolver.ts";
export type { AddrInfo, HostEntry } from "./socket/resolver.ts";
export { inet_aton, inet_ntoa, inet_ntop, inet_pton } from "./socket/inet.ts";
export { htonl, htons, ntohl, ntohs } from "./socket/byteorder.ts";
export { if_indextoname, if_nameindex, if_nametoindex } from "./socket/interfaces.ts";
export {
  BlockingIOError,
  BrokenPipeError,
  ChildProcessError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  errnoOf,
  error,
  FileExistsError,
  FileNotFoundError,
  gaierror,
  herror,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  PermissionError,
  ProcessLookupError,
  timeout,
  TimeoutError,
} from "./core/errors.ts";
export type {
  Address,
  AddressLike,
  AlgAddress,
  CanAddress,
  IPv4Address,
  IPv6Address,
  NetlinkAddress,
  PacketAddress,
  QipcrtrAddress,
  RawAddress,
  TipcAddress,
  UnixAddress,
  VsockAddress,
} from "./socket/address/mod.ts";
export type { MmsgMessage, MmsgResult } from "./socket/_mmsg.ts";
export { packUdpSegment, udpGroSegment } from "./socket/gso.ts";
export { SocketFile } from "./socket/makefile.ts";
export type { SocketFileOptions } from "./socket/makefile.ts";
export type { Data } from "./core/bytes.ts";
export * from "./constants/public.ts";
export {
  getMulticastLoop,
  getMulticastTtl,
  joinGroup,
  joinSourceGroup,
  leaveGroup,
  leaveSourceGroup,
  packGroupReq,
  packGroupSourceReq,
  packIpMreq,
  packIpMreqn,
  packIpMreqSource,
  packIpv6Mreq,
  setMulticastInterface,
  setMulticastLoop,
  setMulticastTtl,
} from "./socket/multicast.ts";
export type { MulticastInterface } from "./socket/multicast.ts";
export {
  getTcpInfo,
  packIn6Pktinfo,
  packInPktinfo,
  packLinger,
  packTimeval,
  TCP_INFO_SIZE,
  TIMEVAL_SIZE,
  unpackIn6Pktinfo,
  unpackInPktinfo,
  unpackLinger,
  unpackTcpInfo,
  unpackTimeval,
} from "./socket/sockopt.ts";
export type { In6Pktinfo, InPktinfo, Linger, TcpInfo } from "./socket/sockopt.ts";
export { listen_fds, listen_fds_with_names } from "./socket/activation.ts";
export type { ListenFdsOptions } from "./socket/activation.ts";
