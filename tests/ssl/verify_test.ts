import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import * as socket from "../../mod.ts";
import * as ssl from "../../ssl.ts";
import { OSSL } from "../../constants/openssl.ts";
import { certs } from "./_certs.ts";
import { python } from "../_helpers.ts";

/** Handshakes a client (verifying against our CA) with a server presenting `cert`. */
async function attempt(
  cert: string,
  key: string,
  hostname: string,
  tweak?: (client: ssl.SSLContext, server: ssl.SSLContext) => void,
): Promise<[PromiseSettledResult<void>, PromiseSettledResult<void>]> {
  const c = await certs();
  const server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH);
  server.load_cert_chain(cert, key);
  const client = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: c.ca });
  tweak?.(client, server);
  const [a, b] = socket.socketpair();
  const s = server.wrap_socket(b, { server_side: true, do_handshake_on_connect: false });
  const t = client.wrap_socket(a, { server_hostname: hostname, do_handshake_on_connect: false });
  try {
    const r = await Promise.allSettled([t.do_handshakeAsync(), s.do_handshakeAsync()]);
    return r as [PromiseSettledResult<void>, PromiseSettledResult<void>];
  } finally {
    s.close();
    t.close();
  }
}

function verifyError(r: PromiseSettledResult<void>): ssl.SSLCertVerificationError {
  assertEquals(r.status, "rejected");
  const e = (r as PromiseRejectedResult).reason;
  assertInstanceOf(e, ssl.SSLCertVerificationError);
  assertInstanceOf(e, ssl.SSLError);
  assertInstanceOf(e, socket.error);
  assertEquals(e.library, "SSL");
  assertEquals(e.reason, "CERTIFICATE_VERIFY_FAILED");
  assertEquals(e.errno, 1);
  return e;
}

Deno.test("ssl verify: unknown CA", async () => {
  const c = await certs();
  const [r] = await attempt(c.unknownLeaf, c.unknownLeafKey, "localhost");
  const e = verifyError(r);
  assertEquals(e.verify_code, OSSL.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  assertEquals(e.verify_message, "unable to get local issuer certificate");
  assert(e.message.startsWith("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"));
});

Deno.test("ssl verify: wrong host name, and an IP address not in the certificate", async () => {
  const c = await certs();
  const [r] = await attempt(c.server, c.serverKey, "example.org");
  const e = verifyError(r);
  assertEquals(e.verify_code, OSSL.X509_V_ERR_HOSTNAME_MISMATCH);
  assertEquals(
    e.verify_message,
    "Hostname mismatch, certificate is not valid for 'example.org'.",
  );
  const [r2] = await attempt(c.server, c.serverKey, "127.0.0.2");
  assertEquals(verifyError(r2).verify_code, OSSL.X509_V_ERR_IP_ADDRESS_MISMATCH);
  const [ok] = await attempt(c.server, c.serverKey, "127.0.0.1");
  assertEquals(ok.status, "fulfilled");
});

Deno.test("ssl verify: expired and not yet valid", async () => {
  const c = await certs();
  const [r] = await attempt(c.expired, c.serverKey, "localhost");
  assertEquals(verifyError(r).verify_code, OSSL.X509_V_ERR_CERT_HAS_EXPIRED);
  assertEquals(verifyError(r).verify_message, "certificate has expired");
  const [r2] = await attempt(c.notYet, c.serverKey, "localhost");
  assertEquals(verifyError(r2).verify_code, OSSL.X509_V_ERR_CERT_NOT_YET_VALID);
});

Deno.test("ssl verify: CERT_NONE without check_hostname accepts anything; getpeercert is {}", async () => {
  const c = await certs();
  const [r] = await attempt(c.unknownLeaf, c.unknownLeafKey, "whatever", (client) => {
    client.check_hostname = false;
    client.verify_mode = ssl.CERT_NONE;
  });
  assertEquals(r.status, "fulfilled");
});

Deno.test("ssl verify: mutual TLS, required client certificate present and missing", async () => {
  const c = await certs();
  const [ok, sok] = await attempt(c.server, c.serverKey, "localhost", (client, server) => {
    client.load_cert_chain(c.client, c.clientKey);
    server.verify_mode = ssl.CERT_REQUIRED;
    server.load_verify_locations(c.ca);
  });
  assertEquals(ok.status, "fulfilled");
  assertEquals(sok.status, "fulfilled");
  const [, s] = await attempt(c.server, c.serverKey, "localhost", (_client, server) => {
    server.verify_mode = ssl.CERT_REQUIRED;
    server.load_verify_locations(c.ca);
  });
  assertEquals(s.status, "rejected");
  const e = (s as PromiseRejectedResult).reason;
  assertInstanceOf(e, ssl.SSLError);
  assertEquals(e.reason, "PEER_DID_NOT_RETURN_A_CERTIFICATE");
});

Deno.test("ssl context: default options are CPython's, bit for bit", async () => {
  const py = await python(`
import ssl
print(ssl.create_default_context().options, ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).options)
`);
  const [client, server] = py.trim().split(" ").map(Number);
  assertEquals(ssl.create_default_context().options, client);
  assertEquals(ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).options, server);
  const ctx = ssl.create_default_context();
  ctx.options = 2n ** 40n | BigInt(client); // a bigint sets all 64 bits
  assertEquals(BigInt(ctx.options), 2n ** 40n | BigInt(client));
  const same: ssl.SSLContext = ctx; // (TypeScript narrowed ctx.options to bigint)
  same.options |= ssl.OP_NO_TICKET; // a 32-bit result keeps the bits above 31
  assertEquals(BigInt(same.options), 2n ** 40n | BigInt(client) | BigInt(ssl.OP_NO_TICKET));
});

Deno.test("ssl context: verify_mode/check_hostname rules, versions, options, ciphers", () => {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assertEquals(ctx.verify_mode, ssl.CERT_REQUIRED);
  let err: unknown;
  try {
    ctx.verify_mode = ssl.CERT_NONE;
  } catch (e) {
    err = e;
  }
  assertInstanceOf(err, RangeError);
  ctx.check_hostname = false;
  ctx.verify_mode = ssl.CERT_NONE;
  ctx.check_hostname = true;
  assertEquals(ctx.verify_mode, ssl.CERT_REQUIRED);
  assertEquals(ctx.minimum_version, ssl.TLSVersion.TLSv1_2);
  assertEquals(ctx.maximum_version, ssl.TLSVersion.MAXIMUM_SUPPORTED);
  ctx.maximum_version = ssl.TLSVersion.TLSv1_2;
  assertEquals(ctx.maximum_version, ssl.TLSVersion.TLSv1_2);
  assert((ctx.options & ssl.OP_NO_COMPRESSION) !== 0);
  ctx.options |= ssl.OP_NO_TICKET;
  assert((ctx.options & ssl.OP_NO_TICKET) !== 0);
  ctx.options &= ~ssl.OP_NO_TICKET;
  assertEquals(ctx.options & ssl.OP_NO_TICKET, 0);
  // Bit 31 (in OP_ALL) survives JS's 32-bit operators, and nothing above it appears.
  assertEquals(ctx.options, (ssl.OP_ALL & ~0x800 | 0x2520000) >>> 0);
  assertEquals(BigInt(ctx.options) >> 32n, 0n);
  let ce: unknown;
  try {
    ctx.set_ciphers("NO-SUCH-CIPHER");
  } catch (e) {
    ce = e;
  }
  assertInstanceOf(ce, ssl.SSLError);
  assertEquals((ce as Error).message, "No cipher can be selected.");
  const srv = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assertEquals([srv.verify_mode, srv.check_hostname], [ssl.CERT_NONE, false]);
});

Deno.test("ssl context: load_cert_chain errors and passwords; cadata PEM and DER", async () => {
  const c = await certs();
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  let err: unknown;
  try {
    ctx.load_cert_chain(`${c.dir}/missing.pem`);
  } catch (e) {
    err = e;
  }
  assertInstanceOf(err, socket.FileNotFoundError);
  assertEquals((err as socket.error).filename, `${c.dir}/missing.pem`);
  assertEquals((err as socket.error).strerror, "No such file or directory");
  ctx.load_cert_chain(c.server, c.serverKeyEncrypted, c.password);
  ctx.load_cert_chain(c.server, c.serverKeyEncrypted, () => c.password);
  const boom = new Error("from the password function");
  let pe: unknown;
  try {
    ctx.load_cert_chain(c.server, c.serverKeyEncrypted, () => {
      throw boom;
    });
  } catch (e) {
    pe = e;
  }
  assertEquals(pe, boom);
  let bad: unknown;
  try {
    ctx.load_cert_chain(c.server, c.serverKeyEncrypted, "wrong");
  } catch (e) {
    bad = e;
  }
  assertInstanceOf(bad, ssl.SSLError);
  const pem = await Deno.readTextFile(c.ca);
  const client = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  client.load_verify_locations(null, null, pem);
  client.load_verify_locations(null, null, ssl.PEM_cert_to_DER_cert(pem));
  assertEquals(ssl.DER_cert_to_PEM_cert(ssl.PEM_cert_to_DER_cert(pem)), pem);
  let nd: unknown;
  try {
    client.load_verify_locations(null, null, "not a certificate");
  } catch (e) {
    nd = e;
  }
  assertInstanceOf(nd, ssl.SSLError);
});
