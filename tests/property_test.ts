/**
 * The property-based suite (issue #8 §4): every public function and method
 * is called with hostile arguments by fast-check, in child Deno processes
 * (tests/property/_runner.ts), one batch per group.
 *
 * A batch passes when its process exits 0 with no signal: nothing crashed,
 * every throw was a TypeError, RangeError or socket.error (or the caller's
 * own error), and its descriptor count came back to where it started.
 *
 * - The seed is fixed (`LIBC_SOCKET_FC_SEED` overrides it) and each
 *   property runs `LIBC_SOCKET_FC_RUNS` times (default 100; 5 under
 *   emulation): `LIBC_SOCKET_FC_RUNS=1000 deno test -A tests/property_test.ts`
 *   is the long run. Both are read only where env access is granted.
 * - Where it can (root, unshare), each batch runs in a network and UTS
 *   namespace of its own with only `lo` up, so nothing it does can reach
 *   another host and `sethostname` is tried too. Elsewhere the generators
 *   alone keep every destination on loopback.
 */
import { assertEquals } from "@std/assert";
// Loaded here so Deno has it cached: the batches run with --cached-only,
// inside a network namespace with no way to the registry.
import "npm:fast-check@3.23.2";
import { DENO_PREFIX, denoArgv } from "./_helpers.ts";

const dec = new TextDecoder();
const RUNNER = new URL("./property/_runner.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

function env(name: string): string | undefined {
  return Deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
    ? Deno.env.get(name)
    : undefined;
}

const emulated = DENO_PREFIX.length > 0;
const RUNS = Number(env("LIBC_SOCKET_FC_RUNS") ?? (emulated ? 5 : 100));
const SEED = Number(env("LIBC_SOCKET_FC_SEED") ?? 0x5eed);
const NETNS_SETUP = "ip link set lo up";

function netnsAvailable(): boolean {
  try {
    return new Deno.Command("unshare", {
      args: ["-n", "-u", "sh", "-c", NETNS_SETUP],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

const NETNS = netnsAvailable();
if (!NETNS) {
  console.log(
    "property_test.ts: no network namespace (unshare -n -u); running on the host's loopback",
  );
}

for (const group of ["methods-a", "methods-b", "functions", "resolver", "ssl"]) {
  Deno.test(`property: ${group} survive hostile arguments (seed ${SEED}, ${RUNS} runs)`, async () => {
    const argv = denoArgv([
      "run",
      "--allow-all",
      "--quiet",
      "--cached-only",
      RUNNER,
      group,
      String(SEED),
      String(RUNS),
      NETNS ? "netns" : "host",
      emulated ? "emulated" : "native",
    ]);
    const cmd = NETNS
      ? new Deno.Command("unshare", {
        args: ["-n", "-u", "sh", "-c", `${NETNS_SETUP}; exec "$@"`, "sh", ...argv],
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      })
      : new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      });
    const out = await cmd.output();
    const stderr = dec.decode(out.stderr);
    assertEquals(
      { code: out.code, signal: out.signal },
      { code: 0, signal: null },
      `batch ${group} failed:\n${stderr.slice(-8000)}`,
    );
    const report = JSON.parse(dec.decode(out.stdout).trim().split("\n").at(-1)!);
    if (report.checkFds) assertEquals(report.fds[0], report.fds[1], "descriptor count is flat");
    else console.log("  descriptor flatness not checked under qemu-user (checked natively)");
  });
}
