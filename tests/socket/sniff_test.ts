/**
 * examples/sniff.ts in a network namespace (tests/_netns.ts): it listens on
 * `v0` while python in the peer namespace sends UDP over IPv4 and IPv6
 * through `v1`; the frames are captured and decoded with the veth ends'
 * real MAC addresses (from `ip -j link`), ethertypes, addresses and protocol.
 */
import { assert, assertEquals } from "@std/assert";
import { denoArgv } from "../_helpers.ts";
import { inNetns, netnsUnavailable, PEER_NETNS, sh } from "../_netns.ts";

const SNIFF = new URL("../../examples/sniff.ts", import.meta.url).pathname;
const reason = netnsUnavailable(PEER_NETNS);
if (reason !== null) console.log(`sniff_test.ts: ignored: ${reason}`);

// Sends one IPv4 and one IPv6 datagram every 50 ms while the sniffer runs
// (bounded: 200 rounds at most).
const SENDER = `
import os, socket, sys, time
pid = int(sys.argv[1])
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a.bind(("10.201.0.2", 0))
b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
b.bind(("fd00:201::2", 0))
for i in range(200):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        break
    a.sendto(b"sniff me", ("10.201.0.1", 9))
    b.sendto(b"sniff me too", ("fd00:201::1", 9))
    time.sleep(0.05)
`;

Deno.test({
  name: `sniff: examples/sniff.ts decodes frames sent over a veth (network namespaces)${
    reason ? ` [ignored: ${reason}]` : ""
  }`,
  ignore: reason !== null,
  async fn() {
    const sniff = denoArgv(["run", "--allow-ffi", SNIFF, "v0", "-c", "16"]).map(sh).join(" ");
    const r = await inNetns([
      PEER_NETNS,
      "out=$(mktemp)",
      `${sniff} > $out &`,
      "S=$!",
      "i=0; until grep -q listening $out; do i=$((i+1)); [ $i -lt 3000 ] || exit 1; sleep 0.01; done",
      `nsenter -t $PEER -n python3 -c ${sh(SENDER)} $S`,
      "wait $S",
      "cat $out; rm $out",
      "echo @@; ip -j link show v0; echo @@; nsenter -t $PEER -n ip -j link show v1",
    ].join("\n"));
    assertEquals(r.code, 0, r.stdout + r.stderr);
    const [out, j0, j1] = r.stdout.split("@@\n");
    const mac0 = JSON.parse(j0)[0].address;
    const mac1 = JSON.parse(j1)[0].address;
    const lines = out.trim().split("\n");
    assertEquals(lines[0], "listening on v0");
    assertEquals(lines.length, 17, out);
    for (const l of lines.slice(1)) {
      assert(/^v0 (in |out) ([0-9a-f]{2}:){5}[0-9a-f]{2} > /.test(l), l);
    }
    assert(
      lines.some((l) =>
        new RegExp(
          `^v0 in  ${mac1} > ${mac0} IPv4 \\(0x0800\\) 10\\.201\\.0\\.2 > 10\\.201\\.0\\.1 udp ttl 64, length ${
            14 + 20 + 8 + 8
          }$`,
        ).test(l)
      ),
      `no IPv4 UDP frame from v1 in:\n${out}`,
    );
    assert(
      lines.some((l) =>
        l ===
          `v0 in  ${mac1} > ${mac0} IPv6 (0x86dd) fd00:201::2 > fd00:201::1 udp hlim 64, length ${
            14 + 40 + 8 + 12
          }`
      ),
      `no IPv6 UDP frame from v1 in:\n${out}`,
    );
  },
});
