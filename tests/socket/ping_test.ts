/**
 * examples/ping.ts against iputils ping(8), in a network namespace the test
 * creates: 127.0.0.1 and ::1 over the raw socket, then again without
 * CAP_NET_RAW (setpriv), where the example must fall back to an ICMP
 * datagram socket (refused until net.ipv4.ping_group_range admits the group).
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { denoArgv } from "../_helpers.ts";
import { inNetns, LO_UP, netnsUnavailable, sh } from "../_netns.ts";

const PING = new URL("../../examples/ping.ts", import.meta.url).pathname;
const reason = netnsUnavailable();
if (reason !== null) console.log(`ping_test.ts: ignored: ${reason}`);
const hasPing = new Deno.Command("sh", { args: ["-c", "command -v ping"], stdout: "null" })
  .outputSync().success;

function ours(...args: string[]): string {
  return denoArgv(["run", "--allow-ffi", PING, ...args]).map(sh).join(" ");
}

/** A line's shape: numbers that vary (times, counts of ms) replaced. */
function shape(line: string): string {
  return line.replace(/time[= ][0-9.]+ ?ms/, "time=T ms").replace(
    /= [0-9.]+\/[0-9.]+\/[0-9.]+\/[0-9.]+ ms/,
    "= A/B/C/D ms",
  );
}

function check(out: string, host: string, count: number): string[] {
  const lines = out.trim().split("\n");
  const replies = lines.filter((l) => l.includes("icmp_seq="));
  assertEquals(
    replies.map((l) => Number(/icmp_seq=(\d+)/.exec(l)![1])),
    [
      ...Array(count).keys(),
    ].map((i) => i + 1),
  );
  for (const l of replies) {
    assertMatch(
      l,
      new RegExp(
        `^64 bytes from ${
          host.replaceAll(".", "\\.")
        }: icmp_seq=\\d+ ttl=64 time=\\d+\\.\\d{3} ms$`,
      ),
    );
  }
  assert(lines.includes(`--- ${host} ping statistics ---`), out);
  assertMatch(
    out,
    new RegExp(
      `\\n${count} packets transmitted, ${count} received, 0% packet loss, time \\d+ms\\n`,
    ),
  );
  const rtt = lines.find((l) => l.startsWith("rtt "))!;
  const [min, avg, max] = /= ([0-9.]+)\/([0-9.]+)\/([0-9.]+)\/([0-9.]+) ms$/.exec(rtt)!.slice(1)
    .map(Number);
  assert(min <= avg && avg <= max, rtt);
  return lines;
}

for (const host of ["127.0.0.1", "::1"]) {
  Deno.test({
    name: `ping: examples/ping.ts ${host} -c 3 matches iputils ping's format (network namespace)${
      reason ? ` [ignored: ${reason}]` : ""
    }`,
    ignore: reason !== null,
    async fn() {
      const script = [
        "set -e",
        LO_UP,
        `${ours(host, "-c", "3", "-i", "0.2")}`,
        "echo @@REAL@@",
        hasPing ? `ping -c 3 -i 0.2 ${host}` : "true",
      ].join("\n");
      const r = await inNetns(script);
      assertEquals(r.code, 0, r.stdout + r.stderr);
      const [mine, real] = r.stdout.split("@@REAL@@\n");
      const lines = check(mine, host, 3);
      if (hasPing) {
        const want = check(real, host, 3);
        assertEquals(
          lines.map(shape).map((l) => l.replace(/time \d+ms/, "time Nms")),
          want.map(shape).map((l) => l.replace(/time \d+ms/, "time Nms")),
        );
      } else {
        console.log("ping_test.ts: iputils ping not installed: format not compared");
      }
    },
  });
}

Deno.test({
  name: `ping: without CAP_NET_RAW it falls back to an ICMP datagram socket (network namespace)${
    reason ? ` [ignored: ${reason}]` : ""
  }`,
  ignore: reason !== null,
  async fn() {
    const noRaw = "setpriv --bounding-set=-net_raw --inh-caps=-net_raw";
    const script = [
      LO_UP,
      // Raw refused and datagram ICMP refused (the default range admits no group).
      `sysctl -qw net.ipv4.ping_group_range="1 0"`,
      `${noRaw} ${ours("127.0.0.1", "-c", "1")}; echo "@@EXIT $?"`,
      // Admit this group: now the datagram socket works, for IPv4 and IPv6.
      `sysctl -qw net.ipv4.ping_group_range="0 2147483647"`,
      `${noRaw} ${ours("127.0.0.1", "-c", "2", "-i", "0.2")}; echo "@@EXIT $?"`,
      `${noRaw} ${ours("-6", "::1", "-c", "2", "-i", "0.2")}; echo "@@EXIT $?"`,
    ].join("\n");
    const r = await inNetns(script);
    const parts = r.stdout.split(/@@EXIT (\d+)\n/);
    assertEquals([parts[1], parts[3], parts[5]], ["2", "0", "0"], r.stdout + r.stderr);
    assert(r.stderr.includes("raw sockets need CAP_NET_RAW"), r.stderr);
    check(parts[2], "127.0.0.1", 2);
    check(parts[4], "::1", 2);
  },
});
