/**
 * Small helpers of seed_test.ts and broadcast_test.ts: spawning Deno (with
 * the `LIBC_SOCKET_DENO_PREFIX` emulator prefix), running python3, and a
 * temporary directory that removes itself.
 */

const decoder = new TextDecoder();

/** The emulator prefix for child Deno processes, e.g. `["qemu-aarch64-static"]`. */
export const DENO_PREFIX: string[] = (Deno.env.get("LIBC_SOCKET_DENO_PREFIX") ?? "")
  .split(" ")
  .filter(Boolean);

/** A command running this Deno (behind `DENO_PREFIX`) with `args`. */
export function denoCommand(
  args: string[],
  options: Omit<Deno.CommandOptions, "args"> = {},
): Deno.Command {
  const [cmd, ...pre] = [...DENO_PREFIX, Deno.execPath()];
  return new Deno.Command(cmd, { stdin: "null", ...options, args: [...pre, ...args] });
}

/** `argv` of a Deno run, for embedding in a shell command line. */
export function denoArgv(args: string[]): string[] {
  return [...DENO_PREFIX, Deno.execPath(), ...args];
}

/** Runs `python3 -c code args...`; returns its stdout, throws with its stderr on failure. */
export async function python(code: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("python3", {
    args: ["-c", code, ...args],
    env: { LC_ALL: "C" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`python3 failed: ${decoder.decode(out.stderr)}`);
  return decoder.decode(out.stdout);
}

/** A fresh temporary directory, removed (recursively) on dispose. */
export function tempDir(): { path: string } & Disposable {
  const path = Deno.makeTempDirSync({ prefix: "libc_socket_" });
  return { path, [Symbol.dispose]: () => Deno.removeSync(path, { recursive: true }) };
}
