/**
 * The one table of libc functions this library calls.
 *
 * Each entry carries the C prototype beside its parameters. Conventions:
 * - `size_t` parameters are declared `usize` and always receive a `bigint`:
 *   a JS number there falls off V8's fast-call path (see `bench/`).
 * - `ssize_t` results that are bounded by a length we passed are declared
 *   `i32`: the low 32 bits of the return register hold the whole value,
 *   and -1 stays -1.
 * - Pointers to memory the call only borrows are `buffer` (a Uint8Array);
 *   pointers that libc returns are `pointer`.
 * - Only waits are `nonblocking` (they run on another thread, where errno is
 *   meaningless): `epoll_wait_nb`, `kevent_nb`, `poll_nb` and `getaddrinfo_nb`.
 * - One table for every OS. A function some OS lacks is `optional: true`
 *   (Deno.dlopen then gives `null` instead of failing): `accept4`, epoll and
 *   `eventfd` exist on Linux only, `kqueue`/`kevent` on the BSDs and macOS,
 *   the `*_r` database lookups in glibc and musl only (macOS lacks them),
 *   `__h_errno_location` in glibc and musl, the `h_errno` variable in macOS.
 *   Those in {@linkcode THROW_WHEN_ABSENT} are never `null` in `libc`: where
 *   absent, calling one throws an error naming it and the OS.
 *   Where the same function needs a different declaration, the table holds
 *   both under two names (`fcntl`, `fcntl_stack`) and `sys/platform.ts` picks
 *   one. Only `sys/target.ts` knows which OS this is.
 *
 * @module
 */
import { target } from "../sys/target.ts";

export const SYMBOLS = {
  // int socket(int domain, int type, int protocol);
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  // int socketpair(int domain, int type, int protocol, int sv[2]);
  socketpair: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // int bind(int fd, const struct sockaddr *addr, socklen_t len);
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  // int connect(int fd, const struct sockaddr *addr, socklen_t len);
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  // int listen(int fd, int backlog);
  listen: { parameters: ["i32", "i32"], result: "i32" },
  // int accept(int fd, struct sockaddr *addr, socklen_t *len);
  accept: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
  accept4: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32", optional: true },
  // int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
  getsockopt: {
    parameters: ["i32", "i32", "i32", "buffer", "buffer"],
    result: "i32",
  },
  // int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
  setsockopt: {
    parameters: ["i32", "i32", "i32", "buffer", "u32"],
    result: "i32",
  },
  // ssize_t recv(int fd, void *buf, size_t len, int flags);
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  // ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
  //                  struct sockaddr *addr, socklen_t *addrlen);
  recvfrom: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "buffer"],
    result: "i32",
  },
  // ssize_t send(int fd, const void *buf, size_t len, int flags);
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  // ssize_t sendto(int fd, const void *buf, size_t len, int flags,
  //                const struct sockaddr *addr, socklen_t addrlen);
  sendto: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"],
    result: "i32",
  },
  // ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
  //              struct timespec *timeout);   (Linux, FreeBSD; not macOS)
  recvmmsg: {
    parameters: ["i32", "buffer", "u32", "i32", "buffer"],
    result: "i32",
    optional: true,
  },
  // int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags);
  sendmmsg: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32", optional: true },
  // ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
  // (Linux's; macOS has a different sendfile under the same name: only
  // called where sys/target.ts says `sendfile`.)
  sendfile: { parameters: ["i32", "i32", "buffer", "usize"], result: "i32" },
  // int shutdown(int fd, int how);
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  // int close(int fd);
  close: { parameters: ["i32"], result: "i32" },
  // int fcntl(int fd, int cmd, ... /* int arg */);
  // Variadic in C, declared with three fixed ints. That matches the variadic
  // convention wherever variadic arguments travel in the same registers as
  // fixed ones: System V x86_64 (Linux and macOS) and AAPCS64 (Linux aarch64).
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
  // The same fcntl for Apple arm64, where *every variadic argument goes on
  // the stack* (Apple's deviation from AAPCS64), while fd and cmd stay in x0
  // and x1. Declaring the call non-variadic with fd, cmd, six padding ints
  // (x2..x7) and the argument ninth puts the argument in the first stack
  // slot, where fcntl's va_arg reads it. The ninth is an i64 so that it fills
  // the whole 8-byte slot (Apple packs fixed stack arguments at their natural
  // size; va_arg reads 8 bytes). Called only through sys/platform.ts fcntl().
  fcntl_stack: {
    name: "fcntl",
    parameters: ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i64"],
    result: "i32",
  },
  // int pipe(int fds[2]);   (the poll reactor's waker)
  pipe: { parameters: ["buffer"], result: "i32" },
  // ssize_t read(int fd, void *buf, size_t count);
  read: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  // ssize_t pread(int fd, void *buf, size_t count, off_t offset);
  pread: { parameters: ["i32", "buffer", "usize", "i64"], result: "i32" },
  // ssize_t write(int fd, const void *buf, size_t count);
  write: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  // void *memmove(void *dst, const void *src, size_t n), called as
  // memmove(b, b, 0): copies nothing and returns b's address. A fast call,
  // where Deno.UnsafePointer.of + value cost ten times as much.
  address_of: { name: "memmove", parameters: ["buffer", "buffer", "usize"], result: "usize" },
  // int poll(struct pollfd *fds, nfds_t nfds, int timeout);
  poll: { parameters: ["buffer", "usize", "i32"], result: "i32" },
  // The same call on a worker thread (the poll reactor's blocking wait).
  poll_nb: {
    name: "poll",
    parameters: ["buffer", "usize", "i32"],
    result: "i32",
    nonblocking: true,
  },
  // int epoll_create1(int flags);   (Linux)
  epoll_create1: { parameters: ["i32"], result: "i32", optional: true },
  // int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32", optional: true },
  // int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout);
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32", optional: true },
  // The same call on a worker thread, for waits that would block the loop.
  epoll_wait_nb: {
    name: "epoll_wait",
    parameters: ["i32", "buffer", "i32", "i32"],
    result: "i32",
    nonblocking: true,
    optional: true,
  },
  // int epoll_pwait2(int epfd, struct epoll_event *events, int max,
  //                  const struct timespec *timeout, const sigset_t *sigmask);
  // (Linux 5.11, glibc 2.35): the reactor's brief wait, in nanoseconds.
  epoll_pwait2: {
    parameters: ["i32", "buffer", "i32", "buffer", "pointer"],
    result: "i32",
    optional: true,
  },
  // int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo,
  //           const sigset_t *sigmask);   (Linux, the BSDs; not macOS)
  ppoll: { parameters: ["buffer", "usize", "buffer", "pointer"], result: "i32", optional: true },
  // int eventfd(unsigned int initval, int flags);   (Linux)
  eventfd: { parameters: ["u32", "i32"], result: "i32", optional: true },
  // int kqueue(void);   (macOS, BSDs)
  kqueue: { parameters: [], result: "i32", optional: true },
  // int kevent(int kq, const struct kevent *changelist, int nchanges,
  //            struct kevent *eventlist, int nevents,
  //            const struct timespec *timeout);
  kevent: {
    parameters: ["i32", "buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
    optional: true,
  },
  // The same call on a worker thread (the kqueue reactor's blocking wait).
  kevent_nb: {
    name: "kevent",
    parameters: ["i32", "buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
    nonblocking: true,
    optional: true,
  },
  // int getaddrinfo(const char *node, const char *service,
  //                 const struct addrinfo *hints, struct addrinfo **res);
  getaddrinfo: {
    parameters: ["buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  // The same call on a worker thread (getaddrinfo is thread-safe).
  getaddrinfo_nb: {
    name: "getaddrinfo",
    parameters: ["buffer", "buffer", "buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  // void freeaddrinfo(struct addrinfo *res);
  freeaddrinfo: { parameters: ["pointer"], result: "void" },
  // char *strerror(int errnum);   (messages a table lacks: macOS's)
  strerror: { parameters: ["i32"], result: "pointer" },
  // const char *gai_strerror(int errcode);
  gai_strerror: { parameters: ["i32"], result: "pointer" },
  // int getnameinfo(const struct sockaddr *addr, socklen_t addrlen,
  //                 char *host, socklen_t hostlen,
  //                 char *serv, socklen_t servlen, int flags);
  getnameinfo: {
    parameters: ["buffer", "u32", "buffer", "u32", "buffer", "u32", "i32"],
    result: "i32",
  },
  // int gethostname(char *name, size_t len);
  gethostname: { parameters: ["buffer", "usize"], result: "i32" },
  // int sethostname(const char *name, size_t len);
  sethostname: { parameters: ["buffer", "usize"], result: "i32" },
  // int gethostbyname2_r(const char *name, int af, struct hostent *ret,
  //                      char *buf, size_t buflen, struct hostent **result,
  //                      int *h_errnop);
  gethostbyname2_r: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "usize",
      "buffer",
      "buffer",
    ],
    result: "i32",
    optional: true,
  },
  // int gethostbyaddr_r(const void *addr, socklen_t len, int type,
  //                     struct hostent *ret, char *buf, size_t buflen,
  //                     struct hostent **result, int *h_errnop);
  gethostbyaddr_r: {
    parameters: [
      "buffer",
      "u32",
      "i32",
      "buffer",
      "buffer",
      "usize",
      "buffer",
      "buffer",
    ],
    result: "i32",
    optional: true,
  },
  // const char *hstrerror(int err);
  hstrerror: { parameters: ["i32"], result: "pointer" },
  // int getprotobyname_r(const char *name, struct protoent *ret,
  //                      char *buf, size_t buflen, struct protoent **result);
  getprotobyname_r: {
    parameters: ["buffer", "buffer", "buffer", "usize", "buffer"],
    result: "i32",
    optional: true,
  },
  // int getservbyname_r(const char *name, const char *proto,
  //                     struct servent *ret, char *buf, size_t buflen,
  //                     struct servent **result);
  getservbyname_r: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "usize", "buffer"],
    result: "i32",
    optional: true,
  },
  // int getservbyport_r(int port, const char *proto, struct servent *ret,
  //                     char *buf, size_t buflen, struct servent **result);
  getservbyport_r: {
    parameters: ["i32", "buffer", "buffer", "buffer", "usize", "buffer"],
    result: "i32",
    optional: true,
  },
  // The classic, non-reentrant netdb calls, taken where sys/target.ts says
  // `reentrantNetdb` is false (macOS, which lacks the _r versions; and a
  // Linux run with LIBC_SOCKET_PORTABLE=1). Their results live in libc's
  // memory (per thread on macOS) until the next such call on the thread.
  // struct hostent *gethostbyname2(const char *name, int af);
  gethostbyname2: { parameters: ["buffer", "i32"], result: "pointer" },
  // struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type);
  gethostbyaddr: { parameters: ["buffer", "u32", "i32"], result: "pointer" },
  // struct protoent *getprotobyname(const char *name);
  getprotobyname: { parameters: ["buffer"], result: "pointer" },
  // struct servent *getservbyname(const char *name, const char *proto);
  getservbyname: { parameters: ["buffer", "buffer"], result: "pointer" },
  // struct servent *getservbyport(int port, const char *proto);
  getservbyport: { parameters: ["i32", "buffer"], result: "pointer" },
  // Where the non-reentrant calls leave their error (sys/target.ts
  // `hErrnoSymbol` says which of the two exists):
  // int *__h_errno_location(void);   (glibc, musl: h_errno is a macro over it)
  __h_errno_location: { parameters: [], result: "pointer", optional: true },
  // extern int h_errno;              (macOS <netdb.h>: a variable; a
  // "pointer" static is its address, not its value)
  h_errno: { type: "pointer", optional: true },
  // int inet_pton(int af, const char *src, void *dst);
  inet_pton: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
  inet_ntop: {
    parameters: ["i32", "buffer", "buffer", "u32"],
    result: "pointer",
  },
  // int inet_aton(const char *cp, struct in_addr *inp);
  inet_aton: { parameters: ["buffer", "buffer"], result: "i32" },
  // struct if_nameindex *if_nameindex(void);
  if_nameindex: { parameters: [], result: "pointer" },
  // void if_freenameindex(struct if_nameindex *ptr);
  if_freenameindex: { parameters: ["pointer"], result: "void" },
  // unsigned int if_nametoindex(const char *ifname);
  if_nametoindex: { parameters: ["buffer"], result: "u32" },
  // char *if_indextoname(unsigned int ifindex, char *ifname);
  if_indextoname: { parameters: ["u32", "buffer"], result: "pointer" },
  // int *__errno_location(void);   (glibc, musl)
  // int *__error(void);             (macOS, FreeBSD)
  // The same function under the name sys/target.ts gives for this OS.
  errno_location: { name: target.errnoSymbol, parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/**
 * Optional symbols whose callers do not test for `null`: where libc lacks
 * one, `ffi/library.ts` puts a function there that throws a clear error.
 * (accept4 is only called where `sys/target.ts` says it exists; epoll by
 * the Linux-only `select.epoll` and the epoll backend.)
 */
export const THROW_WHEN_ABSENT = [
  "accept4",
  "epoll_create1",
  "epoll_ctl",
  "epoll_wait",
  "recvmmsg",
  "sendmmsg",
  "gethostbyname2_r",
  "gethostbyaddr_r",
  "getprotobyname_r",
  "getservbyname_r",
  "getservbyport_r",
] as const;

type Opened = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
type Stubbed = typeof THROW_WHEN_ABSENT[number];

/** The typed handle to the symbols above. */
export type Libc = Omit<Opened, Stubbed> & { readonly [K in Stubbed]: NonNullable<Opened[K]> };
