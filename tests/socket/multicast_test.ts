/**
 * Multicast (multicast.ts, examples/multicast_chat.ts), only inside network
 * namespaces the test creates: a sender on `v0` in one namespace
 * (10.201.0.1 and a second source 10.201.0.3; fd00:201::1 and ::3), the
 * receivers on `v1` in a second one (see tests/_netns.ts). Nothing is ever
 * sent to a group from the host's own namespace.
 *
 * The receivers hold an any-source membership, two source-specific ones
 * (by interface address through `ip_mreq_source`, and by interface name
 * through `group_source_req`), and one joined and then left; the sender sends
 * from both sources. What arrived is compared with what must have.
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { DENO_PREFIX, denoArgv } from "../_helpers.ts";
import { py } from "../_py.ts";
import { inNetns, netnsUnavailable, PEER_NETNS, sh } from "../_netns.ts";

const SELF = new URL(import.meta.url).pathname;
const CHAT = new URL("../../examples/multicast_chat.ts", import.meta.url).pathname;
const dec = new TextDecoder();
/**
 * qemu-user (the aarch64 CI) does not translate IP_MULTICAST_IF,
 * IPV6_MULTICAST_IF or IP(V6)_MULTICAST_ALL: setsockopt fails with ENOPROTOOPT.
 */
const QEMU = DENO_PREFIX.some((p) => p.includes("qemu"))
  ? "qemu-user does not emulate IP_MULTICAST_IF, IPV6_MULTICAST_IF, IP_MULTICAST_ALL (ENOPROTOOPT)"
  : null;
if (QEMU) {
  console.log(`multicast_test.ts: interface options and the namespace tests skipped: ${QEMU}`);
}

interface Plan {
  family: typeof socket.AF_INET | typeof socket.AF_INET6;
  any: string;
  ssmByAddr: string | null;
  ssmByName: string;
  left: string;
  source: string;
  other: string;
  local: string;
  port: number;
}

const PLANS: Record<string, Plan> = {
  ipv4: {
    family: socket.AF_INET,
    any: "239.201.0.1",
    ssmByAddr: "232.201.0.1",
    ssmByName: "232.201.0.2",
    left: "239.201.0.2",
    source: "10.201.0.1",
    other: "10.201.0.3",
    local: "10.201.0.2",
    port: 42000,
  },
  ipv6: {
    family: socket.AF_INET6,
    any: "ff1e::201:1",
    ssmByAddr: null, // IPv6 names interfaces only by index
    ssmByName: "ff3e::8000:201",
    left: "ff1e::201:2",
    source: "fd00:201::1",
    other: "fd00:201::3",
    local: "fd00:201::2",
    port: 42100,
  },
};

/** A UDP socket of a plan's family: its senders are `[host, port, ...]`. */
type Udp = socket.Socket<Plan["family"], typeof socket.SOCK_DGRAM>;

function udp(p: Plan, port: number): Udp {
  const v6 = p.family === socket.AF_INET6;
  const s = socket.socket(p.family, socket.SOCK_DGRAM);
  // Each socket receives only its own groups (Linux defaults to all of the host's).
  s.setsockopt(
    v6 ? socket.IPPROTO_IPV6 : socket.IPPROTO_IP,
    v6 ? socket.IPV6_MULTICAST_ALL : socket.IP_MULTICAST_ALL,
    0,
  );
  s.bind(v6 ? ["::", port, 0, 0] : ["0.0.0.0", port]);
  return s;
}

/** Receivers, in the second namespace: prints "ready", then what arrived, as JSON. */
async function receiver(p: Plan): Promise<void> {
  const socks: Record<string, Udp> = {};
  socks.any = udp(p, p.port);
  socket.joinGroup(socks.any, p.any, "v1");
  if (p.ssmByAddr) {
    socks.ssmByAddr = udp(p, p.port + 1);
    socket.joinSourceGroup(socks.ssmByAddr, p.ssmByAddr, p.source, p.local);
  }
  socks.ssmByName = udp(p, p.port + 2);
  socket.joinSourceGroup(socks.ssmByName, p.ssmByName, p.source, "v1");
  socks.left = udp(p, p.port + 3);
  socket.joinGroup(socks.left, p.left, socket.if_nametoindex("v1"));
  socket.leaveGroup(socks.left, p.left, socket.if_nametoindex("v1"));
  let leaveAgain = "left";
  try {
    socket.leaveGroup(socks.left, p.left, "v1");
  } catch (e) {
    leaveAgain = (e as socket.error).code ?? String(e);
  }
  console.log("ready");
  const got: Record<string, string[]> = {};
  await Promise.all(
    Object.entries(socks).filter(([k]) => k !== "left").map(async ([k, s]) => {
      s.settimeout(20);
      got[k] = [];
      for (;;) {
        const [data, from] = await s.recvfromAsync(256);
        const text = dec.decode(data);
        if (text === "END") break;
        got[k].push(`${text} from ${from[0]}`);
      }
    }),
  );
  // Everything sent before END has arrived: nothing reached the left group.
  socks.left.setblocking(false);
  let left = "nothing";
  try {
    left = dec.decode(socks.left.recv(256));
  } catch (e) {
    if (!(e instanceof socket.BlockingIOError)) throw e;
  }
  got.left = [left];
  for (const s of Object.values(socks)) s.close();
  console.log(JSON.stringify({ got, leaveAgain }));
}

/** The sender, in the first namespace: both sources, every group. */
function sender(p: Plan): void {
  const v6 = p.family === socket.AF_INET6;
  const from = (host: string) => {
    const s = socket.socket(p.family, socket.SOCK_DGRAM);
    s.bind(v6 ? [host, 0, 0, 0] : [host, 0]);
    socket.setMulticastInterface(s, "v0");
    socket.setMulticastTtl(s, 1);
    socket.setMulticastLoop(s, false);
    return s;
  };
  using a = from(p.source);
  using b = from(p.other);
  const to = (group: string, port: number): socket.AddressLike =>
    v6 ? [group, port, 0, 0] : [group, port];
  const targets: [string, number][] = [
    [p.any, p.port],
    ...(p.ssmByAddr ? [[p.ssmByAddr, p.port + 1] as [string, number]] : []),
    [p.ssmByName, p.port + 2],
    [p.left, p.port + 3],
  ];
  for (const [g, port] of targets) {
    b.sendto(`second source to ${g}`, to(g, port));
    a.sendto(`source to ${g}`, to(g, port));
  }
  for (const [g, port] of targets) a.sendto("END", to(g, port));
  console.log(JSON.stringify({ ttl: socket.getMulticastTtl(a), loop: socket.getMulticastLoop(a) }));
}

if (import.meta.main && Deno.args[0] === "--receiver") await receiver(PLANS[Deno.args[1]]);
else if (import.meta.main && Deno.args[0] === "--sender") sender(PLANS[Deno.args[1]]);
else {
  Deno.test("multicast: the request packers give python's struct.pack bytes", async () => {
    const want = await py<Uint8Array[]>(`
import struct
a4 = socket.inet_aton
a6 = lambda s: socket.inet_pton(socket.AF_INET6, s)
def ss4(host):  # sockaddr_in in a sockaddr_storage
    return (struct.pack('H', socket.AF_INET) + b'\\0\\0' + a4(host)).ljust(128, b'\\0')
def ss6(host):
    return (struct.pack('H', socket.AF_INET6) + b'\\0' * 6 + a6(host)).ljust(128, b'\\0')
out = [
    struct.pack('4s4s', a4('239.1.2.3'), a4('10.0.0.1')),
    struct.pack('4s4si', a4('239.1.2.3'), a4('0.0.0.0'), 7),
    struct.pack('4s4s4s', a4('232.1.1.1'), a4('10.0.0.2'), a4('10.0.0.9')),
    struct.pack('16sI', a6('ff02::fb'), 3),
    struct.pack('I4x', 5) + ss4('239.1.2.3'),
    struct.pack('I4x', 5) + ss6('ff3e::1') + ss6('fd00::9'),
]`);
    assertEquals(socket.packIpMreq("239.1.2.3", "10.0.0.1"), want[0]);
    assertEquals(socket.packIpMreqn("239.1.2.3", "0.0.0.0", 7), want[1]);
    assertEquals(socket.packIpMreqSource("232.1.1.1", "10.0.0.2", "10.0.0.9"), want[2]);
    assertEquals(socket.packIpv6Mreq("ff02::fb", 3), want[3]);
    assertEquals(socket.packGroupReq(socket.AF_INET, 5, "239.1.2.3"), want[4]);
    assertEquals(socket.packGroupSourceReq(socket.AF_INET6, 5, "ff3e::1", "fd00::9"), want[5]);
    // An interface name resolves through if_nametoindex.
    assertEquals(socket.packIpv6Mreq("ff02::fb", "lo"), socket.packIpv6Mreq("ff02::fb", 1));
    assertThrows(() => socket.packIpMreq("239.1.2"), socket.error);
    assertThrows(() => socket.packIpv6Mreq("ff02::fb", -1), RangeError);
    assertThrows(() => socket.packIpv6Mreq("ff02::fb", "no-such-if0"), socket.error);
    assertThrows(() => socket.packIpMreq(7 as unknown as string), TypeError); // deliberate: not a string
  });

  Deno.test("multicast: TTL/hops, loop and interface options round-trip on real sockets (nothing sent)", () => {
    for (const family of [socket.AF_INET, socket.AF_INET6]) {
      using s = socket.socket(family, socket.SOCK_DGRAM);
      assertEquals(socket.getMulticastTtl(s), 1);
      socket.setMulticastTtl(s, 33);
      assertEquals(socket.getMulticastTtl(s), 33);
      assertEquals(
        s.getsockopt(
          family === socket.AF_INET ? socket.IPPROTO_IP : socket.IPPROTO_IPV6,
          family === socket.AF_INET ? socket.IP_MULTICAST_TTL : socket.IPV6_MULTICAST_HOPS,
        ),
        33,
      );
      assertEquals(socket.getMulticastLoop(s), true);
      socket.setMulticastLoop(s, false);
      assertEquals(socket.getMulticastLoop(s), false);
      if (!QEMU) socket.setMulticastInterface(s, "lo");
      assertThrows(() => socket.setMulticastTtl(s, 256), RangeError);
      assertThrows(() => socket.setMulticastLoop(s, 1 as unknown as boolean), TypeError); // deliberate: not a boolean
    }
    using unix = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    assertThrows(() => socket.setMulticastTtl(unix, 1), RangeError);
    if (QEMU) return;
    using v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
    socket.setMulticastInterface(v6, 1);
    assertEquals(v6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF), 1);
    using v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    socket.setMulticastInterface(v4, "127.0.0.1");
    // IP_MULTICAST_IF reads back as the interface address (an in_addr).
    assertEquals([...v4.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4)], [127, 0, 0, 1]);
  });

  const reason = QEMU ?? netnsUnavailable(PEER_NETNS);
  if (reason !== null) console.log(`multicast_test.ts: ignored: ${reason}`);
  const ignore = reason !== null;
  const note = reason ? ` [ignored: ${reason}]` : "";

  /** PEER_NETNS, then `recv` there in the background until "ready", then `send` here. */
  const twoEnds = (recv: string, send: string) =>
    [
      PEER_NETNS,
      "out=$(mktemp -d)",
      `nsenter -t $PEER -n ${recv} > $out/recv 2> $out/err &`,
      "R=$!",
      "i=0; until grep -q ready $out/recv; do i=$((i+1)); if [ $i -ge 3000 ] || ! kill -0 $R 2>/dev/null; then cat $out/recv $out/err >&2; exit 1; fi; sleep 0.01; done",
      `${send}`,
      "wait $R",
      'cat $out/recv; cat $out/err >&2; rm -r "$out"',
    ].join("\n");

  for (const fam of ["ipv4", "ipv6"]) {
    const p = PLANS[fam];
    Deno.test({
      name:
        `multicast (${fam}): any-source, source-specific and left memberships across a veth pair (network namespaces)${note}`,
      ignore,
      async fn() {
        const deno = (mode: string) =>
          denoArgv(["run", "--allow-ffi", "--allow-env", SELF, mode, fam]).map(sh).join(" ");
        const r = await inNetns(twoEnds(deno("--receiver"), deno("--sender")));
        assertEquals(r.code, 0, r.stdout + r.stderr);
        const lines = r.stdout.trim().split("\n");
        assertEquals(JSON.parse(lines[0]), { ttl: 1, loop: false });
        const { got, leaveAgain } = JSON.parse(lines.at(-1)!);
        // Any-source: both senders arrive.
        assertEquals(got.any.sort(), [
          `second source to ${p.any} from ${p.other}`,
          `source to ${p.any} from ${p.source}`,
        ]);
        // Source-specific: the second source is filtered out.
        if (p.ssmByAddr) {
          assertEquals(got.ssmByAddr, [`source to ${p.ssmByAddr} from ${p.source}`]);
        }
        assertEquals(got.ssmByName, [`source to ${p.ssmByName} from ${p.source}`]);
        // Left: nothing arrives; leaving twice is EADDRNOTAVAIL.
        assertEquals(got.left, ["nothing"]);
        assertEquals(leaveAgain, "EADDRNOTAVAIL");
      },
    });
  }

  Deno.test({
    name: `multicast: examples/multicast_chat.ts, alice in one namespace, bob in the other${note}`,
    ignore,
    async fn() {
      const chat = (...args: string[]) =>
        denoArgv(["run", "--allow-ffi", CHAT, ...args]).map(sh).join(" ");
      const bob = `${chat("bob", "--iface", "v1", "-c", "2")} < /dev/null`;
      const alice = `printf 'hello\\nbye\\n' | ${chat("alice", "--iface", "v0", "--no-loop")}`;
      // bob prints "joined" once his membership is in place: then alice talks.
      const script = twoEnds(bob, alice).replace("grep -q ready", "grep -q joined");
      const r = await inNetns(script);
      assertEquals(r.code, 0, r.stdout + r.stderr);
      const lines = r.stdout.trim().split("\n");
      assertEquals(lines, [
        "joined 239.255.42.1 port 5007 on v0 (ttl 1, loop false)",
        "left 239.255.42.1 after 0 messages",
        "joined 239.255.42.1 port 5007 on v1 (ttl 1, loop true)",
        // alice's datagrams come from her socket, bound to port 5007 too.
        "<10.201.0.1:5007> alice: hello",
        "<10.201.0.1:5007> alice: bye",
        "left 239.255.42.1 after 2 messages",
      ]);
      assert(!r.stderr.includes("error"), r.stderr);
    },
  });
}
