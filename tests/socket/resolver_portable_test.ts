/**
 * The netdb lookups on both of their paths, against python3. With
 * `LIBC_SOCKET_PORTABLE=1` sys/target.ts turns `reentrantNetdb` off and
 * resolver.ts calls the classic `gethostbyname2`, `gethostbyaddr`,
 * `getprotobyname`, `getservbyname` and `getservbyport` (macOS's only path:
 * its libSystem has no `_r` versions), reading `h_errno` for the herror;
 * without it, the `_r` calls. Each path runs in a child Deno, so the
 * default run of the suite exercises both. Both sides read the same
 * /etc/hosts, /etc/services and /etc/protocols: values must be equal, and
 * failures the same class, errno and strerror.
 */
import { assert, assertEquals } from "@std/assert";
import { denoCommand } from "../_helpers.ts";
import { mismatch, type Outcome, py } from "../_py.ts";

type Case = [fn: string, args: (string | number)[]];

const CASES: Case[] = [
  ["gethostbyname", ["localhost"]],
  ["gethostbyname", ["127.0.0.1"]],
  ["gethostbyname", ["no.such.host.invalid"]],
  ["gethostbyname_ex", ["localhost"]],
  ["gethostbyname_ex", ["127.0.0.1"]],
  ["gethostbyname_ex", ["no.such.host.invalid"]],
  ["gethostbyaddr", ["127.0.0.1"]],
  ["gethostbyaddr", ["localhost"]],
  ["gethostbyaddr", ["::1"]],
  ["gethostbyaddr", ["192.0.2.1"]],
  ["gethostbyaddr", ["no.such.host.invalid"]],
  ["getprotobyname", ["tcp"]],
  ["getprotobyname", ["udp"]],
  ["getprotobyname", ["icmp"]],
  ["getprotobyname", ["nosuchproto"]],
  ["getservbyname", ["http"]],
  ["getservbyname", ["http", "tcp"]],
  ["getservbyname", ["domain", "udp"]],
  ["getservbyname", ["nosuchservice"]],
  ["getservbyname", ["http", "nosuchproto"]],
  ["getservbyport", [80]],
  ["getservbyport", [80, "tcp"]],
  ["getservbyport", [53, "udp"]],
  ["getservbyport", [1]],
  ["getservbyport", [80, "nosuchproto"]],
];

interface ChildReport {
  reentrantNetdb: boolean;
  outcomes: Outcome[];
  syscalls: (string | null)[];
}

const fixture = new URL("../fixtures/resolver_child.ts", import.meta.url).pathname;

async function child(portable: "0" | "1"): Promise<ChildReport> {
  const out = await denoCommand(["run", "--allow-all", fixture, JSON.stringify(CASES)], {
    env: { LIBC_SOCKET_PORTABLE: portable },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

let expected: Outcome[] | undefined;
async function pythonOutcomes(): Promise<Outcome[]> {
  expected ??= await py<Outcome[]>(`
out = [outcome(getattr(socket, fn), *args)
       for fn, args in json.loads(${JSON.stringify(JSON.stringify(CASES))})]
`);
  return expected;
}

function problems(want: Outcome[], got: Outcome[]): string[] {
  assertEquals(got.length, CASES.length);
  return CASES.flatMap(([fn, args], i) => {
    const m = mismatch(want[i], got[i], `${fn}(${args.map((a) => JSON.stringify(a))})`);
    return m === null ? [] : [m];
  });
}

Deno.test("resolver, classic netdb calls (LIBC_SOCKET_PORTABLE=1, macOS's path) equal python3", async () => {
  const [want, r] = await Promise.all([pythonOutcomes(), child("1")]);
  assertEquals(r.reentrantNetdb, false);
  assertEquals(problems(want, r.outcomes), []);
  // The herrors came from the classic calls (h_errno), not the _r ones.
  assert(r.syscalls.includes("gethostbyaddr"), JSON.stringify(r.syscalls));
  assertEquals(r.syscalls.filter((s) => s?.endsWith("_r")), []);
});

Deno.test("resolver, re-entrant netdb calls (the default on Linux) equal python3", async () => {
  const [want, r] = await Promise.all([pythonOutcomes(), child("0")]);
  if (Deno.build.os !== "linux") {
    console.log(`skipped: the _r calls are the default on Linux only, not ${Deno.build.os}`);
    return;
  }
  assertEquals(r.reentrantNetdb, true);
  assertEquals(problems(want, r.outcomes), []);
  assert(r.syscalls.includes("gethostbyaddr_r"), JSON.stringify(r.syscalls));
});

Deno.test("resolver cases: successes and each failure class python gives", async () => {
  const kinds = new Set((await pythonOutcomes()).map((o) => "ok" in o ? "ok" : o.exc));
  for (const k of ["ok", "gaierror", "herror", "OSError"]) {
    assert(kinds.has(k), `no case where python gives ${k}: ${[...kinds]}`);
  }
});
