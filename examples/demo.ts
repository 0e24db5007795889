/**
 * Runs the seed's two example programs against each other: starts
 * `echo_server.ts` as a subprocess, waits until it listens on port 50007,
 * runs `echo_client.ts`, forwards both outputs, and exits 0 only if the
 * client printed `Received 'Hello, world'`.
 *
 * Client and server must be separate processes: their socket calls block
 * the whole thread, as in Python.
 *
 * usage: deno task demo
 * (deno run --allow-ffi --allow-run --allow-read examples/demo.ts)
 *
 * The environment variable `LIBC_SOCKET_DENO_PREFIX` (e.g.
 * `qemu-aarch64-static`) is put in front of the Deno command of both children.
 *
 * @module
 */
import * as socket from "../mod.ts";
import { Cli } from "./_args.ts";

const PORT = 50007;
const EXPECTED = "Received 'Hello, world'";
const STARTUP_MS = 60_000; // generous: Deno starts slowly under emulation
const decoder = new TextDecoder();

/**
 * Reads an environment variable without ever prompting: `Deno.env` only when
 * env access to it is already granted; otherwise (the task does not grant
 * it) the C library's `getenv(3)`, since `--allow-ffi` already grants full
 * access to the process.
 */
function getenv(name: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state === "granted") {
    return Deno.env.get(name);
  }
  const candidates = Deno.build.os === "darwin" ? ["/usr/lib/libSystem.B.dylib"] : [
    "libc.so.6",
    "libc.so",
  ];
  for (const path of candidates) {
    let lib;
    try {
      lib = Deno.dlopen(path, { getenv: { parameters: ["buffer"], result: "pointer" } });
    } catch {
      continue;
    }
    try {
      const p = lib.symbols.getenv(new TextEncoder().encode(name + "\0"));
      return p === null ? undefined : new Deno.UnsafePointerView(p).getCString();
    } finally {
      lib.close();
    }
  }
  return undefined;
}

function fail(message: string): never {
  console.error(`error: ${message}`);
  Deno.exit(1);
}

/**
 * Whether something listens on TCP `port`. Connecting to find out would use
 * up the server's only connection, so this reads the kernel's socket table
 * (/proc/net/tcp and tcp6) instead, through `cat`: Deno lets only
 * `--allow-all` programs read /proc directly.
 */
async function listening(port: number): Promise<boolean> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const out = await new Deno.Command("cat", {
    args: ["/proc/net/tcp", "/proc/net/tcp6"],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  for (const line of decoder.decode(out.stdout).split("\n")) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (local?.endsWith(hexPort) && state === "0A") return true; // TCP_LISTEN
  }
  return false;
}

/** Fails clearly when port 50007 cannot be bound. */
function checkPortFree(): void {
  const probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  try {
    probe.bind("", PORT);
  } catch (e) {
    if (e instanceof socket.error && e.code === "EADDRINUSE") {
      fail(`port ${PORT} is already in use; stop whatever holds it and run the demo again`);
    }
    throw e;
  } finally {
    probe.close();
  }
}

function denoRun(script: string, args: string[] = []): Deno.Command {
  const prefix = (getenv("LIBC_SOCKET_DENO_PREFIX") ?? "").split(" ").filter(Boolean);
  const [cmd, ...pre] = [...prefix, Deno.execPath()];
  const path = new URL(script, import.meta.url).pathname;
  return new Deno.Command(cmd, {
    args: [...pre, "run", "--allow-ffi", path, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

new Cli({
  usage: "demo.ts",
  help: "Runs examples/echo_server.ts and examples/echo_client.ts against each other on " +
    "port 50007\n(deno task demo).",
}).parse();
checkPortFree();
const server = denoRun("./echo_server.ts").spawn();
const serverOutput = server.output();
let serverDone = false;
serverOutput.finally(() => (serverDone = true)).catch(() => {});

const deadline = Date.now() + STARTUP_MS;
while (!(await listening(PORT))) {
  if (serverDone) {
    const out = await serverOutput;
    await Deno.stdout.write(out.stdout);
    await Deno.stderr.write(out.stderr);
    fail(`the server exited (code ${out.code}) before listening on port ${PORT}`);
  }
  if (Date.now() > deadline) {
    server.kill();
    await serverOutput;
    fail(`the server did not listen on port ${PORT} within ${STARTUP_MS / 1000} s`);
  }
  await new Promise((r) => setTimeout(r, 50));
}

const client = await denoRun("./echo_client.ts", ["localhost"]).output();
if (!client.success) {
  // The server may still wait for its one client: do not hang on it.
  try {
    server.kill();
  } catch { /* already gone */ }
}
const srv = await serverOutput;
await Deno.stdout.write(srv.stdout);
await Deno.stderr.write(srv.stderr);
await Deno.stdout.write(client.stdout);
await Deno.stderr.write(client.stderr);

const printed = decoder.decode(client.stdout).split("\n").map((l) => l.trimEnd());
if (!printed.includes(EXPECTED)) {
  fail(`the client did not print ${JSON.stringify(EXPECTED)} (client exit code ${client.code})`);
}
if (!srv.success) fail(`the server exited with code ${srv.code}`);
console.log("demo: ok");
