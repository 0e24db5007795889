/**
 * A tiny tcpdump: prints the Ethernet frames an interface sees, read from an
 * `AF_PACKET` socket — source and destination MAC, ethertype, and for IPv4
 * and IPv6 the addresses and the protocol.
 *
 *     deno run --allow-ffi examples/sniff.ts IFACE [-c COUNT]
 *
 * Needs CAP_NET_RAW (root). Without `-c` it runs until Ctrl-C.
 *
 * @module
 */
import * as socket from "../mod.ts";
import { constants as K, struct } from "../constants/mod.ts";
import { Cli } from "./_args.ts";

const cli: Cli = new Cli({
  usage: "sniff.ts IFACE [-c COUNT]",
  help: "Prints the frames interface IFACE sees (AF_PACKET; needs CAP_NET_RAW).\n" +
    "-c COUNT  exit after COUNT frames (default: until Ctrl-C)",
  values: ["-c"],
  positionals: [1, 1],
});

const ETH = struct("ethhdr");
const IP4 = struct("iphdr");
const IP6 = struct("ip6_hdr");

const ETHERTYPES: Record<number, string> = {
  [socket.ETH_P_IP]: "IPv4",
  [socket.ETH_P_IPV6]: "IPv6",
  [socket.ETH_P_ARP]: "ARP",
  [socket.ETH_P_8021Q]: "802.1Q",
  [socket.ETH_P_LLDP]: "LLDP",
};

/** Protocol number → name, from the library's own IPPROTO_* constants. */
const PROTOCOLS = new Map<number, string>();
for (const [name, value] of Object.entries(socket)) {
  if (name.startsWith("IPPROTO_") && typeof value === "number" && !PROTOCOLS.has(value)) {
    PROTOCOLS.set(value, name.slice("IPPROTO_".length).toLowerCase());
  }
}
PROTOCOLS.set(socket.IPPROTO_IP, "hopopts"); // 0 in an IPv6 next-header field

const DIRECTION: Record<number, string> = {
  [socket.PACKET_HOST]: "in ",
  [socket.PACKET_BROADCAST]: "in ",
  [socket.PACKET_MULTICAST]: "in ",
  [socket.PACKET_OTHERHOST]: "in ",
  [socket.PACKET_OUTGOING]: "out",
};

const mac = (b: Uint8Array, at: number) =>
  [...b.subarray(at, at + K.ETH_ALEN)].map((x) => x.toString(16).padStart(2, "0")).join(":");

/** One line describing a frame. */
export function describe(frame: Uint8Array): string {
  if (frame.length < ETH.size) return `runt frame, ${frame.length} bytes`;
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const type = v.getUint16(ETH.fields.h_proto.offset); // network byte order
  const name = ETHERTYPES[type] ?? "ethertype";
  let line = `${mac(frame, ETH.fields.h_source.offset)} > ${
    mac(frame, ETH.fields.h_dest.offset)
  } ${name} (0x${type.toString(16).padStart(4, "0")})`;
  const ip = frame.subarray(ETH.size);
  if (type === socket.ETH_P_IP && ip.length >= IP4.size) {
    const proto = ip[IP4.fields.protocol.offset];
    line += ` ${
      socket.inet_ntop(
        socket.AF_INET,
        ip.subarray(IP4.fields.saddr.offset, IP4.fields.saddr.offset + 4),
      )
    } > ${
      socket.inet_ntop(
        socket.AF_INET,
        ip.subarray(IP4.fields.daddr.offset, IP4.fields.daddr.offset + 4),
      )
    } ${PROTOCOLS.get(proto) ?? `proto ${proto}`} ttl ${ip[IP4.fields.ttl.offset]}`;
  } else if (type === socket.ETH_P_IPV6 && ip.length >= IP6.size) {
    const f = IP6.fields;
    const next = ip[f["ip6_ctlun.ip6_un1.ip6_un1_nxt"].offset];
    line += ` ${
      socket.inet_ntop(socket.AF_INET6, ip.subarray(f.ip6_src.offset, f.ip6_src.offset + 16))
    } > ${
      socket.inet_ntop(socket.AF_INET6, ip.subarray(f.ip6_dst.offset, f.ip6_dst.offset + 16))
    } ${PROTOCOLS.get(next) ?? `next header ${next}`} hlim ${
      ip[f["ip6_ctlun.ip6_un1.ip6_un1_hlim"].offset]
    }`;
  }
  return `${line}, length ${frame.length}`;
}

async function main(): Promise<void> {
  const args = cli.parse();
  const iface = args.positionals[0];
  const count = args.int("-c", Infinity, 1, Number.MAX_SAFE_INTEGER);
  try {
    socket.if_nametoindex(iface);
  } catch (e) {
    if (!(e instanceof socket.error || e instanceof RangeError)) throw e;
    cli.fail(`no such interface: ${iface}`);
  }
  // Every protocol (ETH_P_ALL), on one interface only.
  let s: socket.Socket<typeof socket.AF_PACKET>;
  try {
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(socket.ETH_P_ALL));
  } catch (e) {
    if (!(e instanceof socket.PermissionError)) throw e;
    cli.fail(`AF_PACKET sockets need CAP_NET_RAW (root): ${e.message}`);
  }
  using _s = s;
  s.bind([iface, socket.ETH_P_ALL]);
  console.log(`listening on ${iface}`);
  const stop = new AbortController();
  Deno.addSignalListener("SIGINT", () => stop.abort());
  for (let n = 0; n < count && !stop.signal.aborted; n++) {
    const got = await s.recvfromAsync(65536, 0, { signal: stop.signal }).catch((e) => {
      if (stop.signal.aborted) return null;
      throw e;
    });
    if (got === null) break;
    const [frame, [ifname, , pkttype]] = got; // a sockaddr_ll: a PacketAddress
    console.log(`${ifname} ${DIRECTION[pkttype] ?? "?  "} ${describe(frame)}`);
  }
  Deno.exit(0);
}

if (import.meta.main) await cli.run(main);
