/**
 * Test certificates, made with the openssl CLI in a temp dir: a CA, a
 * separate leaf for localhost/127.0.0.1 (Deno's TLS rejects a self-signed
 * leaf that is also a CA), a client certificate, an expired and a
 * not-yet-valid leaf (`openssl ca` with explicit dates), a leaf from an
 * unknown CA, and an encrypted copy of the server key.
 */
export interface Certs {
  dir: string;
  ca: string;
  caKey: string;
  server: string;
  serverKey: string;
  serverKeyEncrypted: string;
  client: string;
  clientKey: string;
  expired: string;
  notYet: string;
  otherCa: string;
  unknownLeaf: string;
  unknownLeafKey: string;
  /** A leaf for the IDN `bücher.example` (`xn--bcher-kva.example`). */
  idn: string;
  idnKey: string;
  /** A leaf naming localhost in its commonName only (no subjectAltName). */
  cnOnly: string;
  cnOnlyKey: string;
  password: string;
}

async function sh(cwd: string, ...args: string[]): Promise<void> {
  const o = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!o.success) {
    throw new Error(`openssl ${args.join(" ")}: ${new TextDecoder().decode(o.stderr)}`);
  }
}

const EXT = `basicConstraints=CA:FALSE
subjectAltName=DNS:localhost,IP:127.0.0.1
authorityInfoAccess=OCSP;URI:http://ocsp.example.test,caIssuers;URI:http://ca.example.test/ca.der
crlDistributionPoints=URI:http://crl.example.test/ca.crl
`;

let made: Promise<Certs> | undefined;

/** The certificates (made once per process). */
export function certs(): Promise<Certs> {
  return made ??= make();
}

async function make(): Promise<Certs> {
  const dir = await Deno.makeTempDir({ prefix: "libc_socket_ssl_" });
  const ca = (name: string, cn: string) =>
    sh(
      dir,
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.pem`,
      "-days",
      "30",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
  await ca("ca", "libc-socket test CA");
  await ca("other", "some other CA");
  await Deno.writeTextFile(`${dir}/leaf.ext`, EXT);
  await Deno.writeTextFile(`${dir}/cn.ext`, "basicConstraints=CA:FALSE\n");
  await Deno.writeTextFile(
    `${dir}/idn.ext`,
    "basicConstraints=CA:FALSE\nsubjectAltName=DNS:xn--bcher-kva.example\n",
  );
  const leaf = async (name: string, cn: string, issuer: string, ext = "leaf.ext") => {
    await sh(
      dir,
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/C=XX/O=libc-socket/CN=${cn}`,
    );
    await sh(
      dir,
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${issuer}.pem`,
      "-CAkey",
      `${issuer}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "30",
      "-extfile",
      ext,
    );
  };
  await leaf("server", "localhost", "ca");
  await leaf("client", "client", "ca");
  await leaf("unknown", "localhost", "other");
  await leaf("idn", "xn--bcher-kva.example", "ca", "idn.ext");
  await leaf("cnonly", "localhost", "ca", "cn.ext");
  await sh(
    dir,
    "pkey",
    "-in",
    "server.key",
    "-out",
    "server_enc.key",
    "-aes256",
    "-passout",
    "pass:sesame",
  );
  // Expired and not-yet-valid leaves: `openssl ca` takes explicit dates.
  await Deno.writeTextFile(`${dir}/index.txt`, "");
  await Deno.writeTextFile(`${dir}/serial`, "1000\n");
  await Deno.writeTextFile(
    `${dir}/ca.cnf`,
    `[ca]
default_ca=d
[d]
database=index.txt
serial=serial
new_certs_dir=.
default_md=sha256
policy=p
unique_subject=no
copy_extensions=none
x509_extensions=e
[p]
commonName=supplied
[e]
basicConstraints=CA:FALSE
subjectAltName=DNS:localhost,IP:127.0.0.1
`,
  );
  const dated = (name: string, start: string, end: string) =>
    sh(
      dir,
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      "-cert",
      "ca.pem",
      "-keyfile",
      "ca.key",
      "-in",
      "server.csr",
      "-out",
      `${name}.pem`,
      "-startdate",
      start,
      "-enddate",
      end,
      "-notext",
    );
  await dated("expired", "20000101000000Z", "20010101000000Z");
  await dated("notyet", "20990101000000Z", "21000101000000Z");
  const p = (f: string) => `${dir}/${f}`;
  return {
    dir,
    ca: p("ca.pem"),
    caKey: p("ca.key"),
    server: p("server.pem"),
    serverKey: p("server.key"),
    serverKeyEncrypted: p("server_enc.key"),
    client: p("client.pem"),
    clientKey: p("client.key"),
    expired: p("expired.pem"),
    notYet: p("notyet.pem"),
    otherCa: p("other.pem"),
    unknownLeaf: p("unknown.pem"),
    unknownLeafKey: p("unknown.key"),
    idn: p("idn.pem"),
    idnKey: p("idn.key"),
    cnOnly: p("cnonly.pem"),
    cnOnlyKey: p("cnonly.key"),
    password: "sesame",
  };
}

globalThis.addEventListener("unload", () => {
  made?.then((c) => Deno.removeSync(c.dir, { recursive: true })).catch(() => {});
});
