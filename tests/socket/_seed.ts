/** The helpers seed_test.ts and seed_objects_test.ts share: listeners and pairs on loopback, errno assertions, python3 as reference and as peer. */
import { assert, assertEquals, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { python } from "../_helpers.ts";
import { unixBehaviour } from "../_caps.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();
export const text = (b: Uint8Array): string => dec.decode(b);
export const E = (name: string): number => socket.errnoOf(name);
export const ROOT = new URL("../..", import.meta.url);
export const LINUX_VALUES = unixBehaviour("Linux's constant values");
export const TRUNCATES = unixBehaviour(
  "a datagram longer than the buffer truncated without an error (Winsock: WSAEMSGSIZE)",
);
export const BROADCAST_NEEDS_OPTION = unixBehaviour(
  "a UDP connect to 255.255.255.255 refused (EACCES) without SO_BROADCAST",
);

/** Asserts that `fn` throws `socket.error` (or `cls`) with errno `code`. */
export function assertOSError(
  fn: () => unknown,
  code: string,
  cls: abstract new (...a: never[]) => socket.error = socket.error,
): socket.error {
  const e = assertThrows(fn, socket.error);
  assert(e instanceof cls, `expected ${cls.name}, got ${e}`);
  assertEquals(e.code, code, String(e));
  assertEquals(e.errno, E(code));
  return e;
}

/** A listening TCP socket on an ephemeral loopback port. */
export function listener(backlog = 5): socket.Socket<typeof socket.AF_INET> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  s.listen(backlog);
  return s;
}

/** A connected TCP pair over loopback: `[client, server side]`. */
export function tcpPair(): [
  socket.Socket<typeof socket.AF_INET>,
  socket.Socket<typeof socket.AF_INET>,
] {
  using srv = listener(1);
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.connect(srv.getsockname());
  const [conn] = srv.accept();
  return [c, conn];
}

/** A loopback port that is bound but not listening: connecting is refused. */
export function refusingPort(): [socket.Socket, number] {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  return [s, s.getsockname()[1]];
}

/** python3's view of an expression, as JSON (exceptions as `{exc, errno}`). */
export async function pyEval(expr: string): Promise<unknown> {
  const out = await python(`
import json, socket
try:
    v = ${expr}
except Exception as e:
    v = {"exc": type(e).__name__, "errno": getattr(e, "errno", None)}
print(json.dumps(v))`);
  return JSON.parse(out);
}

/** Our outcome in the shape of `pyEval`'s. */
export function outcome(fn: () => unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(fn()));
  } catch (e) {
    if (!(e instanceof socket.error)) throw e;
    return { exc: e.name.startsWith("OSError") ? "OSError" : e.name, errno: e.errno }; // error is OSError
  }
}

/** A python3 peer, whose stdout {@linkcode pyPeer} reads line by line. */
export interface PyPeer {
  /** The next line of output (awaits it). */
  line(): Promise<string>;
  /** The rest of the output, once python3 exited successfully. */
  finish(): Promise<string[]>;
}

/** A python3 peer whose stdout is read line by line. */
export function pyPeer(code: string, ...args: string[]): PyPeer {
  const child = new Deno.Command("python3", {
    args: ["-c", code, ...args],
    env: { LC_ALL: "C", PYTHONUNBUFFERED: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = new Response(child.stderr).text();
  let buf = "";
  return {
    /** The next line of output (awaits it). */
    async line(): Promise<string> {
      while (!buf.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`python3 peer ended early: ${await stderr}`);
        buf += value;
      }
      const i = buf.indexOf("\n");
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      return l;
    },
    /** The rest of the output, once python3 exited successfully. */
    async finish(): Promise<string[]> {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
      }
      const status = await child.status;
      const err = await stderr;
      if (!status.success) throw new Error(`python3 peer failed: ${err}`);
      return buf.split("\n").filter(Boolean);
    },
  };
}
