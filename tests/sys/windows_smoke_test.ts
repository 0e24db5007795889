/**
 * Winsock through `Deno.dlopen("ws2_32.dll")`, with the generated Windows
 * table (`constants/windows_x86_64.ts`) for every number and layout: the
 * path the Windows platform layer will take, proven on its own. It runs on
 * Windows only (in CI: the stock `deno.exe` under Wine, `.ci/windows.sh`).
 *
 * A TCP connection over 127.0.0.1: WSAStartup(2.2), socket, bind, listen,
 * getsockname, connect, WSAPoll, accept, send and recv both ways,
 * ioctlsocket(FIONBIO) and the would-block error, the refused connection's
 * error, closesocket and WSACleanup.
 */

import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { tableFor } from "../../constants/mod.ts";

const ON_WINDOWS = Deno.build.os === "windows";
if (!ON_WINDOWS) {
  console.log(`windows_smoke_test: skipped: Winsock needs Windows, this is ${Deno.build.os}`);
}

// The table of the platform this test is about, whichever runs it.
const win = tableFor("windows_x86_64");
const k = win.constants;
const E = win.errnoNames;

/** `SOCKET` is a `UINT_PTR`; `INVALID_SOCKET` is `(SOCKET)(~0)`. */
const INVALID_SOCKET = 0xffff_ffff_ffff_ffffn;

/** The Winsock calls of this test; a `SOCKET` is a pointer-sized unsigned integer. */
const SYMBOLS = {
  WSAStartup: { parameters: ["u16", "buffer"], result: "i32" }, // (WORD, LPWSADATA)
  WSACleanup: { parameters: [], result: "i32" },
  WSAGetLastError: { parameters: [], result: "i32" },
  socket: { parameters: ["i32", "i32", "i32"], result: "usize" }, // (af, type, protocol)
  bind: { parameters: ["usize", "buffer", "i32"], result: "i32" }, // (s, name, namelen)
  listen: { parameters: ["usize", "i32"], result: "i32" },
  getsockname: { parameters: ["usize", "buffer", "buffer"], result: "i32" }, // (s, name, int *len)
  connect: { parameters: ["usize", "buffer", "i32"], result: "i32" },
  accept: { parameters: ["usize", "pointer", "pointer"], result: "usize" },
  send: { parameters: ["usize", "buffer", "i32", "i32"], result: "i32" }, // (s, buf, len, flags)
  recv: { parameters: ["usize", "buffer", "i32", "i32"], result: "i32" },
  ioctlsocket: { parameters: ["usize", "i32", "buffer"], result: "i32" }, // (s, long cmd, u_long *)
  WSAPoll: { parameters: ["buffer", "u32", "i32"], result: "i32" }, // (fdArray, nfds, timeout)
  closesocket: { parameters: ["usize"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

type Ws2 = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** A `struct sockaddr_in` for 127.0.0.1:port, laid out by the table. */
function loopback(port: number): Uint8Array {
  const sin = win.structs.sockaddr_in;
  const b = new Uint8Array(sin.size);
  const v = new DataView(b.buffer);
  v.setUint16(sin.fields.sin_family.offset, k.AF_INET, true);
  v.setUint16(sin.fields.sin_port.offset, port, false); // network order
  v.setUint32(sin.fields.sin_addr.offset, k.INADDR_LOOPBACK, false);
  return b;
}

function tcpSocket(ws: Ws2): bigint {
  const s = BigInt(ws.socket(k.AF_INET, k.SOCK_STREAM, k.IPPROTO_TCP));
  assertNotEquals(s, INVALID_SOCKET, `socket: WSA error ${ws.WSAGetLastError()}`);
  return s;
}

function ok(ws: Ws2, rc: number, call: string): void {
  assertEquals(rc, 0, `${call}: WSA error ${rc === 0 ? 0 : ws.WSAGetLastError()}`);
}

Deno.test({
  name: "windows: ws2_32.dll through Deno FFI, numbers and layouts from the generated table",
  ignore: !ON_WINDOWS,
  fn() {
    const lib = Deno.dlopen("ws2_32.dll", SYMBOLS);
    const ws = lib.symbols;
    const open: bigint[] = [];
    try {
      // WSAStartup(MAKEWORD(2, 2)): the table's WSADATA layout must match
      // what ws2_32 writes.
      const data = new Uint8Array(win.structs.WSADATA.size);
      assertEquals(ws.WSAStartup(0x0202, data), 0);
      const wsa = win.structs.WSADATA.fields;
      const dv = new DataView(data.buffer);
      assertEquals(dv.getUint16(wsa.wVersion.offset, true), 0x0202);
      const desc = data.subarray(
        wsa.szDescription.offset,
        wsa.szDescription.offset + wsa.szDescription.size,
      );
      const text = new TextDecoder().decode(desc.subarray(0, desc.indexOf(0)));
      assert(/winsock/i.test(text), `szDescription: ${JSON.stringify(text)}`);

      // a listener on 127.0.0.1, port chosen by the system
      const srv = tcpSocket(ws);
      open.push(srv);
      ok(ws, ws.bind(srv, loopback(0), win.structs.sockaddr_in.size), "bind");
      ok(ws, ws.listen(srv, 1), "listen");
      const name = new Uint8Array(win.structs.sockaddr_storage.size);
      const len = new Int32Array([name.length]);
      ok(ws, ws.getsockname(srv, name, new Uint8Array(len.buffer)), "getsockname");
      assertEquals(len[0], win.structs.sockaddr_in.size);
      const port = new DataView(name.buffer).getUint16(
        win.structs.sockaddr_in.fields.sin_port.offset,
        false,
      );
      assert(port > 0);

      // connect (blocking, to a listening loopback port: completes at once)
      const cli = tcpSocket(ws);
      open.push(cli);
      ok(ws, ws.connect(cli, loopback(port), win.structs.sockaddr_in.size), "connect");

      // WSAPoll says the listener is readable (a connection to accept):
      // WSAPOLLFD { SOCKET fd; SHORT events; SHORT revents; }
      const pfd = win.structs.pollfd;
      const fds = new Uint8Array(pfd.size);
      const pv = new DataView(fds.buffer);
      pv.setBigUint64(pfd.fields.fd.offset, srv, true);
      pv.setInt16(pfd.fields.events.offset, k.POLLIN, true);
      assertEquals(ws.WSAPoll(fds, 1, 5000), 1);
      const revents = pv.getInt16(pfd.fields.revents.offset, true);
      assert(revents & k.POLLRDNORM, `revents ${revents}`);

      const conn = BigInt(ws.accept(srv, null, null));
      assertNotEquals(conn, INVALID_SOCKET, `accept: WSA error ${ws.WSAGetLastError()}`);
      open.push(conn);

      // data both ways
      const ping = new TextEncoder().encode("ping");
      assertEquals(ws.send(cli, ping, ping.length, 0), 4);
      const buf = new Uint8Array(16);
      assertEquals(ws.recv(conn, buf, buf.length, 0), 4);
      assertEquals(new TextDecoder().decode(buf.subarray(0, 4)), "ping");
      const pong = new TextEncoder().encode("pong!");
      assertEquals(ws.send(conn, pong, pong.length, 0), 5);
      assertEquals(ws.recv(cli, buf, buf.length, 0), 5);
      assertEquals(new TextDecoder().decode(buf.subarray(0, 5)), "pong!");

      // non-blocking through ioctlsocket(FIONBIO): `long cmd` is 32-bit, and
      // FIONBIO (0x8004667e, unsigned in the headers) reaches it as its bits
      const on = new Uint32Array([1]);
      ok(ws, ws.ioctlsocket(conn, k.FIONBIO | 0, new Uint8Array(on.buffer)), "ioctlsocket");
      assertEquals(ws.recv(conn, buf, buf.length, 0), k.SOCKET_ERROR);
      assertEquals(ws.WSAGetLastError(), E.EWOULDBLOCK); // 10035, WSAEWOULDBLOCK

      for (const s of [cli, conn, srv]) ok(ws, ws.closesocket(s), "closesocket");
      open.length = 0;

      // nobody listens there any more: refused, with Winsock's number
      const late = tcpSocket(ws);
      open.push(late);
      assertEquals(
        ws.connect(late, loopback(port), win.structs.sockaddr_in.size),
        k.SOCKET_ERROR,
      );
      assertEquals(ws.WSAGetLastError(), E.ECONNREFUSED); // 10061, WSAECONNREFUSED
      ok(ws, ws.closesocket(late), "closesocket");
      open.length = 0;
    } finally {
      for (const s of open) ws.closesocket(s);
      ws.WSACleanup();
      lib.close();
    }
  },
});
