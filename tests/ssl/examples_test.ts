/**
 * The ssl examples against local peers made here: https_get.ts against
 * Deno's own HTTPS server (Deno.serve with a certificate from the test CA),
 * tls_echo_server.ts with clients with and without a certificate (ours and
 * python3's ssl), starttls.ts against a python3 SMTP-like server, also one
 * that offers no STARTTLS and one that injects bytes before TLS.
 * Everything stays on 127.0.0.1; the examples run with the permissions
 * their doc line names.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import * as socket from "../../mod.ts";
import * as ssl from "../../ssl.ts";
import { certs } from "./_certs.ts";
import { denoCommand, EXAMPLES_DIR, permissionsOf, python } from "../_helpers.ts";

const dec = new TextDecoder();

function argv(name: string, args: string[]): string[] {
  const source = Deno.readTextFileSync(EXAMPLES_DIR + name);
  return ["run", ...permissionsOf(name, source), "--no-prompt", EXAMPLES_DIR + name, ...args];
}

/** Runs an example to its end: [exit code, stdout, stderr]. */
async function run(name: string, args: string[]): Promise<[number, string, string]> {
  const out = await denoCommand(argv(name, args), { stdout: "piped", stderr: "piped" }).output();
  return [out.code, dec.decode(out.stdout), dec.decode(out.stderr)];
}

Deno.test("ssl examples: https_get.ts fetches from Deno's HTTPS server, verified, and refuses an unknown CA", async () => {
  const c = await certs();
  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      cert: await Deno.readTextFile(c.server),
      key: await Deno.readTextFile(c.serverKey),
      onListen() {},
    },
    (req) => new Response(`you asked for ${new URL(req.url).pathname}${new URL(req.url).search}\n`),
  );
  try {
    const url = `https://127.0.0.1:${server.addr.port}/some/path?q=1`;
    const [code, out, err] = await run("https_get.ts", [url, "--cafile", c.ca, "-v", "--include"]);
    assertEquals(code, 0, err);
    assertMatch(out, /^HTTP\/1\.[01] 200 OK\n/);
    assert(out.endsWith("\n\nyou asked for /some/path?q=1\n"), out);
    assertMatch(err, /^\* TLSv1\.3 TLS_/);
    assertStringIncludes(err, "certificate verified for 127.0.0.1: ");
    assertStringIncludes(err, "commonName=localhost");
    // The system's CAs do not know the test CA.
    const [code2, out2, err2] = await run("https_get.ts", [url]);
    assertEquals([code2, out2], [1, ""]);
    assertMatch(
      err2,
      /^error: \[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: [^\n]+\n$/,
    );
    // A CA that did not issue it either.
    const [code3, , err3] = await run("https_get.ts", [url, "--cafile", c.otherCa]);
    assertEquals(code3, 1);
    assertMatch(err3, /^error: \[SSL: CERTIFICATE_VERIFY_FAILED\]/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("ssl examples: tls_echo_server.ts echoes to clients with a certificate and turns away one without", async () => {
  const c = await certs();
  const child = denoCommand(
    argv("tls_echo_server.ts", [
      "--cert",
      c.server,
      "--key",
      c.serverKey,
      "--client-ca",
      c.ca,
      "--count",
      "3",
    ]),
    { stdout: "piped", stderr: "piped" },
  ).spawn();
  const reader = child.stdout.getReader();
  let out = "";
  let port = -1;
  while (port < 0) {
    const { value, done } = await reader.read();
    if (done) break;
    out += dec.decode(value);
    const m = /listening on \[ "127\.0\.0\.1", (\d+) \]/.exec(out);
    if (m) port = Number(m[1]);
  }
  assert(port > 0, out);
  try {
    // 1. Ours, with the client certificate.
    const ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: c.ca });
    ctx.load_cert_chain(c.client, c.clientKey);
    {
      const t = ctx.wrap_socket(socket.socket(), { server_hostname: "127.0.0.1" });
      try {
        await t.connectAsync(["127.0.0.1", port]);
        assertEquals(dec.decode(await t.recvAsync(100)), "hello client\n");
        await t.sendallAsync("ping over mutual TLS");
        assertEquals(dec.decode(await t.recvAsync(100)), "ping over mutual TLS");
        await t.unwrapAsync();
      } finally {
        t.close();
      }
    }
    // 2. python3's ssl, with the client certificate.
    const py = await python(
      `
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
with socket.create_connection(("127.0.0.1", int(sys.argv[4])), timeout=20) as s:
    with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
        hello = t.recv(100)
        t.sendall(b"from python")
        print(hello.decode().strip(), "|", t.recv(100).decode())
`,
      c.ca,
      c.client,
      c.clientKey,
      String(port),
    );
    assertEquals(py.trim(), "hello client | from python");
    // 3. No client certificate: TLS 1.3 tells the client on its first read.
    const anon = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: c.ca });
    const t = anon.wrap_socket(socket.socket(), { server_hostname: "127.0.0.1" });
    try {
      await t.connectAsync(["127.0.0.1", port]);
      let failed: unknown;
      try {
        await t.recvAsync(100);
      } catch (e) {
        failed = e;
      }
      assert(failed instanceof ssl.SSLError, String(failed));
    } finally {
      t.close();
    }
    const [status, rest] = await Promise.all([
      child.status,
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return out;
          out += dec.decode(value);
        }
      })(),
    ]);
    const err = await new Response(child.stderr).text();
    assertEquals(status.code, 0, rest + err);
    const lines = rest.trim().split("\n").slice(1);
    assertEquals(lines.length, 3, rest);
    assertMatch(lines[0], /^client client: TLSv1\.3 TLS_/);
    assertMatch(lines[1], /^client client: TLSv1\.3 TLS_/);
    assertMatch(lines[2], /^handshake failed: \[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE\]/);
  } finally {
    try {
      child.kill("SIGKILL"); // the child we started, by pid (already gone when all went well)
    } catch { /* exited */ }
  }
});

/**
 * A python3 SMTP-like server on 127.0.0.1, for one client: prints its port,
 * then what it heard. argv: cert, key, mode ("ok", "no-starttls", "inject").
 */
const SMTP_SERVER = `
import socket, ssl, sys
cert, key, mode = sys.argv[1], sys.argv[2], sys.argv[3]
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
srv.settimeout(30)
conn, _ = srv.accept()
conn.settimeout(30)
seen = []
f = conn.makefile("rb")
def say(s, *lines):
    s.sendall("".join(l + "\\r\\n" for l in lines).encode())
say(conn, "220 test.example ESMTP")
line = f.readline().decode().strip(); seen.append(line)
if mode == "no-starttls":
    say(conn, "250-test.example", "250 SIZE 1000")
else:
    say(conn, "250-test.example", "250-STARTTLS", "250 SIZE 1000")
line = f.readline().decode().strip(); seen.append(line)
if line == "STARTTLS":
    if mode == "inject":
        say(conn, "220 go ahead", "250 injected")
    else:
        say(conn, "220 go ahead")
    if mode == "ok":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        try:
            t = ctx.wrap_socket(conn, server_side=True)
        except ssl.SSLError as e:
            seen.append("tls failed")
            print("|".join(seen), flush=True)
            sys.exit(0)
        g = t.makefile("rb")
        line = g.readline().decode().strip(); seen.append("tls:" + line)
        say(t, "250-test.example", "250 AUTH PLAIN")
        line = g.readline().decode().strip(); seen.append("tls:" + line)
        say(t, "221 bye")
        t.close()
elif line == "QUIT":
    say(conn, "221 bye")
conn.close()
print("|".join(seen), flush=True)
`;

async function withSmtp(
  mode: "ok" | "no-starttls" | "inject",
  args: (port: number) => string[],
): Promise<[number, string, string, string]> {
  const c = await certs();
  const child = new Deno.Command("python3", {
    args: ["-c", SMTP_SERVER, c.server, c.serverKey, mode],
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
  const port = Number(text.split("\n")[0]);
  assert(port > 0, text);
  const [rc, out, err] = await run("starttls.ts", args(port));
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value);
  }
  const st = await child.status;
  assert(st.success, await new Response(child.stderr).text());
  return [rc, out, err, text.split("\n")[1] ?? ""];
}

Deno.test("ssl examples: starttls.ts upgrades an SMTP conversation, verified", async () => {
  const c = await certs();
  const [code, out, err, seen] = await withSmtp(
    "ok",
    (port) => ["127.0.0.1", String(port), "--cafile", c.ca],
  );
  assertEquals(code, 0, err);
  assertEquals(seen, "EHLO client.example|STARTTLS|tls:EHLO client.example|tls:QUIT");
  const lines = out.trim().split("\n");
  assertEquals(lines.slice(0, 7), [
    "S: 220 test.example ESMTP",
    "C: EHLO client.example",
    "S: 250-test.example",
    "S: 250-STARTTLS",
    "S: 250 SIZE 1000",
    "C: STARTTLS",
    "S: 220 go ahead",
  ]);
  assertMatch(lines[7], /^-- TLS: TLSv1\.3 TLS_\S+, certificate of .*commonName=localhost$/);
  assertEquals(lines.slice(8), [
    "C: EHLO client.example",
    "S: 250-test.example",
    "S: 250 AUTH PLAIN",
    "C: QUIT",
    "S: 221 bye",
  ]);
});

Deno.test("ssl examples: starttls.ts never goes on in the clear (no STARTTLS offered, bytes injected before TLS, unknown CA)", async () => {
  const c = await certs();
  const [code, , err, seen] = await withSmtp("no-starttls", (port) => ["127.0.0.1", String(port)]);
  assertEquals([code, err], [1, "error: 127.0.0.1 does not offer STARTTLS\n"]);
  assertEquals(seen, "EHLO client.example|QUIT");
  const [code2, , err2] = await withSmtp("inject", (port) => ["127.0.0.1", String(port)]);
  assertEquals(code2, 1);
  assertEquals(
    err2,
    "error: 127.0.0.1 sent bytes after its STARTTLS answer, before TLS: refusing them\n",
  );
  // Without --cafile, the test CA is unknown: the handshake fails, nothing is sent over it.
  const [code3, , err3, seen3] = await withSmtp("ok", (port) => ["127.0.0.1", String(port)]);
  assertEquals(code3, 1);
  assertMatch(err3, /^error: \[SSL: CERTIFICATE_VERIFY_FAILED\]/);
  assertEquals(seen3, "EHLO client.example|STARTTLS|tls failed");
  // The name the certificate must carry: not this one.
  const [code4, , err4] = await withSmtp(
    "ok",
    (port) => ["127.0.0.1", String(port), "--cafile", c.ca, "--servername", "mail.example"],
  );
  assertEquals(code4, 1);
  assertMatch(err4, /^error: \[SSL: CERTIFICATE_VERIFY_FAILED\][^\n]*Hostname mismatch/);
});
