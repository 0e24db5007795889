/**
 * The seed's `'<broadcast>'` address (INADDR_BROADCAST), really sent.
 *
 * Broadcasts never leave a network namespace this test creates with
 * `unshare -n`: inside it, `lo` and a veth pair (10.200.0.1/24 ⇄
 * 10.200.0.2/24, default route via the pair) are set up, then this same
 * file runs as a Deno script (`--broadcast-child`) that sends and receives.
 * Nothing is ever broadcast from the host's own namespace. Where `unshare -n`
 * or `ip` is not available, the test is ignored and the reason printed.
 */
import { assert, assertEquals } from "@std/assert";
import * as socket from "../../mod.ts";
import { denoArgv } from "../_helpers.ts";

const CHILD_FLAG = "--broadcast-child";
const ROOT = new URL("../..", import.meta.url);

const NETNS_SETUP = [
  "set -e",
  "ip link set lo up",
  "ip link add v0 type veth peer name v1",
  "ip addr add 10.200.0.1/24 dev v0",
  "ip addr add 10.200.0.2/24 dev v1",
  "ip link set v0 up",
  "ip link set v1 up",
  "ip route add default via 10.200.0.2",
].join("; ");

/** Runs in the namespace: sends to '<broadcast>' and reports what arrived. */
function child(): void {
  const { AF_INET, SOCK_DGRAM, SOL_SOCKET, SO_BROADCAST } = socket;
  const report: Record<string, unknown> = {};
  // Bound to '<broadcast>': receives only datagrams sent to 255.255.255.255.
  using onlyBroadcast = socket.socket(AF_INET, SOCK_DGRAM);
  onlyBroadcast.bind(["<broadcast>", 0]);
  const boundTo = onlyBroadcast.getsockname();
  report.boundTo = boundTo;
  const port = boundTo[1];
  // Bound to '' (INADDR_ANY) on another port: receives them too.
  using any = socket.socket(AF_INET, SOCK_DGRAM);
  any.bind("", 0);
  const anyPort = any.getsockname()[1];
  onlyBroadcast.settimeout(5);
  any.settimeout(5);

  using s = socket.socket(AF_INET, SOCK_DGRAM);
  try {
    s.sendto("no SO_BROADCAST", ["<broadcast>", port]);
    report.withoutSoBroadcast = "sent";
  } catch (e) {
    report.withoutSoBroadcast = e instanceof socket.error ? e.code : String(e);
  }
  s.setsockopt(SOL_SOCKET, SO_BROADCAST, 1);
  report.soBroadcast = s.getsockopt(SOL_SOCKET, SO_BROADCAST);
  s.sendto("unicast, not for the broadcast-bound socket", ["127.0.0.1", port]);
  report.sent = s.sendto("hello, broadcast", ["<broadcast>", port]);
  report.sentWithFlags = s.sendto("hello again", 0, ["<broadcast>", anyPort]);
  const [d1, from1] = onlyBroadcast.recvfrom(1024);
  const [d2, from2] = any.recvfrom(1024);
  report.received = [new TextDecoder().decode(d1), new TextDecoder().decode(d2)];
  report.from = [from1, from2];
  report.sender = s.getsockname();
  console.log(JSON.stringify(report));
}

/** Why the namespace cannot be made here, or null when it can. */
function unavailable(): string | null {
  try {
    const probe = new Deno.Command("unshare", {
      args: ["-n", "sh", "-c", NETNS_SETUP],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    if (!probe.success) {
      return `cannot set up a network namespace (unshare -n, ip): ${
        new TextDecoder().decode(probe.stderr).trim()
      }`;
    }
    return null;
  } catch (e) {
    return `cannot run unshare: ${e instanceof Error ? e.message : e}`;
  }
}

if (import.meta.main && Deno.args[0] === CHILD_FLAG) {
  child();
} else {
  const reason = unavailable();
  if (reason !== null) console.log(`broadcast_test.ts: ignored: ${reason}`);

  Deno.test({
    name:
      `seed: '<broadcast>' is INADDR_BROADCAST: a datagram sent to it arrives (network namespace)${
        reason ? ` [ignored: ${reason}]` : ""
      }`,
    ignore: reason !== null,
    async fn() {
      const argv = denoArgv([
        "run",
        "--allow-ffi",
        "--allow-env",
        new URL(import.meta.url).pathname,
        CHILD_FLAG,
      ]);
      const out = await new Deno.Command("unshare", {
        args: ["-n", "sh", "-c", `${NETNS_SETUP}; exec "$@"`, "sh", ...argv],
        cwd: ROOT.pathname,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      assert(out.success, `child failed (${out.code}):\n${stdout}\n${stderr}`);
      const report = JSON.parse(stdout.trim().split("\n").at(-1)!);
      const port = report.boundTo[1];
      assertEquals(report.boundTo, ["255.255.255.255", port]);
      assertEquals(report.withoutSoBroadcast, "EACCES");
      assertEquals(report.soBroadcast, 1);
      assertEquals(report.sent, 16);
      assertEquals(report.sentWithFlags, 11);
      // The unicast datagram to the same port did not reach the socket bound
      // to '<broadcast>': what arrived was sent to 255.255.255.255.
      assertEquals(report.received, ["hello, broadcast", "hello again"]);
      const senderPort = report.sender[1];
      for (const [host, p] of report.from) {
        assert(host.startsWith("10.200.0."), `from ${host}`);
        assertEquals(p, senderPort);
      }
    },
  });
}
