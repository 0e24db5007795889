/**
 * What `gen.ts` scans and measures on Windows: the mingw-w64 headers in
 * Zig's `lib/libc/include/any-windows-any`, compiled with
 * `zig cc -target x86_64-windows-gnu -S` and read from the assembly, as the
 * macOS tables are.
 *
 * The header set is CPython's (`Modules/socketmodule.h` under `MS_WINDOWS`:
 * `<winsock2.h>`, `<ws2tcpip.h>`, `<mstcpip.h>`, `<afunix.h>`), plus
 * `<mswsock.h>` (`WSACMSGHDR` and the `WSA_CMSG_*` macros, which mingw-w64
 * keeps there) and `<errno.h>` (the C runtime's error numbers, which
 * CPython's `errno` module mixes with the Winsock ones: see `winerrno.ts`).
 *
 * Bluetooth (`<ws2bth.h>`) and Hyper-V (`<hvsocket.h>`) sockets are left
 * out: their families are not scanned, and the library has no codec for
 * them.
 *
 * @module
 */

import type { ErrnoRule, OsSpec, Structs, TranslationUnit } from "./spec_types.ts";

/**
 * `_WIN32_WINNT` selects the API level the headers declare: Windows 10, the
 * oldest Windows Deno runs on (mingw-w64's default is 8.1). CPython builds
 * for Windows 8.1+ (`Py_WINVER`) and drops the few Windows 10 constants
 * (`TCP_KEEPIDLE`, `AF_UNIX`, ...) at run time on older builds.
 * `WIN32_LEAN_AND_MEAN` keeps `<windows.h>` (which `<winsock2.h>`
 * includes) from including `<winsock.h>` and the GUI headers.
 */
const WINDOWS_PREAMBLE = "#define _WIN32_WINNT 0x0A00\n#define WIN32_LEAN_AND_MEAN 1\n";

const WINDOWS_UNITS: readonly TranslationUnit[] = [
  {
    name: "winsock",
    headers: [
      "winsock2.h",
      "ws2tcpip.h",
      "mstcpip.h",
      "mswsock.h",
      "afunix.h",
      "errno.h",
    ],
  },
  {
    // `IF_NAMESIZE` (the buffer of if_indextoname; `NDIS_IF_MAX_STRING_SIZE`
    // there, also the name buffer of ConvertInterfaceLuidToNameW) and the
    // `MIB_IF_TABLE_LEVEL` of GetIfTable2Ex are in <netioapi.h>, which also
    // defines IP_STATS, TCP_TABLE, UDP_ROW, ...: not socket options.
    name: "netio",
    headers: ["winsock2.h", "ws2tcpip.h", "netioapi.h"],
    only: ["IF_NAMESIZE", "MibIfTableRaw"],
  },
];

/**
 * Internal names the Windows platform layer needs (generation fails without
 * one): Winsock's own calls and structs, and the POSIX-like names it shares
 * with the other tables (`POLL*` for `WSAPoll`, whose values differ).
 */
const WINDOWS_INTERNAL: readonly string[] = [
  // WSAPoll (winsock2.h): not Linux's values
  "POLLIN",
  "POLLOUT",
  "POLLERR",
  "POLLHUP",
  "POLLNVAL",
  "POLLPRI",
  "POLLRDNORM",
  "POLLRDBAND",
  "POLLWRNORM",
  "POLLWRBAND",
  // ioctlsocket() requests (`_IOW('f', 126, u_long)`, ...)
  "FIONBIO",
  "FIONREAD",
  "SIOCATMARK",
  // return value of a failed Winsock call; select()'s fd_set capacity
  "SOCKET_ERROR",
  "FD_SETSIZE",
  // WSAStartup's WSADATA strings
  "WSADESCRIPTION_LEN",
  "WSASYS_STATUS_LEN",
  // WSASocketW flags; SetHandleInformation; WSADuplicateSocketW/share()
  "WSA_FLAG_OVERLAPPED",
  "WSA_FLAG_NO_HANDLE_INHERIT",
  "HANDLE_FLAG_INHERIT",
  "FROM_PROTOCOL_INFO",
  "WSAPROTOCOL_LEN",
  "MAX_PROTOCOL_CHAIN",
  // overlapped I/O (IOCP, later)
  "WSA_IO_PENDING",
  // FormatMessageW, as CPython calls it for a WSA error's message
  "FORMAT_MESSAGE_FROM_SYSTEM",
  "FORMAT_MESSAGE_IGNORE_INSERTS",
  "LANG_NEUTRAL",
  "SUBLANG_DEFAULT",
  // shutdown() directions (the public SHUT_* are these, see renames)
  "SD_RECEIVE",
  "SD_SEND",
  "SD_BOTH",
  // AF_UNIX (afunix.h)
  "UNIX_PATH_MAX",
  // h_errno values (the WSA numbers gethostbyname reports)
  "HOST_NOT_FOUND",
  "TRY_AGAIN",
  "NO_RECOVERY",
  "NO_DATA",
  "NO_ADDRESS",
  // buffer sizes
  "IF_NAMESIZE",
  // GetIfTable2Ex's level (if_nameindex, as CPython asks for it)
  "MibIfTableRaw",
  "INET_ADDRSTRLEN",
  "INET6_ADDRSTRLEN",
  "NI_MAXHOST",
  "NI_MAXSERV",
  // source-specific multicast (multicast.ts), at level IPPROTO_IP there
  "MCAST_JOIN_GROUP",
  "MCAST_LEAVE_GROUP",
  "MCAST_JOIN_SOURCE_GROUP",
  "MCAST_LEAVE_SOURCE_GROUP",
  "MCAST_BLOCK_SOURCE",
  "MCAST_UNBLOCK_SOURCE",
];

/**
 * The structs of Winsock. Where Windows has the POSIX struct, the key is its
 * C tag, as in the other tables (`pollfd` is `WSAPOLLFD`'s tag, `cmsghdr`
 * is `WSACMSGHDR`); Winsock's own structs are keyed by their typedef name
 * (see `WINDOWS_TYPES`). Several differ from glibc's: `addrinfo` has
 * `ai_addrlen` as a `size_t` and `ai_canonname` before `ai_addr`;
 * `servent` has `s_proto` before `s_port` on 64-bit Windows; `hostent`'s
 * `h_addrtype` and `h_length` are `short`; `ip_mreq_source` has the source
 * before the interface; `timeval`'s fields are 32-bit `long`s; `WSADATA`
 * puts its strings last on 64-bit Windows.
 */
const WINDOWS_STRUCTS: Structs = {
  sockaddr: ["sa_family"],
  sockaddr_storage: ["ss_family"],
  sockaddr_in: ["sin_family", "sin_port", "sin_addr"],
  sockaddr_in6: [
    "sin6_family",
    "sin6_port",
    "sin6_flowinfo",
    "sin6_addr",
    "sin6_scope_id",
  ],
  sockaddr_un: ["sun_family", "sun_path"],
  addrinfo: [
    "ai_flags",
    "ai_family",
    "ai_socktype",
    "ai_protocol",
    "ai_addrlen",
    "ai_addr",
    "ai_canonname",
    "ai_next",
  ],
  hostent: ["h_name", "h_aliases", "h_addrtype", "h_length", "h_addr_list"],
  servent: ["s_name", "s_aliases", "s_port", "s_proto"],
  protoent: ["p_name", "p_aliases", "p_proto"],
  linger: ["l_onoff", "l_linger"],
  timeval: ["tv_sec", "tv_usec"],
  pollfd: ["fd", "events", "revents"],
  fd_set: ["fd_count", "fd_array"],
  ip_mreq: ["imr_multiaddr", "imr_interface"],
  ipv6_mreq: ["ipv6mr_multiaddr", "ipv6mr_interface"],
  ip_mreq_source: ["imr_multiaddr", "imr_interface", "imr_sourceaddr"],
  group_req: ["gr_interface", "gr_group"],
  group_source_req: ["gsr_interface", "gsr_group", "gsr_source"],
  in_pktinfo: ["ipi_addr", "ipi_ifindex"],
  in6_pktinfo: ["ipi6_addr", "ipi6_ifindex"],
  cmsghdr: ["cmsg_len", "cmsg_level", "cmsg_type"],
  tcp_keepalive: ["onoff", "keepalivetime", "keepaliveinterval"],
  WSADATA: [
    "wVersion",
    "wHighVersion",
    "iMaxSockets",
    "iMaxUdpDg",
    "lpVendorInfo",
    "szDescription",
    "szSystemStatus",
  ],
  WSABUF: ["len", "buf"],
  WSAMSG: ["name", "namelen", "lpBuffers", "dwBufferCount", "Control", "dwFlags"],
  // <netioapi.h> (`structHeaders`): GetIfTable2Ex's table, for if_nameindex
  MIB_IF_TABLE2: ["NumEntries", "Table"],
  MIB_IF_ROW2: ["InterfaceLuid", "InterfaceIndex"],
  WSAPROTOCOL_INFOW: [
    "dwServiceFlags1",
    "dwProviderFlags",
    "ProviderId",
    "dwCatalogEntryId",
    "ProtocolChain",
    "iVersion",
    "iAddressFamily",
    "iMaxSockAddr",
    "iMinSockAddr",
    "iSocketType",
    "iProtocol",
    "iProtocolMaxOffset",
    "iNetworkByteOrder",
    "iSecurityScheme",
    "dwMessageSize",
    "dwProviderReserved",
    "szProtocol",
  ],
};

/** Struct keys that are typedef names (their tags are `_WSAMSG`, `WSAData`, ...). */
const WINDOWS_TYPES: Readonly<Record<string, string>> = {
  cmsghdr: "WSACMSGHDR",
  WSADATA: "WSADATA",
  WSABUF: "WSABUF",
  WSAMSG: "WSAMSG",
  WSAPROTOCOL_INFOW: "WSAPROTOCOL_INFOW",
  MIB_IF_TABLE2: "MIB_IF_TABLE2",
  MIB_IF_ROW2: "MIB_IF_ROW2",
};

/**
 * mingw-w64 spells the ancillary-data macros `WSA_CMSG_SPACE` and
 * `WSA_CMSG_LEN` (`<mswsock.h>`); it has no `CMSG_SPACE`.
 */
const WINDOWS_SIZES: Readonly<Record<string, string>> = {
  cmsgAlign: "WSA_CMSG_SPACE(1) - WSA_CMSG_SPACE(0)",
  cmsgHeader: "WSA_CMSG_LEN(0)",
};

/**
 * Names CPython's `socketmodule.c` exports on Windows under another name
 * than the header's:
 *
 * - `SHUT_RD`, `SHUT_WR`, `SHUT_RDWR` are `SD_RECEIVE`, `SD_SEND`,
 *   `SD_BOTH` (`#elif defined(SD_RECEIVE)` / `PyModule_AddIntConstant(m,
 *   "SHUT_RD", SD_RECEIVE)`);
 * - `TCP_QUICKACK` is `SIO_TCP_SET_ACK_FREQUENCY` (`#ifdef
 *   SIO_TCP_SET_ACK_FREQUENCY` / `#define TCP_QUICKACK
 *   SIO_TCP_SET_ACK_FREQUENCY`): an ioctl CPython's `setsockopt` turns
 *   `TCP_QUICKACK` into.
 */
const WINDOWS_RENAMES: Readonly<Record<string, string>> = {
  SHUT_RD: "SD_RECEIVE",
  SHUT_WR: "SD_SEND",
  SHUT_RDWR: "SD_BOTH",
  TCP_QUICKACK: "SIO_TCP_SET_ACK_FREQUENCY",
};

/**
 * Error numbers: the C runtime's `E...` (`<errno.h>`) and every Winsock
 * error number (`WSAE...`, `WSASYSNOTREADY`, `WSAHOST_NOT_FOUND`,
 * `WSA_QOS_...`: `<winerror.h>`, which `<windows.h>` includes first, or
 * `psdk_inc/_wsa_errnos.h`), but not `WSABASEERR`, their base.
 * `winerrno.ts` turns them into the table CPython's `errno` module has.
 */
const WINDOWS_ERRNO: ErrnoRule = {
  name: /^(?:E[A-Z0-9]+|WSA[A-Z0-9_]+)$/,
  header: /^(?:errno\.h|winerror\.h|psdk_inc\/_wsa_errnos\.h)$/,
  not: new Set(["WSABASEERR"]),
};

/**
 * The Winsock headers: public family names (`AF_*`, `PF_*`, `NI_*`, ...)
 * come only from these, not from the rest of `<windows.h>`.
 */
const WINSOCK_HEADERS =
  /^(?:winsock2|ws2def|ws2ipdef|ws2tcpip|mstcpip|mswsock|afunix|inaddr|in6addr|psdk_inc\/_[a-z0-9_]+)\.h$/;

/** What `gen.ts` scans and measures on Windows (`collect` is added by `spec.ts`). */
export const WINDOWS: Omit<OsSpec, "collect"> = {
  preamble: WINDOWS_PREAMBLE,
  units: WINDOWS_UNITS,
  internal: WINDOWS_INTERNAL,
  private: WINDOWS_INTERNAL,
  publicHeaders: WINSOCK_HEADERS,
  errno: WINDOWS_ERRNO,
  structs: WINDOWS_STRUCTS,
  structHeaders: ["netioapi.h"],
  types: WINDOWS_TYPES,
  sizes: WINDOWS_SIZES,
  renames: WINDOWS_RENAMES,
  describe: "Windows on ARCH (the mingw-w64 headers shipped with Zig)",
};
