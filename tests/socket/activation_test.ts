/**
 * Socket activation (activation.ts, examples/activated_server.ts).
 *
 * - `listen_fds` under a python launcher that plays the service manager
 *   exactly as sd_listen_fds(3) describes: descriptors from 3, LISTEN_PID set
 *   to the pid that then execs Deno, LISTEN_FDS, LISTEN_FDNAMES;
 * - examples/activated_server.ts under the real `systemd-socket-activate`,
 *   for TCP on loopback and for a Unix socket: connect, get a reply.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import * as socket from "../../mod.ts";
import { denoArgv, denoCommand, tempDir } from "../_helpers.ts";

const SELF = new URL(import.meta.url).pathname;
const SERVER = new URL("../../examples/activated_server.ts", import.meta.url).pathname;
const dec = new TextDecoder();

/** Child mode: what listen_fds_with_names gave, as JSON. */
function child(): void {
  const report: Record<string, unknown> = {};
  try {
    const got = socket.listen_fds_with_names({
      unset_environment: Deno.args.includes("--unset"),
    });
    report.sockets = got.map(([s, name]) => [
      s.fileno(),
      s.family,
      s.type,
      s.proto,
      s.get_inheritable(),
      name,
      typeof s.getsockname() === "string" ? "unix" : "inet",
    ]);
    for (const [s] of got) s.close();
  } catch (e) {
    report.error = (e as socket.error).code ?? (e as Error).name;
    report.message = (e as Error).message;
  }
  report.env = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"].map((v) => Deno.env.get(v) ?? null);
  console.log(JSON.stringify(report));
}

/**
 * Child mode: the error cases, one process (each Deno start is slow under
 * emulation). The launcher passed fd 3 (a TCP socket) and fd 4 (a file);
 * each scenario sets the variables and calls listen_fds_with_names again.
 */
function scenarios(): void {
  const set = (pid: string, fds: string, names?: string) => {
    Deno.env.set("LISTEN_PID", pid);
    Deno.env.set("LISTEN_FDS", fds);
    if (names === undefined) Deno.env.delete("LISTEN_FDNAMES");
    else Deno.env.set("LISTEN_FDNAMES", names);
  };
  const outcome = (options?: socket.ListenFdsOptions) => {
    try {
      const got = socket.listen_fds_with_names(options);
      // Detach: the descriptors stay open for the next scenario.
      return got.map(([s, name]) => (s.detach(), name));
    } catch (e) {
      return (e as socket.error).code ?? (e as Error).name;
    }
  };
  const me = String(Deno.pid);
  const r: Record<string, unknown> = {};
  set("12x", "1");
  r.badPid = outcome();
  set(me, "-1");
  r.negative = outcome();
  set(me, "1", "a:b");
  r.tooManyNames = outcome();
  set(me, "1");
  r.unnamed = outcome();
  set(me, "2");
  r.notSocket = outcome();
  // The failed adoption left fd 3 open (detached, not closed).
  r.fd3Open = new socket.Socket(-1, -1, -1, 3).detach() === 3;
  set(me, "0");
  r.zero = outcome();
  set("1", "1", "x");
  r.otherPid = outcome({ unset_environment: true });
  r.envAfter = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"].map((v) => Deno.env.get(v) ?? null);
  console.log(JSON.stringify(r));
}

/** Plays the service manager: makes the descriptors, sets the variables, execs `argv`. */
const LAUNCHER = `
import json, os, socket, sys
spec = json.loads(sys.argv[1])
argv = sys.argv[2:]
keep, fds = [], []
for kind in spec["fds"]:
    if kind == "tcp":
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); keep.append(s); fds.append(s.fileno())
    elif kind == "udp6":
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0)); keep.append(s); fds.append(s.fileno())
    elif kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); keep.append(s); fds.append(s.fileno())
    else:
        fds.append(os.open("/dev/null", os.O_RDONLY))
high = [os.dup2(fd, 100 + i, inheritable=True) for i, fd in enumerate(fds)]
for i, fd in enumerate(high):
    os.dup2(fd, 3 + i, inheritable=True)
env = {k: v for k, v in os.environ.items() if not k.startswith("LISTEN_")}
pid = {"self": str(os.getpid()), "other": "1", "bad": "12x"}[spec["pid"]]
env["LISTEN_PID"] = pid
env["LISTEN_FDS"] = spec.get("count", str(len(fds)))
if "names" in spec:
    env["LISTEN_FDNAMES"] = spec["names"]
os.execvpe(argv[0], argv, env)
`;

async function launch(
  spec: Record<string, unknown>,
  flags: string[] = ["--child"],
): Promise<Record<string, unknown>> {
  const out = await new Deno.Command("python3", {
    args: [
      "-c",
      LAUNCHER,
      JSON.stringify(spec),
      ...denoArgv(["run", "--allow-ffi", "--allow-env", SELF, ...flags]),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = dec.decode(out.stdout);
  assert(out.success, `child failed:\n${text}\n${dec.decode(out.stderr)}`);
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

if (import.meta.main && Deno.args[0] === "--child") {
  child();
} else if (import.meta.main && Deno.args[0] === "--scenarios") {
  scenarios();
} else {
  const { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET } = socket;

  Deno.test("activation: listen_fds adopts fds from 3 with their family, type and name, close-on-exec", async () => {
    const r = await launch({ fds: ["tcp", "udp6", "unix"], pid: "self", names: "web:dns:" });
    assertEquals(r.sockets, [
      [3, AF_INET, SOCK_STREAM, socket.IPPROTO_TCP, false, "web", "inet"],
      [4, AF_INET6, SOCK_DGRAM, socket.IPPROTO_UDP, false, "dns", "inet"],
      // An empty third name stays empty.
      [5, AF_UNIX, SOCK_SEQPACKET, 0, false, "", "unix"],
    ]);
    // Without unset_environment the variables stay.
    assertEquals((r.env as string[])[1], "3");
    assertEquals((r.env as string[])[2], "web:dns:");
  });

  Deno.test("activation: unset_environment removes LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES", async () => {
    const r = await launch({ fds: ["tcp"], pid: "self", names: "x" }, ["--child", "--unset"]);
    assertEquals((r.sockets as unknown[]).length, 1);
    assertEquals(r.env, [null, null, null]);
  });

  Deno.test("activation: another pid's variables, malformed ones, a name count that differs, a non-socket", async () => {
    const r = await launch({ fds: ["tcp", "file"], pid: "self" }, ["--scenarios"]);
    assertEquals(r, {
      badPid: "EINVAL",
      negative: "EINVAL",
      // One name per descriptor, as sd_listen_fds_with_names insists.
      tooManyNames: "EINVAL",
      unnamed: ["unknown"],
      notSocket: "ENOTSOCK",
      fd3Open: true,
      zero: [],
      // Not activated: [], and unset_environment unsets all the same.
      otherPid: [],
      envAfter: [null, null, null],
    });
  });

  Deno.test("activation: without --allow-env it throws NotCapable instead of prompting", async () => {
    using dir = tempDir();
    const script = `${dir.path}/noenv.ts`;
    Deno.writeTextFileSync(
      script,
      `import { listen_fds } from "${new URL("../../mod.ts", import.meta.url)}";
try { listen_fds(); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }`,
    );
    const r = await denoCommand(["run", "--allow-ffi", "--allow-read", script], {
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(
      dec.decode(r.stdout).trim(),
      "NotCapable: listen_fds() reads LISTEN_PID: run with --allow-env=LISTEN_PID,LISTEN_FDS,LISTEN_FDNAMES",
      dec.decode(r.stderr),
    );
  });

  const hasActivate = new Deno.Command("sh", {
    args: ["-c", "command -v systemd-socket-activate"],
    stdout: "null",
  }).outputSync().success;
  const why = hasActivate ? "" : " [ignored: systemd-socket-activate is not installed]";
  if (!hasActivate) console.log("activation_test.ts: systemd-socket-activate not installed");

  /** Connects (retrying while the launcher is still starting up) and reads the reply. */
  const ask = async (
    family: number,
    address: socket.AddressLike,
    text: string,
  ): Promise<string> => {
    for (let i = 0;; i++) {
      using c = socket.socket(family, SOCK_STREAM);
      try {
        await c.connectAsync(address);
      } catch (e) {
        if (
          i < 600 &&
          (e instanceof socket.ConnectionRefusedError || e instanceof socket.FileNotFoundError)
        ) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        throw e;
      }
      c.settimeout(60);
      await c.sendallAsync(text);
      const chunks: Uint8Array[] = [];
      for (;;) {
        const d = await c.recvAsync(4096);
        if (d.length === 0) break;
        chunks.push(d);
      }
      return chunks.map((b) => dec.decode(b)).join("");
    }
  };

  const passEnv = ["QEMU_LD_PREFIX", "DENO_DIR"].filter((v) => Deno.env.get(v) !== undefined)
    .map((v) => `--setenv=${v}`);
  const underSystemd = async (listen: string, family: number, address: socket.AddressLike) => {
    const proc = new Deno.Command("systemd-socket-activate", {
      args: [
        "-l",
        listen,
        "--fdname=svc",
        // systemd-socket-activate gives the child only PATH, HOME and TERM
        // (and LISTEN_*): pass on what an emulated or relocated Deno needs.
        ...passEnv,
        ...denoArgv(["run", "--allow-ffi", "--allow-env", SERVER, "-c", "2"]),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => proc.kill("SIGKILL"), 120_000); // bounded
    try {
      const first = await ask(family, address, "one");
      const second = await ask(family, address, "two");
      const out = await proc.output();
      const stdout = dec.decode(out.stdout);
      assert(out.success, `${stdout}\n${dec.decode(out.stderr)}`);
      assertMatch(first, /^hello #1 from pid \d+ on fd 3 \(svc\): you said "one"\n$/);
      assertMatch(second, /^hello #2 from pid \d+ on fd 3 \(svc\): you said "two"\n$/);
      const lines = stdout.trim().split("\n");
      assertMatch(lines[0], /^pid \d+: fd 3 "svc" is /);
      assertEquals(lines[1], "LISTEN_FDS left in the environment: none");
      assertEquals(lines.at(-1), "served 2 clients");
      // The pid that answered is the one systemd-socket-activate exec'd.
      assertEquals(/from pid (\d+)/.exec(first)![1], String(proc.pid));
      return lines[0];
    } finally {
      clearTimeout(timer);
    }
  };

  Deno.test({
    name: `activation: examples/activated_server.ts under systemd-socket-activate, TCP${why}`,
    ignore: !hasActivate,
    async fn() {
      // A port free a moment ago; systemd-socket-activate binds it itself.
      const probe = socket.socket(AF_INET, SOCK_STREAM);
      probe.bind(["127.0.0.1", 0]);
      const port = probe.getsockname()[1];
      probe.close();
      const line = await underSystemd(`127.0.0.1:${port}`, AF_INET, ["127.0.0.1", port]);
      assert(line.endsWith(`AF_INET SOCK_STREAM ["127.0.0.1",${port}]`), line);
    },
  });

  Deno.test({
    name:
      `activation: examples/activated_server.ts under systemd-socket-activate, Unix socket${why}`,
    ignore: !hasActivate,
    async fn() {
      using dir = tempDir();
      const path = `${dir.path}/activated.sock`;
      const line = await underSystemd(path, AF_UNIX, path);
      assert(line.endsWith(`AF_UNIX SOCK_STREAM ${path}`), line);
    },
  });
}
