/**
 * What `gen.ts` looks for: the headers to scan, the macro families to keep,
 * the internal names the library needs, and the struct layouts to measure.
 *
 * Model: golang/sys `unix/mkerrors.sh` (dump every `#define`, keep families
 * by regex, print the values from a compiled probe). The header set follows
 * what CPython's `Modules/socketmodule.c` / `socketmodule.h` include on Linux.
 *
 * @module
 */

/**
 * A translation unit: a set of headers that can be included together.
 * glibc and the kernel's uapi headers clash on a few structs
 * (`struct sockaddr_ll` in `<netpacket/packet.h>` and `<linux/if_packet.h>`,
 * `struct udphdr` in `<netinet/udp.h>` and `<linux/udp.h>`), so the clashing
 * kernel headers are scanned in a second unit. A name found in an earlier
 * unit wins over the same name in a later one.
 */
export interface TranslationUnit {
  /** C identifier-safe name, used for file and function names. */
  readonly name: string;
  readonly headers: readonly string[];
}

/** `_GNU_SOURCE` as CPython builds `_socket` (pyconfig.h defines it). */
export const PREAMBLE = "#define _GNU_SOURCE 1\n";

export const UNITS: readonly TranslationUnit[] = [
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

/** Internal names the library needs (in `constants`, not exported publicly). */
export const INTERNAL: readonly string[] = [
  "IOV_MAX",
  "UIO_MAXIOV",
  "F_GETFL",
  "F_SETFL",
  "F_GETFD",
  "F_SETFD",
  "F_DUPFD_CLOEXEC",
  "FD_CLOEXEC",
  "O_NONBLOCK",
  "O_CLOEXEC",
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
  "POLLIN",
  "POLLOUT",
  "POLLERR",
  "POLLHUP",
  "POLLNVAL",
  "POLLPRI",
  "EFD_CLOEXEC",
  "EFD_NONBLOCK",
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
];

/** errno names: `E...` macros defined in a header whose path says errno. */
export const ERRNO_RE: RegExp = /^E[A-Z0-9]+$/;
export const ERRNO_HEADER_RE: RegExp = /errno/;

/** The errno names CPython's socket module re-exports as constants. */
export const PUBLIC_ERRNO: readonly string[] = ["EAGAIN", "EBADF", "EWOULDBLOCK"];

/** Struct layouts to measure: C struct tag → fields (names as in C). */
export const STRUCTS: Readonly<Record<string, readonly string[]>> = {
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
  mmsghdr: ["msg_hdr", "msg_len"],
  cmsghdr: ["cmsg_len", "cmsg_level", "cmsg_type"],
  ucred: ["pid", "uid", "gid"],
  linger: ["l_onoff", "l_linger"],
  timeval: ["tv_sec", "tv_usec"],
  epoll_event: ["events", "data"],
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
};

/** `sizes` of the table: key → C expression. */
export const SIZES: Readonly<Record<string, string>> = {
  pointer: "sizeof(void *)",
  int: "sizeof(int)",
  long: "sizeof(long)",
  size_t: "sizeof(size_t)",
  socklen_t: "sizeof(socklen_t)",
  cmsgAlign: "CMSG_ALIGN(1)",
  cmsgHeader: "CMSG_LEN(0)",
};

/** Target architectures: how to build and run the probe for each. */
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
  E: "errno value",
};
