import { assert, assertEquals, assertExists, assertInstanceOf, assertRejects } from "@std/assert";
import * as socket from "../../mod.ts";
import * as ssl from "../../ssl.ts";
import { certs } from "./_certs.ts";

const dec = new TextDecoder();

async function contexts() {
  const c = await certs();
  const server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  server.load_cert_chain(c.server, c.serverKey);
  const client = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: c.ca });
  return { c, server, client };
}

Deno.test("ssl: async handshake, data both ways and unwrap on a socketpair", async () => {
  const { server, client } = await contexts();
  server.set_alpn_protocols(["h2", "http/1.1"]);
  client.set_alpn_protocols(["http/1.1"]);
  const [a, b] = socket.socketpair();
  const s = server.wrap_socket(b, { server_side: true, do_handshake_on_connect: false });
  const t = client.wrap_socket(a, { server_hostname: "localhost", do_handshake_on_connect: false });
  try {
    await Promise.all([s.do_handshakeAsync(), t.do_handshakeAsync()]);
    assertEquals(t.version(), "TLSv1.3");
    assertEquals(t.selected_alpn_protocol(), "http/1.1");
    assertEquals(s.selected_alpn_protocol(), "http/1.1");
    assertEquals(t.cipher()?.[1], "TLSv1.3");
    assert((s.shared_ciphers()?.length ?? 0) > 0);
    assertEquals(t.shared_ciphers(), null);
    const cert = t.getpeercert();
    assertExists(cert);
    assertEquals(cert.subject, [[["countryName", "XX"]], [["organizationName", "libc-socket"]], [[
      "commonName",
      "localhost",
    ]]]);
    assertEquals(cert.subjectAltName, [["DNS", "localhost"], ["IP Address", "127.0.0.1"]]);
    assertEquals(cert.OCSP, ["http://ocsp.example.test"]);
    assertEquals(cert.caIssuers, ["http://ca.example.test/ca.der"]);
    assertEquals(cert.crlDistributionPoints, ["http://crl.example.test/ca.crl"]);
    assertEquals(cert.version, 3);
    assertInstanceOf(t.getpeercert(true), Uint8Array);
    assertEquals(s.getpeercert(), null); // no client certificate asked for
    const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
    const got: Uint8Array[] = [];
    let n = 0;
    await Promise.all([
      t.sendallAsync(big),
      (async () => {
        while (n < big.length) {
          const d = await s.recvAsync(65536);
          assert(d.length > 0);
          got.push(d);
          n += d.length;
        }
      })(),
    ]);
    const all = new Uint8Array(n);
    let off = 0;
    for (const d of got) all.set(d, off), off += d.length;
    assertEquals(all, big);
    await s.sendallAsync("pong");
    assertEquals(dec.decode(await t.recvAsync(100)), "pong");
    const [pa, pb] = await Promise.all([t.unwrapAsync(), s.unwrapAsync()]);
    // After unwrap, plain bytes flow on the same descriptors.
    pa.send("plain");
    assertEquals(dec.decode(pb.recv(100)), "plain");
  } finally {
    s.close();
    t.close();
  }
});

Deno.test("ssl: blocking handshake with timeout needs a peer; non-blocking raises SSLWantReadError", async () => {
  const { client } = await contexts();
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  const t = client.wrap_socket(a, { server_hostname: "localhost" });
  try {
    let err: unknown;
    try {
      t.do_handshake();
    } catch (e) {
      err = e;
    }
    assertInstanceOf(err, ssl.SSLWantReadError);
    assertInstanceOf(err, ssl.SSLError);
    assertInstanceOf(err, socket.error);
    t.settimeout(0.05);
    let te: unknown;
    try {
      t.do_handshake();
    } catch (e) {
      te = e;
    }
    assertInstanceOf(te, socket.TimeoutError);
    assertEquals((te as Error).message, "The handshake operation timed out");
  } finally {
    t.close();
    b.close();
  }
});

Deno.test("ssl: a thrown sni_callback fails the handshake without unwinding through OpenSSL", async () => {
  const { server, client } = await contexts();
  const boom = new Error("boom");
  const seen: (string | null)[] = [];
  server.sni_callback = (_s, name) => {
    seen.push(name);
    throw boom;
  };
  const [a, b] = socket.socketpair();
  const s = server.wrap_socket(b, { server_side: true, do_handshake_on_connect: false });
  const t = client.wrap_socket(a, { server_hostname: "localhost", do_handshake_on_connect: false });
  try {
    const [rs, rt] = await Promise.allSettled([s.do_handshakeAsync(), t.do_handshakeAsync()]);
    assertEquals(seen, ["localhost"]);
    assertEquals(rs.status, "rejected");
    assertEquals((rs as PromiseRejectedResult).reason, boom);
    assertEquals(rt.status, "rejected");
    assertInstanceOf((rt as PromiseRejectedResult).reason, ssl.SSLError);
  } finally {
    s.close();
    t.close();
  }
});

Deno.test("ssl: sni_callback can switch the context", async () => {
  const { c, client } = await contexts();
  const first = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  first.load_cert_chain(c.unknownLeaf, c.unknownLeafKey); // would fail verification
  const second = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  second.load_cert_chain(c.server, c.serverKey);
  first.sni_callback = (sock, name) => {
    if (name === "localhost") sock.context = second;
  };
  const [a, b] = socket.socketpair();
  const s = first.wrap_socket(b, { server_side: true, do_handshake_on_connect: false });
  const t = client.wrap_socket(a, { server_hostname: "localhost", do_handshake_on_connect: false });
  try {
    await Promise.all([s.do_handshakeAsync(), t.do_handshakeAsync()]);
    assertEquals(s.context, second);
  } finally {
    s.close();
    t.close();
  }
});

Deno.test("ssl: aborting a pending recvAsync rejects with the signal's reason", async () => {
  const { server, client } = await contexts();
  const [a, b] = socket.socketpair();
  const s = server.wrap_socket(b, { server_side: true, do_handshake_on_connect: false });
  const t = client.wrap_socket(a, { server_hostname: "localhost", do_handshake_on_connect: false });
  try {
    await Promise.all([s.do_handshakeAsync(), t.do_handshakeAsync()]);
    const ac = new AbortController();
    const p = t.recvAsync(10, 0, { signal: ac.signal });
    ac.abort(new Error("stop"));
    await assertRejects(() => p, Error, "stop");
  } finally {
    s.close();
    t.close();
  }
});

Deno.test("ssl: the async twins take their options in the flags (or nbytes) position, as Socket's", async () => {
  const { server, client } = await contexts();
  const [a, b] = socket.socketpair();
  const s = server.wrap_socket(b, { server_side: true, do_handshake_on_connect: false });
  const t = client.wrap_socket(a, { server_hostname: "localhost", do_handshake_on_connect: false });
  try {
    await Promise.all([s.do_handshakeAsync(), t.do_handshakeAsync()]);
    const { signal } = new AbortController();
    await s.sendallAsync("one", { signal });
    assertEquals(await s.sendAsync("two", { signal }), 3);
    assertEquals(dec.decode(await t.recvAsync(3, { signal })), "one");
    const buf = new Uint8Array(3);
    assertEquals(await t.recv_intoAsync(buf, { signal }), 3);
    assertEquals(dec.decode(buf), "two");
    await s.sendallAsync("three");
    assertEquals(await t.recv_intoAsync(buf, 2, { signal }), 2);
    assertEquals(dec.decode(buf.subarray(0, 2)), "th");
    const aborted = AbortSignal.abort(new Error("stop"));
    await assertRejects(() => t.recvAsync(10, { signal: aborted }), Error, "stop");
  } finally {
    s.close();
    t.close();
  }
});
