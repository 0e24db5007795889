/**
 * What a test needs from the machine, probed rather than assumed from the
 * OS name, and {@linkcode test}: `Deno.test` that skips, printing the
 * reason, when a need is missing. On Linux every probe succeeds, and every
 * test runs; under Wine (the stock Windows `deno.exe`, `.ci/windows.sh`)
 * there is no python3, no AF_UNIX (Wine fails it with WSAEAFNOSUPPORT), no
 * `/proc`, no POSIX tools.
 *
 * The probes run once per test file, on first use.
 */
import * as socket from "../mod.ts";
import { epoll, poll } from "../select.ts";

/** A capability: whether the machine has it, and what is missing if not. */
export interface Cap {
  readonly name: string;
  /** Runs the probe (once); `undefined`: present, else why it is missing. */
  readonly missing: () => string | undefined;
}

function cap(name: string, probe: () => string | undefined): Cap {
  let result: { why: string | undefined } | undefined;
  return {
    name,
    missing: () => (result ??= { why: probe() }).why,
  };
}

function spawns(cmd: string, args: string[]): string | undefined {
  try {
    const out = new Deno.Command(cmd, { args, stdin: "null", stdout: "null", stderr: "null" })
      .outputSync();
    return out.success ? undefined : `${cmd} ${args.join(" ")} exited with ${out.code}`;
  } catch (e) {
    return `${cmd} cannot be run (${(e as Error).message})`;
  }
}

/** `python3` runs: the oracle and the peer of many tests. */
export const PYTHON3: Cap = cap("python3", () => spawns("python3", ["-c", "pass"]));

/** The program `cmd` runs (`args`: a harmless invocation, e.g. `-V`). */
export function tool(cmd: string, args: string[]): Cap {
  return cap(cmd, () => spawns(cmd, args));
}

/** `sh` runs (POSIX tools: sleep, cat, kill). */
export const POSIX_SHELL: Cap = cap("a POSIX shell", () => spawns("sh", ["-c", ":"]));

/**
 * `/proc/self` describes this process's sockets: a socket's descriptor is
 * `/proc/self/fd/N` (fd tables, fdinfo flags, /proc/net). Under Wine the
 * path exists (the Linux process's), but a Winsock handle is not in it.
 */
export const PROC: Cap = cap("/proc/self/fd", () => {
  using s = socket.socket();
  try {
    const link = Deno.readLinkSync(`/proc/self/fd/${s.fileno()}`);
    return link.startsWith("socket:") ? undefined : `/proc/self/fd/${s.fileno()} is ${link}`;
  } catch (e) {
    return `/proc/self/fd/${s.fileno()}: ${(e as Error).message}`;
  }
});

/** AF_UNIX stream sockets bind to a path (Wine: WSAEAFNOSUPPORT, 10047). */
export const AF_UNIX: Cap = cap("AF_UNIX sockets", () => {
  if (socket.AF_UNIX === undefined) return "no AF_UNIX constant";
  let s: socket.Socket | undefined;
  const dir = Deno.makeTempDirSync({ prefix: "libc_socket_cap_" });
  try {
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    s.bind(`${dir}/probe.sock`);
    return undefined;
  } catch (e) {
    return `socket(AF_UNIX).bind(path) failed: ${(e as Error).message}`;
  } finally {
    s?.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

/**
 * `sendmsg`/`recvmsg` and ancillary data exist (CPython has none on
 * Windows: the library throws a TypeError there).
 */
export const MSG: Cap = cap("sendmsg/recvmsg", () => {
  try {
    socket.CMSG_LEN(0);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
});

/** `select.poll` exists (not on Windows, as in CPython). */
export const SELECT_POLL: Cap = cap("select.poll", () => {
  try {
    poll();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
});

/** `select.epoll` exists (Linux). */
export const EPOLL: Cap = cap("select.epoll", () => {
  try {
    epoll().close();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
});

/** `SOCK_NONBLOCK` and `SOCK_CLOEXEC` are socket type flags (Linux, the BSDs). */
export const SOCK_FLAGS: Cap = cap("SOCK_NONBLOCK in socket types", () => {
  return socket.SOCK_NONBLOCK === undefined ? "the OS has no SOCK_NONBLOCK" : undefined;
});

/** Errors carry the errno values of a Unix C library (not Winsock's WSAE* codes). */
export const UNIX_ERRNO: Cap = cap("Unix errno values", () => {
  return socket.errnoOf("ECONNREFUSED") >= 10000
    ? "errno values are Winsock's (WSAE*), as CPython's on Windows"
    : undefined;
});

/**
 * A behaviour of the Unix socket layer that Winsock does not share, named
 * in `what` (present wherever errno values are Unix ones).
 */
export function unixBehaviour(what: string): Cap {
  return cap(what, () => UNIX_ERRNO.missing() === undefined ? undefined : "Winsock differs");
}

/**
 * `getsockname()` of a socket never bound gives the wildcard address
 * (Winsock fails it with WSAEINVAL, as CPython there raises).
 */
export const UNBOUND_NAME: Cap = cap("getsockname() of an unbound socket", () => {
  using s = socket.socket();
  try {
    s.getsockname();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
});

/**
 * The errno a non-blocking `connect_ex` returns while the connection is
 * being made: EINPROGRESS, or WSAEWOULDBLOCK (10035) where errno values are
 * Winsock's (CPython's `connect_ex` there returns it).
 */
export function connectInProgress(): number {
  return socket.errnoOf(UNIX_ERRNO.missing() === undefined ? "EINPROGRESS" : "EWOULDBLOCK");
}

const reported = new Set<string>();

/**
 * Why a test that needs `caps` cannot run here (`undefined`: it can). The
 * reason is printed once per test, so a skip always says what it lacked.
 */
export function skipReason(name: string, caps: readonly Cap[]): string | undefined {
  for (const c of caps) {
    const why = c.missing();
    if (why !== undefined) {
      if (!reported.has(name)) {
        reported.add(name);
        console.log(`skip: ${name}: needs ${c.name}: ${why}`);
      }
      return why;
    }
  }
  return undefined;
}

/**
 * `Deno.test(name, fn)` that runs only where `caps` are all present; where
 * one is missing the test is ignored and the reason printed.
 */
export function test(
  name: string,
  caps: readonly Cap[],
  fn: (t: Deno.TestContext) => void | Promise<void>,
): void {
  Deno.test({ name, ignore: skipReason(name, caps) !== undefined, fn });
}

/** Whether `c` is present here (for a part of a test; no message). */
export function has(c: Cap): boolean {
  return c.missing() === undefined;
}
