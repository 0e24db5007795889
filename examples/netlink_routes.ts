/**
 * Lists this network namespace's links, addresses and routes by asking the
 * kernel directly over rtnetlink (`AF_NETLINK`, `NETLINK_ROUTE`): the
 * `RTM_GETLINK`, `RTM_GETADDR` and `RTM_GETROUTE` dumps that iproute2's `ip`
 * makes, decoded by examples/_rtnetlink.ts.
 *
 *     deno run --allow-ffi examples/netlink_routes.ts
 *
 * Routes are those of the main table, IPv4 then IPv6, as `ip route` and
 * `ip -6 route` show them (which also leave out the default "proto boot").
 *
 * @module
 */
import * as socket from "../mod.ts";
import { constants as K } from "../constants/mod.ts";
import { decodeAddr, decodeLink, decodeRoute, dump } from "./_rtnetlink.ts";
import { Cli } from "./_args.ts";

const cli: Cli = new Cli({
  usage: "netlink_routes.ts",
  help: "Lists this network namespace's links, addresses and routes, asked over rtnetlink.",
});

const FLAGS: [string, number][] = [
  ["UP", K.IFF_UP],
  ["BROADCAST", K.IFF_BROADCAST],
  ["LOOPBACK", K.IFF_LOOPBACK],
  ["POINTOPOINT", K.IFF_POINTOPOINT],
  ["NOARP", K.IFF_NOARP],
  ["MULTICAST", K.IFF_MULTICAST],
  ["RUNNING", K.IFF_RUNNING],
  ["LOWER_UP", K.IFF_LOWER_UP],
];
const PROTO: Record<number, string> = {
  [K.RTPROT_KERNEL]: "kernel",
  [K.RTPROT_STATIC]: "static",
};
const SCOPE: Record<number, string> = {
  [K.RT_SCOPE_LINK]: "link",
  [K.RT_SCOPE_HOST]: "host",
};

function main(): void {
  using nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  nl.settimeout(10); // the kernel always ends a dump; never wait forever
  const links = dump(nl, K.RTM_GETLINK).map(decodeLink);
  const names = new Map(links.map((l) => [l.index, l.name]));
  const dev = (i: number | undefined) => names.get(i ?? 0) ?? `if${i}`;

  console.log("links:");
  for (const l of links) {
    const flags = FLAGS.filter(([, bit]) => l.flags & bit).map(([n]) => n).join(",");
    console.log(`  ${l.index}: ${l.name} <${flags}> mtu ${l.mtu} link ${l.address ?? "none"}`);
  }

  console.log("addresses:");
  for (const a of dump(nl, K.RTM_GETADDR).map(decodeAddr)) {
    const fam = a.family === socket.AF_INET6 ? "inet6" : "inet";
    const scope = SCOPE[a.scope] ? ` scope ${SCOPE[a.scope]}` : "";
    console.log(`  ${dev(a.index)} ${fam} ${a.address}/${a.prefixlen}${scope}`);
  }

  console.log("routes:");
  for (const family of [socket.AF_INET, socket.AF_INET6]) {
    for (const r of dump(nl, K.RTM_GETROUTE, family).map(decodeRoute)) {
      if (r.table !== K.RT_TABLE_MAIN || r.type !== K.RTN_UNICAST) continue;
      const parts = [r.dst_len === 0 ? "default" : `${r.dst}/${r.dst_len}`];
      if (r.gateway) parts.push(`via ${r.gateway}`);
      if (r.oif !== undefined) parts.push(`dev ${dev(r.oif)}`);
      if (PROTO[r.protocol]) parts.push(`proto ${PROTO[r.protocol]}`);
      if (SCOPE[r.scope]) parts.push(`scope ${SCOPE[r.scope]}`);
      if (r.prefsrc) parts.push(`src ${r.prefsrc}`);
      if (r.priority !== undefined) parts.push(`metric ${r.priority}`);
      console.log(`  ${parts.join(" ")}`);
    }
  }
}

if (import.meta.main) {
  cli.parse();
  await cli.run(main);
}
