/**
 * STARTTLS: a plain connection that turns into TLS halfway, as SMTP (RFC
 * 3207), IMAP and others do. Talks to a mail server: reads its greeting,
 * sends `EHLO`, checks that `STARTTLS` is offered, sends it, wraps the same
 * socket in TLS (verifying the server's certificate against HOST, or
 * `--servername`), says `EHLO` again over TLS, and `QUIT`s. Prints the
 * conversation, `C:` for what it sends and `S:` for what the server says.
 *
 * usage: deno run --allow-ffi examples/starttls.ts HOST [PORT] [--cafile FILE] [--servername NAME]
 *
 * PORT defaults to 25. Bytes the server sends after its answer to
 * `STARTTLS` and before TLS begins are refused (they would be read as if
 * they had come over TLS: CVE-2011-0411's command injection), and so is a
 * server that does not offer STARTTLS: the conversation never goes on in
 * the clear.
 *
 * ```sh
 * deno run --allow-ffi examples/starttls.ts mail.example.com 587
 * ```
 *
 * @module
 */
import * as socket from "../mod.ts";
import * as ssl from "../ssl.ts";
import { Cli } from "./_args.ts";

const cli: Cli = new Cli({
  usage: "starttls.ts HOST [PORT] [--cafile FILE] [--servername NAME]",
  help: "Upgrades an SMTP conversation with HOST (port PORT, default 25) to TLS\n" +
    "with STARTTLS, and prints it.\n\n" +
    "--cafile FILE       trust the CA certificates in FILE (PEM) instead of the system's\n" +
    "--servername NAME   the name the certificate must carry (default HOST)",
  values: ["--cafile", "--servername"],
  positionals: [1, 2],
});
const args = cli.parse();
const [host, portArg = "25"] = args.positionals;
const port = cli.int(portArg, "PORT", 1, 65535);
const servername = args.get("--servername", host);

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reads CRLF-terminated lines from a socket (plain or TLS), keeping what follows. */
class Lines {
  #sock: socket.Socket;
  #buf = new Uint8Array(0);

  constructor(sock: socket.Socket) {
    this.#sock = sock;
  }

  /** Bytes received but not yet read as a line. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** The next line, without its CRLF. */
  line(): string {
    for (;;) {
      const at = this.#buf.indexOf(10);
      if (at >= 0) {
        const line = dec.decode(this.#buf.subarray(0, at)).replace(/\r$/, "");
        this.#buf = this.#buf.subarray(at + 1);
        return line;
      }
      if (this.#buf.length > 4096) cli.fail(`${host} sent a line too long`);
      const data = this.#sock.recv(4096);
      if (data.length === 0) cli.fail(`${host} closed the connection`);
      const joined = new Uint8Array(this.#buf.length + data.length);
      joined.set(this.#buf);
      joined.set(data, this.#buf.length);
      this.#buf = joined;
    }
  }

  /** A whole SMTP reply (`250-…` lines up to `250 …`): its code and lines. */
  reply(): [number, string[]] {
    const lines: string[] = [];
    for (;;) {
      const line = this.line();
      console.log(`S: ${line}`);
      if (!/^\d{3}[ -]/.test(line) && !/^\d{3}$/.test(line)) {
        cli.fail(`${host} does not speak SMTP: ${JSON.stringify(line)}`);
      }
      lines.push(line.slice(4));
      if (line[3] !== "-") return [Number(line.slice(0, 3)), lines];
    }
  }
}

/** Sends one command. */
function command(sock: socket.Socket, text: string): void {
  console.log(`C: ${text}`);
  sock.sendall(enc.encode(`${text}\r\n`));
}

/** Sends a command and expects a reply with code `want`. */
function expect(sock: socket.Socket, lines: Lines, text: string, want: number): string[] {
  command(sock, text);
  const [code, reply] = lines.reply();
  if (code !== want) cli.fail(`${host} answered ${text} with ${code} ${reply.join(" ")}`);
  return reply;
}

await cli.run(() => {
  const ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, {
    cafile: args.get("--cafile") ?? null,
  });
  const plain = socket.create_connection([host, port], 30);
  let lines = new Lines(plain);
  const [greeting] = lines.reply();
  if (greeting !== 220) cli.fail(`${host} greeted with ${greeting}, not 220`);
  const ehlo = expect(plain, lines, "EHLO client.example", 250);
  if (!ehlo.some((l) => l.toUpperCase() === "STARTTLS")) {
    command(plain, "QUIT");
    plain.close();
    cli.fail(`${host} does not offer STARTTLS`);
  }
  expect(plain, lines, "STARTTLS", 220);
  if (lines.buffered > 0) {
    plain.close();
    cli.fail(`${host} sent bytes after its STARTTLS answer, before TLS: refusing them`);
  }
  // The same socket, now through TLS: wrap_socket takes it over.
  using tls = ctx.wrap_socket(plain, { server_hostname: servername });
  const cert = tls.getpeercert();
  const subject = (cert?.subject ?? []).flat().map(([k, v]) => `${k}=${v}`).join(", ");
  console.log(`-- TLS: ${tls.version()} ${tls.cipher()?.[0]}, certificate of ${subject}`);
  lines = new Lines(tls);
  expect(tls, lines, "EHLO client.example", 250);
  expect(tls, lines, "QUIT", 221);
});
