/**
 * Small helpers shared by the benchmark competitors (not by the orchestrator's
 * measuring logic): CPU time of this process and exit-on-stdin-EOF.
 *
 * @module
 */

/** Clock ticks per second used by /proc/<pid>/stat (USER_HZ, 100 on Linux). */
export const CLK_TCK = 100;

/** user+system CPU seconds of a process (all threads), from /proc/<pid>/stat. */
export function procCpuSeconds(pid: number | "self" = "self"): number {
  const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name, which is parenthesised and may hold spaces.
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
}

/**
 * When stdin is a pipe or a terminal, exit as soon as it reaches EOF, so a
 * server dies with the orchestrator that started it. Needs the event loop, so
 * it only helps async servers.
 */
export function exitOnStdinEof(): void {
  let watch = false;
  try {
    watch = Deno.stdin.isTerminal() || Deno.statSync("/proc/self/fd/0").isFifo === true;
  } catch {
    watch = false;
  }
  if (!watch) return;
  (async () => {
    const buf = new Uint8Array(256);
    try {
      while ((await Deno.stdin.read(buf)) !== null) { /* ignore input */ }
    } catch { /* closed */ }
    Deno.exit(0);
  })();
}

/** Print one line to stdout without buffering surprises. */
export function println(line: string): void {
  const data = new TextEncoder().encode(line + "\n");
  let off = 0;
  while (off < data.length) off += Deno.stdout.writeSync(data.subarray(off));
}

/** Parse a positive integer argument or exit with a usage message. */
export function intArg(v: string | undefined, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`bad ${name}: ${v}`);
    Deno.exit(2);
  }
  return n;
}
