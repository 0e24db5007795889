/**
 * The async fast path in isolation: `sendallAsync` then `recv_intoAsync` of
 * 64 bytes over a non-blocking socketpair, where each call completes at
 * once (one syscall, no reactor turn). No network stack load and no second
 * process, so it shows the library's own cost per call, which the echo and
 * HTTP sections blur with the kernel's.
 *
 *   deno run -A bench/fast_path.ts [MOD_TS ...]
 *
 * With no argument it measures this tree's `mod.ts`; with several (e.g. the
 * `mod.ts` of `git worktree add --detach /tmp/x <rev>` checkouts) it
 * alternates them, five rounds of 200,000 pairs each after a warm-up, and
 * prints the best and median ns per pair of each.
 *
 * @module
 */
import type * as Lib from "../mod.ts";

const mods = Deno.args.length > 0 ? Deno.args : [new URL("../mod.ts", import.meta.url).href];
const PAIRS = 200_000;
const ROUNDS = 5;

async function setup(spec: string): Promise<() => Promise<number>> {
  const url = /^file:/.test(spec) ? spec : new URL(spec, `file://${Deno.cwd()}/`).href;
  const socket = await import(url) as typeof Lib;
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  const buf = new Uint8Array(65536);
  const msg = new Uint8Array(64);
  const round = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await a.sendallAsync(msg);
      if (await b.recv_intoAsync(buf) !== 64) throw new Error("short read");
    }
  };
  await round(50_000); // warm-up: the JIT, the scratch buffers
  return async () => {
    const t0 = performance.now();
    await round(PAIRS);
    return (performance.now() - t0) * 1e6 / PAIRS;
  };
}

const runs = await Promise.all(mods.map(setup));
const times: number[][] = mods.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < runs.length; i++) times[i].push(await runs[i]());
}
for (let i = 0; i < mods.length; i++) {
  const t = times[i].toSorted((x, y) => x - y);
  console.log(
    `${mods[i]}: ns per sendallAsync+recv_intoAsync pair: best ${t[0].toFixed(0)}, ` +
      `median ${t[Math.floor(ROUNDS / 2)].toFixed(0)}`,
  );
}
