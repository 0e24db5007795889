/**
 * Type-level tests of the family-typed sockets (issue 19): `deno check`
 * (run by `deno task check` over tests/) fails if a right use needs a cast
 * or a wrong one is accepted (an unused `@ts-expect-error` is an error).
 * The functions below are only type-checked, never called; the one
 * `Deno.test` runs the cheap checks that the types describe real values.
 */
import { assertEquals } from "@std/assert";
import * as socket from "../mod.ts";
import * as ss from "../socketserver.ts";
import * as ssl from "../ssl.ts";

type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true
  : false;
function expectType<T>(_v: T): void {}
function exact<A, B>(_proof: Equals<A, B>): void {}

/** Only type-checked. */
export function _families(): void {
  const s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  exact<ReturnType<typeof s4.getsockname>, [host: string, port: number]>(true);
  const [host, port] = s4.getsockname();
  expectType<string>(host);
  expectType<number>(port);
  // The address of one socket feeds create_connection without a cast.
  socket.create_connection(s4.getsockname()).close();

  const s6 = socket.socket(socket.AF_INET6);
  exact<ReturnType<typeof s6.getpeername>, socket.IPv6Address>(true);
  // @ts-expect-error: an AF_INET6 address is a 4-tuple, not [host, port]
  socket.create_connection(s6.getsockname());
  // @ts-expect-error: an AF_INET6 address is not an AF_INET one
  const _wrong: [string, number] = s6.getsockname();

  const u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  exact<ReturnType<typeof u.getsockname>, string | Uint8Array>(true);
  // @ts-expect-error: an AF_UNIX address is a path, not a tuple
  const _tuple: [string, number] = u.getsockname();

  // Omitted family: AF_INET, as Python's default.
  const d = socket.socket();
  expectType<[string, number]>(d.getsockname());

  // A family known only at run time keeps the whole union.
  const family: number = socket.AF_INET;
  const any = socket.socket(family);
  exact<ReturnType<typeof any.getsockname>, socket.Address>(true);
  // @ts-expect-error: the union is not [host, port]
  socket.create_connection(any.getsockname());

  // accept, dup, socketpair, fromfd, create_server carry the family.
  const srv = socket.create_server(["127.0.0.1", 0]);
  const [conn, peer] = srv.accept();
  expectType<[string, number]>(peer);
  expectType<[string, number]>(conn.getpeername());
  expectType<[string, number]>(conn.dup().getsockname());
  const srv6 = socket.create_server(["::1", 0], { family: socket.AF_INET6 });
  exact<ReturnType<typeof srv6.getsockname>, socket.IPv6Address>(true);
  const [a] = socket.socketpair();
  expectType<string | Uint8Array>(a.getsockname());
  const f = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM);
  expectType<string | Uint8Array>(f.getpeername());
  // create_connection: IPv4 or IPv6, by the address resolved.
  const c = socket.create_connection(["localhost", 80]);
  exact<ReturnType<typeof c.getsockname>, socket.IPv4Address | socket.IPv6Address>(true);

  // A Socket of any family is still a Socket.
  const plain: socket.Socket[] = [s4, s6, u, any, conn];
  void plain;
}

/** Only type-checked: recvfrom's sender. */
export async function _senders(): Promise<void> {
  const udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const [, from] = udp.recvfrom(1500);
  udp.sendto("reply", from); // no `!`: a UDP datagram always has a sender
  expectType<[string, number]>(from);
  const [, from2] = await udp.recvfromAsync(1500, { signal: AbortSignal.timeout(1) });
  expectType<[string, number]>(from2);
  const [, , , from3] = udp.recvmsg(1500);
  expectType<[string, number]>(from3);

  const tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const [, none] = tcp.recvfrom(1);
  // @ts-expect-error: a stream socket's recvfrom gives null (as CPython's None)
  expectType<[string, number]>(none);

  // Raw IP and packet sockets: the kernel always reports the source.
  const raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
  expectType<[string, number]>(raw.recvfrom(1)[1]);
  const pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW);
  expectType<socket.PacketAddress>(pkt.recvfrom(1)[1]);

  const unix = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  const [, path] = unix.recvfrom(1);
  // @ts-expect-error: an unnamed AF_UNIX sender is null
  expectType<string | Uint8Array>(path);
}

/** Only type-checked: async options in place of flags. */
export async function _asyncOptions(s: socket.Socket): Promise<void> {
  const signal = AbortSignal.timeout(1);
  await s.recvAsync(1024, { signal });
  await s.recvAsync(1024, 0, { signal });
  await s.recv_intoAsync(new Uint8Array(8), { signal });
  await s.recv_intoAsync(new Uint8Array(8), 4, { signal });
  await s.recvmsgAsync(16, { signal });
  await s.sendAsync("x", { signal });
  await s.sendallAsync("x", { signal });
  await s.sendmsgAsync(["x"], [], { signal });
  await s.sendmmsgAsync([["x"]], { signal });
  await s.recvmmsgAsync(16, 1, { signal });
  // @ts-expect-error: a string is neither flags nor options
  await s.recvAsync(1024, "0");
}

/** Only type-checked: makefile's mode decides bytes or strings. */
export function _makefile(s: socket.Socket, mode: string): void {
  const l: Uint8Array = s.makefile("rb").readline();
  s.makefile("wb").write(l);
  s.makefile("rwb", 0).write(new Uint8Array(1));
  const t: string = s.makefile().readline();
  s.makefile("w").write(t);
  // @ts-expect-error: a binary file's lines are bytes
  const _t: string = s.makefile("rb").readline();
  // @ts-expect-error: a text file takes strings
  s.makefile("w").write(new Uint8Array(1));
  const any: socket.SocketFile = s.makefile(mode);
  void any;
}

/** Only type-checked: socketserver's requests and addresses, by server. */
export function _socketserver(): void {
  class Stream extends ss.StreamRequestHandler {
    override handle(): void {
      expectType<socket.Socket>(this.request);
      expectType<socket.Socket>(this.connection);
      expectType<socket.Address>(this.client_address);
    }
  }
  class Dgram extends ss.DatagramRequestHandler {
    override handle(): void {
      const [data, sock] = this.request;
      expectType<Uint8Array>(data);
      expectType<socket.Socket>(sock);
      // @ts-expect-error: an unnamed AF_UNIX client is null
      expectType<socket.Address>(this.client_address);
    }
  }
  class Base extends ss.BaseRequestHandler<socket.Socket, socket.IPv4Address> {
    override handle(): void {
      this.request.sendall("no cast");
      expectType<[string, number]>(this.client_address);
    }
  }
  const tcp = new ss.TCPServer(["127.0.0.1", 0], Stream);
  exact<typeof tcp.server_address, socket.IPv4Address>(true);
  exact<
    ReturnType<typeof tcp.get_request>[0],
    socket.Socket<typeof socket.AF_INET, typeof socket.SOCK_STREAM>
  >(true);
  socket.create_connection(tcp.server_address).close();
  new ss.TCPServer(["127.0.0.1", 0], Base).server_close();
  new ss.ThreadingTCPServer(["127.0.0.1", 0], ss.AsyncStreamRequestHandler).server_close();
  // @ts-expect-error: a stream server's request is not [data, socket]
  new ss.TCPServer(["127.0.0.1", 0], Dgram);

  const udp = new ss.UDPServer(["127.0.0.1", 0], Dgram);
  exact<typeof udp.server_address, socket.IPv4Address>(true);
  exact<ReturnType<typeof udp.get_request>[1], socket.IPv4Address>(true);
  // @ts-expect-error: a datagram server's request is not a Socket
  new ss.UDPServer(["127.0.0.1", 0], Stream);
  new ss.ThreadingUDPServer(["127.0.0.1", 0], Dgram).server_close();

  const us = new ss.UnixStreamServer("/tmp/x", Stream);
  exact<typeof us.server_address, string | Uint8Array>(true);
  const ud = new ss.UnixDatagramServer("/tmp/y", Dgram);
  exact<ReturnType<typeof ud.get_request>[1], string | Uint8Array | null>(true);
  // @ts-expect-error: an AF_UNIX datagram client may be unnamed (null)
  new ss.UnixDatagramServer("/tmp/y", class extends ss.DatagramRequestHandler<socket.Address> {});

  // A subclass serving another family says so.
  class V6 extends ss.TCPServer<typeof socket.AF_INET6> {
    static override address_family: number = socket.AF_INET6;
  }
  exact<typeof V6.prototype.server_address, socket.IPv6Address>(true);

  // Every server is a BaseServer (handlers see `this.server` as one).
  const servers: ss.BaseServer[] = [tcp, udp, us, ud, new V6(["::1", 0], Stream)];
  void servers;
}

/** Only type-checked: the constants stay numbers. */
export function _constantsAreNumbers(s: socket.Socket): number {
  const n: number = socket.AF_INET + 0;
  if (s.family === socket.AF_INET6) return n;
  switch (s.family) {
    case socket.AF_INET:
      return 4;
    case socket.AF_UNIX:
      return 1;
  }
  return socket.SOCK_DGRAM | socket.SOCK_NONBLOCK;
}

/** Only type-checked: a TLS listener's connections are SSLSockets, however they are accepted. */
export async function _sslAccept(ctx: ssl.SSLContext): Promise<void> {
  const lst = ctx.wrap_socket(socket.create_server(["127.0.0.1", 0]), { server_side: true });
  expectType<ssl.SSLSocket>(lst.accept()[0]);
  expectType<ssl.SSLSocket>((await lst.acceptAsync())[0]);
  for await (const [conn] of lst.acceptAsyncIter()) expectType<ssl.SSLSocket>(conn);
}

Deno.test("types: the constants are plain numbers at run time", () => {
  assertEquals(typeof socket.AF_INET, "number");
  assertEquals(socket.AF_INET + 0, socket.AF_INET);
  assertEquals(typeof socket.SOCK_DGRAM, "number");
});

Deno.test("types: the inferred address forms are the real ones", () => {
  using s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s4.bind(["127.0.0.1", 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.sendto("x", s4.getsockname());
  const [data, from] = s4.recvfrom(16);
  assertEquals(data.length, 1);
  assertEquals(from[1], tx.getsockname()[1]);
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
  using _a = a;
  using _b = b;
  assertEquals(typeof a.getsockname(), "string");
});
