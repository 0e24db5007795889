/**
 * The Windows table (`constants/windows_x86_64.ts`), generated from the
 * mingw-w64 headers in Zig's npm package and never run: its values are
 * checked here against what the headers say (quoted beside each value) and
 * what CPython on Windows exports, where that differs from Linux.
 *
 * There is no Windows CPython here: each expected value cites its source,
 * `Modules/socketmodule.c` for CPython, the mingw-w64 header for the rest.
 */

import { assert, assertEquals, assertThrows } from "@std/assert";
import { constant, struct, SUPPORTED_PLATFORMS, tableFor } from "../../constants/mod.ts";
import type { PlatformTable } from "../../constants/types.ts";
import { readAsmWords } from "../../constants/_gen/asm.ts";
import { windowsErrno, WSA_FALLBACK, WSA_PREFERRED } from "../../constants/_gen/winerrno.ts";
import { WINDOWS_ARCHES } from "../../constants/_gen/spec.ts";
import { zig } from "../../constants/_gen/zig.ts";

const win = tableFor("windows_x86_64");
const linux = tableFor("linux_x86_64");
const c = win.constants;

/** [name, value, where it comes from]: checked one by one. */
type Expect = readonly [name: string, value: number, why: string];

function check(t: PlatformTable, expected: readonly Expect[]): void {
  const wrong = expected
    .filter(([name, v]) => t.constants[name] !== v)
    .map(([name, v, why]) => `${name}: table ${t.constants[name]}, want ${v} (${why})`);
  assertEquals(wrong, []);
}

Deno.test("windows: registered as windows_x86_64 (Deno.build.os + arch)", () => {
  assert(SUPPORTED_PLATFORMS.includes("windows_x86_64"));
  assertEquals(win.platform, "windows_x86_64");
  // the running platform still gets its own table
  assertEquals(
    tableFor(`${Deno.build.os}_${Deno.build.arch}`).platform.startsWith("windows"),
    Deno.build.os === "windows",
  );
});

Deno.test("windows: socket-level values are Winsock's, not Linux's", () => {
  check(win, [
    ["SOL_SOCKET", 0xffff, "winsock2.h: #define SOL_SOCKET 0xffff (Linux: 1)"],
    ["AF_INET", 2, "ws2def.h: AF_INET 2"],
    ["AF_INET6", 23, "winsock2.h: AF_INET6 23 (Linux: 10)"],
    ["AF_UNIX", 1, "winsock2.h: AF_UNIX 1 (afunix.h, Windows 10 1803+)"],
    ["SOCK_STREAM", 1, "winsock2.h"],
    ["SOCK_DGRAM", 2, "winsock2.h"],
    ["SOCK_RAW", 3, "winsock2.h"],
    ["SOCK_SEQPACKET", 5, "winsock2.h"],
    ["SO_REUSEADDR", 4, "winsock2.h: 0x0004 (Linux: 2)"],
    ["SO_EXCLUSIVEADDRUSE", -5, "winsock2.h: ((int)(~SO_REUSEADDR)); CPython exports it"],
    ["SO_DONTLINGER", -129, "winsock2.h: (int)(~SO_LINGER)"],
    ["SO_KEEPALIVE", 8, "winsock2.h: 0x0008"],
    ["SO_BROADCAST", 0x20, "winsock2.h: 0x0020"],
    ["SO_LINGER", 0x80, "winsock2.h: 0x0080"],
    ["SO_OOBINLINE", 0x100, "winsock2.h: 0x0100"],
    ["SO_SNDBUF", 0x1001, "winsock2.h: 0x1001"],
    ["SO_RCVBUF", 0x1002, "winsock2.h: 0x1002"],
    ["SO_SNDTIMEO", 0x1005, "winsock2.h: 0x1005 (a DWORD of milliseconds there)"],
    ["SO_RCVTIMEO", 0x1006, "winsock2.h: 0x1006"],
    ["SO_ERROR", 0x1007, "winsock2.h: 0x1007"],
    ["SO_TYPE", 0x1008, "winsock2.h: 0x1008"],
    ["SO_UPDATE_ACCEPT_CONTEXT", 0x700b, "mswsock.h: 0x700B (AcceptEx)"],
    ["SOMAXCONN", 0x7fffffff, "winsock2.h: 0x7fffffff; CPython's socket.SOMAXCONN there"],
    ["MSG_OOB", 1, "winsock2.h"],
    ["MSG_PEEK", 2, "winsock2.h"],
    ["MSG_DONTROUTE", 4, "winsock2.h"],
    ["MSG_WAITALL", 8, "winsock2.h (Linux: 0x100)"],
    ["MSG_TRUNC", 0x100, "mswsock.h: 0x0100 (Linux: 0x20)"],
    ["MSG_CTRUNC", 0x200, "mswsock.h: 0x0200 (Linux: 8)"],
    ["IPPROTO_IP", 0, "ws2def.h"],
    ["IPPROTO_TCP", 6, "ws2def.h"],
    ["IPPROTO_UDP", 17, "ws2def.h"],
    ["IPPROTO_IPV6", 41, "ws2def.h"],
    ["IPPROTO_ICMPV6", 58, "ws2def.h"],
    ["IPPROTO_RAW", 255, "ws2def.h"],
    ["TCP_NODELAY", 1, "winsock2.h: 0x0001"],
    ["IP_OPTIONS", 1, "ws2ipdef.h (Linux: 4)"],
    ["IP_HDRINCL", 2, "ws2ipdef.h (Linux: 3)"],
    ["IP_TOS", 3, "ws2ipdef.h (Linux: 1)"],
    ["IP_TTL", 4, "ws2ipdef.h (Linux: 2)"],
    ["IP_MULTICAST_IF", 9, "ws2ipdef.h (Linux: 32)"],
    ["IP_MULTICAST_TTL", 10, "ws2ipdef.h (Linux: 33)"],
    ["IP_MULTICAST_LOOP", 11, "ws2ipdef.h (Linux: 34)"],
    ["IP_ADD_MEMBERSHIP", 12, "ws2ipdef.h (Linux: 35)"],
    ["IP_DROP_MEMBERSHIP", 13, "ws2ipdef.h (Linux: 36)"],
    ["IP_PKTINFO", 19, "ws2ipdef.h (Linux: 8)"],
    ["IPV6_UNICAST_HOPS", 4, "ws2ipdef.h (Linux: 16)"],
    ["IPV6_MULTICAST_IF", 9, "ws2ipdef.h (Linux: 17)"],
    ["IPV6_MULTICAST_HOPS", 10, "ws2ipdef.h (Linux: 18)"],
    ["IPV6_JOIN_GROUP", 12, "ws2ipdef.h: IPV6_ADD_MEMBERSHIP (Linux: 20)"],
    ["IPV6_LEAVE_GROUP", 13, "ws2ipdef.h: IPV6_DROP_MEMBERSHIP (Linux: 21)"],
    ["IPV6_V6ONLY", 27, "ws2ipdef.h (Linux: 26)"],
    ["IPV6_PKTINFO", 19, "ws2ipdef.h (Linux: 50)"],
    ["MCAST_JOIN_GROUP", 41, "ws2ipdef.h (Linux: 42), at level IPPROTO_IP"],
    ["MCAST_JOIN_SOURCE_GROUP", 45, "ws2ipdef.h (Linux: 46)"],
    ["INADDR_ANY", 0, "winsock2.h: (u_long)0x00000000"],
    ["INADDR_LOOPBACK", 0x7f000001, "winsock2.h"],
    ["INADDR_NONE", 0xffffffff, "winsock2.h"],
    ["AI_PASSIVE", 1, "ws2def.h"],
    ["AI_CANONNAME", 2, "ws2def.h"],
    ["AI_NUMERICHOST", 4, "ws2def.h"],
    ["AI_NUMERICSERV", 8, "ws2def.h (Linux: 0x400)"],
    ["AI_ALL", 0x100, "ws2def.h (Linux: 0x10)"],
    ["AI_ADDRCONFIG", 0x400, "ws2def.h (Linux: 0x20)"],
    ["AI_V4MAPPED", 0x800, "ws2def.h (Linux: 8)"],
    ["NI_NOFQDN", 1, "ws2def.h (Linux: 4)"],
    ["NI_NUMERICHOST", 2, "ws2def.h (Linux: 1)"],
    ["NI_NAMEREQD", 4, "ws2def.h (Linux: 8)"],
    ["NI_NUMERICSERV", 8, "ws2def.h (Linux: 2)"],
    ["NI_DGRAM", 0x10, "ws2def.h"],
    ["NI_MAXHOST", 1025, "ws2def.h"],
    ["NI_MAXSERV", 32, "ws2def.h"],
    // getaddrinfo's errors are WSA error numbers (ws2tcpip.h), not negative
    ["EAI_AGAIN", 11002, "ws2tcpip.h: WSATRY_AGAIN (Linux: -3)"],
    ["EAI_BADFLAGS", 10022, "ws2tcpip.h: WSAEINVAL"],
    ["EAI_FAIL", 11003, "ws2tcpip.h: WSANO_RECOVERY"],
    ["EAI_FAMILY", 10047, "ws2tcpip.h: WSAEAFNOSUPPORT"],
    ["EAI_MEMORY", 8, "ws2tcpip.h: WSA_NOT_ENOUGH_MEMORY (ERROR_NOT_ENOUGH_MEMORY)"],
    ["EAI_NONAME", 11001, "ws2tcpip.h: WSAHOST_NOT_FOUND (Linux: -2)"],
    ["EAI_SERVICE", 10109, "ws2tcpip.h: WSATYPE_NOT_FOUND"],
    ["EAI_SOCKTYPE", 10044, "ws2tcpip.h: WSAESOCKTNOSUPPORT"],
    // internal names of the platform layer
    ["SOCKET_ERROR", -1, "psdk_inc/_socket_types.h: (-1)"],
    ["FD_SETSIZE", 64, "psdk_inc/_fd_types.h (CPython's selectmodule.c raises it to 512)"],
    ["WSADESCRIPTION_LEN", 256, "psdk_inc/_wsadata.h"],
    ["WSASYS_STATUS_LEN", 128, "psdk_inc/_wsadata.h"],
    ["WSA_FLAG_OVERLAPPED", 1, "winsock2.h: 0x01"],
    ["WSA_FLAG_NO_HANDLE_INHERIT", 0x80, "winsock2.h: 0x80"],
    ["HANDLE_FLAG_INHERIT", 1, "winbase.h: 0x1"],
    ["FROM_PROTOCOL_INFO", -1, "winsock2.h: (-1)"],
    ["WSAPROTOCOL_LEN", 255, "winsock2.h"],
    ["WSA_IO_PENDING", 997, "winsock2.h: ERROR_IO_PENDING"],
    ["FORMAT_MESSAGE_FROM_SYSTEM", 0x1000, "winbase.h"],
    ["FORMAT_MESSAGE_IGNORE_INSERTS", 0x200, "winbase.h"],
    ["UNIX_PATH_MAX", 108, "afunix.h"],
    ["IF_NAMESIZE", 256, "netioapi.h: NDIS_IF_MAX_STRING_SIZE (Linux: 16)"],
    ["INET_ADDRSTRLEN", 22, "ws2ipdef.h (Linux: 16)"],
    ["INET6_ADDRSTRLEN", 65, "ws2ipdef.h (Linux: 46)"],
    ["HOST_NOT_FOUND", 11001, "winsock2.h: WSAHOST_NOT_FOUND (h_errno is WSAGetLastError there)"],
    ["TRY_AGAIN", 11002, "winsock2.h: WSATRY_AGAIN"],
    ["NO_RECOVERY", 11003, "winsock2.h: WSANO_RECOVERY"],
    ["NO_DATA", 11004, "winsock2.h: WSANO_DATA"],
  ]);
  // a few of them, side by side with Linux, so the difference is visible
  assertEquals([linux.constants.SOL_SOCKET, c.SOL_SOCKET], [1, 0xffff]);
  assertEquals([linux.constants.AF_INET6, c.AF_INET6], [10, 23]);
});

Deno.test("windows: ioctl codes from the _IOW/_WSAIOW formulas, unsigned as CPython reads them", () => {
  // winsock2.h: IOC_IN 0x80000000, IOC_OUT 0x40000000, IOCPARM_MASK 0x7f;
  // _IOW(x,y,t) = IOC_IN | ((sizeof(t) & IOCPARM_MASK) << 16) | (x << 8) | y,
  // with t = u_long (4 bytes); _WSAIOW(x,y) = IOC_IN | x | y, IOC_VENDOR
  // 0x18000000. Computed here, independently of the generator.
  const ioc = (dir: number, x: string, y: number) =>
    (dir | ((4 & 0x7f) << 16) | (x.charCodeAt(0) << 8) | y) >>> 0;
  const wsaiow = (y: number) => (0x80000000 | 0x18000000 | y) >>> 0;
  check(win, [
    ["FIONBIO", ioc(0x80000000, "f", 126), "_IOW('f',126,u_long)"],
    ["FIONREAD", ioc(0x40000000, "f", 127), "_IOR('f',127,u_long)"],
    ["SIOCATMARK", ioc(0x40000000, "s", 7), "_IOR('s',7,u_long)"],
    ["SIO_RCVALL", wsaiow(1), "mstcpip.h: _WSAIOW(IOC_VENDOR,1)"],
    ["SIO_KEEPALIVE_VALS", wsaiow(4), "mstcpip.h: _WSAIOW(IOC_VENDOR,4)"],
    ["SIO_LOOPBACK_FAST_PATH", wsaiow(16), "mstcpip.h: _WSAIOW(IOC_VENDOR,16)"],
    ["SIO_UDP_CONNRESET", wsaiow(12), "mswsock.h: _WSAIOW(IOC_VENDOR,12)"],
    ["SIO_TCP_SET_ACK_FREQUENCY", wsaiow(23), "mstcpip.h: _WSAIOW(IOC_VENDOR,23)"],
    ["RCVALL_OFF", 0, "mstcpip.h: enum RCVALL_VALUE"],
    ["RCVALL_ON", 1, "mstcpip.h"],
    ["RCVALL_SOCKETLEVELONLY", 2, "mstcpip.h"],
    ["RCVALL_IPLEVEL", 3, "mstcpip.h"],
    ["RCVALL_MAX", 3, "mstcpip.h: RCVALL_IPLEVEL"],
  ]);
  // CPython: PyLong_FromUnsignedLong(SIO_RCVALL) -> 2550136833; FIONBIO
  // reaches ioctlsocket's `long cmd` as the same 32 bits.
  assertEquals(c.SIO_RCVALL, 2550136833);
  assertEquals(c.FIONBIO, 0x8004667e);
});

Deno.test("windows: WSAPoll's POLL* bits are not Linux's", () => {
  check(win, [
    ["POLLRDNORM", 0x100, "winsock2.h (Linux: 0x40)"],
    ["POLLRDBAND", 0x200, "winsock2.h (Linux: 0x80)"],
    ["POLLIN", 0x300, "winsock2.h: (POLLRDNORM | POLLRDBAND) (Linux: 1)"],
    ["POLLPRI", 0x400, "winsock2.h (Linux: 2)"],
    ["POLLWRNORM", 0x10, "winsock2.h (Linux: 0x100)"],
    ["POLLOUT", 0x10, "winsock2.h: (POLLWRNORM) (Linux: 4)"],
    ["POLLWRBAND", 0x20, "winsock2.h (Linux: 0x200)"],
    ["POLLERR", 1, "winsock2.h (Linux: 8)"],
    ["POLLHUP", 2, "winsock2.h (Linux: 0x10)"],
    ["POLLNVAL", 4, "winsock2.h (Linux: 0x20)"],
  ]);
});

Deno.test("windows: CPython's renames, fallbacks and its Windows SDK value of EAI_NODATA", () => {
  check(win, [
    // socketmodule.c: `#elif defined(SD_RECEIVE) ... "SHUT_RD", SD_RECEIVE`
    ["SHUT_RD", 0, "SD_RECEIVE 0x00"],
    ["SHUT_WR", 1, "SD_SEND 0x01"],
    ["SHUT_RDWR", 2, "SD_BOTH 0x02"],
    // socketmodule.c: `#define TCP_QUICKACK SIO_TCP_SET_ACK_FREQUENCY`
    ["TCP_QUICKACK", c.SIO_TCP_SET_ACK_FREQUENCY, "SIO_TCP_SET_ACK_FREQUENCY"],
    // the Windows SDK's ws2ipdef.h (not in Zig 0.11's mingw-w64)
    ["TCP_KEEPIDLE", 3, "TCP_KEEPALIVE 3"],
    ["TCP_MAXSEG", 4, "ws2ipdef.h"],
    ["TCP_FASTOPEN", 15, "ws2ipdef.h"],
    ["TCP_KEEPCNT", 16, "ws2ipdef.h"],
    ["TCP_KEEPINTVL", 17, "ws2ipdef.h"],
    // socketmodule.h: `#ifndef AF_HYPERV / #define AF_HYPERV 34`
    ["AF_HYPERV", 34, "socketmodule.h"],
    // socketmodule.c's defaults where the headers lack them
    ["SOL_IP", 0, 'ADD_INT_CONST(m, "SOL_IP", 0)'],
    ["SOL_TCP", 6, 'ADD_INT_CONST(m, "SOL_TCP", 6)'],
    ["SOL_UDP", 17, 'ADD_INT_CONST(m, "SOL_UDP", 17)'],
    ["IPPORT_USERRESERVED", 5000, 'ADD_INT_CONST(m, "IPPORT_USERRESERVED", 5000)'],
    ["INADDR_UNSPEC_GROUP", 0xe0000000, "socketmodule.c"],
    ["INADDR_ALLHOSTS_GROUP", 0xe0000001, "socketmodule.c"],
    ["INADDR_MAX_LOCAL_GROUP", 0xe00000ff, "socketmodule.c"],
    // the SDK's ws2tcpip.h: `#define EAI_NODATA EAI_NONAME`; mingw-w64 says 11004
    ["EAI_NODATA", 11001, "EAI_NONAME"],
  ]);
  // CPython's Windows-only IPPROTO_* list (`#ifdef MS_WINDOWS`)
  check(win, [
    ["IPPROTO_ICLFXBM", 78, "ws2def.h"],
    ["IPPROTO_ST", 5, "ws2def.h"],
    ["IPPROTO_CBT", 7, "ws2def.h"],
    ["IPPROTO_IGP", 9, "ws2def.h"],
    ["IPPROTO_RDP", 27, "ws2def.h"],
    ["IPPROTO_PGM", 113, "ws2def.h"],
    ["IPPROTO_L2TP", 115, "ws2def.h"],
    ["IPPROTO_SCTP", 132, "ws2def.h"],
  ]);
});

Deno.test("windows: names Windows lacks are absent, never 0", () => {
  const absent = [
    // send/recv flags and socket() type flags of Linux
    "MSG_NOSIGNAL",
    "MSG_DONTWAIT",
    "MSG_EOR",
    "MSG_MORE",
    "MSG_CMSG_CLOEXEC",
    "SOCK_NONBLOCK",
    "SOCK_CLOEXEC",
    // families and options CPython lacks on Windows
    "AF_PACKET",
    "AF_NETLINK",
    "AF_CAN",
    "SO_REUSEPORT",
    "SO_PEERCRED",
    "SO_PASSCRED",
    "SCM_RIGHTS",
    "TCP_CORK",
    "TCP_INFO",
    "IP_RECVOPTS",
    "EAI_SYSTEM",
    "EAI_ADDRFAMILY",
    // POSIX plumbing of the other platform layers
    "F_GETFL",
    "O_NONBLOCK",
    "FD_CLOEXEC",
    "EPOLLIN",
    "EVFILT_READ",
    "PIPE_BUF",
    "IOV_MAX",
    // <winnt.h>'s processor features look like PF_* but are no family
    "PF_MMX_INSTRUCTIONS_AVAILABLE",
    "NI_OPENCANDIDATE",
  ];
  assertEquals(absent.filter((k) => k in c), []);
  assertThrows(() => constant("MSG_NOSIGNAL", win), Error, "windows_x86_64");
  for (const s of ["msghdr", "iovec", "epoll_event", "kevent", "ucred", "ip_mreqn"]) {
    assertThrows(() => struct(s, win), Error, s);
  }
  for (const [k, v] of Object.entries(c)) assert(Number.isSafeInteger(v), `${k} = ${v}`);
  // INVALID_SOCKET is (SOCKET)(~0), 2^64 - 1: no safe JS integer, so no entry
  assert(!("INVALID_SOCKET" in c));
});

Deno.test("windows: LLP64 scalar sizes", () => {
  assertEquals(win.sizes, {
    pointer: 8,
    int: 4,
    long: 4, // LLP64: long stays 32-bit (Linux: 8)
    size_t: 8,
    socklen_t: 4, // ws2tcpip.h: typedef int socklen_t
    cmsgAlign: 8, // WSA_CMSG_SPACE(1) - WSA_CMSG_SPACE(0)
    cmsgHeader: 16, // WSA_CMSG_LEN(0)
    sa_len: 0, // no length byte: a 16-bit family first, as on Linux
  });
});

Deno.test("windows: struct layouts", () => {
  const f = (s: string, field: string) => {
    const l = struct(s, win).fields[field];
    return l && [l.offset, l.size];
  };
  const size = (s: string) => struct(s, win).size;
  // addresses: as on Linux (no sa_len), sockaddr_in6 28 bytes
  assertEquals(size("sockaddr"), 16);
  assertEquals(size("sockaddr_in"), 16);
  assertEquals(f("sockaddr_in", "sin_port"), [2, 2]);
  assertEquals(f("sockaddr_in", "sin_addr"), [4, 4]);
  assertEquals(size("sockaddr_in6"), 28);
  assertEquals(f("sockaddr_in6", "sin6_flowinfo"), [4, 4]);
  assertEquals(f("sockaddr_in6", "sin6_addr"), [8, 16]);
  assertEquals(f("sockaddr_in6", "sin6_scope_id"), [24, 4]);
  assertEquals(size("sockaddr_storage"), 128);
  assertEquals(size("sockaddr_un"), 110); // afunix.h: sun_path[UNIX_PATH_MAX = 108]
  assertEquals(f("sockaddr_un", "sun_path"), [2, 108]);
  // addrinfo: ai_addrlen is a size_t and ai_canonname comes before ai_addr
  // (glibc: socklen_t ai_addrlen, then ai_addr, then ai_canonname)
  assertEquals(size("addrinfo"), 48);
  assertEquals(f("addrinfo", "ai_flags"), [0, 4]);
  assertEquals(f("addrinfo", "ai_protocol"), [12, 4]);
  assertEquals(f("addrinfo", "ai_addrlen"), [16, 8]);
  assertEquals(f("addrinfo", "ai_canonname"), [24, 8]);
  assertEquals(f("addrinfo", "ai_addr"), [32, 8]);
  assertEquals(f("addrinfo", "ai_next"), [40, 8]);
  assertEquals(
    [
      linux.structs.addrinfo.fields.ai_addr.offset,
      linux.structs.addrinfo.fields.ai_canonname.offset,
    ],
    [24, 32],
  );
  // WSAPOLLFD: SOCKET fd is a UINT_PTR (8 bytes), then two shorts
  assertEquals(size("pollfd"), 16);
  // netioapi.h: MIB_IF_ROW2 starts with the NET_LUID (a ULONG64 union) and
  // the NET_IFINDEX; MIB_IF_TABLE2's rows follow NumEntries at 8-byte
  // alignment. 1352 bytes a row, as the Windows SDK's.
  assertEquals(size("MIB_IF_ROW2"), 1352);
  assertEquals(f("MIB_IF_ROW2", "InterfaceLuid"), [0, 8]);
  assertEquals(f("MIB_IF_ROW2", "InterfaceIndex"), [8, 4]);
  assertEquals(f("MIB_IF_TABLE2", "NumEntries"), [0, 4]);
  assertEquals(f("MIB_IF_TABLE2", "Table"), [8, 1352]);
  assertEquals(c.MibIfTableRaw, 1);
  assertEquals(f("pollfd", "fd"), [0, 8]);
  assertEquals(f("pollfd", "events"), [8, 2]);
  assertEquals(f("pollfd", "revents"), [10, 2]);
  // WSADATA on 64-bit Windows: the two strings come last
  assertEquals(size("WSADATA"), 408);
  assertEquals(f("WSADATA", "wVersion"), [0, 2]);
  assertEquals(f("WSADATA", "iMaxSockets"), [4, 2]);
  assertEquals(f("WSADATA", "lpVendorInfo"), [8, 8]);
  assertEquals(f("WSADATA", "szDescription"), [16, c.WSADESCRIPTION_LEN + 1]);
  assertEquals(f("WSADATA", "szSystemStatus"), [273, c.WSASYS_STATUS_LEN + 1]);
  // WSABUF: u_long len before the pointer (iovec: pointer first)
  assertEquals(size("WSABUF"), 16);
  assertEquals(f("WSABUF", "len"), [0, 4]);
  assertEquals(f("WSABUF", "buf"), [8, 8]);
  assertEquals(size("WSAMSG"), 56);
  assertEquals(f("WSAMSG", "namelen"), [8, 4]);
  assertEquals(f("WSAMSG", "lpBuffers"), [16, 8]);
  assertEquals(f("WSAMSG", "dwBufferCount"), [24, 4]);
  assertEquals(f("WSAMSG", "Control"), [32, 16]);
  assertEquals(f("WSAMSG", "dwFlags"), [48, 4]);
  assertEquals(size("cmsghdr"), 16); // WSACMSGHDR: SIZE_T cmsg_len, INT level, INT type
  // linger: two u_shorts (Linux: two ints, 8 bytes); timeval: two 32-bit longs
  assertEquals(size("linger"), 4);
  assertEquals(f("linger", "l_linger"), [2, 2]);
  assertEquals(size("timeval"), 8);
  assertEquals(f("timeval", "tv_usec"), [4, 4]);
  // multicast requests
  assertEquals(size("ip_mreq"), 8);
  assertEquals(size("ipv6_mreq"), 20);
  assertEquals(f("ipv6_mreq", "ipv6mr_interface"), [16, 4]);
  // ip_mreq_source: the source before the interface (Linux: after)
  assertEquals(f("ip_mreq_source", "imr_sourceaddr"), [4, 4]);
  assertEquals(f("ip_mreq_source", "imr_interface"), [8, 4]);
  assertEquals(size("group_req"), 136);
  assertEquals(size("group_source_req"), 264);
  // netdb: servent has s_proto before s_port on _WIN64; hostent's shorts
  assertEquals(f("servent", "s_proto"), [16, 8]);
  assertEquals(f("servent", "s_port"), [24, 2]);
  assertEquals(f("hostent", "h_addrtype"), [16, 2]);
  assertEquals(f("hostent", "h_addr_list"), [24, 8]);
  // select()'s fd_set: a count, then FD_SETSIZE SOCKETs
  assertEquals(f("fd_set", "fd_array"), [8, c.FD_SETSIZE * 8]);
  // SIO_KEEPALIVE_VALS's argument; WSADuplicateSocketW's result (share())
  assertEquals(size("tcp_keepalive"), 12);
  assertEquals(size("WSAPROTOCOL_INFOW"), 628);
  assertEquals(f("WSAPROTOCOL_INFOW", "szProtocol"), [116, 2 * (c.WSAPROTOCOL_LEN + 1)]);
});

Deno.test("windows: errno follows CPython's errno module there", () => {
  const e = win.errnoNames;
  // Winsock's numbers for the socket errors (errnomodule.c #undefs the
  // VS2010 C-runtime values and falls back to WSAE...)
  assertEquals(e.ECONNREFUSED, 10061);
  assertEquals(e.EWOULDBLOCK, 10035);
  assertEquals(e.EINPROGRESS, 10036);
  assertEquals(e.ECONNRESET, 10054);
  assertEquals(e.ETIMEDOUT, 10060);
  assertEquals(e.EADDRINUSE, 10048);
  assertEquals(e.ENOTSOCK, 10038);
  assertEquals(e.ESHUTDOWN, 10058); // not in the C runtime at all
  // the C runtime's own numbers stay (EAGAIN is not EWOULDBLOCK there)
  assertEquals(e.EINTR, 4);
  assertEquals(e.EBADF, 9);
  assertEquals(e.EAGAIN, 11);
  assertEquals(e.EACCES, 13);
  assertEquals(e.EINVAL, 22);
  assertEquals(e.EPIPE, 32);
  assertEquals(e.ENAMETOOLONG, 38);
  assertEquals(e.ENOTSUP, 129);
  // and the WSA names themselves
  assertEquals(e.WSAECONNREFUSED, 10061);
  assertEquals(e.WSAEINTR, 10004);
  assertEquals(e.WSANOTINITIALISED, 10093);
  assertEquals(e.WSAHOST_NOT_FOUND, 11001);
  for (const name of WSA_PREFERRED) assertEquals(e[name], e[`WSA${name}`], name);
  // no E-name CPython does not give (errnomodule.c has no EPROCLIM fallback)
  assert(!("EPROCLIM" in e));
  assert(!("EDISCON" in e));
  // the C runtime's VS2010 socket numbers are gone (107 was ECONNREFUSED)
  assertEquals(win.errno[107], undefined);
  assertEquals(win.errno[140], undefined);
  // primary names: the E-name where there is one, else the WSA name
  assertEquals(win.errno[10061], ["ECONNREFUSED"]);
  assertEquals(win.errno[10035], ["EWOULDBLOCK"]);
  assertEquals(win.errno[4], ["EINTR"]);
  assertEquals(win.errno[10004], ["WSAEINTR"]);
  assertEquals(win.errno[10067], ["WSAEPROCLIM"]);
  assertEquals(win.errno[2], ["ENOENT"]); // ENOFILE is its alias
  assertEquals(win.errno[36], ["EDEADLK"]); // EDEADLOCK is its alias
  assertEquals(win.errno[11004], ["WSANO_DATA"]); // WSANO_ADDRESS is its alias
  for (const [n, entry] of Object.entries(win.errno)) {
    // no messages: FormatMessageW gives them at run time
    assertEquals(entry.length, 1, `errno ${n}`);
    assertEquals(e[entry[0]], Number(n), entry[0]);
  }
  for (const [name, n] of Object.entries(e)) assert(win.errno[n], `${name} = ${n}`);
});

Deno.test("windows: windowsErrno applies CPython's rules to the header values", () => {
  const raw = {
    EINTR: 4,
    EAGAIN: 11,
    ECONNREFUSED: 107, // VS2010's, to be replaced
    ENOFILE: 2,
    ENOENT: 2,
    WSAEINTR: 10004,
    WSAECONNREFUSED: 10061,
    WSAESHUTDOWN: 10058,
    WSAEPROCLIM: 10067,
  };
  const preferred = Object.fromEntries(
    WSA_PREFERRED.filter((n) => n !== "ECONNREFUSED").map((n, i) => [`WSA${n}`, 20000 + i]),
  );
  const out = windowsErrno({ ...raw, ...preferred }, new Set(["ENOFILE"]));
  assertEquals(out.errnoNames.ECONNREFUSED, 10061);
  assertEquals(out.errnoNames.ESHUTDOWN, 10058);
  assertEquals(out.errnoNames.EINTR, 4);
  assert(!("EPROCLIM" in out.errnoNames));
  assertEquals(out.errno[2], ["ENOENT"]);
  assertEquals(out.errno[10004], ["WSAEINTR"]);
  assertEquals(out.errno[107], undefined);
  // a name CPython gives a Winsock value must have one
  assertThrows(() => windowsErrno(raw, new Set()), Error, "WSAEADDRINUSE");
  // the preferred list is part of the fallback list (errnomodule.c)
  assertEquals(WSA_PREFERRED.filter((n) => !WSA_FALLBACK.includes(n)), []);
});

Deno.test("windows: values compiled again from the headers agree with the table", async () => {
  let z: string;
  try {
    z = await zig(false);
  } catch {
    console.log("zig not installed: skipped (deno task gen installs it)");
    return;
  }
  // An independent probe: other spellings of the same questions.
  const probe: [string, number][] = [
    ["SOL_SOCKET", c.SOL_SOCKET],
    ["AF_INET6", c.AF_INET6],
    ["SO_EXCLUSIVEADDRUSE", c.SO_EXCLUSIVEADDRUSE],
    ["WSAECONNREFUSED", win.errnoNames.ECONNREFUSED],
    ["FIONBIO", c.FIONBIO],
    ["sizeof(WSAPOLLFD)", 16],
    ["sizeof(SOCKADDR_IN6)", 28],
    ["sizeof(WSADATA)", struct("WSADATA", win).size],
    ["offsetof(ADDRINFOA, ai_addr)", struct("addrinfo", win).fields.ai_addr.offset],
    ["offsetof(WSAMSG, dwFlags)", struct("WSAMSG", win).fields.dwFlags.offset],
    ["sizeof(MIB_IF_ROW2)", struct("MIB_IF_ROW2", win).size],
    ["offsetof(MIB_IF_TABLE2, Table[1])", 8 + struct("MIB_IF_ROW2", win).size],
    ["offsetof(MIB_IF_ROW2, InterfaceIndex)", 8],
    ["sizeof(((MIB_IF_ROW2 *)0)->InterfaceLuid)", 8],
    ["MibIfTableRaw", c.MibIfTableRaw],
  ];
  const dir = await Deno.makeTempDir({ prefix: "libc-socket-win-test-" });
  try {
    await Deno.writeTextFile(
      `${dir}/p.c`,
      "#define _WIN32_WINNT 0x0A00\n#include <winsock2.h>\n#include <ws2tcpip.h>\n" +
        "#include <netioapi.h>\n" +
        "#include <stddef.h>\nconst unsigned long long probe_w[] = {\n" +
        probe.map(([e]) => `  (unsigned long long)(long long)(${e}),\n`).join("") + "};\n",
    );
    const out = await new Deno.Command(z, {
      args: ["cc", "-target", WINDOWS_ARCHES[0].zig, "-g0", "-S", "-o", `${dir}/p.s`, `${dir}/p.c`],
      stderr: "piped",
    }).output();
    assert(out.success, new TextDecoder().decode(out.stderr));
    const words = readAsmWords(
      await Deno.readTextFile(`${dir}/p.s`),
      "probe_w",
      probe.length,
      { word: 2, underscore: false },
    );
    // signed 64-bit: SO_EXCLUSIVEADDRUSE is an int (-5), FIONBIO an
    // unsigned int (positive)
    const got = words.map((w) => Number(BigInt.asIntN(64, w)));
    assertEquals(got, probe.map(([, v]) => v));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
