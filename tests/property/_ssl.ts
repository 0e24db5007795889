/**
 * The ssl group of the property suite: every method and settable property
 * of SSLContext, SSLSocket (its inherited Socket methods too), SSLObject,
 * MemoryBIO and SSLSession, and the module's functions, called with hostile
 * arguments: wrong types, out-of-range integers, lying/detached/shrunk/
 * shared buffers, huge strings, throwing Proxies, closed, unwrapped and
 * never-connected objects. Run by `_runner.ts ssl …`, with its rule: a call
 * returns or throws TypeError, RangeError or a socket.error (SSLError is
 * one); and, here, no message of Deno's FFI layer ever reaches the caller.
 *
 * Deliberate casts: every `x as T` applied to a generated argument types a
 * hostile value as the parameter it is passed to (as in _runner.ts).
 */
import * as S from "../../mod.ts";
import * as ssl from "../../ssl.ts";
import { type Certs, certs } from "../ssl/_certs.ts";
import {
  badNumber,
  describe,
  fc,
  hostileBuffer,
  hostileObject,
  Make,
  safeString,
} from "./_hostile.ts";

/**
 * A context the runner can clean up: its sockets are closed when a call hangs.
 * `sock` is an SSLSocket where `make` builds it, a plain socket elsewhere.
 */
export interface SslCtx<Sock extends S.Socket = S.Socket> {
  sock: Sock;
  all: S.Socket[];
  files: S.SocketFile[];
}

/** What the runner lends this group. */
export interface Harness {
  property(
    name: string,
    arb: fc.Arbitrary<unknown[]>,
    body: (args: unknown[]) => Promise<void>,
  ): Promise<void>;
  invoke(
    what: string,
    fn: () => unknown,
    ctx: SslCtx | null,
    after?: (v: unknown) => void,
  ): Promise<void>;
  cleanup(ctx: SslCtx): void;
  closeQuietly(fd: number): void;
  any: fc.Arbitrary<unknown>;
}

/** Deno's own FFI messages ("Invalid FFI pointer type", …) must never reach a user. */
function noFfiMessage<T>(fn: () => T): T {
  const leak = (e: unknown) => {
    if (e instanceof Error && /\bFFI\b|UnsafePointer|Deno\.dlopen/i.test(e.message)) {
      throw new Error(`Deno's FFI message reached the caller: ${e.message}`);
    }
    throw e;
  };
  let r: T;
  try {
    r = fn();
  } catch (e) {
    return leak(e);
  }
  return (r instanceof Promise ? r.catch(leak) : r) as T;
}

const hugeString = fc.oneof(
  fc.constant(new Make("1 MiB string", () => "a".repeat(1 << 20))),
  fc.constant(new Make("1 MiB string with NUL", () => "a".repeat(1 << 20) + "\0")),
  fc.constant(new Make("64 KiB of é", () => "é".repeat(1 << 16))),
  fc.constant(new Make("lone surrogates", () => "\uD800".repeat(100))),
);

const tlsVersions = fc.constantFrom(
  ssl.TLSVersion.MINIMUM_SUPPORTED,
  ssl.TLSVersion.MAXIMUM_SUPPORTED,
  ssl.TLSVersion.TLSv1_2,
  ssl.TLSVersion.TLSv1_3,
  ssl.TLSVersion.SSLv3,
);

type Kind =
  | "handshaken"
  | "unhandshaken"
  | "unconnected"
  | "listener"
  | "closed"
  | "unwrapped";
const KINDS: Kind[] = [
  "handshaken",
  "unhandshaken",
  "unconnected",
  "listener",
  "closed",
  "unwrapped",
];

/** Everything the group needs made once: certificates and contexts. */
export interface Fixtures {
  server: ssl.SSLContext;
  client: ssl.SSLContext;
  certs: Certs;
}

/**
 * Makes the certificates (with the openssl CLI) and contexts. Run before the
 * runner counts its descriptors: the first child process makes Deno open
 * descriptors of its own, for good.
 */
export async function prepare(dir: string): Promise<Fixtures> {
  // Relative paths the calls name (a keylog file "0", say) land in the temp dir.
  Deno.chdir(dir);
  const c = await certs();
  const fx: Fixtures = {
    server: ssl.create_default_context(ssl.Purpose.CLIENT_AUTH),
    client: ssl.create_default_context(ssl.Purpose.SERVER_AUTH, { cafile: c.ca }),
    certs: c,
  };
  fx.server.load_cert_chain(c.server, c.serverKey);
  return fx;
}

async function pair(fx: Fixtures, handshake: boolean): Promise<[ssl.SSLSocket, ssl.SSLSocket]> {
  const [a, b] = S.socketpair();
  const s = fx.server.wrap_socket(b, { server_side: true, do_handshake_on_connect: false });
  const c = fx.client.wrap_socket(a, {
    server_hostname: "localhost",
    do_handshake_on_connect: false,
  });
  if (handshake) {
    await Promise.all([s.do_handshakeAsync(), c.do_handshakeAsync()]);
    await s.sendallAsync(new Uint8Array(256).fill(0x5a)); // something to receive
  }
  return [c, s];
}

async function make(
  fx: Fixtures,
  kind: Kind,
  timeout: number,
): Promise<SslCtx<ssl.SSLSocket>> {
  let all: S.Socket[];
  let sock: ssl.SSLSocket;
  switch (kind) {
    case "handshaken":
    case "unhandshaken":
    case "closed": {
      const [c, s] = await pair(fx, kind !== "unhandshaken");
      all = [c, s];
      sock = c;
      if (kind === "closed") c.close();
      break;
    }
    case "unwrapped": {
      const [c, s] = await pair(fx, true);
      await Promise.all([c.unwrapAsync(), s.unwrapAsync()]);
      all = [c, s];
      sock = c;
      break;
    }
    case "unconnected":
      sock = fx.client.wrap_socket(S.socket(), { server_hostname: "localhost" });
      all = [sock];
      break;
    case "listener": {
      const l = S.socket();
      l.bind(["127.0.0.1", 0]);
      l.listen(4);
      sock = fx.server.wrap_socket(l, { server_side: true });
      all = [sock];
      break;
    }
  }
  for (const s of all) if (!s.closed) s.settimeout(timeout);
  return { sock, all, files: [] };
}

/** The names of a prototype chain's methods and accessors, from `proto` up to (not) Object. */
function members(proto: object): string[] {
  const out = new Set<string>();
  for (let p = proto; p !== Object.prototype && p !== null; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) {
      if (n !== "constructor" && !n.startsWith("_")) out.add(n);
    }
  }
  return [...out].sort();
}

/** Setters of a prototype chain. */
function setters(proto: object): string[] {
  const out = new Set<string>();
  for (let p = proto; p !== Object.prototype && p !== null; p = Object.getPrototypeOf(p)) {
    for (const [n, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (d.set && !n.startsWith("_")) out.add(n);
    }
  }
  return [...out].sort();
}

/** Runs the group. `h.any` gives the runner's hostile arguments. */
export async function sslGroup(h: Harness, fx: Fixtures): Promise<void> {
  const c = fx.certs;
  const arg = fc.oneof(
    { arbitrary: h.any, weight: 8 },
    { arbitrary: hugeString, weight: 1 },
    { arbitrary: tlsVersions, weight: 1 },
    { arbitrary: fc.constantFrom(c.ca, c.server, c.serverKey, `${c.dir}/missing.pem`), weight: 1 },
  );
  const args = (max = 4) => fc.array(arg, { maxLength: max });
  const timeoutArb = fc.constantFrom(0, 0.02);

  // SSLSocket: every method, its own and those inherited from Socket.
  const sockMethods = members(ssl.SSLSocket.prototype);
  for (const name of sockMethods) {
    await h.property(
      `SSLSocket.${name}`,
      fc.tuple(fc.constantFrom(...KINDS), timeoutArb, args()),
      async ([kind, timeout, a]) => {
        const ctx = await make(fx, kind as Kind, timeout as number);
        const list = a as unknown[];
        try {
          await h.invoke(
            `${kind} SSLSocket.${name}(${list.map((x) => describe(x)).join(", ")})`,
            () =>
              noFfiMessage(() => {
                const m = Reflect.get(ctx.sock, name);
                const r = typeof m === "function" ? Reflect.apply(m, ctx.sock, list) : m;
                if (r instanceof S.SocketFile) ctx.files.push(r);
                return r;
              }),
            ctx,
            name === "detach" ? (v) => typeof v === "number" && h.closeQuietly(v) : undefined,
          );
        } finally {
          h.cleanup(ctx);
        }
      },
    );
  }
  const sockSetters = setters(ssl.SSLSocket.prototype);
  await h.property(
    "SSLSocket setters",
    fc.tuple(fc.constantFrom(...KINDS), fc.constantFrom(...sockSetters), arg),
    async ([kind, name, v]) => {
      const ctx = await make(fx, kind as Kind, 0);
      try {
        await h.invoke(
          `${kind} SSLSocket.${name} = ${describe(v)}`,
          () => noFfiMessage(() => Reflect.set(ctx.sock, name as string, v)),
          ctx,
        );
      } finally {
        h.cleanup(ctx);
      }
    },
  );

  // The Web Streams of an SSLSocket, with hostile chunks and BYOB buffers.
  await h.property(
    "SSLSocket.readable/writable",
    fc.tuple(fc.constantFrom(...KINDS), args(3)),
    async ([kind, a]) => {
      const ctx = await make(fx, kind as Kind, 0.02);
      try {
        await h.invoke(
          `${kind} readable`,
          () =>
            noFfiMessage(async () => {
              const reader = ctx.sock.readable.getReader({ mode: "byob" });
              try {
                return await reader.read((a as unknown[])[0] as Uint8Array);
              } finally {
                reader.releaseLock();
              }
            }),
          ctx,
          () => {},
        );
        if (ctx.sock.closed) return;
        await h.invoke(
          `${kind} writable`,
          () =>
            noFfiMessage(async () => {
              const w = ctx.sock.writable.getWriter();
              try {
                for (const chunk of a as unknown[]) await w.write(chunk as Uint8Array);
              } finally {
                w.releaseLock();
              }
            }),
          ctx,
          () => {},
        );
      } finally {
        h.cleanup(ctx);
      }
    },
  );

  // SSLContext: constructor, methods, setters.
  await h.property("SSLContext()", args(2), async (a) => {
    await h.invoke(
      `new SSLContext(${a.map((x) => describe(x)).join(", ")})`,
      () => noFfiMessage(() => Reflect.construct(ssl.SSLContext, a)),
      null,
    );
  });
  const protocols = fc.constantFrom(
    ssl.PROTOCOL_TLS,
    ssl.PROTOCOL_TLS_CLIENT,
    ssl.PROTOCOL_TLS_SERVER,
  );
  for (const name of members(ssl.SSLContext.prototype)) {
    await h.property(
      `SSLContext.${name}`,
      fc.tuple(protocols, args()),
      async ([protocol, a]) => {
        const ctx = new ssl.SSLContext(protocol as number);
        const list = a as unknown[];
        const made: SslCtx = { sock: S.socket(), all: [], files: [] };
        made.all.push(made.sock);
        try {
          await h.invoke(
            `SSLContext(${protocol}).${name}(${list.map((x) => describe(x)).join(", ")})`,
            () =>
              noFfiMessage(() => {
                const m = Reflect.get(ctx, name);
                // wrap_socket: a number first becomes a socket of ours (the rest stays hostile).
                if (name === "wrap_socket" && typeof list[0] === "number") list[0] = made.sock;
                return typeof m === "function" ? Reflect.apply(m, ctx, list) : m;
              }),
            made,
          );
        } finally {
          h.cleanup(made);
        }
      },
    );
  }
  const ctxSetters = setters(ssl.SSLContext.prototype);
  await h.property(
    "SSLContext setters",
    fc.tuple(protocols, fc.constantFrom(...ctxSetters), fc.oneof(arg, tlsVersions)),
    async ([protocol, name, v]) => {
      const ctx = new ssl.SSLContext(protocol as number);
      await h.invoke(
        `SSLContext(${protocol}).${name} = ${describe(v)}`,
        () => noFfiMessage(() => Reflect.set(ctx, name as string, v)),
        null,
      );
    },
  );

  // SSLObject and MemoryBIO: fresh, mid-handshake, handshaken and unwrapped objects.
  const bioStates = ["fresh", "started", "handshaken", "unwrapped"] as const;
  const objects = (state: string) => {
    const ci = new ssl.MemoryBIO(), co = new ssl.MemoryBIO();
    const si = new ssl.MemoryBIO(), so = new ssl.MemoryBIO();
    const cl = fx.client.wrap_bio(ci, co, { server_hostname: "localhost" });
    const sv = fx.server.wrap_bio(si, so, { server_side: true });
    const pump = () => {
      si.write(co.read());
      ci.write(so.read());
    };
    const step = (o: ssl.SSLObject) => {
      try {
        o.do_handshake();
        return true;
      } catch (e) {
        if (e instanceof ssl.SSLWantReadError) return false;
        throw e;
      }
    };
    if (state !== "fresh") step(cl);
    if (state === "handshaken" || state === "unwrapped") {
      for (let i = 0; i < 10; i++) {
        pump();
        const done = [step(sv), step(cl)];
        if (done[0] && done[1]) break;
      }
      pump();
      sv.write("data for the client");
      pump();
    }
    if (state === "unwrapped") {
      for (let i = 0; i < 10; i++) {
        try {
          cl.unwrap();
          break;
        } catch (e) {
          if (!(e instanceof ssl.SSLWantReadError)) throw e;
        }
        pump();
        try {
          sv.unwrap();
        } catch { /* waits for the client's close_notify */ }
        pump();
      }
    }
    return { cl, ci, co };
  };
  for (const name of members(ssl.SSLObject.prototype)) {
    await h.property(
      `SSLObject.${name}`,
      fc.tuple(fc.constantFrom(...bioStates), args()),
      async ([state, a]) => {
        const { cl } = objects(state as string);
        const list = a as unknown[];
        await h.invoke(
          `${state} SSLObject.${name}(${list.map((x) => describe(x)).join(", ")})`,
          () =>
            noFfiMessage(() => {
              const m = Reflect.get(cl, name);
              return typeof m === "function" ? Reflect.apply(m, cl, list) : m;
            }),
          null,
        );
      },
    );
  }
  await h.property(
    "SSLObject/MemoryBIO setters and MemoryBIO methods",
    fc.tuple(
      fc.constantFrom(...bioStates),
      fc.constantFrom(...setters(ssl.SSLObject.prototype), ...members(ssl.MemoryBIO.prototype)),
      args(3),
    ),
    async ([state, name, a]) => {
      const { cl, ci } = objects(state as string);
      const list = a as unknown[];
      await h.invoke(
        `${state} ${name}(${list.map((x) => describe(x)).join(", ")})`,
        () =>
          noFfiMessage(() => {
            if (setters(ssl.SSLObject.prototype).includes(name as string)) {
              return Reflect.set(cl, name as string, list[0]);
            }
            const m = Reflect.get(ci, name as string);
            return typeof m === "function" ? Reflect.apply(m, ci, list) : m;
          }),
        null,
      );
    },
  );
  await h.property(
    "SSLSession",
    fc.tuple(fc.constantFrom(...members(ssl.SSLSession.prototype)), args(2)),
    async ([name, a]) => {
      const ctx = await make(fx, "handshaken", 0.02);
      try {
        await ctx.sock.recvAsync(1); // the TLS 1.3 ticket arrives with data
        const session = ctx.sock.session;
        await h.invoke(
          `SSLSession.${name}(${(a as unknown[]).map((x) => describe(x)).join(", ")})`,
          () =>
            noFfiMessage(() => {
              const m = Reflect.get(session ?? {}, name as string);
              return typeof m === "function" ? Reflect.apply(m, session, a as unknown[]) : m;
            }),
          null,
        );
        // Resuming with a hostile "session".
        await h.invoke(
          `wrap_socket(…, { session: ${describe((a as unknown[])[0])} })`,
          () =>
            noFfiMessage(() => {
              const [x, y] = S.socketpair();
              ctx.all.push(x, y);
              return fx.client.wrap_socket(x, {
                server_hostname: "localhost",
                do_handshake_on_connect: false,
                session: (a as unknown[])[0] as ssl.SSLSession,
              });
            }),
          ctx,
        );
      } finally {
        h.cleanup(ctx);
      }
    },
  );

  // The module's functions.
  const functions: [string, (a: unknown[]) => unknown][] = [
    ["cert_time_to_seconds", (a) => ssl.cert_time_to_seconds(...(a as [string]))],
    ["DER_cert_to_PEM_cert", (a) => ssl.DER_cert_to_PEM_cert(...(a as [Uint8Array]))],
    ["PEM_cert_to_DER_cert", (a) => ssl.PEM_cert_to_DER_cert(...(a as [string]))],
    ["get_default_verify_paths", () => ssl.get_default_verify_paths()],
    ["create_default_context", (a) => ssl.create_default_context(...(a as []))],
    ["SSLError", (a) => Reflect.construct(ssl.SSLError, a)],
    ["SSLCertVerificationError", (a) => Reflect.construct(ssl.SSLCertVerificationError, a)],
    ["MemoryBIO", (a) => Reflect.construct(ssl.MemoryBIO, a)],
    ["SSLSocket constructor", (a) => Reflect.construct(ssl.SSLSocket, a)],
    ["SSLObject constructor", (a) => Reflect.construct(ssl.SSLObject, a)],
    ["SSLSession constructor", (a) => Reflect.construct(ssl.SSLSession, a)],
    ["RAND_add", (a) => ssl.RAND_add(...(a as [string, number]))],
    ["RAND_status", () => ssl.RAND_status()],
    // Sizes up to 1 MiB: a valid 2^31 - 1 would allocate 2 GiB (Python: MemoryError).
    [
      "RAND_bytes",
      (a) =>
        typeof a[0] === "number" && Math.abs(a[0]) > 1 << 20
          ? undefined
          : ssl.RAND_bytes(...(a as [number])),
    ],
    ["get_protocol_name", (a) => ssl.get_protocol_name(...(a as [number]))],
    // Loopback only: a refused port, or a host name with a NUL (no lookup).
    ["get_server_certificate", (a) =>
      ssl.get_server_certificate(
        (Array.isArray(a[0]) ? ["127.0.0.1", 9] : a[0]) as [string, number],
        a[1] as number,
        a[2] as string,
        { timeout: 0.02 },
      )],
  ];
  const pemLike = fc.oneof(
    arg,
    fc.constantFrom(
      "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
      "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
      "Jan  5 09:34:43 2018 GMT",
      "Feb 30 25:61:61 99999 GMT",
    ),
    safeString,
    badNumber,
    hostileBuffer,
    hostileObject,
  );
  for (const [name, fn] of functions) {
    await h.property(name, fc.array(pemLike, { maxLength: 3 }), async (a) => {
      await h.invoke(
        `${name}(${a.map((x) => describe(x)).join(", ")})`,
        () => noFfiMessage(() => fn(a)),
        null,
      );
    });
  }
}
