/**
 * A LAN chat over UDP multicast: every line typed is sent to the group, and
 * every message the group carries is printed. `Deno.listenDatagram` can
 * neither join a group nor choose a source.
 *
 *     deno run --allow-ffi examples/multicast_chat.ts NAME [--group ADDR] [--port N]
 *         [--iface IFACE] [--source ADDR] [--ttl N] [--no-loop] [-c COUNT]
 *
 * - `--group` (default 239.255.42.1; an IPv6 group such as ff15::42 works too)
 *   and `--port` (default 5007) name the room;
 * - `--iface` is the interface to join on and send from (a name such as `eth0`,
 *   or for IPv4 its address); by default the kernel picks by route;
 * - `--source` joins source-specifically: only what that host sends arrives
 *   (use a group in 232.0.0.0/8 or ff3x::/96);
 * - `--no-loop` keeps this host's own members (this chat too) from
 *   receiving what it sends;
 * - `-c COUNT` exits after COUNT messages, once stdin is closed too.
 *
 * Type lines, or pipe them in; Ctrl-D (end of input) leaves the group.
 *
 * @module
 */
import * as socket from "../mod.ts";
import { Cli } from "./_args.ts";

interface Options {
  name: string;
  group: string;
  port: number;
  iface?: string;
  source?: string;
  ttl: number;
  loop: boolean;
  count: number;
}

const cli: Cli = new Cli({
  usage: "multicast_chat.ts NAME [--group ADDR] [--port N] [--iface IFACE] [--source ADDR] " +
    "[--ttl N] [--no-loop] [-c COUNT]",
  help: "Sends each line of stdin to the group as NAME, prints what the group carries.\n" +
    "--group ADDR    the group (default 239.255.42.1; an IPv6 group such as ff15::42 too)\n" +
    "--port N        the port (default 5007)\n" +
    "--iface IFACE   the interface to join on and send from (default: by route)\n" +
    "--source ADDR   join source-specifically: only what ADDR sends arrives\n" +
    "--ttl N         the multicast TTL / hop limit (default 1)\n" +
    "--no-loop       this host's members do not receive what it sends\n" +
    "-c COUNT        exit after COUNT messages, once stdin is closed too",
  values: ["--group", "--port", "--iface", "--source", "--ttl", "-c"],
  flags: ["--no-loop"],
  positionals: [1, 1],
});

function parseArgs(): Options {
  const args = cli.parse();
  return {
    name: args.positionals[0],
    group: args.get("--group", "239.255.42.1"),
    port: args.int("--port", 5007, 0, 65535),
    iface: args.get("--iface"),
    source: args.get("--source"),
    ttl: args.int("--ttl", 1, 0, 255),
    loop: !args.has("--no-loop"),
    count: args.int("-c", 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const dec = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += dec.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, nl);
      pending = pending.slice(nl + 1);
    }
  }
  if (pending) yield pending;
}

async function main(): Promise<void> {
  const o = parseArgs();
  const v6 = o.group.includes(":");
  const family = v6 ? socket.AF_INET6 : socket.AF_INET;
  using s = socket.socket(family, socket.SOCK_DGRAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  // Linux: only the groups this socket joined, not every group the host
  // joined. Elsewhere there is no such option (and BSD behaves so already);
  // a kernel or emulator without it (ENOPROTOOPT) costs only that filter.
  const multicastAll = v6 ? socket.IPV6_MULTICAST_ALL : socket.IP_MULTICAST_ALL;
  if (multicastAll !== undefined) {
    try {
      s.setsockopt(v6 ? socket.IPPROTO_IPV6 : socket.IPPROTO_IP, multicastAll, 0);
    } catch (e) {
      if (!(e instanceof socket.error && e.errno === socket.errnoOf("ENOPROTOOPT"))) throw e;
    }
  }
  s.bind(v6 ? ["::", o.port, 0, 0] : ["0.0.0.0", o.port]);
  try {
    if (o.source) socket.joinSourceGroup(s, o.group, o.source, o.iface);
    else socket.joinGroup(s, o.group, o.iface);
    if (o.iface) socket.setMulticastInterface(s, o.iface);
  } catch (e) {
    if (!(e instanceof socket.error)) throw e;
    cli.fail(`cannot join ${o.group}${o.iface ? ` on ${o.iface}` : ""}: ${e.message}`);
  }
  socket.setMulticastTtl(s, o.ttl);
  socket.setMulticastLoop(s, o.loop);
  console.log(
    `joined ${o.group} port ${o.port}${o.iface ? ` on ${o.iface}` : ""}${
      o.source ? ` from source ${o.source}` : ""
    } (ttl ${socket.getMulticastTtl(s)}, loop ${socket.getMulticastLoop(s)})`,
  );

  const dest: socket.AddressLike = v6 ? [o.group, o.port, 0, 0] : [o.group, o.port];
  const done = new AbortController();
  let received = 0;
  let inputClosed = false;
  const finishIfDone = () => {
    if (inputClosed && received >= o.count) done.abort();
  };

  const receive = (async () => {
    const dec = new TextDecoder();
    while (!done.signal.aborted) {
      const got = await s.recvfromAsync(2048, 0, { signal: done.signal }).catch((e) => {
        if (done.signal.aborted) return null;
        throw e;
      });
      if (got === null) return;
      const [data, [host, port]] = got; // AF_INET or AF_INET6: never an unnamed sender
      console.log(`<${v6 ? `[${host}]` : host}:${port}> ${dec.decode(data)}`);
      received++;
      finishIfDone();
    }
  })();

  for await (const line of lines(Deno.stdin.readable)) {
    if (line) await s.sendtoAsync(`${o.name}: ${line}`, dest);
  }
  inputClosed = true;
  finishIfDone();
  await receive;
  if (o.source) socket.leaveSourceGroup(s, o.group, o.source, o.iface);
  else socket.leaveGroup(s, o.group, o.iface);
  console.log(`left ${o.group} after ${received} message${received === 1 ? "" : "s"}`);
}

if (import.meta.main) await cli.run(main);
