/**
 * Network namespaces for the tests that send raw, packet or multicast
 * traffic: everything runs under `unshare -n` (a namespace the test creates
 * and that dies with it), never in the host's own namespace. As
 * broadcast_test.ts: when `unshare -n` or `ip` is refused, the test is
 * ignored and the reason printed.
 *
 * `PEER_NETNS` is a shell fragment that starts a second namespace inside the
 * first (`unshare -n sleep`, pid in `$PEER`) and joins it to the first with
 * a veth pair: `v0` (10.201.0.1/24, and 10.201.0.3 as a second source) here,
 * `v1` (10.201.0.2/24) there; run a command there with `nsenter -t $PEER -n`.
 */

const decoder = new TextDecoder();

/** Loopback up: the minimum every namespace test needs. */
export const LO_UP = "ip link set lo up";

/**
 * A second namespace joined by a veth pair, with IPv4 (and IPv6 ULA,
 * `nodad`) addresses on both ends and multicast routed over the pair.
 */
export const PEER_NETNS = [
  "set -e",
  LO_UP,
  "unshare -n sleep 120 & PEER=$!",
  // Wait (bounded) until the child has its own namespace before moving a link into it.
  'i=0; while [ "$(readlink /proc/$PEER/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do ' +
  'i=$((i+1)); [ $i -lt 500 ] || { echo "peer namespace never appeared" >&2; exit 1; }; sleep 0.01; done',
  "trap 'kill $PEER 2>/dev/null' EXIT",
  "ip link add v0 type veth peer name v1 netns $PEER",
  "ip addr add 10.201.0.1/24 dev v0",
  "ip addr add 10.201.0.3/24 dev v0",
  "ip -6 addr add fd00:201::1/64 dev v0 nodad",
  "ip -6 addr add fd00:201::3/64 dev v0 nodad",
  "ip link set v0 up",
  "ip route add 224.0.0.0/4 dev v0",
  "nsenter -t $PEER -n sh -c '" + [
    "set -e",
    LO_UP,
    "ip addr add 10.201.0.2/24 dev v1",
    "ip -6 addr add fd00:201::2/64 dev v1 nodad",
    "ip link set v1 up",
    "ip route add 224.0.0.0/4 dev v1",
  ].join("; ") + "'",
].join("\n");

/** Why `unshare -n` with `setup` cannot run here, or null when it can. */
export function netnsUnavailable(setup: string = LO_UP): string | null {
  try {
    const probe = new Deno.Command("unshare", {
      args: ["-n", "sh", "-c", setup],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    if (!probe.success) {
      return `cannot set up a network namespace (unshare -n, ip): ${
        decoder.decode(probe.stderr).trim()
      }`;
    }
    return null;
  } catch (e) {
    return `cannot run unshare: ${e instanceof Error ? e.message : e}`;
  }
}

/** What a namespace script printed. */
export interface NetnsOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` (sh) in a fresh network namespace; `args` become `$1…`.
 * Bounded: the namespace's processes are killed after `timeoutMs`.
 */
export async function inNetns(
  script: string,
  args: string[] = [],
  timeoutMs = 120_000,
): Promise<NetnsOutput> {
  const child = new Deno.Command("timeout", {
    args: [
      "-k",
      "5",
      String(Math.ceil(timeoutMs / 1000)),
      "unshare",
      "-n",
      "sh",
      "-c",
      script,
      "sh",
      ...args,
    ],
    cwd: new URL("..", import.meta.url).pathname,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = await child.output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Quotes `s` for a POSIX shell. */
export function sh(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
