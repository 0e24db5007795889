/** The helpers async_test.ts and async_pending_test.ts share: TCP listeners and pairs on loopback, AF_UNIX paths, a real-timer sleep, the open-file limit. */
import * as socket from "../../mod.ts";
import type { Socket } from "../../mod.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();
export const bytes = (s: string): Uint8Array => enc.encode(s);

/** A TCP socket over IPv4: its addresses are `[host, port]`. */
export type TcpSocket = Socket<typeof socket.AF_INET, typeof socket.SOCK_STREAM>;

/** A listening TCP socket on an ephemeral loopback port. */
export function tcpServer(): TcpSocket {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  s.bind(["127.0.0.1", 0]);
  s.listen(128);
  return s;
}

/** A connected TCP pair `[client, accepted]`, set up with blocking calls. */
export function tcpPair(): [Socket, Socket] {
  using srv = tcpServer();
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.connect(srv.getsockname());
  const [conn] = srv.accept();
  return [c, conn];
}

export function tmpUnixPath(): string {
  const dir = Deno.makeTempDirSync({ prefix: "libc_socket_async_" });
  return `${dir}/s`;
}

export function removeUnixPath(path: string): void {
  Deno.removeSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
}

/** Resolves after `ms` (a real timer, so it also proves timers fire). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The soft limit on open files, from /proc/self/limits (Infinity if unknown). */
export function nofileLimit(): number {
  try {
    const line = Deno.readTextFileSync("/proc/self/limits").split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === "unlimited" ? Infinity : Number(soft);
  } catch {
    return Infinity;
  }
}
