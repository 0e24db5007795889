/**
 * The examples behave like tools (examples/_args.ts, examples/_socket_file.ts):
 * - every example (examples/*.ts, globbed: later ones are covered too)
 *   answers `--help` and `-h` with its usage line on stdout and exit 0, and
 *   an unknown option with the problem and the usage line on stderr and
 *   exit 2, before it does anything else;
 * - an error the user caused is one line, `error: …`, naming its subject,
 *   and exit 1, not an uncaught exception's stack;
 * - fd_passing.ts and peercred_server.ts remove the socket files they
 *   create: after a run, after an error, on SIGINT and on SIGTERM, so a
 *   second run works; a path that was there before is never removed.
 *
 * Each example runs with the permissions its doc line names, and
 * `--no-prompt`. Nothing here uses the host's network: the runs that open
 * sockets use Unix sockets, or a network namespace of their own
 * (tests/_netns.ts).
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import * as socket from "../mod.ts";
import {
  DENO_PREFIX,
  denoArgv,
  denoCommand,
  exampleNames,
  EXAMPLES_DIR,
  permissionsOf,
  tempDir,
} from "./_helpers.ts";
import { inNetns, netnsUnavailable, sh } from "./_netns.ts";

const dec = new TextDecoder();
const examples = exampleNames();
/** Concurrent Deno starts (each costs seconds under an emulator). */
const POOL = 4;

function argvOf(name: string, args: string[]): string[] {
  const source = Deno.readTextFileSync(EXAMPLES_DIR + name);
  return ["run", ...permissionsOf(name, source), "--no-prompt", EXAMPLES_DIR + name, ...args];
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Seconds an example may take (one that does not stop is killed, and fails). */
const LIMIT_SECONDS = DENO_PREFIX.length > 0 ? 120 : 30;
/**
 * The three tests that start every example several times parse arguments,
 * which no architecture changes; under emulation (a Deno start costs seconds)
 * they would take most of the aarch64 phase, so they run natively only.
 */
const CLI_IGNORE = DENO_PREFIX.length > 0;
const CLI_WHY = CLI_IGNORE ? " [ignored under emulation: argument parsing, checked natively]" : "";

/**
 * Runs an example to its end, stdin empty, in a temporary directory (an
 * example that took an argument for a file name must not leave it here).
 */
async function run(name: string, args: string[]): Promise<Ran> {
  using dir = tempDir();
  const child = denoCommand(argvOf(name, args), {
    cwd: dir.path,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL"); // the child we started, by pid
    } catch { /* exited */ }
  }, LIMIT_SECONDS * 1000);
  try {
    const out = await child.output();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

/** `f` over `items`, at most POOL at a time, results in order. */
async function pooled<T, R>(items: T[], f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: POOL }, worker));
  return out;
}

const exists = (path: string) => {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
};

Deno.test({
  name: "examples: --help and -h print the usage on stdout and exit 0" + CLI_WHY,
  ignore: CLI_IGNORE,
}, async () => {
  assert(examples.length >= 15, `examples found: ${examples}`);
  const runs = examples.flatMap((name) => [[name, "--help"], [name, "-h"]]);
  const results = await pooled(runs, ([name, flag]) => run(name, [flag]));
  const problems: string[] = [];
  runs.forEach(([name, flag], i) => {
    const r = results[i];
    const first = r.stdout.split("\n")[0];
    if (
      r.code !== 0 || !(first === `usage: ${name}` || first.startsWith(`usage: ${name} `)) ||
      r.stderr !== ""
    ) {
      problems.push(`${name} ${flag}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    }
  });
  assertEquals(problems, []);
});

Deno.test({
  name: "examples: an unknown option prints the usage on stderr and exits 2" + CLI_WHY,
  ignore: CLI_IGNORE,
}, async () => {
  const results = await pooled(examples, (name) => run(name, ["--no-such-option"]));
  const problems: string[] = [];
  examples.forEach((name, i) => {
    const r = results[i];
    const lines = r.stderr.split("\n");
    if (
      r.code !== 2 || r.stdout !== "" ||
      lines[0] !== `${name}: unknown option --no-such-option` ||
      !lines.some((l) => l.startsWith(`usage: ${name}`)) || r.stderr.includes("Uncaught")
    ) {
      problems.push(`${name}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    }
  });
  assertEquals(problems, []);
});

Deno.test({
  name: "examples: bad values and missing arguments are usage errors (exit 2)" + CLI_WHY,
  ignore: CLI_IGNORE,
}, async () => {
  const cases: [string, string[], RegExp][] = [
    ["ping.ts", [], /^ping\.ts: missing argument\n/],
    ["ping.ts", ["127.0.0.1", "-c"], /^ping\.ts: option -c needs a value\n/],
    ["sniff.ts", ["lo", "-c", "x"], /^sniff\.ts: bad value for -c: "x"/],
    ["select_echo_server.ts", ["--port", "70000"], /^select_echo_server\.ts: bad value for --port/],
    ["echo_server.ts", ["a", "b"], /^echo_server\.ts: unexpected argument b\n/],
    ["fd_passing.ts", ["copy", "/x"], /^fd_passing\.ts: unknown mode copy\n/],
    ["https_get.ts", [], /^https_get\.ts: missing argument\n/],
    ["https_get.ts", ["http://127.0.0.1/"], /^https_get\.ts: not an https URL: http:\/\/127/],
    ["https_get.ts", ["no url"], /^https_get\.ts: not a URL: no url\n/],
    ["tls_echo_server.ts", [], /^tls_echo_server\.ts: option --cert is required\n/],
    [
      "tls_echo_server.ts",
      ["--cert", "c", "--key", "k", "--client-ca", "a", "--count", "0"],
      /^tls_echo_server\.ts: bad value for --count: "0"/,
    ],
    ["starttls.ts", [], /^starttls\.ts: missing argument\n/],
    ["starttls.ts", ["127.0.0.1", "70000"], /^starttls\.ts: bad value for PORT: "70000"/],
    ["starttls.ts", ["127.0.0.1", "--cafile"], /^starttls\.ts: option --cafile needs a value\n/],
  ];
  const results = await pooled(cases, ([name, args]) => run(name, args));
  cases.forEach(([name, args, want], i) => {
    const r = results[i];
    const what = `${name} ${args.join(" ")}: ${r.stderr}`;
    assertEquals([r.code, r.stdout], [2, ""], what);
    assertMatch(r.stderr, want, what);
    assert(r.stderr.includes(`\nusage: ${name}`), what);
  });
});

/** A running example: its output so far, and a wait for a line of it. */
function spawn(name: string, args: string[]) {
  const child = denoCommand(argvOf(name, args), {
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  let stdout = "";
  const stderr = new Response(child.stderr).text();
  return {
    child,
    /** Reads stdout until it holds `text`. */
    async waitFor(text: string): Promise<void> {
      while (!stdout.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`${name} ended without printing ${text}:\n${await stderr}`);
        stdout += dec.decode(value);
      }
    },
    /** Waits for the exit: [code, stdout, stderr]. */
    async done(): Promise<[number, string, string]> {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        stdout += dec.decode(value);
      }
      return [(await child.status).code, stdout, await stderr];
    },
  };
}

/** `fd_passing.ts send path label < file` to its end. */
async function fdSend(path: string, file: string, label: string): Promise<Ran> {
  const argv = denoArgv(argvOf("fd_passing.ts", ["send", path, label]));
  const out = await new Deno.Command("sh", {
    args: ["-c", 'f=$1; shift; exec "$@" < "$f"', "sh", file, ...argv],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("examples: fd_passing.ts recv removes its socket file, and a second run works", async () => {
  using dir = tempDir();
  const path = `${dir.path}/fd.sock`;
  const file = `${dir.path}/data.txt`;
  for (const round of [1, 2]) {
    Deno.writeTextFileSync(file, `round ${round}\n`);
    const recv = spawn("fd_passing.ts", ["recv", path]);
    await recv.waitFor(`waiting on ${path}`);
    assert(Deno.lstatSync(path).isSocket, "the receiver's socket file");
    const sent = await fdSend(path, file, `r${round}`);
    assertEquals(sent.code, 0, sent.stderr);
    const [code, out, err] = await recv.done();
    assertEquals(code, 0, `round ${round}: ${out}\n${err}`);
    assert(out.endsWith(`read 8 bytes through it:\nround ${round}\n`), out);
    assert(out.includes(`with message "r${round}"`), out);
    assertEquals(exists(path), false, `round ${round}: ${path} is left behind`);
  }
});

Deno.test("examples: fd_passing.ts recv removes its socket file after an error", async () => {
  using dir = tempDir();
  const path = `${dir.path}/fd.sock`;
  const recv = spawn("fd_passing.ts", ["recv", path]);
  await recv.waitFor(`waiting on ${path}`);
  {
    // A client that sends bytes but no descriptor.
    using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    await c.connectAsync(path);
    await c.sendallAsync("no descriptor here");
  }
  const [code, , err] = await recv.done();
  assertEquals([code, err], [1, "error: no descriptor arrived\n"]);
  assertEquals(exists(path), false, `${path} is left behind`);
});

for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`examples: fd_passing.ts recv and peercred_server.ts remove their socket files on ${signal}`, async () => {
    using dir = tempDir();
    const servers: [string, string[], string][] = [
      ["fd_passing.ts", ["recv", `${dir.path}/fd.sock`], `${dir.path}/fd.sock`],
      ["peercred_server.ts", [`${dir.path}/peer.sock`], `${dir.path}/peer.sock`],
    ];
    for (const [name, args, path] of servers) {
      const server = spawn(name, args);
      await server.waitFor(path);
      assert(Deno.lstatSync(path).isSocket, `${name}: the socket file`);
      server.child.kill(signal); // the child we started, by pid
      const [code, out, err] = await server.done();
      assertEquals(code, status, `${name}: ${out}\n${err}`);
      assertEquals(exists(path), false, `${name}: ${path} is left behind after ${signal}`);
    }
  });
}

Deno.test("examples: peercred_server.ts with a path serves, then removes its socket file", async () => {
  using dir = tempDir();
  const path = `${dir.path}/peer.sock`;
  const server = spawn("peercred_server.ts", [path, "-c", "1"]);
  await server.waitFor(`listening on ${path}`);
  {
    using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    await c.connectAsync(path);
    let reply = "";
    for (let d; (d = await c.recvAsync(256)).length > 0;) reply += dec.decode(d);
    assertMatch(reply, /^welcome, uid \d+/);
  }
  const [code, out, err] = await server.done();
  assertEquals(code, 0, `${out}\n${err}`);
  assertEquals(exists(path), false, `${path} is left behind`);
});

Deno.test("examples: fd_passing.ts recv leaves a file that was there and says so", async () => {
  using dir = tempDir();
  const path = `${dir.path}/not-a-socket`;
  Deno.writeTextFileSync(path, "precious");
  const r = await run("fd_passing.ts", ["recv", path]);
  assertEquals(r.code, 1, r.stderr);
  assertEquals(r.stderr.split("\n").length, 2, r.stderr); // one line
  assertMatch(r.stderr, new RegExp(`^error: ${path.replaceAll("/", "\\/")} exists`));
  assertEquals(Deno.readTextFileSync(path), "precious");
});

const netns = netnsUnavailable();
Deno.test({
  name: `examples: an expected error is one line naming its subject, exit 1 (network namespace)${
    netns ? ` [ignored: ${netns}]` : ""
  }`,
  ignore: netns !== null,
  async fn() {
    const cmd = (name: string, ...args: string[]) =>
      denoArgv(argvOf(name, args)).map(sh).join(" ") + ' </dev/null; echo "@@EXIT $?"';
    // A fresh namespace: no interface nosuch0, nothing listens on port 50007.
    const r = await inNetns(
      [
        "ip link set lo up",
        cmd("sniff.ts", "nosuch0"),
        "echo @@ >&2",
        cmd("echo_client.ts", "127.0.0.1"),
        "echo @@ >&2",
        cmd("multicast_chat.ts", "bob", "--iface", "nosuch0"),
      ].join("\n"),
      [],
      DENO_PREFIX.length > 0 ? 300_000 : 60_000,
    );
    const codes = [...r.stdout.matchAll(/@@EXIT (\d+)/g)].map((m) => Number(m[1]));
    const errs = r.stderr.split("@@\n");
    assertEquals(codes, [1, 1, 1], r.stdout + r.stderr);
    assertEquals(errs[0], "error: no such interface: nosuch0\n");
    assertMatch(errs[1], /^error: \[Errno 111\] Connection refused[^\n]*\n$/);
    assertMatch(errs[2], /^error: cannot join 239\.255\.42\.1 on nosuch0: [^\n]+\n$/);
  },
});
