/**
 * The library's own cost per call, in isolation: pairs of calls that each
 * complete at once (one syscall, no reactor turn), in one process, with no
 * second process and no load generator. It shows what the echo, HTTP and
 * UDP sections blur with the kernel's share and the VM's noise.
 *
 * - `tcp`: `sendallAsync` then `recv_intoAsync`, 64 bytes over a
 *   non-blocking socketpair.
 * - `tcp-wait`: a ping-pong of 64 bytes over a socketpair, both ends in this
 *   process: every `recv_intoAsync` waits on the reactor, so a round trip
 *   is two reactor wake-ups (the path of a server whose clients wait for
 *   each answer).
 * - `udp-sync`: `sendto` then `recvfrom_into`, 64 bytes between two UDP
 *   sockets on 127.0.0.1 (the blocking UDP echo server's pair of calls).
 * - `udp-async`: `sendtoAsync` then `recvfromAsync(2048)` (the async UDP
 *   echo server's pair).
 * - `udp-mmsg`: `sendmmsg` of 32 datagrams then `recvmmsg_into` of them
 *   (the batched UDP echo server's pair); reported per datagram.
 *
 *   deno run -A bench/fast_path.ts [--only tcp,udp-sync,udp-async] [MOD_TS ...]
 *
 * With no module it measures this tree's `mod.ts`; with several (e.g. the
 * `mod.ts` of `git worktree add --detach /tmp/x <rev>` checkouts) it
 * alternates them, five rounds of each pair after a warm-up, and prints the
 * best and median ns per pair of each.
 *
 * @module
 */
import type * as Lib from "../mod.ts";

const CASES = ["tcp", "tcp-wait", "udp-sync", "udp-async", "udp-mmsg"] as const;
type Case = typeof CASES[number];
const ROUNDS = 5;
const PAIRS: Record<Case, number> = {
  "tcp": 200_000,
  "tcp-wait": 50_000,
  "udp-sync": 100_000,
  "udp-async": 100_000,
  "udp-mmsg": 200_000,
};
/** Datagrams per `sendmmsg`/`recvmmsg_into` batch in `udp-mmsg`. */
const BATCH = 32;

const args = [...Deno.args];
let only: Case[] = [...CASES];
const at = args.indexOf("--only");
if (at >= 0) {
  const names = (args.splice(at, 2)[1] ?? "").split(",");
  const bad = names.filter((n) => !(CASES as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) {
    console.error(`--only takes a list of ${CASES.join(", ")}`);
    Deno.exit(2);
  }
  only = names as Case[];
}
const mods = args.length > 0 ? args : [new URL("../mod.ts", import.meta.url).href];

type Round = (n: number) => Promise<void>;

/** A non-blocking socketpair (AF_UNIX stream, or the platform's stand-in). */
function streamPair(socket: typeof Lib) {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  return [a, b] as const;
}

function tcp(socket: typeof Lib): Round {
  const [a, b] = streamPair(socket);
  const buf = new Uint8Array(65536);
  const msg = new Uint8Array(64);
  return async (n) => {
    for (let i = 0; i < n; i++) {
      await a.sendallAsync(msg);
      if (await b.recv_intoAsync(buf) !== 64) throw new Error("short read");
    }
  };
}

function tcpWait(socket: typeof Lib): Round {
  const [a, b] = streamPair(socket);
  const bufA = new Uint8Array(65536);
  const bufB = new Uint8Array(65536);
  const msg = new Uint8Array(64);
  return async (n) => {
    const echo = (async () => {
      for (let i = 0; i < n; i++) {
        const k = await b.recv_intoAsync(bufB);
        await b.sendallAsync(bufB.subarray(0, k));
      }
    })();
    for (let i = 0; i < n; i++) {
      await a.sendallAsync(msg);
      if (await a.recv_intoAsync(bufA) !== 64) throw new Error("short read");
    }
    await echo;
  };
}

function udpPair(socket: typeof Lib) {
  const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  b.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20);
  a.bind(["127.0.0.1", 0]);
  b.bind(["127.0.0.1", 0]);
  return [a, b, b.getsockname()] as const;
}

function udpSync(socket: typeof Lib): Round {
  const [a, b, to] = udpPair(socket);
  const buf = new Uint8Array(2048);
  const msg = new Uint8Array(64);
  return (n) => {
    for (let i = 0; i < n; i++) {
      a.sendto(msg, to);
      if (b.recvfrom_into(buf)[0] !== 64) throw new Error("short read");
    }
    return Promise.resolve();
  };
}

function udpAsync(socket: typeof Lib): Round {
  const [a, b, to] = udpPair(socket);
  a.setblocking(false);
  b.setblocking(false);
  const msg = new Uint8Array(64);
  return async (n) => {
    for (let i = 0; i < n; i++) {
      await a.sendtoAsync(msg, to);
      if ((await b.recvfromAsync(2048))[0].length !== 64) throw new Error("short read");
    }
  };
}

function udpMmsg(socket: typeof Lib): Round {
  const [a, b, to] = udpPair(socket);
  const bufs = Array.from({ length: BATCH }, () => new Uint8Array(2048));
  const batch = Array.from({ length: BATCH }, () => [new Uint8Array(64), to] as const);
  return (n) => {
    for (let i = 0; i < n; i += BATCH) {
      if (a.sendmmsg(batch) !== BATCH) throw new Error("short batch");
      let got = 0;
      while (got < BATCH) got += b.recvmmsg_into(bufs.slice(got)).length;
    }
    return Promise.resolve();
  };
}

const MAKERS: Record<Case, (socket: typeof Lib) => Round> = {
  "tcp": tcp,
  "tcp-wait": tcpWait,
  "udp-sync": udpSync,
  "udp-async": udpAsync,
  "udp-mmsg": udpMmsg,
};

async function setup(spec: string): Promise<Record<string, () => Promise<number>>> {
  const url = /^file:/.test(spec) ? spec : new URL(spec, `file://${Deno.cwd()}/`).href;
  const socket = await import(url) as typeof Lib;
  const out: Record<string, () => Promise<number>> = {};
  for (const c of only) {
    const round = MAKERS[c](socket);
    await round(PAIRS[c] / 4); // warm-up: the JIT, the scratch buffers
    out[c] = async () => {
      const t0 = performance.now();
      await round(PAIRS[c]);
      return (performance.now() - t0) * 1e6 / PAIRS[c];
    };
  }
  return out;
}

const runs = await Promise.all(mods.map(setup));
for (const c of only) {
  const times: number[][] = mods.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < runs.length; i++) times[i].push(await runs[i][c]());
  }
  for (let i = 0; i < mods.length; i++) {
    const t = times[i].toSorted((x, y) => x - y);
    console.log(
      `${c} ${mods[i]}: ns per ${c === "udp-mmsg" ? "datagram" : "pair"}: best ${
        t[0].toFixed(0)
      }, ` +
        `median ${t[Math.floor(ROUNDS / 2)].toFixed(0)}`,
    );
  }
}
