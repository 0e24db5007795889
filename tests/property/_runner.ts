/**
 * One batch of the property suite, run in a child Deno by
 * tests/property_test.ts: `_runner.ts <group> <seed> <runs> <netns|host>`.
 *
 * Every public function of mod.ts and every method of Socket and
 * SocketFile is called with hostile arguments. A call passes when it
 * returns, or throws TypeError, RangeError, a socket.error (or what
 * `allowed` lists). Whatever it returns is disposed of (sockets closed,
 * received descriptors closed), and at the end the process must hold as
 * many descriptors as before. Exit status 0: all passed; 1: a property
 * failed (the report is on stderr). A crash shows up as a signal.
 *
 * Deliberate casts: every `x as T` (`as number`, `as [string]`, …) applied
 * to a generated argument types a hostile value as the parameter it is
 * passed to; the point is that it is not one.
 */
import * as S from "../../mod.ts";
import {
  address,
  allowed,
  anyArg,
  badNumber,
  describe,
  fc,
  hostileBuffer,
  hostileObject,
  materialize,
  safeString,
  smallInt,
} from "./_hostile.ts";

const [group, seedArg, runsArg, where, how] = Deno.args;
const emulated = how === "emulated";
/**
 * Whether descriptor flatness is checked. Not under qemu-user: there the
 * runtime's own late descriptors (a Unix socket pair Deno opens after start)
 * can appear in the middle of a batch, seen as two "new" sockets. Native runs
 * (two per CI run) check it; crashes and error classes are checked everywhere.
 */
const checkFds = !emulated;
const seed = Number(seedArg);
const numRuns = Number(runsArg);
const netns = where === "netns";
const dir = Deno.makeTempDirSync({ prefix: "libc_socket_fc_" });
/** `LIBC_SOCKET_FC_ONLY=name`: run that property only. */
const ONLY = Deno.permissions.querySync({ name: "env", variable: "LIBC_SOCKET_FC_ONLY" }).state ===
    "granted"
  ? Deno.env.get("LIBC_SOCKET_FC_ONLY")
  : undefined;
/** `LIBC_SOCKET_FC_TRACE=1`: report every run that changes the descriptor count. */
const TRACE =
  Deno.permissions.querySync({ name: "env", variable: "LIBC_SOCKET_FC_TRACE" }).state ===
    "granted" && Deno.env.get("LIBC_SOCKET_FC_TRACE") === "1";

function fdTargets(): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      out.push(`${e.name} -> ${Deno.readLinkSync(`/proc/self/fd/${e.name}`)}`);
    } catch { /* gone meanwhile (the readDir handle itself) */ }
  }
  return out.sort();
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Contexts: fresh sockets of each kind for one call

type Kind =
  | "tcp-listener"
  | "tcp-conn"
  | "udp"
  | "udp6"
  | "unix-stream"
  | "unix-dgram"
  | "unix-bound"
  | "fresh"
  | "closed";

const KINDS: Kind[] = [
  "tcp-listener",
  "tcp-conn",
  "udp",
  "udp6",
  "unix-stream",
  "unix-dgram",
  "unix-bound",
  "fresh",
  "closed",
];

interface Ctx {
  sock: S.Socket;
  all: S.Socket[];
  files: S.SocketFile[];
}

let pathSeq = 0;

function make(kind: Kind, timeout: number): Ctx {
  const all: S.Socket[] = [];
  const keep = <F extends number, T extends number>(s: S.Socket<F, T>): S.Socket<F, T> => {
    all.push(s);
    return s;
  };
  let sock: S.Socket;
  switch (kind) {
    case "tcp-listener":
      sock = keep(S.socket());
      sock.bind(["127.0.0.1", 0]);
      sock.listen(4);
      break;
    case "tcp-conn": {
      const srv = keep(S.socket());
      srv.bind(["127.0.0.1", 0]);
      srv.listen(1);
      sock = keep(S.create_connection(srv.getsockname()));
      keep(srv.accept()[0]);
      break;
    }
    case "udp":
      sock = keep(S.socket(S.AF_INET, S.SOCK_DGRAM));
      sock.bind(["127.0.0.1", 0]);
      break;
    case "udp6":
      sock = keep(S.socket(S.has_ipv6 ? S.AF_INET6 : S.AF_INET, S.SOCK_DGRAM));
      sock.bind([S.has_ipv6 ? "::1" : "127.0.0.1", 0]);
      break;
    case "unix-stream":
    case "unix-dgram": {
      const [a, b] = S.socketpair(S.AF_UNIX, kind === "unix-stream" ? S.SOCK_STREAM : S.SOCK_DGRAM);
      sock = keep(a);
      keep(b);
      break;
    }
    case "unix-bound":
      sock = keep(S.socket(S.AF_UNIX, S.SOCK_DGRAM));
      sock.bind(`${dir}/bound-${pathSeq++}`);
      break;
    case "fresh":
      sock = keep(S.socket());
      break;
    case "closed":
      sock = S.socket();
      sock.close();
      break;
  }
  // Something to receive: the paths that write into a caller's buffer run.
  const data = new Uint8Array(256).fill(0x5a);
  try {
    if (kind === "tcp-conn" || kind === "unix-stream" || kind === "unix-dgram") {
      all[all.length - 1].send(data);
    }
    if (kind === "udp" || kind === "udp6" || kind === "unix-bound") {
      sock.sendto(data, sock.getsockname());
    }
  } catch { /* nothing queued this time */ }
  for (const s of all) s.settimeout(timeout);
  return { sock, all, files: [] };
}

function cleanup(ctx: Ctx): void {
  for (const f of ctx.files) {
    try {
      f.close();
    } catch { /* a flush may fail */ }
  }
  for (const s of ctx.all) s.close();
}

// ---------------------------------------------------------------------------
// Calling, checking, disposing

let failure: string | null = null;

function check(e: unknown, what: string): void {
  if (allowed(e)) return;
  const name = (e as Error)?.constructor?.name ?? typeof e;
  const msg = (e as Error)?.message ?? String(e);
  throw new Error(`${what} threw ${name}: ${msg}\n${(e as Error)?.stack ?? ""}`);
}

/** Closes whatever a call handed back that holds a descriptor. */
function dispose(v: unknown, ctx: Ctx | null, depth = 0): void {
  if (v instanceof S.Socket) {
    v.close();
    return;
  }
  if (v instanceof S.SocketFile) {
    try {
      v.close();
    } catch { /* flush failure */ }
    return;
  }
  if (v instanceof ReadableStreamDefaultReader) return;
  if (Array.isArray(v) && depth < 2) {
    // recvmsg results: [data, ancdata, flags, address]; close SCM_RIGHTS fds.
    if (Array.isArray(v[1]) && v.length === 4) {
      for (const item of v[1]) {
        if (
          Array.isArray(item) && item[0] === S.SOL_SOCKET && item[1] === S.SCM_RIGHTS &&
          item[2] instanceof Uint8Array
        ) {
          for (const fd of S.unpackFds(item[2])) closeQuietly(fd);
        }
      }
    }
    for (const x of v) dispose(x, ctx, depth + 1);
  }
}

function closeQuietly(fd: number): void {
  try {
    if (fd > 2) S.close(fd);
  } catch { /* not ours to worry about */ }
}

/**
 * Runs `fn`; a promise gets 30 ms to settle, then the context's sockets are
 * closed (which must reject whatever still waits on them) and it gets 5 s.
 */
async function invoke(
  what: string,
  fn: () => unknown,
  ctx: Ctx | null,
  after: (v: unknown) => void = (v) => dispose(v, ctx),
): Promise<void> {
  let r: unknown;
  try {
    r = fn();
  } catch (e) {
    check(e, what);
    return;
  }
  if (!(r instanceof Promise)) {
    try {
      after(r);
    } catch (e) {
      check(e, `${what}, disposing its result`);
    }
    return;
  }
  const outcome = (p: Promise<unknown>) =>
    p.then((v) => ({ ok: true as const, v }), (e) => ({ ok: false as const, e }));
  let settled = await Promise.race([outcome(r), delay(30).then(() => null)]);
  if (settled === null) {
    if (ctx) cleanup(ctx);
    let timer: ReturnType<typeof setTimeout> | undefined;
    settled = await Promise.race([
      outcome(r),
      new Promise<null>((res) => timer = setTimeout(() => res(null), 5000)),
    ]);
    clearTimeout(timer);
    if (settled === null) throw new Error(`${what}: still pending 5 s after its socket closed`);
  }
  if (!settled.ok) {
    check(settled.e, what);
    return;
  }
  try {
    after(settled.v);
  } catch (e) {
    check(e, `${what}, disposing its result`);
  }
}

async function property(
  name: string,
  arb: fc.Arbitrary<unknown[]>,
  body: (args: unknown[]) => Promise<void>,
): Promise<void> {
  if (failure !== null || (ONLY !== undefined && ONLY !== name)) return;
  const fdsBefore = fdTargets();
  // fc.check, not fc.assert: its report would stringify the hostile values
  // (throwing Proxies included); ours uses `describe`, which runs no user code.
  const details = await fc.check(
    fc.asyncProperty(arb, async (values) => {
      const n = TRACE ? fdTargets().join() : "";
      await body(materialize(values) as unknown[]);
      if (TRACE) await delay(3);
      if (TRACE && fdTargets().join() !== n) {
        console.error(`${name}: ${n}\n -> ${fdTargets().join()}: ${describe(values)}`);
      }
    }),
    { seed, numRuns, endOnFailure: true },
  );
  if (details.failed) {
    const err = details.errorInstance as Error | undefined;
    const example = details.counterexample === null ? "?" : describe(details.counterexample);
    failure = `${name} (seed ${seed}, run ${details.numRuns}): ${err?.message ?? String(err)}\n` +
      `  arguments: ${example}\n${err?.stack ?? ""}`;
    return;
  }
  // Each property leaves the descriptor table as it found it.
  await delay(1);
  const fdsAfter = fdTargets();
  if (checkFds && fdsAfter.length !== fdsBefore.length) {
    const was = new Set(fdsBefore);
    const now = new Set(fdsAfter);
    const kinds = ["unix", "tcp", "tcp6", "udp", "udp6", "netlink"].map((f) => {
      try {
        const text = Deno.readTextFileSync(`/proc/net/${f}`);
        const hits = fdsAfter.filter((x) => !fdsBefore.includes(x)).map((x) =>
          x.match(/socket:\[(\d+)\]/)?.[1]
        )
          .filter((i) => i && text.includes(` ${i}`));
        return hits.length ? `${f}: ${hits.join(",")}` : "";
      } catch {
        return "";
      }
    }).filter(Boolean).join(" ");
    failure =
      `${name} (seed ${seed}): [${kinds}] descriptors ${fdsBefore.length} -> ${fdsAfter.length}; ` +
      `new: ${fdsAfter.filter((x) => !was.has(x)).join("; ")}; ` +
      `gone: ${fdsBefore.filter((x) => !now.has(x)).join("; ")}`;
  }
}

const any = anyArg(dir);
const args = (max = 5) => fc.array(any, { maxLength: max });
const kindArb = fc.constantFrom(...KINDS);
const timeoutArb = fc.constantFrom(0, 0.02);
/** A descriptor argument: never a live descriptor we do not own. */
const fdArb = fc.oneof(
  // -0 is descriptor 0 (as in CPython): not ours to close.
  badNumber.filter((v) => !Object.is(v, -0)),
  fc.constantFrom(-1, -5, 2 ** 31 - 1, 1 << 20),
  safeString,
  hostileObject,
  fc.constant("owned"),
);
/** Families and types: only those that send nothing off-host by themselves. */
const familyArb = netns
  ? fc.oneof(fc.integer({ min: -1, max: 46 }), badNumber)
  : fc.oneof(fc.constantFrom(S.AF_INET, S.AF_INET6, S.AF_UNIX, S.AF_UNSPEC, -1, 9999), badNumber);
const typeArb = netns
  ? fc.oneof(
    fc.integer({ min: -1, max: 10 }),
    badNumber,
    fc.constant(S.SOCK_STREAM | S.SOCK_NONBLOCK),
  )
  : fc.oneof(fc.constantFrom(S.SOCK_STREAM, S.SOCK_DGRAM, S.SOCK_SEQPACKET, -1, 9999), badNumber);
const hostArb = fc.oneof(
  fc.constantFrom("127.0.0.1", "::1", "", null, "0.0.0.0", "127.1", "localhost\0"),
  safeString,
  badNumber,
  hostileObject,
);

/** Replaces "owned" with a descriptor of a fresh socket we give away. */
function ownFd(v: unknown): unknown {
  return v === "owned" ? S.socket().detach() : v;
}

// ---------------------------------------------------------------------------
// Groups

async function socketMethods(names: string[]): Promise<void> {
  for (const name of names) {
    await property(
      `Socket.${name}`,
      fc.tuple(kindArb, timeoutArb, args()),
      async ([kind, timeout, a]) => {
        const ctx = make(kind as Kind, timeout as number);
        const list = a as unknown[];
        try {
          await invoke(
            `${kind} Socket.${name}(${list.map((x) => describe(x)).join(", ")})`,
            () => {
              const m = Reflect.get(ctx.sock, name);
              if (name === "makefile") {
                const f = ctx.sock.makefile(...(list as [string]));
                ctx.files.push(f);
                return f;
              }
              return typeof m === "function" ? Reflect.apply(m, ctx.sock, list) : m;
            },
            ctx,
            // detach() hands over a descriptor: ours to close.
            name === "detach" ? (v) => typeof v === "number" && closeQuietly(v) : undefined,
          );
        } finally {
          cleanup(ctx);
        }
      },
    );
  }
}

const METHODS = Object.getOwnPropertyNames(S.Socket.prototype).filter((n) =>
  n !== "constructor" && n !== "_ioref" && typeof n === "string"
);

async function streams(): Promise<void> {
  await property("Socket.readable/writable", fc.tuple(kindArb, args(3)), async ([kind, a]) => {
    const ctx = make(kind as Kind, 0.02);
    try {
      await invoke(
        `${kind} readable`,
        async () => {
          const reader = ctx.sock.readable.getReader({ mode: "byob" });
          const chunk = (a as unknown[])[0];
          try {
            return await reader.read(chunk as Uint8Array);
          } finally {
            reader.releaseLock();
          }
        },
        ctx,
        () => {},
      );
      if (ctx.sock.closed) return;
      await invoke(
        `${kind} writable`,
        async () => {
          const w = ctx.sock.writable.getWriter();
          try {
            for (const c of a as unknown[]) await w.write(c as Uint8Array);
          } finally {
            w.releaseLock();
          }
        },
        ctx,
        () => {},
      );
    } finally {
      cleanup(ctx);
    }
  });
}

async function files(): Promise<void> {
  const FILE_METHODS = ["read", "readline", "readlines", "write", "flush", "close", "fileno"];
  await property(
    "SocketFile",
    fc.tuple(
      fc.constantFrom("unix-stream", "tcp-conn", "closed"),
      fc.oneof(fc.constantFrom("r", "w", "rw", "rb", "wb", "rwb"), safeString, badNumber),
      fc.oneof(fc.constantFrom(null, 0, 1, 8192), badNumber),
      fc.array(fc.tuple(fc.constantFrom(...FILE_METHODS), args(2)), { maxLength: 4 }),
    ),
    async ([kind, mode, buffering, calls]) => {
      const ctx = make(kind as Kind, 0.02);
      try {
        await invoke(
          `makefile(${describe(mode)}, ${describe(buffering)})`,
          () => {
            ctx.files.push(ctx.sock.makefile(mode as string, buffering as number));
            return undefined;
          },
          ctx,
          () => {},
        );
        const file = ctx.files.at(-1); // none if makefile threw
        for (const [m, a] of calls as [string, unknown[]][]) {
          if (file === undefined) break;
          await invoke(
            `SocketFile.${m}(${a.map((x) => describe(x)).join(", ")})`,
            () => Reflect.apply(Reflect.get(file, m), file, a),
            ctx,
            () => {},
          );
        }
      } finally {
        cleanup(ctx);
      }
    },
  );
}

async function moduleFunctions(): Promise<void> {
  const plain: [string, (a: unknown[]) => unknown][] = [
    ["CMSG_LEN", (a) => S.CMSG_LEN(...(a as [number]))],
    ["CMSG_SPACE", (a) => S.CMSG_SPACE(...(a as [number]))],
    ["getdefaulttimeout", () => S.getdefaulttimeout()],
    ["packFds", (a) => S.packFds(...(a as [number[]]))],
    ["packUcred", (a) => S.packUcred(...(a as [S.Ucred]))],
    ["unpackFds", (a) => S.unpackFds(...(a as [Uint8Array]))],
    ["unpackUcred", (a) => S.unpackUcred(...(a as [Uint8Array]))],
    ["socketpair", (a) => S.socketpair(...(a as [number]))],
    ["has_dualstack_ipv6", () => S.has_dualstack_ipv6()],
    ["inet_aton", (a) => S.inet_aton(...(a as [string]))],
    ["inet_ntoa", (a) => S.inet_ntoa(...(a as [Uint8Array]))],
    ["inet_ntop", (a) => S.inet_ntop(...(a as [number, Uint8Array]))],
    ["inet_pton", (a) => S.inet_pton(...(a as [number, string]))],
    ["htonl", (a) => S.htonl(...(a as [number]))],
    ["htons", (a) => S.htons(...(a as [number]))],
    ["ntohl", (a) => S.ntohl(...(a as [number]))],
    ["ntohs", (a) => S.ntohs(...(a as [number]))],
    ["if_indextoname", (a) => S.if_indextoname(...(a as [number]))],
    ["if_nameindex", () => S.if_nameindex()],
    ["if_nametoindex", (a) => S.if_nametoindex(...(a as [string]))],
    ["errnoOf", (a) => S.errnoOf(...(a as [string]))],
    ["error", (a) => new S.error(...(a as [number]))],
    ["gaierror", (a) => new S.gaierror(...(a as [number]))],
    ["gethostname", () => S.gethostname()],
    ["getprotobyname", (a) => S.getprotobyname(...(a as [string]))],
    ["getservbyname", (a) => S.getservbyname(...(a as [string]))],
    ["getservbyport", (a) => S.getservbyport(...(a as [number]))],
  ];
  const numericArgs = fc.array(
    fc.oneof(smallInt, badNumber, safeString, hostileBuffer, hostileObject),
    {
      maxLength: 4,
    },
  );
  for (const [name, fn] of plain) {
    await property(name, numericArgs, async (a) => {
      await invoke(`${name}(${a.map((x) => describe(x)).join(", ")})`, () => fn(a), null);
    });
  }
  await property("setdefaulttimeout", args(2), async (a) => {
    try {
      await invoke(
        `setdefaulttimeout(${a.map((x) => describe(x)).join(", ")})`,
        () => S.setdefaulttimeout(...(a as [number])),
        null,
      );
    } finally {
      S.setdefaulttimeout(null);
    }
  });

  // Descriptors: close() and socket(…, fileno) get only descriptors we own.
  await property("close", fc.tuple(fdArb), async ([fd]) => {
    const n = ownFd(fd);
    await invoke(`close(${describe(n)})`, () => S.close(n as number), null);
  });
  await property(
    "socket/Socket",
    fc.tuple(familyArb, typeArb, fc.oneof(smallInt, badNumber), fc.oneof(fdArb, fc.constant(null))),
    async ([family, type, proto, fd]) => {
      const n = ownFd(fd);
      const owned = typeof n === "number" && fd === "owned";
      await invoke(
        `socket(${describe(family)}, ${describe(type)}, ${describe(proto)}, ${describe(n)})`,
        () => S.socket(family as number, type as number, proto as number, n as number),
        null,
      );
      if (owned) closeQuietly(n as number); // adoption failed: still ours (EBADF if adopted)
    },
  );
  await property(
    "dup/fromfd",
    fc.tuple(fc.oneof(fdArb, smallInt), familyArb, typeArb),
    async ([fd, family, type]) => {
      const n = ownFd(fd);
      await invoke(
        `dup(${describe(n)})`,
        () => S.dup(n as number),
        null,
        (v) => typeof v === "number" && closeQuietly(v),
      );
      await invoke(
        `fromfd(${describe(n)}, ${describe(family)}, ${describe(type)})`,
        () => S.fromfd(n as number, family as number, type as number),
        null,
      );
      if (fd === "owned") {
        closeQuietly(n as number);
      }
    },
  );
  await property("send_fds/recv_fds", fc.tuple(kindArb, args(4), args(3)), async ([kind, a, b]) => {
    const ctx = make(kind as Kind, 0.02);
    const peer = ctx.all[1] ?? ctx.sock;
    try {
      const [buffers, fds, flags, addr] = a as unknown[];
      await invoke(
        `send_fds(${(a as unknown[]).map((x) => describe(x)).join(", ")})`,
        () =>
          S.send_fds(ctx.sock, buffers as string[], fds as number[], flags as number, addr as null),
        ctx,
      );
      await invoke(
        `recv_fds(${(b as unknown[]).map((x) => describe(x)).join(", ")})`,
        () => S.recv_fds(peer, ...(b as [number, number])),
        ctx,
        (v) => {
          if (Array.isArray(v) && Array.isArray(v[1])) { for (const fd of v[1]) closeQuietly(fd); }
        },
      );
    } finally {
      cleanup(ctx);
    }
  });
  await property(
    "create_connection/create_server",
    fc.tuple(address(dir), args(3), address(dir), args(1)),
    async ([addr, a, src, b]) => {
      const srv = S.socket();
      srv.bind(["127.0.0.1", 0]);
      srv.listen(8);
      const [, port] = srv.getsockname();
      const target = Array.isArray(addr) && addr.length === 2 && typeof addr[1] === "number"
        ? [addr[0], port]
        : addr;
      try {
        await invoke(
          `create_connection(${describe(target)}, ${
            (a as unknown[]).map((x) => describe(x)).join(", ")
          })`,
          () => S.create_connection(target as [string, number], ...(a as [number])),
          null,
        );
        await invoke(
          `create_server(${describe(src)}, ${describe((b as unknown[])[0])})`,
          () =>
            S.create_server(src as [string, number], (b as unknown[])[0] as S.CreateServerOptions),
          null,
        );
      } finally {
        srv.close();
      }
    },
  );
}

async function resolverFunctions(): Promise<void> {
  const flagsArb = fc.oneof(smallInt, badNumber, hostileObject);
  const forwardHost = netns ? hostArb : fc.oneof(
    fc.constantFrom("127.0.0.1", "127.1", "localhost\0", null),
    safeString.filter((s) => s.includes("\0")),
    badNumber,
    hostileObject,
  );
  await property(
    "getaddrinfo",
    fc.tuple(
      hostArb,
      fc.oneof(smallInt, badNumber, safeString, hostileObject),
      fc.array(flagsArb, { maxLength: 4 }),
    ),
    async ([host, port, rest]) => {
      const a = [host, port, ...(rest as unknown[])];
      await invoke(
        `getaddrinfo(${a.map((x) => describe(x)).join(", ")})`,
        () => Reflect.apply(S.getaddrinfo, null, a),
        null,
      );
      await invoke(
        `getaddrinfoAsync(${a.map((x) => describe(x)).join(", ")})`,
        () => Reflect.apply(S.getaddrinfoAsync, null, a),
        null,
      );
    },
  );
  for (
    const [name, fn] of [
      ["gethostbyname", S.gethostbyname],
      ["gethostbyname_ex", S.gethostbyname_ex],
    ] as [string, (...a: unknown[]) => unknown][]
  ) {
    await property(name, fc.tuple(forwardHost), async (a) => {
      await invoke(`${name}(${describe(a[0])})`, () => fn(...a), null);
    });
  }
  // Reverse lookups only of names /etc/hosts answers (or failures before any
  // lookup); outside a namespace of our own nothing else is asked.
  const reverseHost = netns ? hostArb : fc.oneof(
    fc.constantFrom("127.0.0.1"),
    safeString.filter((s) => s.includes("\0")),
    badNumber,
    hostileObject,
  );
  await property("gethostbyaddr/getfqdn", fc.tuple(reverseHost), async ([h]) => {
    await invoke(`gethostbyaddr(${describe(h)})`, () => S.gethostbyaddr(h as string), null);
    if (netns || h !== "") {
      await invoke(`getfqdn(${describe(h)})`, () => S.getfqdn(h as string), null);
    }
  });
  await property(
    "getnameinfo",
    fc.tuple(fc.oneof(address(dir), hostileObject), flagsArb),
    async ([sa, flags]) => {
      const f = !netns && typeof flags === "number" && Number.isInteger(flags)
        ? (flags | S.NI_NUMERICHOST | S.NI_NUMERICSERV)
        : flags;
      await invoke(
        `getnameinfo(${describe(sa)}, ${describe(f)})`,
        () => S.getnameinfo(sa as [string, number], f as number),
        null,
      );
    },
  );
  if (netns) {
    // Its own UTS namespace: a hostname set here is seen nowhere else.
    await property(
      "sethostname",
      fc.tuple(fc.oneof(safeString, hostileBuffer, hostileObject, badNumber)),
      async ([n]) => {
        await invoke(`sethostname(${describe(n)})`, () => S.sethostname(n as string), null);
      },
    );
  }
}

// ---------------------------------------------------------------------------

// The ssl group's certificates and contexts (imported here only: the other
// groups never load OpenSSL), made before the descriptors are counted.
const ssl = group === "ssl"
  ? await import("./_ssl.ts").then(async (m) => ({ ...m, fixtures: await m.prepare(dir) }))
  : null;

// Warm up: the reactor's epoll and eventfd descriptors, fast-check's first
// allocation, then the count every batch must come back to.
{
  const [a, b] = S.socketpair();
  const p = b.recvAsync(1);
  a.send("x");
  await p;
  a.close();
  b.close();
}
// Deno itself opens a Unix socket pair (and a thread named "deno") about half
// a second after start, even in a bare script that only sets a timer. Take
// the baseline once it has appeared, or after a cap where it never does.
{
  const start = fdTargets();
  const cap = emulated ? 20_000 : 2_000;
  while (performance.now() < cap) {
    await delay(25);
    if (fdTargets().filter((x) => !start.includes(x) && x.includes("socket:")).length >= 2) break;
  }
}
const beforeTargets = fdTargets();

const half = Math.ceil(METHODS.length / 2);
switch (group) {
  case "methods-a":
    await socketMethods(METHODS.slice(0, half));
    break;
  case "methods-b":
    await socketMethods(METHODS.slice(half));
    await streams();
    await files();
    break;
  case "functions":
    await moduleFunctions();
    break;
  case "resolver":
    await resolverFunctions();
    break;
  case "ssl":
    await ssl!.sslGroup({ property, invoke, cleanup, closeQuietly, any }, ssl!.fixtures);
    break;
  default:
    console.error(`unknown group ${group}`);
    Deno.exit(2);
}

// Let finalizers and stray closes settle, then compare the descriptors:
// every one open before is still open, to the same file, and none is new.
// (The sets, not only the counts: under qemu-user a count one lower with the
// very same descriptors listed was seen, a descriptor caught mid-close by
// the listing; the sets tell a leak or a stray close from that.)
const key = (targets: string[]) => new Set(targets.filter((x) => !/ -> \/proc\/.*\/fd$/.test(x)));
const was = key(beforeTargets);
const same = (now: Set<string>) => now.size === was.size && [...was].every((x) => now.has(x));
await delay(20);
let now = key(fdTargets());
for (let i = 0; i < 20 && !same(now); i++) {
  await delay(50);
  now = key(fdTargets());
}
Deno.removeSync(dir, { recursive: true });
const before = was.size;
const after = now.size;
if (failure === null && checkFds && !same(now)) {
  failure = `descriptors ${before} -> ${after}; new: ${
    [...now].filter((x) => !was.has(x)).join("; ")
  }; gone: ${[...was].filter((x) => !now.has(x)).join("; ")}`;
}
if (failure !== null) {
  console.error(failure);
  Deno.exit(1);
}
console.log(JSON.stringify({ group, seed, numRuns, fds: [before, after], checkFds }));
