/**
 * Small helpers of the tests: spawning Deno (with the
 * `LIBC_SOCKET_DENO_PREFIX` emulator prefix), running python3, a temporary
 * directory that removes itself, and the examples with their permissions.
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

/** The absolute path of examples/. */
export const EXAMPLES_DIR: string = new URL("../examples/", import.meta.url).pathname;

/** The examples' file names (`examples/*.ts` but the `_` helpers), sorted. */
export function exampleNames(): string[] {
  return [...Deno.readDirSync(EXAMPLES_DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_"))
    .map((e) => e.name)
    .sort();
}

/**
 * The permission flags an example's doc line gives its `deno run` (those
 * before the file name: after it come the example's own options).
 */
export function permissionsOf(name: string, source: string): string[] {
  const line = source.split("\n").find((l) => l.includes("deno run") && l.includes(name));
  const before = line?.slice(line.indexOf("deno run"), line.indexOf(name)) ?? "";
  const flags = before.match(/--allow-[\w-]+(=\S+)?/g) ?? [];
  return flags.length > 0 ? flags : ["--allow-ffi"];
}

/**
 * Fills `sock`'s send path until a send would block (bounded: 4,096 sends of
 * 64 KiB), then restores its timeout; returns the bytes sent. A single large
 * send does not: Winsock (and Wine) take a whole buffer of any size into an
 * empty socket at once.
 */
export function fillSendBuffer(sock: {
  gettimeout(): number | null;
  settimeout(t: number | null): void;
  send(data: Uint8Array): number;
}): number {
  const timeout = sock.gettimeout();
  const chunk = new Uint8Array(1 << 16);
  let sent = 0;
  sock.settimeout(0);
  try {
    for (let i = 0; i < 4096; i++) sent += sock.send(chunk);
  } catch (e) {
    if ((e as Error).name !== "BlockingIOError") throw e;
    return sent;
  } finally {
    sock.settimeout(timeout);
  }
  throw new Error(`fillSendBuffer: ${sent} bytes sent and still room`);
}

/**
 * A descriptor number that is never open in this process: INT_MAX on POSIX
 * (beyond any open-file limit, so EBADF), and on Windows a handle value far
 * beyond any handle table (WSAENOTSOCK). Tests that need "a closed
 * descriptor" use it instead of closing one and reusing its number: test
 * files run in parallel in one process, and a number just freed may already
 * be another file's socket.
 */
export const NEVER_OPEN_FD: number = Deno.build.os === "windows" ? 0x7ffffffc : 0x7fffffff;
