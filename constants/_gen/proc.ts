/**
 * Child processes and logging for the generator.
 *
 * @module
 */

/** What a finished child process left. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode run}. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
}

/** Runs `cmd` to completion, capturing its output. */
export async function run(
  cmd: string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      cwd: opts.cwd,
      env: opts.env,
      stdin: opts.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`gen: command not found: ${cmd[0]}`);
    }
    throw e;
  }
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** Runs `cmd`; throws with its stderr unless it exits 0. */
export async function mustRun(
  cmd: string[],
  opts: RunOptions = {},
): Promise<string> {
  const r = await run(cmd, opts);
  if (r.code !== 0) {
    throw new Error(
      `gen: \`${cmd.join(" ")}\` failed (exit ${r.code}):\n${r.stderr.slice(0, 4000)}`,
    );
  }
  return r.stdout;
}

/** Progress and diagnostics go to stderr. */
export function log(msg: string): void {
  console.error(msg);
}

/** Code-point order of two strings (stable across locales). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
