/**
 * The Windows symbol tables: Winsock (`ws2_32.dll`), and the few calls of
 * `kernel32.dll` and the C runtime (`ucrtbase.dll`) that sockets need there
 * (`iphlpapi.dll`'s are in `ffi/iphlpapi.ts`). `ffi/winsock.ts` opens them
 * (on Windows only) and gives the rest of the library the same `libc` face
 * as on Unix.
 *
 * Conventions (see `ffi/symbols.ts` for the Unix table's):
 * - `SOCKET` is a `UINT_PTR`: declared `usize` and always passed a `bigint`
 *   (`BigInt(fd)`), returned as a `bigint` (`INVALID_SOCKET` is `~0`).
 *   Measured under Wine with Deno 2.9.6 for Windows (`bench/windows_handle.ts`,
 *   `__WSAFDIsSet`, a ws2_32 call without a system call; four runs on a busy
 *   2-core machine): `usize` with a bigint made per call 14–40 ns, with a
 *   cached bigint 10–33 ns, `pointer` with a cached pointer object 14–17 ns
 *   but with `Deno.UnsafePointer.create` per call 66–94 ns, `usize` with a
 *   JS number (off V8's fast path) 140–220 ns. A `u32` (14–20 ns) would be
 *   wrong: the upper half of a 64-bit argument register is undefined. So a
 *   descriptor stays a JS number (`fileno()`, as CPython's) and becomes a
 *   bigint at the call, with no per-socket state.
 * - Winsock lengths are `int`, not `size_t` (`recv`, `send`, `gethostname`),
 *   except `inet_ntop`'s `size_t`.
 * - `HANDLE` (kernel32) is pointer-sized too: `usize`, given a bigint.
 * - Only waits are `nonblocking`: `WSAPoll_nb` (the reactor's thread wait)
 *   and `getaddrinfo_nb`. `WSAGetLastError()` after a call declared
 *   `nonblocking` would read another thread's error.
 *
 * @module
 */

/** ws2_32.dll: Winsock 2. */
export const WS2_32 = {
  // int WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
  WSAStartup: { parameters: ["u16", "buffer"], result: "i32" },
  // int WSAGetLastError(void);
  WSAGetLastError: { parameters: [], result: "i32" },
  // SOCKET WSASocketW(int af, int type, int protocol,
  //                   LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags);
  WSASocketW: { parameters: ["i32", "i32", "i32", "buffer", "u32", "u32"], result: "usize" },
  // int WSADuplicateSocketW(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOW lpProtocolInfo);
  WSADuplicateSocketW: { parameters: ["usize", "u32", "buffer"], result: "i32" },
  // SOCKET accept(SOCKET s, struct sockaddr *addr, int *addrlen);
  accept: { parameters: ["usize", "buffer", "buffer"], result: "usize" },
  // int bind(SOCKET s, const struct sockaddr *name, int namelen);
  bind: { parameters: ["usize", "buffer", "i32"], result: "i32" },
  // int connect(SOCKET s, const struct sockaddr *name, int namelen);
  connect: { parameters: ["usize", "buffer", "i32"], result: "i32" },
  // int listen(SOCKET s, int backlog);
  listen: { parameters: ["usize", "i32"], result: "i32" },
  // int getsockname(SOCKET s, struct sockaddr *name, int *namelen);
  getsockname: { parameters: ["usize", "buffer", "buffer"], result: "i32" },
  // int getpeername(SOCKET s, struct sockaddr *name, int *namelen);
  getpeername: { parameters: ["usize", "buffer", "buffer"], result: "i32" },
  // int getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen);
  getsockopt: { parameters: ["usize", "i32", "i32", "buffer", "buffer"], result: "i32" },
  // int setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen);
  setsockopt: { parameters: ["usize", "i32", "i32", "buffer", "i32"], result: "i32" },
  // int recv(SOCKET s, char *buf, int len, int flags);
  recv: { parameters: ["usize", "buffer", "i32", "i32"], result: "i32" },
  // int recvfrom(SOCKET s, char *buf, int len, int flags,
  //              struct sockaddr *from, int *fromlen);
  recvfrom: {
    parameters: ["usize", "buffer", "i32", "i32", "buffer", "buffer"],
    result: "i32",
  },
  // int send(SOCKET s, const char *buf, int len, int flags);
  send: { parameters: ["usize", "buffer", "i32", "i32"], result: "i32" },
  // int sendto(SOCKET s, const char *buf, int len, int flags,
  //            const struct sockaddr *to, int tolen);
  sendto: { parameters: ["usize", "buffer", "i32", "i32", "buffer", "i32"], result: "i32" },
  // int shutdown(SOCKET s, int how);
  shutdown: { parameters: ["usize", "i32"], result: "i32" },
  // int closesocket(SOCKET s);
  closesocket: { parameters: ["usize"], result: "i32" },
  // int ioctlsocket(SOCKET s, long cmd, u_long *argp);   (long is 32-bit)
  ioctlsocket: { parameters: ["usize", "i32", "buffer"], result: "i32" },
  // int WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
  //              DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer,
  //              LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
  //              LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
  //   (synchronous: no overlapped structure, no completion routine)
  WSAIoctl: {
    parameters: ["usize", "u32", "buffer", "u32", "buffer", "u32", "buffer", "pointer", "pointer"],
    result: "i32",
  },
  // int WSAPoll(LPWSAPOLLFD fdArray, ULONG fds, INT timeout);
  WSAPoll: { parameters: ["buffer", "u32", "i32"], result: "i32" },
  // The same call on a worker thread (the WSAPoll reactor's blocking wait).
  WSAPoll_nb: {
    name: "WSAPoll",
    parameters: ["buffer", "u32", "i32"],
    result: "i32",
    nonblocking: true,
  },
  // INT getaddrinfo(PCSTR pNodeName, PCSTR pServiceName,
  //                 const ADDRINFOA *pHints, PADDRINFOA *ppResult);
  getaddrinfo: { parameters: ["buffer", "buffer", "buffer", "buffer"], result: "i32" },
  // The same call on a worker thread (getaddrinfo is thread-safe).
  getaddrinfo_nb: {
    name: "getaddrinfo",
    parameters: ["buffer", "buffer", "buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  // VOID freeaddrinfo(PADDRINFOA pAddrInfo);
  freeaddrinfo: { parameters: ["pointer"], result: "void" },
  // INT getnameinfo(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
  //                 PCHAR pNodeBuffer, DWORD NodeBufferSize,
  //                 PCHAR pServiceBuffer, DWORD ServiceBufferSize, INT Flags);
  getnameinfo: {
    parameters: ["buffer", "i32", "buffer", "u32", "buffer", "u32", "i32"],
    result: "i32",
  },
  // int gethostname(char *name, int namelen);
  gethostname: { parameters: ["buffer", "i32"], result: "i32" },
  // struct hostent *gethostbyname(const char *name);   (IPv4 only)
  gethostbyname: { parameters: ["buffer"], result: "pointer" },
  // struct hostent *gethostbyaddr(const char *addr, int len, int type);
  gethostbyaddr: { parameters: ["buffer", "i32", "i32"], result: "pointer" },
  // struct protoent *getprotobyname(const char *name);
  getprotobyname: { parameters: ["buffer"], result: "pointer" },
  // struct servent *getservbyname(const char *name, const char *proto);
  getservbyname: { parameters: ["buffer", "buffer"], result: "pointer" },
  // struct servent *getservbyport(int port, const char *proto);
  getservbyport: { parameters: ["i32", "buffer"], result: "pointer" },
  // INT inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf);
  inet_pton: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // PCSTR inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf, size_t StringBufSize);
  inet_ntop: { parameters: ["i32", "buffer", "buffer", "usize"], result: "pointer" },
  // INT WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
  //                         LPWSAPROTOCOL_INFOA lpProtocolInfo,
  //                         LPSOCKADDR lpAddress, LPINT lpAddressLength);
  WSAStringToAddressA: {
    parameters: ["buffer", "i32", "pointer", "buffer", "buffer"],
    result: "i32",
  },
  // unsigned long inet_addr(const char *cp);   (inet_aton's stand-in, as CPython's)
  inet_addr: { parameters: ["buffer"], result: "u32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** kernel32.dll: messages for error codes, and handle inheritance. */
export const KERNEL32 = {
  // DWORD FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
  //                      DWORD dwLanguageId, LPWSTR lpBuffer, DWORD nSize,
  //                      va_list *Arguments);
  FormatMessageW: {
    parameters: ["u32", "pointer", "u32", "u32", "buffer", "u32", "pointer"],
    result: "u32",
  },
  // DWORD GetLastError(void);
  GetLastError: { parameters: [], result: "u32" },
  // BOOL GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);
  GetHandleInformation: { parameters: ["usize", "buffer"], result: "i32" },
  // BOOL SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);
  SetHandleInformation: { parameters: ["usize", "u32", "u32"], result: "i32" },
  // DWORD GetCurrentProcessId(void);
  GetCurrentProcessId: { parameters: [], result: "u32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** ucrtbase.dll: the C runtime's few calls that are not about sockets. */
export const UCRT = {
  // char *strerror(int errnum);   (the C runtime's errno messages)
  strerror: { parameters: ["i32"], result: "pointer" },
  // void *memmove(void *dst, const void *src, size_t n), called as
  // memmove(b, b, 0): copies nothing and returns b's address (see
  // `address_of` in ffi/symbols.ts).
  address_of: { name: "memmove", parameters: ["buffer", "buffer", "usize"], result: "usize" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The opened Winsock symbols. */
export type Ws2 = Deno.DynamicLibrary<typeof WS2_32>["symbols"];
/** The opened kernel32 symbols. */
export type Kernel32 = Deno.DynamicLibrary<typeof KERNEL32>["symbols"];
/** The opened C runtime symbols. */
export type Ucrt = Deno.DynamicLibrary<typeof UCRT>["symbols"];
