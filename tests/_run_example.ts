/**
 * Test helper: runs one of the examples as `deno run --allow-ffi
 * --no-prompt examples/NAME.ts ARGS` (so a permission request fails rather
 * than prompting), with stdin piped and kept open, waits for the line that
 * names the port it listens on, and hands back the port, the rest of its
 * output, and a way to close stdin.
 */
import { denoCommand } from "./_helpers.ts";

const dec = new TextDecoder();

/** A running example. */
export interface RunningExample {
  /** The port parsed from its "listening on"/"serving on" line. */
  port: number;
  /** Closes the example's stdin (it stops on EOF). */
  closeStdin(): Promise<void>;
  /** Waits for the exit; resolves to [exit code, all stdout, stderr]. */
  done(): Promise<[number, string, string]>;
}

/** Starts `examples/<name>.ts` with `args`. */
export async function runExample(name: string, args: string[]): Promise<RunningExample> {
  const path = new URL(`../examples/${name}.ts`, import.meta.url).pathname;
  const child = denoCommand(["run", "--allow-ffi", "--no-prompt", path, ...args], {
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const reader = child.stdout.getReader();
  let text = "";
  let port = -1;
  while (port < 0) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value);
    const m = /(?:listening|serving) on \[ "127\.0\.0\.1", (\d+) \]/.exec(text);
    if (m) port = Number(m[1]);
  }
  const errText = new Response(child.stderr).text();
  if (port < 0) {
    await child.status;
    throw new Error(`example ${name} printed no port:\n${text}\n${await errText}`);
  }
  let closed = false;
  const closeStdin = async () => {
    if (!closed) {
      closed = true;
      await stdin.close().catch(() => {});
    }
  };
  return {
    port,
    closeStdin,
    async done() {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += dec.decode(value);
      }
      const status = await child.status;
      await closeStdin();
      return [status.code, text, await errText];
    },
  };
}
