/**
 * An HTTPS GET with the certificate verified, as Python's
 * `ssl.create_default_context()` does it: the chain against the system's
 * CA bundle (or `--cafile`), and the name in the URL against the
 * certificate. Prints the body on stdout (with `--include`, the status line
 * and headers first); `-v` tells on stderr what TLS agreed on.
 *
 * usage: deno run --allow-ffi examples/https_get.ts URL [--cafile FILE] [--include] [-v]
 *
 * A certificate that does not verify ends it with one line,
 * `error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: …`,
 * and exit 1. Try it against a local server:
 *
 * ```sh
 * deno run --allow-ffi examples/https_get.ts https://127.0.0.1:8443/ --cafile ca.pem
 * ```
 *
 * @module
 */
import * as socket from "../mod.ts";
import * as ssl from "../ssl.ts";
import { Cli } from "./_args.ts";

const cli: Cli = new Cli({
  usage: "https_get.ts URL [--cafile FILE] [--include] [-v]",
  help: "Fetches URL (https only) with HTTP/1.0, verifying the server's certificate.\n\n" +
    "--cafile FILE  trust the CA certificates in FILE (PEM) instead of the system's\n" +
    "--include      print the status line and the headers before the body\n" +
    "-v             print the TLS version, cipher and certificate subject on stderr",
  values: ["--cafile"],
  flags: ["--include", "-v"],
  positionals: [1, 1],
});
const args = cli.parse();

let url: URL;
try {
  url = new URL(args.positionals[0]);
} catch {
  cli.usage(`not a URL: ${args.positionals[0]}`);
}
if (url.protocol !== "https:") cli.usage(`not an https URL: ${url.href}`);
// URL keeps brackets around an IPv6 literal; the certificate names it without.
const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
const port = url.port === "" ? 443 : Number(url.port);

/** The index of the blank line ending the headers, or -1. */
function headerEnd(data: Uint8Array): number {
  for (let i = 0; i + 3 < data.length; i++) {
    if (data[i] === 13 && data[i + 1] === 10 && data[i + 2] === 13 && data[i + 3] === 10) return i;
  }
  return -1;
}

await cli.run(() => {
  const ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, {
    cafile: args.get("--cafile") ?? null,
  });
  using tls = ctx.wrap_socket(socket.create_connection([host, port], 30), {
    server_hostname: host,
  });
  if (args.has("-v")) {
    const cert = tls.getpeercert();
    const subject = (cert?.subject ?? []).flat().map(([k, v]) => `${k}=${v}`).join(", ");
    console.error(`* ${tls.version()} ${tls.cipher()?.[0]}`);
    console.error(`* certificate verified for ${host}: ${subject}`);
  }
  const path = (url.pathname || "/") + url.search;
  tls.sendall(
    `GET ${path} HTTP/1.0\r\nHost: ${url.host}\r\nUser-Agent: libc-socket-example\r\n` +
      "Accept: */*\r\nConnection: close\r\n\r\n",
  );
  // HTTP/1.0: the body ends where the connection does.
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let d; (d = tls.recv(65536)).length > 0;) chunks.push(d), size += d.length;
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) all.set(c, off), off += c.length;
  const end = headerEnd(all);
  if (end < 0) cli.fail(`${url.host} sent no complete HTTP response`);
  const head = new TextDecoder().decode(all.subarray(0, end));
  if (!/^HTTP\/\d\.\d \d{3}/.test(head)) cli.fail(`${url.host} did not answer in HTTP`);
  if (args.has("--include")) console.log(head.replaceAll("\r\n", "\n") + "\n");
  const body = all.subarray(end + 4);
  for (let o = 0; o < body.length;) o += Deno.stdout.writeSync(body.subarray(o));
});
