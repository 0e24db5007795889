/**
 * The portable paths (`LIBC_SOCKET_PORTABLE=1`), proven on Linux:
 * - Deno starts with SIGPIPE ignored (SigIgn bit 13 in /proc/self/status),
 *   so a send without MSG_NOSIGNAL to a vanished peer gives EPIPE
 *   (BrokenPipeError) and the process lives on;
 * - with the variable set, the platform layer takes socket()/accept() +
 *   fcntl, no MSG_NOSIGNAL and the poll reactor, and what it creates is
 *   close-on-exec, blocking unless asked, as on the default path;
 * - the variable is read only when env access to it is already granted.
 */
import { assert, assertEquals } from "@std/assert";
import { constants as C, table } from "../../constants/mod.ts";
import { denoCommand } from "../_helpers.ts";

const fixture = new URL("../fixtures/platform_child.ts", import.meta.url).pathname;

async function child(env: Record<string, string>, perms: string[]) {
  const out = await denoCommand(["run", ...perms, fixture], {
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  assertEquals(out.signal, null, stderr);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const BLOCKING_CLOEXEC = { cloexec: true, nonblock: false };

Deno.test("portable: Deno ignores SIGPIPE (SigIgn bit 13)", () => {
  const status = Deno.readTextFileSync("/proc/self/status");
  const hex = status.match(/^SigIgn:\s*([0-9a-f]+)$/m)?.[1];
  assert(hex !== undefined, "no SigIgn line");
  const SIGPIPE = 13;
  assert((BigInt(`0x${hex}`) >> BigInt(SIGPIPE - 1)) & 1n, `SigIgn ${hex} lacks SIGPIPE`);
});

Deno.test("portable: LIBC_SOCKET_PORTABLE=1 takes fcntl, accept, no MSG_NOSIGNAL, poll", async () => {
  const r = await child({ LIBC_SOCKET_PORTABLE: "1" }, [
    "--allow-ffi",
    "--allow-env=LIBC_SOCKET_PORTABLE",
  ]);
  assertEquals(r.portable, true);
  assertEquals(r.backend, "poll");
  assertEquals(r.sendFlags, 0);
  assertEquals(r.typeFlags, false);
  assertEquals(r.accept4, false);
  assertEquals(r.socketpair, [BLOCKING_CLOEXEC, BLOCKING_CLOEXEC]);
  assertEquals(r.nonblockingSocket, { cloexec: true, nonblock: true });
  assertEquals(r.accepted, BLOCKING_CLOEXEC);
  assertEquals(r.families, [C.AF_UNIX, C.AF_INET, C.AF_INET6]);
  // No MSG_NOSIGNAL, yet EPIPE rather than death by SIGPIPE.
  assertEquals(r.rawSend, { n: -1, error: "BrokenPipeError", errno: table.errnoNames.EPIPE });
  assertEquals(r.publicSend, "BrokenPipeError");
  assertEquals(r.survived, true);
});

Deno.test("portable: the default Linux paths (SOCK_CLOEXEC, accept4, MSG_NOSIGNAL, epoll)", async () => {
  const r = await child({ LIBC_SOCKET_PORTABLE: "0" }, [
    "--allow-ffi",
    "--allow-env=LIBC_SOCKET_PORTABLE",
  ]);
  assertEquals(r.portable, false);
  assertEquals(r.backend, "epoll");
  assertEquals(r.sendFlags, C.MSG_NOSIGNAL);
  assertEquals([r.typeFlags, r.accept4], [true, true]);
  assertEquals(r.socketpair, [BLOCKING_CLOEXEC, BLOCKING_CLOEXEC]);
  assertEquals(r.nonblockingSocket, { cloexec: true, nonblock: true });
  assertEquals(r.accepted, BLOCKING_CLOEXEC);
  assertEquals(r.families, [C.AF_UNIX, C.AF_INET, C.AF_INET6]);
  assertEquals(r.rawSend, { n: -1, error: "BrokenPipeError", errno: table.errnoNames.EPIPE });
  assertEquals(r.publicSend, "BrokenPipeError");
});

Deno.test("portable: without env permission the variable is not read (and nothing prompts)", async () => {
  const r = await child({ LIBC_SOCKET_PORTABLE: "1" }, ["--allow-ffi"]);
  assertEquals(r.portable, false);
  assertEquals(r.backend, "epoll");
});
