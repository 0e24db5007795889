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
import { assert, assertEquals } from "@std/assert";
import * as socket from "../mod.ts";
import { denoArgv } from "./_helpers.ts";
import { inNetns, netnsUnavailable, PEER_NETNS, sh } from "./_netns.ts";

const SELF = new URL(import.meta.url).pathname;
const CHAT = new URL("../examples/multicast_chat.ts", import.meta.url).pathname;
const dec = new TextDecoder();

interface Plan {
  family: number;
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

function udp(p: Plan, port: number): socket.Socket {
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
  const socks: Record<string, socket.Socket> = {};
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
        got[k].push(`${text} from ${(from as string[])[0]}`);
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
  const reason = netnsUnavailable(PEER_NETNS);
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
