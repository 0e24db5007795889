/**
 * No permission prompt, ever: every file in examples/ (globbed, so examples
 * added later are covered) runs with exactly the permissions its doc line
 * names (`deno run --allow-… examples/x.ts`; `--allow-ffi` when it names
 * none), and `deno task demo` runs as the README says, each inside a
 * pseudo-terminal (`script -qec …`, util-linux), where Deno would stop and
 * ask. The test fails on any prompt text ("Deno requests …", "⚠️") and on a
 * refused permission ("NotCapable", "Requires … access").
 *
 * Servers run until `timeout` (inside the terminal) ends them; examples that
 * take arguments get harmless loopback ones.
 */
import { assert, assertEquals } from "@std/assert";
import { DENO_PREFIX, denoArgv, permissionsOf } from "./_helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const EXAMPLES = `${ROOT}examples/`;
/** Seconds an example may run before `timeout` ends it (servers never end). */
const RUN_SECONDS = DENO_PREFIX.length > 0 ? 30 : 6;
/** Seconds the demo may take (it starts two more Denos). */
const DEMO_SECONDS = DENO_PREFIX.length > 0 ? 240 : 60;
/** Loopback arguments for the examples that take some. */
const ARGS: Record<string, string[]> = {
  "echo_server.ts": ["127.0.0.1"],
  "echo_client.ts": ["127.0.0.1"],
  "async_echo_server.ts": ["127.0.0.1", "0"],
  // The ssl examples load OpenSSL, then stop at a refused port or a missing file.
  "https_get.ts": ["https://127.0.0.1:1/"],
  "starttls.ts": ["127.0.0.1", "1"],
  "tls_echo_server.ts": [
    "--cert",
    "/nonexistent",
    "--key",
    "/nonexistent",
    "--client-ca",
    "/nonexistent",
  ],
};
const PROMPT = /Deno requests|⚠️|NotCapable|Requires \S+ access|Allow\? \[y\/n/;

function hasScript(): boolean {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

function netnsWorks(): boolean {
  try {
    return new Deno.Command("unshare", {
      args: ["-n", "sh", "-c", "ip link set lo up"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}
const NETNS = netnsWorks();

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Runs `argv` in a pseudo-terminal for at most `seconds`; returns what it printed. */
async function inTerminal(argv: string[], seconds: number): Promise<string> {
  const run = ["timeout", "-s", "KILL", String(seconds), ...argv].map(quote).join(" ");
  // In a network namespace of its own (when this host allows one), an
  // example's fixed port (50007) cannot collide with other tests.
  const inner = NETNS ? `unshare -n sh -c ${quote(`ip link set lo up && exec ${run}`)}` : run;
  const child = new Deno.Command("script", {
    args: ["-qec", inner, "/dev/null"],
    cwd: ROOT,
    // No env access is granted to the examples: nothing may ask for it.
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Keep the terminal's input open (a prompt waits on it) but never answer.
  const guard = setTimeout(() => {
    try {
      child.kill("SIGKILL"); // this child, by pid, if `timeout` failed to end it
    } catch { /* exited */ }
  }, (seconds + 30) * 1000);
  try {
    const [out, err] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.status,
    ]);
    return out + err;
  } finally {
    clearTimeout(guard);
    await child.stdin.close().catch(() => {});
  }
}

/**
 * `deno task demo`; under an emulator prefix, the task's own command line
 * from deno.json (the task runner would start the native `deno`).
 */
function demoArgv(): string[] {
  if (DENO_PREFIX.length === 0) return denoArgv(["task", "demo"]);
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  const [deno, ...args] = String(config.tasks.demo).split(" ");
  assertEquals(deno, "deno", "the demo task starts with deno");
  return denoArgv(args);
}

const examples = [...Deno.readDirSync(EXAMPLES)]
  .filter((e) => e.isFile && e.name.endsWith(".ts"))
  .map((e) => e.name)
  .sort();

Deno.test({
  name: "no prompt: every example and `deno task demo` run in a terminal without asking",
  ignore: !hasScript(),
  async fn() {
    assert(examples.length >= 4, `examples found: ${examples}`);
    if (!NETNS) console.log("  no network namespace here: examples run one at a time");
    const runs = examples.map((name) => () => {
      const source = Deno.readTextFileSync(EXAMPLES + name);
      const argv = denoArgv([
        "run",
        ...permissionsOf(name, source),
        `examples/${name}`,
        ...(ARGS[name] ?? []),
      ]);
      return inTerminal(argv, RUN_SECONDS).then((out): [string, string] => [name, out]);
    });
    runs.push(() =>
      inTerminal(demoArgv(), DEMO_SECONDS).then((out): [string, string] => [
        "deno task demo",
        out,
      ])
    );
    const results: [string, string][] = [];
    if (NETNS) results.push(...await Promise.all(runs.map((run) => run())));
    else for (const run of runs) results.push(await run());
    const demo = results.at(-1)![1];
    const prompted = results.filter(([, out]) => PROMPT.test(out));
    assertEquals(
      prompted.map(([what, out]) => `${what}:\n${out}`),
      [],
      "permission prompts in a terminal",
    );
    assert(demo.includes("Received 'Hello, world'"), `the demo did not run through:\n${demo}`);
  },
});
