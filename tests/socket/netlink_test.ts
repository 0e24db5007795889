/**
 * examples/_rtnetlink.ts and examples/netlink_routes.ts: the decoder on
 * messages python's struct.pack builds, NLMSG_ERROR from the real kernel,
 * and, in a network namespace with a veth pair and routes, the example's
 * output names every link, address and route that iproute2's `ip -j` reports.
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { constants as K, struct } from "../../constants/mod.ts";
import {
  attributes,
  decodeAddr,
  decodeLink,
  decodeRoute,
  dump,
  messages,
  request,
} from "../../examples/_rtnetlink.ts";
import { py } from "../_py.ts";
import { denoArgv } from "../_helpers.ts";
import { inNetns, netnsUnavailable, sh } from "../_netns.ts";

Deno.test("netlink: the decoder reads messages and attributes python's struct.pack builds", async () => {
  const buf = await py<Uint8Array>(`
import struct
def rta(t, v):
    n = 4 + len(v)
    return struct.pack('HH', n, t) + v + b'\\0' * ((-n) % 4)
def msg(t, flags, seq, body):
    return struct.pack('IHHII', 16 + len(body), t, flags, seq, 4242) + body
link = struct.pack('BxHiII', 0, 1, 7, 0x11043, 0) + rta(${K.IFLA_IFNAME}, b'veth-x\\0') + rta(${K.IFLA_MTU}, struct.pack('I', 1400)) + rta(${K.IFLA_ADDRESS}, bytes([2, 0, 0, 0, 0, 9]))
addr = struct.pack('BBBBI', ${socket.AF_INET6}, 64, 0, 0, 7) + rta(${K.IFA_ADDRESS}, socket.inet_pton(socket.AF_INET6, 'fd00::9'))
route = struct.pack('BBBBBBBBI', ${socket.AF_INET}, 24, 0, 0, ${K.RT_TABLE_MAIN}, ${K.RTPROT_STATIC}, 0, ${K.RTN_UNICAST}, 0) + rta(${K.RTA_DST}, socket.inet_aton('192.0.2.0')) + rta(${K.RTA_GATEWAY}, socket.inet_aton('10.0.0.1')) + rta(${K.RTA_OIF}, struct.pack('I', 7)) + rta(${K.RTA_TABLE}, struct.pack('I', 1000))
out = msg(${K.RTM_NEWLINK}, 2, 5, link) + msg(${K.RTM_NEWADDR}, 2, 5, addr) + msg(${K.RTM_NEWROUTE}, 2, 5, route) + msg(${K.NLMSG_DONE}, 2, 5, struct.pack('i', 0))
`);
  const ms = messages(buf);
  assertEquals(ms.map((m) => [m.type, m.flags, m.seq, m.pid]), [
    [K.RTM_NEWLINK, 2, 5, 4242],
    [K.RTM_NEWADDR, 2, 5, 4242],
    [K.RTM_NEWROUTE, 2, 5, 4242],
    [K.NLMSG_DONE, 2, 5, 4242],
  ]);
  assertEquals(decodeLink(ms[0].payload), {
    index: 7,
    name: "veth-x",
    flags: 0x11043,
    mtu: 1400,
    address: "02:00:00:00:00:09",
  });
  assertEquals(decodeAddr(ms[1].payload), {
    family: socket.AF_INET6,
    prefixlen: 64,
    scope: 0,
    index: 7,
    address: "fd00::9",
    peer: "fd00::9",
    label: undefined,
  });
  const r = decodeRoute(ms[2].payload);
  assertEquals([r.dst, r.dst_len, r.gateway, r.oif, r.table, r.protocol], [
    "192.0.2.0",
    24,
    "10.0.0.1",
    7,
    1000,
    K.RTPROT_STATIC,
  ]);
  // Truncated input stops cleanly: a message longer than the buffer, an
  // attribute whose length runs past its message or is shorter than rtattr.
  assertEquals(messages(buf.subarray(0, buf.length - 1)).length, 3);
  assertEquals(messages(buf.subarray(0, 15)), []);
  const attrs = attributes(ms[0].payload, struct("ifinfomsg").size);
  assertEquals([...attrs.keys()], [K.IFLA_IFNAME, K.IFLA_MTU, K.IFLA_ADDRESS]);
  const bad = ms[0].payload.slice();
  new DataView(bad.buffer).setUint16(struct("ifinfomsg").size, 2, true); // rta_len 2 < 4
  assertEquals(attributes(bad, struct("ifinfomsg").size).size, 0);
});

Deno.test("netlink: a real dump ends with NLMSG_DONE; a bad request gets NLMSG_ERROR's errno", () => {
  using nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  const links = dump(nl, K.RTM_GETLINK).map(decodeLink);
  assert(links.some((l) => l.name === "lo" && l.index === socket.if_nametoindex("lo")));
  // RTM_GETLINK for an index that does not exist: the kernel answers ENODEV.
  const req = request(K.RTM_GETLINK, K.NLM_F_REQUEST, 99, struct("ifinfomsg").size);
  const at = struct("nlmsghdr").size + struct("ifinfomsg").fields.ifi_index.offset;
  new DataView(req.buffer).setInt32(at, 0x7ffffff0, true);
  nl.sendto(req, [0, 0]);
  const [m] = messages(nl.recv(65536));
  assertEquals(m.type, K.NLMSG_ERROR);
  assertEquals(m.seq, 99);
  assertEquals(
    -new DataView(m.payload.buffer, m.payload.byteOffset).getInt32(0, true),
    socket.errnoOf("ENODEV"),
  );
  assertThrows(() => dump(nl, K.RTM_GETLINK, 0, K.NLM_F_REQUEST), socket.error);
});

const NETNS = [
  "set -e",
  "ip link set lo up",
  "ip link add v0 type veth peer name v1",
  "ip link add w0 type veth peer name w1",
  "ip addr add 10.202.0.1/24 dev v0",
  "ip addr add 10.202.0.9/24 dev v0",
  "ip -6 addr add fd00:202::1/64 dev v0 nodad",
  "ip addr add 198.51.100.7/32 dev w0",
  "ip link set v0 up",
  "ip link set v1 up",
  "ip link set w0 up",
  "ip route add default via 10.202.0.2",
  "ip route add 192.0.2.0/24 via 10.202.0.2 metric 7",
  "ip route add 203.0.113.5 dev v0",
  "ip -6 route add 2001:db8::/32 via fd00:202::2",
].join("; ");
const reason = netnsUnavailable(NETNS);
if (reason !== null) console.log(`netlink_test.ts: ignored: ${reason}`);

interface IpLink {
  ifindex: number;
  ifname: string;
  address?: string;
  mtu: number;
}
interface IpAddr {
  ifname: string;
  addr_info: { family: string; local: string; prefixlen: number }[];
}
interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
}

Deno.test({
  name:
    `netlink: examples/netlink_routes.ts names every link, address and route \`ip -j\` reports (network namespace)${
      reason ? ` [ignored: ${reason}]` : ""
    }`,
  ignore: reason !== null,
  async fn() {
    const example = denoArgv([
      "run",
      "--allow-ffi",
      new URL("../../examples/netlink_routes.ts", import.meta.url).pathname,
    ]).map(sh).join(" ");
    const r = await inNetns([
      NETNS,
      example,
      "echo @@; ip -j link; echo @@; ip -j addr; echo @@; ip -j route; echo @@; ip -j -6 route",
    ].join("\n"));
    assertEquals(r.code, 0, r.stdout + r.stderr);
    const [out, ...json] = r.stdout.split("@@\n");
    const [links, addrs, routes4, routes6] = json.map((j) => JSON.parse(j));
    const lines = out.split("\n").map((l) => l.trim());
    const section = (name: string) => {
      const from = lines.indexOf(`${name}:`);
      const to = lines.findIndex((l, i) => i > from && l.endsWith(":") && !l.includes(" "));
      return lines.slice(from + 1, to < 0 ? undefined : to).filter(Boolean);
    };
    const ours = {
      links: section("links"),
      addrs: section("addresses"),
      routes: section("routes"),
    };

    assertEquals(ours.links.length, (links as IpLink[]).length);
    for (const l of links as IpLink[]) {
      const line = ours.links.find((x) => x.startsWith(`${l.ifindex}: ${l.ifname} `));
      assert(line, `link ${l.ifname} missing from:\n${out}`);
      assert(line.includes(`mtu ${l.mtu} `), line);
      if (l.address) assert(line.endsWith(`link ${l.address}`), line);
    }
    let n = 0;
    for (const a of addrs as IpAddr[]) {
      for (const i of a.addr_info) {
        n++;
        const want = `${a.ifname} ${i.family} ${i.local}/${i.prefixlen}`;
        assert(
          ours.addrs.some((x) => x === want || x.startsWith(`${want} `)),
          `${want} missing from:\n${out}`,
        );
      }
    }
    assertEquals(ours.addrs.length, n);
    assert(n >= 6, `only ${n} addresses`);
    const rs = [...routes4, ...routes6] as IpRoute[];
    assertEquals(ours.routes.length, rs.length, out);
    for (const route of rs) {
      const dst = route.dst === "default" || route.dst.includes("/")
        ? route.dst
        : `${route.dst}/${route.dst.includes(":") ? 128 : 32}`;
      const want = [dst, route.gateway && `via ${route.gateway}`, route.dev && `dev ${route.dev}`]
        .filter(Boolean).join(" ");
      assert(ours.routes.some((x) => x.startsWith(want)), `route ${want} missing from:\n${out}`);
    }
    assert(ours.routes.includes("203.0.113.5/32 dev v0 scope link"), out);
    assert(ours.routes.includes("192.0.2.0/24 via 10.202.0.2 dev v0 metric 7"), out);
  },
});
