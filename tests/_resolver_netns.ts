/**
 * A resolver the test controls, for the tests whose outcome depends on what
 * the resolver answers (a name that does not exist, an address with no
 * name): on the host that is the machine's DNS, which answers NXDOMAIN
 * online (EAI_NONAME, HOST_NOT_FOUND) but nothing offline (EAI_AGAIN,
 * TRY_AGAIN), or anything at all behind a hijacking resolver.
 *
 * `const dnsTest = resolverTests(import.meta.url)`, then
 * `dnsTest(name, fn)` in place of `Deno.test(name, fn)`, registers a
 * test that runs the file again (`deno test --filter` of exactly that test) inside a new
 * network and mount namespace (`unshare -n -m`) where:
 * - only loopback is up;
 * - /etc/hosts, /etc/resolv.conf and /etc/nsswitch.conf are the test's own
 *   (bind mounts): `localhost` in hosts, `hosts: files dns`, and one
 *   nameserver, 127.0.0.1;
 * - python3 answers every DNS query on 127.0.0.1:53 with NXDOMAIN (as a
 *   real DNS server does for `.invalid` names and for TEST-NET PTR records);
 * - nscd's socket directory, if any, is hidden, so no cache outside the
 *   namespace answers instead.
 * There (`LIBC_SOCKET_TEST_RESOLVER=nxdomain`) the same call registers `fn`
 * itself. The wrapper checks that the child ran exactly that one test, that
 * it passed, and that the DNS server was asked. When the namespace cannot be
 * made (no `unshare`, no privileges), the test is ignored and says why, as
 * the other namespace tests do (tests/_netns.ts).
 */
import { assert, assertEquals } from "@std/assert";
import { denoArgv } from "./_helpers.ts";
import { LO_UP } from "./_netns.ts";

const decoder = new TextDecoder();
const ENV = "LIBC_SOCKET_TEST_RESOLVER";
/** True inside the namespace this file sets up. */
const INSIDE = Deno.env.get(ENV) === "nxdomain";

/** NXDOMAIN for every query, on UDP 127.0.0.1:53; each question's name is logged. */
const DNS_SERVER = `
import os, socket, sys
log = open(sys.argv[1], "a")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
os.write(3, b"ready\\n")
os.close(3)
while True:
    q, peer = s.recvfrom(4096)
    if len(q) < 17:
        continue
    i, labels = 12, []
    while i < len(q) and q[i] != 0:
        labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
        i += 1 + q[i]
    log.write(".".join(labels) + "\\n")
    log.flush()
    # Same id; QR, the query's opcode and RD; RA; RCODE 3 (NXDOMAIN); the question only.
    head = q[:2] + bytes([0x80 | (q[2] & 0x79), 0x80 | 3]) + bytes([0, 1, 0, 0, 0, 0, 0, 0])
    s.sendto(head + q[12:i + 5], peer)
`;

/** The namespace's setup; `$1` is the directory with the files, `$2…` the command. */
const SETUP = [
  "set -e",
  LO_UP,
  "d=$1; shift",
  'for f in hosts resolv.conf nsswitch.conf; do [ ! -e /etc/$f ] || mount --bind "$d/$f" /etc/$f; done',
  "for n in /run/nscd /var/run/nscd; do [ ! -d $n ] || mount -t tmpfs tmpfs $n; done",
  'mkfifo "$d/ready"',
  'python3 "$d/dns.py" "$d/queries" 3>"$d/ready" & DNS=$!',
  "trap 'kill $DNS 2>/dev/null' EXIT",
  'read -r ready < "$d/ready"',
  '[ "$ready" = ready ] || { echo "the DNS server did not start" >&2; exit 1; }',
  '"$@"',
].join("\n");

/** Writes the namespace's files into a new temporary directory. */
function prepare(): string {
  const dir = Deno.makeTempDirSync({ prefix: "libc_socket_resolver_" });
  Deno.writeTextFileSync(`${dir}/hosts`, "127.0.0.1 localhost\n::1 localhost\n");
  Deno.writeTextFileSync(
    `${dir}/resolv.conf`,
    "nameserver 127.0.0.1\noptions timeout:5 attempts:2\n",
  );
  Deno.writeTextFileSync(
    `${dir}/nsswitch.conf`,
    "passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\n" +
      "protocols: files\nservices: files\n",
  );
  Deno.writeTextFileSync(`${dir}/dns.py`, DNS_SERVER);
  Deno.writeTextFileSync(`${dir}/queries`, "");
  return dir;
}

/** What a run in the namespace printed, and the names its DNS server was asked. */
interface Run {
  code: number;
  output: string;
  queries: string[];
}

function command(dir: string, argv: string[], env: Record<string, string>): Deno.Command {
  return new Deno.Command("timeout", {
    args: ["-k", "5", "300", "unshare", "-n", "-m", "sh", "-c", SETUP, "sh", dir, ...argv],
    cwd: new URL("..", import.meta.url).pathname,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

function collect(dir: string, out: Deno.CommandOutput): Run {
  const queries = Deno.readTextFileSync(`${dir}/queries`).split("\n").filter(Boolean);
  return {
    code: out.code,
    output: decoder.decode(out.stdout) + decoder.decode(out.stderr),
    queries,
  };
}

/** Runs `argv` in the namespace (bounded: 300 s). */
async function inResolverNetns(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const dir = prepare();
  try {
    return collect(dir, await command(dir, argv, env).output());
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Why the namespace cannot be made here, or null when it can. */
function unavailable(): string | null {
  if (INSIDE) return null;
  const dir = prepare();
  try {
    const r = collect(dir, command(dir, ["true"], {}).outputSync());
    return r.code === 0 ? null : `cannot set up a namespace with its own resolver: ${r.output}`;
  } catch (e) {
    return `cannot run unshare: ${e instanceof Error ? e.message : e}`;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

let probed = false;
let reason: string | null = null;

/** A regex for `deno test --filter` that matches exactly `name`. */
function exactly(name: string): string {
  return `/^${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$/`;
}

/**
 * The registration function for the file `file` (its `import.meta.url`):
 * the returned function registers test `name` so that `fn` runs under the
 * resolver described above.
 */
export function resolverTests(
  file: string,
): (name: string, fn: () => void | Promise<void>) => void {
  return (name, fn) => {
    if (INSIDE) {
      Deno.test(name, fn);
      return;
    }
    if (!probed) {
      probed = true;
      reason = unavailable();
    }
    if (reason !== null) console.log(`${name}: ignored: ${reason}`);
    Deno.test({
      name: `${name} [own resolver, in a namespace]${reason ? ` [ignored: ${reason}]` : ""}`,
      ignore: reason !== null,
      async fn() {
        const path = new URL(file).pathname;
        const r = await inResolverNetns(
          denoArgv(["test", "--allow-all", "--no-check", "--filter", exactly(name), path]),
          { [ENV]: "nxdomain", NO_COLOR: "1" },
        );
        assertEquals(r.code, 0, r.output);
        assert(
          /^ok \| 1 passed \| 0 failed/m.test(r.output),
          `not exactly one test ran:\n${r.output}`,
        );
        assert(r.queries.length > 0, `the test's DNS server was never asked:\n${r.output}`);
      },
    });
  };
}
