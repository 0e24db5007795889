/**
 * One TCP port, N Workers, each with its own listening socket: with
 * `SO_REUSEPORT` every Worker binds the same address and the kernel spreads
 * the incoming connections across them (`Deno.listen` has no such option).
 * Each Worker serves with the async API on its own event loop, and says in
 * each reply which Worker served it.
 *
 *     deno run --allow-ffi --allow-read examples/reuseport_workers.ts [N] [--port P] [--clients M]
 *
 * (`--allow-read`: Deno loads a Worker's module from disk only with read
 * permission for it.)
 *
 * N defaults to 4 and the port to an ephemeral one. With `--clients M` the
 * program then connects M times itself (20 at a time), counts the replies
 * per Worker, and exits; otherwise it serves until Ctrl-C (try
 * `echo hi | nc -q1 127.0.0.1 PORT` a few times).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import * as socket from "../mod.ts";
import { Cli } from "./_args.ts";

const HOST = "127.0.0.1";
const dec = new TextDecoder();

interface Start {
  id: number;
  of: number;
  port: number;
}

/** Worker side: bind with SO_REUSEPORT, report the port, serve forever. */
function worker(): void {
  self.onmessage = (ev: MessageEvent<Start>) => {
    const { id, of, port } = ev.data;
    const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1);
    srv.bind([HOST, port]);
    srv.listen(128);
    self.postMessage({ port: srv.getsockname()[1] });
    let served = 0;
    (async () => {
      for (;;) {
        const [conn] = await srv.acceptAsync();
        const n = ++served;
        (async () => {
          using c = conn;
          const line = dec.decode(await c.recvAsync(1024)).trim();
          await c.sendallAsync(`worker ${id}/${of} served its connection #${n}: ${line}\n`);
        })().catch((e) => console.error(`worker ${id}: ${e}`));
      }
    })();
  };
}

/** One client connection: sends a line, returns the reply. */
async function ask(port: number, text: string): Promise<string> {
  using c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.settimeout(30);
  await c.connectAsync([HOST, port]);
  await c.sendallAsync(`${text}\n`);
  let reply = "";
  while (!reply.endsWith("\n")) {
    const d = await c.recvAsync(1024);
    if (d.length === 0) break;
    reply += dec.decode(d);
  }
  return reply.trim();
}

const cli: Cli = new Cli({
  usage: "reuseport_workers.ts [N] [--port P] [--clients M]",
  help: "N Workers (1-64, default 4) listen on one port with SO_REUSEPORT.\n" +
    "--port P     the port on 127.0.0.1 (default: an ephemeral one)\n" +
    "--clients M  connect M times, count the replies per Worker and exit " +
    "(default: serve until Ctrl-C)",
  values: ["--port", "--clients"],
  positionals: [0, 1],
});

async function main(): Promise<void> {
  const args = cli.parse();
  const nArg = args.positionals[0];
  const n = nArg === undefined ? 4 : cli.int(nArg, "N", 1, 64);
  let port = args.int("--port", 0, 0, 65535);
  const clients = args.int("--clients", 0, 0, 100_000);
  const self_ = new URL(import.meta.url);
  if (Deno.permissions.querySync({ name: "read", path: self_ }).state !== "granted") {
    cli.fail(`Workers load ${self_.pathname}: run with --allow-read`);
  }
  const workers: Worker[] = [];
  for (let id = 1; id <= n; id++) {
    const w = new Worker(import.meta.url, { type: "module" });
    workers.push(w);
    // The first Worker may pick an ephemeral port; the others join it.
    port = await new Promise<number>((resolve, reject) => {
      w.onmessage = (ev) => resolve(ev.data.port);
      w.onerror = (ev) => reject(new Error(ev.message));
      w.postMessage({ id, of: n, port } satisfies Start);
    });
  }
  console.log(`${n} workers listening on ${HOST}:${port} (SO_REUSEPORT)`);
  if (clients === 0) return; // serve until killed

  const perWorker = new Map<string, number>();
  let next = 0;
  const client = async () => {
    while (next < clients) {
      const k = ++next;
      const reply = await ask(port, `client ${k}`);
      const m = /^worker (\d+)\/\d+ served its connection #\d+: client (\d+)$/.exec(reply);
      if (!m || Number(m[2]) !== k) throw new Error(`bad reply to client ${k}: ${reply}`);
      perWorker.set(m[1], (perWorker.get(m[1]) ?? 0) + 1);
      if (k <= 3) console.log(reply);
    }
  };
  await Promise.all(Array.from({ length: Math.min(20, clients) }, client));
  const counts = [...perWorker].sort(([a], [b]) => Number(a) - Number(b));
  console.log(
    `${clients} connections, every reply correct; per worker: ${
      counts.map(([w, c]) => `${w}: ${c}`).join(", ")
    }`,
  );
  for (const w of workers) w.terminate();
}

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !==
    "undefined" && self instanceof
    (globalThis as unknown as { WorkerGlobalScope: typeof EventTarget }).WorkerGlobalScope;
if (inWorker) worker();
else if (import.meta.main) await cli.run(main);
