/**
 * The module's own names against python3's ssl: the enums and constants
 * value for value, OpenSSL's random generator, get_protocol_name, and
 * get_server_certificate against a python3 TLS server.
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import * as ssl from "../../ssl.ts";
import { certs } from "./_certs.ts";
import { python } from "../_helpers.ts";

const dec = new TextDecoder();

Deno.test("ssl module: enums and constants are python3's, value for value", async () => {
  const py = JSON.parse(
    await python(`
import ssl, json
enums = {}
for name in ["AlertDescription", "SSLErrorNumber", "VerifyMode", "VerifyFlags", "Options"]:
    enums[name] = {m.name: int(m.value) for m in getattr(ssl, name)}
consts = {n: getattr(ssl, n) for n in dir(ssl) if n.isupper() and isinstance(getattr(ssl, n), (int, str, bool)) and not n.startswith("_")}
print(json.dumps({"enums": enums, "consts": {k: (v if isinstance(v, (str, bool)) else int(v)) for k, v in consts.items()}}))
`),
  );
  const ours = ssl as unknown as Record<string, unknown>;
  for (
    const [name, members] of Object.entries(py.enums as Record<string, Record<string, number>>)
  ) {
    for (const [member, value] of Object.entries(members)) {
      // CPython 3.11's Options lists some aliases only; ours has every OP_* it exports.
      assertEquals((ours[name] as Record<string, number>)[member], value, `${name}.${member}`);
    }
  }
  const skip = new Set([
    "PROTOCOL_SSLv23", // deprecated aliases and protocols we do not offer (see docs/ssl.md)
    "PROTOCOL_TLSv1",
    "PROTOCOL_TLSv1_1",
    "PROTOCOL_TLSv1_2",
    "SOCK_STREAM", // the socket module's, re-exported by ssl.py
    "SOL_SOCKET",
    "SO_TYPE",
    "OPENSSL_VERSION", // the same library, but python3 may be built against another
    "OPENSSL_VERSION_NUMBER",
    "HAS_PHA", // absent from 3.11's ssl module
  ]);
  const missing: string[] = [];
  for (const [name, value] of Object.entries(py.consts as Record<string, unknown>)) {
    if (skip.has(name)) continue;
    if (!(name in ours)) missing.push(name);
    else if (typeof value !== "object") assertEquals(ours[name], value, name);
  }
  assertEquals(missing, []);
});

Deno.test("ssl module: RAND_bytes, RAND_status, RAND_add, get_protocol_name", () => {
  const a = ssl.RAND_bytes(32), b = ssl.RAND_bytes(32);
  assertEquals([a.length, b.length], [32, 32]);
  assert(a.some((x, i) => x !== b[i]));
  assertEquals(ssl.RAND_bytes(0).length, 0);
  assertThrows(() => ssl.RAND_bytes(-1), RangeError);
  assertThrows(() => ssl.RAND_bytes(1.5), TypeError);
  assertEquals(ssl.RAND_status(), true);
  ssl.RAND_add("noise", 0.5);
  ssl.RAND_add(new Uint8Array(8), 8);
  assertThrows(() => ssl.RAND_add({} as never, 1), TypeError); // deliberate: wrong type
  assertThrows(() => ssl.RAND_add("x", "1" as never), TypeError); // deliberate: wrong type
  assertEquals(ssl.get_protocol_name(ssl.PROTOCOL_TLS_CLIENT), "PROTOCOL_TLS_CLIENT");
  assertEquals(ssl.get_protocol_name(ssl.PROTOCOL_TLS_SERVER), "PROTOCOL_TLS_SERVER");
  assertEquals(ssl.get_protocol_name(ssl.PROTOCOL_TLS), "PROTOCOL_TLS");
  assertEquals(ssl.get_protocol_name(99), "<unknown>");
});

Deno.test("ssl module: get_server_certificate gets python3's server certificate, verified with ca_certs", async () => {
  const c = await certs();
  const child = new Deno.Command("python3", {
    args: [
      "-c",
      `
import socket, ssl, sys
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv = socket.create_server(("127.0.0.1", 0))
srv.settimeout(30)
print(srv.getsockname()[1], flush=True)
for _ in range(3):
    conn, _ = srv.accept()
    try:
        ctx.wrap_socket(conn, server_side=True).close()
    except (ssl.SSLError, OSError):
        conn.close()
`,
      c.server,
      c.serverKey,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value);
  }
  reader.releaseLock();
  const port = Number(text.trim());
  try {
    const pem = Deno.readTextFileSync(c.server);
    const want = ssl.PEM_cert_to_DER_cert(pem);
    // No ca_certs: not verified. With ca_certs: verified (no host name check, as CPython).
    const got = ssl.get_server_certificate(["127.0.0.1", port]);
    assertEquals(ssl.PEM_cert_to_DER_cert(got), want);
    const verified = ssl.get_server_certificate(
      ["127.0.0.1", port],
      ssl.PROTOCOL_TLS_CLIENT,
      c.ca,
      { timeout: 10 },
    );
    assertEquals(ssl.PEM_cert_to_DER_cert(verified), want);
    assertThrows(
      () => ssl.get_server_certificate(["127.0.0.1", port], ssl.PROTOCOL_TLS_CLIENT, c.otherCa),
      ssl.SSLCertVerificationError,
    );
  } finally {
    const st = await child.output();
    assert(st.success, dec.decode(st.stderr));
  }
});
