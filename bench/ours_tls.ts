/**
 * TLS on this library (`@libc/socket/ssl`, OpenSSL over `SSL_set_fd`), with
 * the blocking (`sync`) or the async (`async`) API on both ends; the same
 * protocol as deno_native_tls.ts and py_tls.py (see _tls.ts).
 *
 *   deno run -A bench/ours_tls.ts sync|async bulk-recv CERT KEY
 *   deno run -A bench/ours_tls.ts sync|async bulk-send CA PORT BYTES CHUNK MAX_S
 *   deno run -A bench/ours_tls.ts sync|async hs-server CERT KEY
 *   deno run -A bench/ours_tls.ts sync|async hs-client CA PORT COUNT MAX_S
 *
 * @module
 */
import { loadLibrary, loadSsl } from "./_lib.ts";
import { exitOnStdinEof, intArg, println, procCpuSeconds } from "./_util.ts";

const socket = await loadLibrary();
const ssl = await loadSsl();

const [mode, role, ...args] = Deno.args;
const useAsync = mode === "async";
if (mode !== "sync" && mode !== "async") {
  console.error("usage: sync|async bulk-recv|bulk-send|hs-server|hs-client …");
  Deno.exit(2);
}

function serverContext(cert: string, key: string): InstanceType<typeof ssl.SSLContext> {
  const ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  ctx.load_cert_chain(cert, key);
  ctx.num_tickets = 0; // the handshake loop measures full handshakes
  return ctx;
}

function listener() {
  const lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  lst.bind(["127.0.0.1", 0]);
  lst.listen(128);
  println(String(lst.getsockname()[1]));
  return lst;
}

type TlsSocket = InstanceType<typeof ssl.SSLSocket>;

async function connect(
  ctx: InstanceType<typeof ssl.SSLContext>,
  port: number,
): Promise<TlsSocket> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); // as every client here (see _tls.ts)
  const t = ctx.wrap_socket(s, {
    server_hostname: "localhost",
    do_handshake_on_connect: !useAsync,
  });
  if (useAsync) {
    await t.connectAsync(["127.0.0.1", port]);
    await t.do_handshakeAsync();
  } else t.connect(["127.0.0.1", port]);
  return t;
}

if (role === "bulk-recv") {
  const [cert, key] = args;
  const ctx = serverContext(cert, key);
  const lst = listener();
  const [raw] = useAsync ? await lst.acceptAsync() : lst.accept();
  const conn = ctx.wrap_socket(raw, { server_side: true, do_handshake_on_connect: !useAsync });
  if (useAsync) await conn.do_handshakeAsync();
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  const buf = new Uint8Array(256 * 1024);
  let total = 0;
  for (;;) {
    const n = useAsync ? await conn.recv_intoAsync(buf) : conn.recv_into(buf);
    if (n === 0) break;
    total += n;
  }
  conn.close();
  lst.close();
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ bytes: total, seconds, cpu_s: procCpuSeconds() - c0 }));
} else if (role === "bulk-send") {
  const [ca, portArg, bytesArg, chunkArg, maxArg] = args;
  const ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: ca });
  const bytes = intArg(bytesArg, "BYTES");
  const chunk = intArg(chunkArg, "CHUNK");
  const maxS = intArg(maxArg, "MAX_S");
  const buf = new Uint8Array(chunk).fill(0x62);
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  const deadline = t0 + maxS * 1000;
  const t = await connect(ctx, intArg(portArg, "PORT"));
  const cipher = t.cipher()?.[0];
  let sent = 0;
  let iter = 0;
  while (sent < bytes) {
    if ((++iter & 15) === 0 && performance.now() > deadline) break;
    const part = bytes - sent >= chunk ? buf : buf.subarray(0, bytes - sent);
    if (useAsync) await t.sendallAsync(part);
    else t.sendall(part);
    sent += part.length;
  }
  t.shutdown(socket.SHUT_WR); // close_notify, then the FIN
  const one = new Uint8Array(1);
  // wait for the receiver to close, so the time covers delivery
  while ((useAsync ? await t.recv_intoAsync(one) : t.recv_into(one)) > 0) { /* drain */ }
  t.close();
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ bytes: sent, seconds, cpu_s: procCpuSeconds() - c0, cipher }));
} else if (role === "hs-server") {
  // Accepts, handshakes, writes one byte, closes; until killed.
  const [cert, key] = args;
  const ctx = serverContext(cert, key);
  const lst = listener();
  if (useAsync) exitOnStdinEof();
  for (;;) {
    const [raw] = useAsync ? await lst.acceptAsync() : lst.accept();
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    try {
      const conn = ctx.wrap_socket(raw, { server_side: true, do_handshake_on_connect: !useAsync });
      try {
        if (useAsync) await conn.do_handshakeAsync();
        if (useAsync) await conn.sendallAsync("k");
        else conn.sendall("k");
      } finally {
        conn.close();
      }
    } catch (e) {
      if (!(e instanceof socket.error)) throw e; // a client gone early: next one
    }
  }
} else if (role === "hs-client") {
  // COUNT full handshakes, one after another (or until MAX_S).
  const [ca, portArg, countArg, maxArg] = args;
  const ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: ca });
  const port = intArg(portArg, "PORT");
  const count = intArg(countArg, "COUNT");
  const deadline = performance.now() + intArg(maxArg, "MAX_S") * 1000;
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  let done = 0;
  const one = new Uint8Array(1);
  while (done < count && performance.now() < deadline) {
    const t = await connect(ctx, port);
    const n = useAsync ? await t.recv_intoAsync(one) : t.recv_into(one);
    t.close();
    if (n !== 1) throw new Error("the server sent no byte");
    done++;
  }
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ handshakes: done, seconds, cpu_s: procCpuSeconds() - c0 }));
} else {
  console.error(`unknown role ${role}`);
  Deno.exit(2);
}
