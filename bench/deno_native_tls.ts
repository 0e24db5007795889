/**
 * TLS on Deno's own `Deno.listenTls` / `Deno.connectTls` (rustls), the same
 * protocol as ours_tls.ts and py_tls.py (see _tls.ts).
 *
 *   deno run -A bench/deno_native_tls.ts bulk-recv CERT KEY
 *   deno run -A bench/deno_native_tls.ts bulk-send CA PORT BYTES CHUNK MAX_S
 *   deno run -A bench/deno_native_tls.ts hs-server CERT KEY
 *   deno run -A bench/deno_native_tls.ts hs-client CA PORT COUNT MAX_S
 *
 * @module
 */
import { exitOnStdinEof, intArg, println, procCpuSeconds } from "./_util.ts";

const [role, ...args] = Deno.args;

function listen(certFile: string, keyFile: string): Deno.TlsListener {
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(certFile),
    key: Deno.readTextFileSync(keyFile),
  });
  println(String((listener.addr as Deno.NetAddr).port));
  return listener;
}

async function connect(caFile: string, port: number): Promise<Deno.TlsConn> {
  // Deno.connect + startTls rather than connectTls: only a TcpConn can set
  // TCP_NODELAY, as every client here does (see _tls.ts).
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port });
  tcp.setNoDelay(true);
  const conn = await Deno.startTls(tcp, {
    hostname: "localhost",
    caCerts: [Deno.readTextFileSync(caFile)],
  });
  await conn.handshake();
  return conn;
}

if (role === "bulk-recv") {
  const listener = listen(args[0], args[1]);
  const conn = await listener.accept();
  await conn.handshake();
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  const buf = new Uint8Array(256 * 1024);
  let total = 0;
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    total += n;
  }
  conn.close();
  listener.close();
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ bytes: total, seconds, cpu_s: procCpuSeconds() - c0 }));
} else if (role === "bulk-send") {
  const [ca, portArg, bytesArg, chunkArg, maxArg] = args;
  const bytes = intArg(bytesArg, "BYTES");
  const chunk = intArg(chunkArg, "CHUNK");
  const maxS = intArg(maxArg, "MAX_S");
  const buf = new Uint8Array(chunk).fill(0x62);
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  const deadline = t0 + maxS * 1000;
  const conn = await connect(ca, intArg(portArg, "PORT"));
  let sent = 0;
  let iter = 0;
  while (sent < bytes) {
    if ((++iter & 15) === 0 && performance.now() > deadline) break;
    const want = Math.min(chunk, bytes - sent);
    sent += await conn.write(buf.subarray(0, want));
  }
  await conn.closeWrite(); // close_notify
  const one = new Uint8Array(1);
  try {
    while ((await conn.read(one)) !== null) { /* wait for the receiver to close */ }
  } catch { /* the receiver closed without close_notify */ }
  conn.close();
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ bytes: sent, seconds, cpu_s: procCpuSeconds() - c0 }));
} else if (role === "hs-server") {
  const listener = listen(args[0], args[1]);
  exitOnStdinEof();
  for await (const conn of listener) {
    try {
      await conn.handshake();
      await conn.write(new Uint8Array([0x6b]));
    } catch { /* a client gone early: next one */ }
    try {
      conn.close();
    } catch { /* closed */ }
  }
} else if (role === "hs-client") {
  const [ca, portArg, countArg, maxArg] = args;
  const port = intArg(portArg, "PORT");
  const count = intArg(countArg, "COUNT");
  const deadline = performance.now() + intArg(maxArg, "MAX_S") * 1000;
  const t0 = performance.now();
  const c0 = procCpuSeconds();
  let done = 0;
  const one = new Uint8Array(1);
  while (done < count && performance.now() < deadline) {
    const conn = await connect(ca, port);
    const n = await conn.read(one);
    conn.close();
    if (n !== 1) throw new Error("the server sent no byte");
    done++;
  }
  const seconds = (performance.now() - t0) / 1000;
  println(JSON.stringify({ handshakes: done, seconds, cpu_s: procCpuSeconds() - c0 }));
} else {
  console.error("usage: bulk-recv|bulk-send|hs-server|hs-client …");
  Deno.exit(2);
}
