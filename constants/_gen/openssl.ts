/**
 * Generates `constants/openssl.ts` from the OpenSSL 3 headers
 * (`/usr/include/openssl`, Debian's `libssl-dev`), as CPython's
 * `Tools/ssl/make_ssl_data.py` makes `_ssl_data_300.h`:
 *
 * 1. `cc -E -dM` of a unit including every header the ssl module uses lists
 *    each object-like `#define`;
 * 2. the names of the families the ssl module needs (regex below), every
 *    `ERR_LIB_<LIB>` and every `<LIB>_R_<REASON>` whose `<LIB>` has an
 *    `ERR_LIB_<LIB>` are kept;
 * 3. a probe with one `printf` line per name is compiled; a line that fails
 *    to compile (not an integer constant expression) drops its name, until
 *    it compiles; then it runs and prints every value;
 * 4. the table is rendered and formatted with `deno fmt`.
 *
 * The numbers are OpenSSL 3's ABI (stable across 3.x): the table is shared by
 * every platform, unlike the libc tables.
 *
 * Usage: `deno run -A constants/_gen/openssl.ts [--check]`
 *
 * @module
 */

const OUT = new URL("../openssl.ts", import.meta.url);
const check = Deno.args.includes("--check");

const HEADERS = ["openssl/ssl.h", "openssl/err.h", "openssl/x509v3.h", "openssl/opensslv.h"];
const ERR_HEADERS = [
  "asn1err",
  "asyncerr",
  "bioerr",
  "bnerr",
  "buffererr",
  "cmserr",
  "comperr",
  "conferr",
  "cryptoerr",
  "cterr",
  "dherr",
  "dsaerr",
  "ecerr",
  "engineerr",
  "evperr",
  "httperr",
  "objectserr",
  "ocsperr",
  "pemerr",
  "pkcs12err",
  "pkcs7err",
  "proverr",
  "randerr",
  "rsaerr",
  "sslerr",
  "storeerr",
  "tserr",
  "uierr",
  "x509err",
  "x509v3err",
  "cmperr",
  "crmferr",
  "esserr",
  "decodererr",
  "encodererr",
];
const FAMILIES = new RegExp(
  "^(SSL_OP_|SSL_ERROR_|SSL_MODE_|SSL_VERIFY_|SSL_CTRL_|SSL_SESS_CACHE_|SSL_TLSEXT_ERR_|" +
    "SSL_AD_|SSL_FILETYPE_|SSL_SENT_SHUTDOWN|SSL_RECEIVED_SHUTDOWN|TLSEXT_NAMETYPE_|" +
    "TLS1_VERSION|TLS1_\\d_VERSION|SSL3_VERSION|X509_V_OK|X509_V_ERR_|X509_V_FLAG_|" +
    "X509_CHECK_FLAG_|BIO_CTRL_|BIO_C_SET_BUF_MEM_EOF_RETURN|ERR_LIB_OFFSET|ERR_LIB_MASK|" +
    "ERR_REASON_MASK|ERR_SYSTEM_FLAG|ERR_SYSTEM_MASK|OPENSSL_NPN_|OPENSSL_VERSION_NUMBER$|" +
    "OPENSSL_VERSION$|OPENSSL_DIR$|NID_commonName$|GEN_)",
);

async function run(
  cmd: string[],
  stdin?: string,
): Promise<{ ok: boolean; out: string; err: string }> {
  const p = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const o = await p.output();
  const d = new TextDecoder();
  return { ok: o.success, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

const includes = [...HEADERS, ...ERR_HEADERS.map((h) => `openssl/${h}.h`)]
  .map((h) => `#include <${h}>`).join("\n") + "\n";

const dm = await run(["cc", "-E", "-dM", "-x", "c", "-"], includes);
if (!dm.ok) throw new Error(`cc -E -dM failed:\n${dm.err}`);
const defined = new Set<string>();
for (const line of dm.out.split("\n")) {
  const m = /^#define ([A-Za-z_][A-Za-z0-9_]*) (.+)$/.exec(line);
  if (m && !m[2].startsWith('"')) defined.add(m[1]);
}
const libNames = [...defined].filter((n) =>
  n.startsWith("ERR_LIB_") && n !== "ERR_LIB_OFFSET" &&
  n !== "ERR_LIB_MASK"
);
const libPrefixes = new Set(libNames.map((n) => n.slice("ERR_LIB_".length)));
const reasonNames = [...defined].filter((n) => {
  const i = n.indexOf("_R_");
  return i > 0 && libPrefixes.has(n.slice(0, i));
});
let names = [
  ...new Set([...[...defined].filter((n) => FAMILIES.test(n)), ...libNames, ...reasonNames]),
].sort();

const dir = await Deno.makeTempDir({ prefix: "openssl_gen_" });
let values = "";
try {
  for (let round = 0; round < 20; round++) {
    const lines = names.map((n) =>
      `  if ((${n}) < 0) printf("%s %lld\\n", "${n}", (long long)(${n})); ` +
      `else printf("%s %llu\\n", "${n}", (unsigned long long)(${n}));`
    );
    const head = includes + "#include <stdio.h>\nint main(void) {\n";
    const src = head + lines.join("\n") + "\n  return 0;\n}\n";
    const first = head.split("\n").length; // line number of names[0]
    await Deno.writeTextFile(`${dir}/p.c`, src);
    const cc = await run(["cc", "-w", "-o", `${dir}/p`, `${dir}/p.c`]);
    if (cc.ok) {
      const r = await run([`${dir}/p`]);
      if (!r.ok) throw new Error("probe failed");
      values = r.out;
      break;
    }
    const bad = new Set<number>();
    for (const m of cc.err.matchAll(/p\.c:(\d+):\d+: error/g)) bad.add(Number(m[1]) - first);
    if (bad.size === 0) throw new Error(`probe does not compile:\n${cc.err}`);
    names = names.filter((_, i) => !bad.has(i));
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
if (values === "") throw new Error("the probe never compiled");

const macros: [string, string][] = [];
const libs = new Map<number, string>();
const byLib = new Map<string, number>();
const reasons = new Map<number, [number, string][]>();
const parsed = new Map<string, bigint>();
for (const line of values.trim().split("\n")) {
  const [n, v] = line.split(" ");
  parsed.set(n, BigInt(v));
}
for (const n of libNames) {
  if (!parsed.has(n)) continue;
  const v = Number(parsed.get(n)!);
  const lib = n.slice("ERR_LIB_".length);
  byLib.set(lib, v);
  if (!libs.has(v)) libs.set(v, lib);
}
for (const n of reasonNames) {
  if (!parsed.has(n)) continue;
  const i = n.indexOf("_R_");
  const lib = byLib.get(n.slice(0, i));
  if (lib === undefined) continue;
  const list = reasons.get(lib) ?? [];
  list.push([Number(parsed.get(n)!), n.slice(i + 3)]);
  reasons.set(lib, list);
}
for (const n of names) {
  if (!parsed.has(n) || reasonNames.includes(n) || libNames.includes(n)) continue;
  const v = parsed.get(n)!;
  const lit = v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)
    ? `${v}n`
    : `${v}`;
  macros.push([n, lit]);
}
const version = /OPENSSL_FULL_VERSION_STR "([^"]+)"/.exec(dm.out)?.[1] ?? "unknown";

let out = "// deno run -A constants/_gen/openssl.ts\n" +
  `// Code generated by constants/_gen/openssl.ts from the OpenSSL ${version} headers. DO NOT EDIT.\n\n` +
  "/** The OpenSSL 3 constants the ssl module uses, from the headers (object-like macros). */\n" +
  "export const OSSL = {\n";
for (const [n, v] of macros) out += `  ${n}: ${v},\n`;
out += "} as const;\n\n";
out += "/** `ERR_LIB_*`: library number → mnemonic (CPython's `library` attribute). */\n";
out += "export const ERR_LIBS: Readonly<Record<number, string>> = {\n";
for (const [v, n] of [...libs].sort((a, b) => a[0] - b[0])) out += `  ${v}: "${n}",\n`;
out += "};\n\n";
out += "/** `<LIB>_R_*`: library number → reason number → mnemonic (CPython's `reason`). */\n";
out += "export const ERR_REASONS: Readonly<Record<number, Readonly<Record<number, string>>>> = {\n";
for (const [lib, list] of [...reasons].sort((a, b) => a[0] - b[0])) {
  out += `  ${lib}: {\n`;
  const seen = new Set<number>();
  for (const [v, n] of list.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]))) {
    if (seen.has(v)) continue; // an alias: the first name (alphabetically) wins
    seen.add(v);
    out += `    ${v}: "${n}",\n`;
  }
  out += "  },\n";
}
out += "};\n";

const fmt = await run([Deno.execPath(), "fmt", "--ext", "ts", "-"], out);
if (!fmt.ok) throw new Error(`deno fmt failed:\n${fmt.err}`);
out = fmt.out;
if (check) {
  const old = await Deno.readTextFile(OUT).catch(() => "");
  if (old !== out) {
    console.error("constants/openssl.ts differs from a fresh generation");
    Deno.exit(1);
  }
  console.log("constants/openssl.ts is up to date");
} else {
  await Deno.writeTextFile(OUT, out);
  console.log(
    `wrote constants/openssl.ts: ${macros.length} macros, ${libs.size} libraries, ` +
      `${[...reasons.values()].reduce((a, l) => a + l.length, 0)} reasons`,
  );
}
