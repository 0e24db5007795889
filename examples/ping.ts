/**
 * ping(8) in Deno: ICMP echo over a raw socket, or over an unprivileged
 * ICMP datagram socket (`SOCK_DGRAM`, `IPPROTO_ICMP`/`IPPROTO_ICMPV6`) where
 * raw sockets are refused — something `Deno.connect` cannot do.
 *
 *     deno run --allow-ffi examples/ping.ts HOST [-c COUNT] [-i SECONDS] [-4|-6]
 *
 * The host is resolved with getaddrinfo. Without `-c` it pings until
 * Ctrl-C, then prints the summary, as ping does. As ping's, the exit status
 * is 0 when replies came, 1 when none did, and 2 on an error (which prints
 * one line, `error: …`) or a usage error.
 *
 * A raw socket on loopback also receives the echo requests it sends: only
 * echo replies carrying this process's identifier count. A datagram ICMP
 * socket gets its identifier rewritten by the kernel (to its local "port"),
 * and the kernel already delivers only its own replies.
 *
 * @module
 */
import * as socket from "../mod.ts";
import { constants as K, struct } from "../constants/mod.ts";
import { Cli } from "./_args.ts";

const DATA_BYTES = 56; // ping's default payload: 64 bytes with the ICMP header

interface Options {
  host: string;
  count: number;
  interval: number;
  family: number;
}

const cli: Cli = new Cli({
  usage: "ping.ts HOST [-c COUNT] [-i SECONDS] [-4|-6]",
  help: "Sends ICMP echo requests to HOST and reports the replies, as ping(8).\n" +
    "-c COUNT    stop after COUNT requests (default: until Ctrl-C)\n" +
    "-i SECONDS  the interval between requests (default 1, at least 0.002)\n" +
    "-4, -6      resolve HOST to an IPv4 / IPv6 address only",
  values: ["-c", "-i"],
  flags: ["-4", "-6"],
  positionals: [1, 1],
  errorStatus: 2,
});

function parseArgs(): Options {
  const args = cli.parse();
  if (args.has("-4") && args.has("-6")) cli.usage("-4 and -6 exclude each other");
  return {
    host: args.positionals[0],
    count: args.int("-c", Infinity, 1, Number.MAX_SAFE_INTEGER),
    interval: args.number("-i", 1, 0.002, 1e6),
    family: args.has("-4") ? socket.AF_INET : args.has("-6") ? socket.AF_INET6 : socket.AF_UNSPEC,
  };
}

/** The RFC 1071 Internet checksum. */
function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (b.length % 2) sum += b[b.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Where the echo fields sit in `struct icmphdr`/`struct icmp6hdr`. */
function echoLayout(v6: boolean) {
  if (v6) {
    const h = struct("icmp6hdr");
    return {
      size: h.size,
      type: h.fields.icmp6_type.offset,
      cksum: h.fields.icmp6_cksum.offset,
      id: h.fields["icmp6_dataun.u_echo.identifier"].offset,
      seq: h.fields["icmp6_dataun.u_echo.sequence"].offset,
      request: K.ICMPV6_ECHO_REQUEST,
      reply: K.ICMPV6_ECHO_REPLY,
    };
  }
  const h = struct("icmphdr");
  return {
    size: h.size,
    type: h.fields.type.offset,
    cksum: h.fields.checksum.offset,
    id: h.fields["un.echo.id"].offset,
    seq: h.fields["un.echo.sequence"].offset,
    request: K.ICMP_ECHO,
    reply: K.ICMP_ECHOREPLY,
  };
}

/** A raw ICMP socket, or a datagram one where raw sockets are refused (EPERM/EACCES). */
function openIcmp(family: number): { sock: socket.Socket; raw: boolean } {
  const proto = family === socket.AF_INET6 ? socket.IPPROTO_ICMPV6 : socket.IPPROTO_ICMP;
  try {
    return { sock: socket.socket(family, socket.SOCK_RAW, proto), raw: true };
  } catch (e) {
    if (!(e instanceof socket.PermissionError)) throw e;
  }
  try {
    return { sock: socket.socket(family, socket.SOCK_DGRAM, proto), raw: false };
  } catch (e) {
    if (e instanceof socket.PermissionError) {
      cli.fail(
        "raw sockets need CAP_NET_RAW, and this group is not in " +
          "net.ipv4.ping_group_range for ICMP datagram sockets",
      );
    }
    throw e;
  }
}

const fmt = (ms: number) => ms.toFixed(3);

/**
 * The host of an AF_INET/AF_INET6 address (`[host, port, …]`); the family
 * is only known at run time here, so the address type is the whole union.
 */
function hostOf(a: socket.Address | null): string | undefined {
  const host = Array.isArray(a) ? a[0] : undefined;
  return typeof host === "string" ? host : undefined;
}

async function main(): Promise<void> {
  const o = parseArgs();
  let ai: socket.AddrInfo;
  try {
    [ai] = socket.getaddrinfo(o.host, null, o.family, socket.SOCK_DGRAM);
  } catch (e) {
    if (!(e instanceof socket.gaierror)) throw e;
    cli.fail(`${o.host}: ${e.strerror}`);
  }
  const family = ai[0];
  const v6 = family === socket.AF_INET6;
  const sockaddr = ai[4];
  const addr = hostOf(sockaddr) ?? cli.fail(`${o.host}: no IP address`);
  const L = echoLayout(v6);
  const { sock, raw } = openIcmp(family);
  // The TTL (hop limit) of each reply arrives as ancillary data.
  if (v6) sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1);
  else sock.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTTL, 1);
  const ident = Deno.pid & 0xffff;
  const scopeId = Array.isArray(sockaddr) && sockaddr.length === 4 ? sockaddr[3] : 0;
  const dest: socket.AddressLike = v6 ? [addr, 0, 0, scopeId] : [addr, 0];
  const shown = addr === o.host ? addr : `${o.host} (${addr})`;

  console.log(
    v6
      ? `PING ${o.host}(${addr}) ${DATA_BYTES} data bytes`
      : `PING ${o.host} (${addr}) ${DATA_BYTES}(${DATA_BYTES + L.size + 20}) bytes of data.`,
  );

  const sentAt = new Map<number, number>();
  const answered = new Set<number>();
  const rtts: number[] = [];
  let transmitted = 0;
  const stop = new AbortController();
  const onInt = () => stop.abort();
  Deno.addSignalListener("SIGINT", onInt);
  const started = performance.now();

  const send = (seq: number) => {
    const pkt = new Uint8Array(L.size + DATA_BYTES);
    const v = new DataView(pkt.buffer);
    pkt[L.type] = L.request;
    v.setUint16(L.id, ident); // network byte order, as the wire wants
    v.setUint16(L.seq, seq);
    for (let i = L.size; i < pkt.length; i++) pkt[i] = i & 0xff;
    // ICMPv6 checksums cover a pseudo-header: the kernel fills them in.
    if (!v6) v.setUint16(L.cksum, checksum(pkt));
    sentAt.set(seq, performance.now());
    sock.sendto(pkt, dest);
    transmitted++;
  };

  /** Receives until `deadline` (ms), printing each reply. */
  const receiveUntil = async (deadline: number) => {
    while (!stop.signal.aborted) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      sock.settimeout(left / 1000);
      let data: Uint8Array, anc: socket.AncData[], from: socket.Address | null;
      try {
        [data, anc, , from] = await sock.recvmsgAsync(2048, 64, 0, { signal: stop.signal });
      } catch (e) {
        if (e instanceof socket.timeout || stop.signal.aborted) return;
        throw e;
      }
      const now = performance.now();
      // A raw IPv4 socket delivers the IP header too: skip its IHL words
      // (the low nibble of the first byte, RFC 791).
      const at = raw && !v6 ? (data[0] & 0x0f) * 4 : 0;
      const icmp = data.subarray(at);
      if (icmp.length < L.size || icmp[L.type] !== L.reply) continue; // e.g. our own request
      const v = new DataView(icmp.buffer, icmp.byteOffset, icmp.byteLength);
      if (raw && v.getUint16(L.id) !== ident) continue; // another ping's reply
      const seq = v.getUint16(L.seq);
      const t0 = sentAt.get(seq);
      if (t0 === undefined) continue; // not a request of ours
      // A second reply to the same request is reported, as ping does, but
      // not counted.
      const dup = answered.has(seq);
      const ms = now - t0;
      if (!dup) {
        answered.add(seq);
        rtts.push(ms);
      }
      let ttl = -1;
      for (const [, , d] of anc) {
        // IP_TTL / IPV6_HOPLIMIT: a C int, in host byte order.
        if (d.length >= 4) ttl = new Int32Array(d.slice(0, 4).buffer)[0];
      }
      const who = hostOf(from) ?? addr;
      console.log(
        `${icmp.length} bytes from ${who === addr ? shown : who}: icmp_seq=${seq} ttl=${ttl} time=${
          fmt(ms)
        } ms${dup ? " (DUP!)" : ""}`,
      );
      if (answered.size === transmitted && transmitted >= o.count) return;
    }
  };

  for (let seq = 1; seq <= o.count && !stop.signal.aborted; seq++) {
    send(seq & 0xffff);
    const last = seq >= o.count;
    // After the last request, wait a little longer for the stragglers.
    const wait = last ? Math.max(o.interval * 1000, 2000) : o.interval * 1000;
    await receiveUntil(sentAt.get(seq & 0xffff)! + wait);
  }
  const elapsed = Math.round(performance.now() - started);
  Deno.removeSignalListener("SIGINT", onInt);
  sock.close();

  const received = rtts.length;
  const loss = transmitted ? Math.round(((transmitted - received) / transmitted) * 100) : 0;
  console.log(`\n--- ${o.host} ping statistics ---`);
  console.log(
    `${transmitted} packets transmitted, ${received} received, ${loss}% packet loss, time ${elapsed}ms`,
  );
  if (received) {
    const min = Math.min(...rtts);
    const max = Math.max(...rtts);
    const avg = rtts.reduce((a, b) => a + b, 0) / received;
    const mdev = Math.sqrt(Math.max(0, rtts.reduce((a, b) => a + b * b, 0) / received - avg * avg));
    console.log(`rtt min/avg/max/mdev = ${fmt(min)}/${fmt(avg)}/${fmt(max)}/${fmt(mdev)} ms`);
  }
  Deno.exit(received ? 0 : 1);
}

if (import.meta.main) await cli.run(main);
