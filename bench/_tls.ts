/**
 * Section h of `bench/run.ts`: TLS 1.3 over loopback TCP, both ends of one
 * kind, against a throwaway CA and an ECDSA P-256 leaf for localhost made
 * with the openssl CLI in the run's temp dir.
 *
 * - **bulk**: the sender connects, handshakes, writes BYTES in 256 KiB
 *   writes, ends its stream and waits for the receiver to close. Reported:
 *   GB/s of plaintext and CPU s per GiB (both ends), as section c.
 * - **handshakes**: the client makes full handshakes one after another
 *   (connect, handshake, read the one byte the server writes, close), the
 *   server sends no session tickets (Deno's cannot be told to: rustls sends
 *   them). Reported: handshakes/s and CPU ms per handshake (both ends).
 *
 * Every client sets TCP_NODELAY (Deno's through `Deno.connect` +
 * `Deno.startTls`: a TlsConn cannot), and so do the servers that can (not
 * `Deno.listenTls`'s). Without it, a small write after the handshake waits
 * for a delayed ACK: Deno's client measured ~50 ms per handshake that way.
 *
 * Competitors: ours blocking (`SSL_set_fd` with blocking calls), ours async
 * (the reactor), `Deno.listenTls`/`Deno.startTls` (rustls), and python3's
 * `ssl` (the same OpenSSL as ours). The cipher each negotiates is logged.
 *
 * @module
 */
import { BENCH_DIR, type Comp, deno, kindOf, log, measure, Proc, STARTUP_S } from "./_harness.ts";
import { procCpuSeconds } from "./_util.ts";

/** Sizes of section h. */
export interface TlsSizes {
  bulkBytes: number;
  bulkMaxS: number;
  handshakes: number;
  hsMaxS: number;
}

/** The competitors of section h, before filtering by what is installed. */
export const TLS_COMPS: Comp[] = [
  { id: "ours-sync", label: "ours sync", group: "ours", vsC: "python" },
  { id: "ours-async", label: "ours async", group: "ours", vsC: "python" },
  { id: "deno", label: "Deno TLS", group: "deno", vsC: "python" },
  { id: "python", label: "python3 ssl", group: "python", vsC: "python" },
];

interface Certs {
  ca: string;
  cert: string;
  key: string;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const o = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!o.success) {
    throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(o.stderr).trim()}`);
  }
}

/** A CA and a leaf for localhost/127.0.0.1 (Deno's TLS refuses a self-signed leaf that is a CA). */
async function makeCerts(dir: string): Promise<Certs> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(
    dir,
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=libc-socket bench CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  );
  await openssl(
    dir,
    "req",
    ...ec,
    "-keyout",
    "leaf.key",
    "-out",
    "leaf.csr",
    "-subj",
    "/CN=localhost",
  );
  await Deno.writeTextFile(
    `${dir}/leaf.ext`,
    "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
  );
  await openssl(
    dir,
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
  );
  return { ca: `${dir}/ca.pem`, cert: `${dir}/leaf.pem`, key: `${dir}/leaf.key` };
}

function cmd(c: Comp, ...args: string[]): string[] {
  const kind = kindOf(c);
  if (kind === "ours-sync") return deno("ours_tls.ts", "sync", ...args);
  if (kind === "ours-async") return deno("ours_tls.ts", "async", ...args);
  if (c.id === "deno") return deno("deno_native_tls.ts", ...args);
  return ["python3", BENCH_DIR + "py_tls.py", ...args];
}

async function start(c: Comp, role: string, certs: Certs): Promise<[Proc, string]> {
  const p = new Proc(`${c.label} ${role}`, cmd(c, role, certs.cert, certs.key), c.env);
  const port = await p.line(STARTUP_S, "its port");
  if (!(Number(port) > 0)) throw new Error(`${c.label} ${role} printed ${port}`);
  return [p, port];
}

/** Runs section h; `tmp` is the run's private directory. */
export async function sectionTls(comps: Comp[], sizes: TlsSizes, tmp: string): Promise<void> {
  const mib = sizes.bulkBytes / 2 ** 20;
  const size = mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`;
  log(`\n== h: TLS 1.3 over loopback TCP: bulk ${size}, full handshakes ==`);
  const dir = `${tmp}/tls`;
  await Deno.mkdir(dir);
  const certs = await makeCerts(dir);
  const ciphers = new Map<string, string>();
  await measure(
    "h",
    `TLS bulk ${size}`,
    comps,
    [
      { key: "gbps", label: "GB/s", better: "higher", digits: 2 },
      { key: "cpu_per_gib", label: "CPU s/GiB (both ends)", better: "lower", digits: 2 },
    ],
    async (c) => {
      const [recv, port] = await start(c, "bulk-recv", certs);
      const send = new Proc(
        `${c.label} bulk-send`,
        cmd(
          c,
          "bulk-send",
          certs.ca,
          port,
          String(sizes.bulkBytes),
          String(256 * 1024),
          String(sizes.bulkMaxS),
        ),
        c.env,
      );
      const s = await send.json(STARTUP_S + sizes.bulkMaxS + 10, "its result");
      const r = await recv.json(10, "its result");
      if (r.bytes !== s.bytes) {
        throw new Error(`${c.label}: sent ${s.bytes} B but received ${r.bytes} B`);
      }
      const cipher = (s as Record<string, unknown>).cipher;
      if (typeof cipher === "string" && !ciphers.has(c.label)) {
        ciphers.set(c.label, cipher);
        log(`    ${c.label} negotiated ${cipher}`);
      }
      return {
        gbps: s.bytes / s.seconds / 1e9,
        cpu_per_gib: (s.cpu_s + r.cpu_s) / (s.bytes / 2 ** 30),
      };
    },
  );
  await measure(
    "h",
    "TLS full handshakes, one at a time",
    comps,
    [
      { key: "hps", label: "handshakes/s", better: "higher", digits: 0 },
      { key: "cpu_ms", label: "CPU ms/handshake (both ends)", better: "lower", digits: 2 },
    ],
    async (c) => {
      const [server, port] = await start(c, "hs-server", certs);
      const before = procCpuSeconds(server.pid);
      const client = new Proc(
        `${c.label} hs-client`,
        cmd(c, "hs-client", certs.ca, port, String(sizes.handshakes), String(sizes.hsMaxS)),
        c.env,
      );
      const res = await client.json(STARTUP_S + sizes.hsMaxS + 10, "its result");
      const after = procCpuSeconds(server.pid);
      if (server.exited) throw new Error(`${c.label} server died: ${server.stderrTail()}`);
      if (!(res.handshakes > 0)) throw new Error(`${c.label}: no handshakes`);
      return {
        hps: res.handshakes / res.seconds,
        cpu_ms: ((res.cpu_s + after - before) / res.handshakes) * 1000,
      };
    },
  );
}
