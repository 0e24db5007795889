/**
 * A socket-activated server: systemd (or `systemd-socket-activate`) opens
 * the listening socket and starts this program on the first connection;
 * `listen_fds()` adopts the inherited descriptor (`Deno.listen` cannot) and
 * the server answers each client with the async API.
 *
 *     systemd-socket-activate -l 127.0.0.1:8022 \
 *       deno run --allow-ffi --allow-env examples/activated_server.ts [-c COUNT]
 *     systemd-socket-activate -l /tmp/activated.sock --fdname=control \
 *       deno run --allow-ffi --allow-env examples/activated_server.ts
 *
 * then `echo hi | nc -q1 127.0.0.1 8022` (or `socat - UNIX:/tmp/activated.sock`).
 * Each client gets one line back; with `-c COUNT` the server exits after
 * COUNT clients, otherwise it serves until killed.
 *
 * @module
 */
import * as socket from "../mod.ts";
import { Cli } from "./_args.ts";

const cli: Cli = new Cli({
  usage: "activated_server.ts [-c COUNT]",
  help: "Run it under systemd-socket-activate (or systemd), which passes the listening sockets:\n" +
    "  systemd-socket-activate -l 127.0.0.1:8022 deno run --allow-ffi --allow-env " +
    "examples/activated_server.ts\n" +
    "-c COUNT  exit after COUNT clients (default: serve until killed)",
  values: ["-c"],
});

function describe(s: socket.Socket): string {
  const fam = s.family === socket.AF_UNIX
    ? "AF_UNIX"
    : s.family === socket.AF_INET6
    ? "AF_INET6"
    : s.family === socket.AF_INET
    ? "AF_INET"
    : `family ${s.family}`;
  const type = s.type === socket.SOCK_STREAM ? "SOCK_STREAM" : `type ${s.type}`;
  const name = s.getsockname();
  return `${fam} ${type} ${typeof name === "string" ? name : JSON.stringify(name)}`;
}

async function serve(s: socket.Socket, name: string, conn: socket.Socket, n: number) {
  try {
    const data = await conn.recvAsync(1024);
    const text = new TextDecoder().decode(data).trim();
    await conn.sendallAsync(
      `hello #${n} from pid ${Deno.pid} on fd ${s.fileno()} (${name}): you said ${
        JSON.stringify(text)
      }\n`,
    );
  } finally {
    conn.close();
  }
}

async function main(): Promise<void> {
  const count = cli.parse().int("-c", Infinity, 1, Number.MAX_SAFE_INTEGER);
  const passed = socket.listen_fds_with_names({ unset_environment: true });
  if (passed.length === 0) {
    cli.fail(
      "not socket-activated (no LISTEN_FDS for this process): run it under " +
        "systemd-socket-activate -l 127.0.0.1:8022 deno run --allow-ffi --allow-env " +
        "examples/activated_server.ts",
    );
  }
  for (const [s, name] of passed) {
    console.log(`pid ${Deno.pid}: fd ${s.fileno()} "${name}" is ${describe(s)}`);
  }
  console.log(`LISTEN_FDS left in the environment: ${Deno.env.get("LISTEN_FDS") ?? "none"}`);
  let served = 0;
  const pending = new Set<Promise<void>>();
  const done = new AbortController();
  await Promise.all(passed.map(async ([s, name]) => {
    while (served < count) {
      let conn: socket.Socket;
      try {
        [conn] = await s.acceptAsync({ signal: done.signal });
      } catch (e) {
        if (done.signal.aborted) return;
        throw e;
      }
      const n = ++served;
      const p = serve(s, name, conn, n).finally(() => pending.delete(p));
      pending.add(p);
    }
    done.abort(); // the other sockets stop accepting too
  }));
  await Promise.all(pending);
  console.log(`served ${served} client${served === 1 ? "" : "s"}`);
  Deno.exit(0);
}

if (import.meta.main) await cli.run(main);
