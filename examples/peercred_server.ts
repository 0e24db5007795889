/**
 * A Unix-socket server that knows who its clients are: the kernel reports
 * each connected peer's pid, uid and gid (`SO_PEERCRED`), and the server
 * refuses clients whose user is not on its allow list — no passwords, no
 * tokens, nothing a client can forge.
 *
 *     deno run --allow-ffi examples/peercred_server.ts [ADDRESS] [--allow-uid UID]... [-c COUNT]
 *
 * ADDRESS is a socket path, or `@name` for a Linux abstract socket (no file,
 * so any local user can connect and be judged; the default is
 * `@libc-socket-peercred`). The allow list defaults to this process's own
 * uid. Try `socat - ABSTRACT-CONNECT:libc-socket-peercred`, then the same as
 * another user (`sudo -u nobody socat …`). With `-c COUNT` the server exits
 * after COUNT clients. A socket file it creates is removed when it exits
 * (also on an error, Ctrl-C or SIGTERM).
 *
 * @module
 */
import * as socket from "../mod.ts";
import { Cli } from "./_args.ts";
import { bindSocketFile } from "./_socket_file.ts";

const cli: Cli = new Cli({
  usage: "peercred_server.ts [ADDRESS] [--allow-uid UID]... [-c COUNT]",
  help: "Welcomes the clients whose uid is allowed, refuses the others (SO_PEERCRED).\n" +
    "ADDRESS          a socket path, or @name for an abstract socket " +
    "(default @libc-socket-peercred)\n" +
    "--allow-uid UID  a uid to welcome (repeatable; default: this process's uid)\n" +
    "-c COUNT         exit after COUNT clients (default: serve until killed)",
  values: ["--allow-uid", "-c"],
  positionals: [0, 1],
});

/**
 * This process's uid, asked the same way as a client's: SO_PEERCRED on a
 * socketpair (Deno.uid() would need --allow-sys).
 */
function ownUid(): number {
  const [a, b] = socket.socketpair();
  try {
    return socket.unpackUcred(a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1];
  } finally {
    a.close();
    b.close();
  }
}

function parseArgs() {
  const args = cli.parse();
  const address = args.positionals[0] ?? "@libc-socket-peercred";
  const allow = new Set(
    args.all("--allow-uid").map((u) => cli.int(u, "--allow-uid", 0, 2 ** 32 - 2)),
  );
  if (allow.size === 0) allow.add(ownUid());
  const count = args.int("-c", Infinity, 1, Number.MAX_SAFE_INTEGER);
  return { address, allow, count };
}

async function main(): Promise<void> {
  const { address, allow, count } = parseArgs();
  using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  // "@name" is an abstract address: a leading NUL byte, then the name (no
  // file). A path is a file, removed again when the server ends.
  let file: Disposable | undefined;
  if (address.startsWith("@")) {
    srv.bind(new Uint8Array([0, ...new TextEncoder().encode(address.slice(1))]));
  } else {
    file = bindSocketFile(srv, address);
  }
  using _file = file;
  srv.listen(16);
  console.log(`listening on ${address}; allowed uids: ${[...allow].join(", ")}`);
  for (let served = 0; served < count; served++) {
    const [conn] = await srv.acceptAsync();
    using c = conn;
    // getsockopt(SOL_SOCKET, SO_PEERCRED): the credentials the peer had
    // when it called connect(), as the kernel saw them.
    const [pid, uid, gid] = socket.unpackUcred(
      c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12),
    );
    const who = `pid ${pid} uid ${uid} gid ${gid}`;
    if (allow.has(uid)) {
      console.log(`accepted ${who}`);
      await c.sendallAsync(`welcome, uid ${uid} (pid ${pid}, gid ${gid})\n`);
    } else {
      console.log(`refused ${who}`);
      await c.sendallAsync(`refused: uid ${uid} is not on the allow list\n`);
    }
  }
}

if (import.meta.main) await cli.run(main);
