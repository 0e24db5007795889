/**
 * Socket activation: the listening sockets a service manager (systemd,
 * `systemd-socket-activate`, s6, …) opened and passed down, adopted as
 * {@linkcode Socket}s. Follows `sd_listen_fds(3)`: `LISTEN_PID` must be this
 * process's pid, `LISTEN_FDS` counts the descriptors, which start at 3
 * (`SD_LISTEN_FDS_START`), and `LISTEN_FDNAMES` names them.
 *
 * Reading the environment needs `--allow-env` (for `LISTEN_PID`,
 * `LISTEN_FDS` and `LISTEN_FDNAMES`); the permission is queried first, so
 * there is never a prompt.
 *
 * @module
 */
import { table } from "../constants/mod.ts";
import { type error, fromErrno } from "../core/errors.ts";
import { Socket } from "./socket.ts";
import { reprStr } from "../core/repr.ts";

/**
 * The first passed descriptor. `SD_LISTEN_FDS_START` is part of systemd's
 * ABI (`<systemd/sd-daemon.h>`, which is not a system header here), the
 * descriptor right after stdin, stdout and stderr.
 */
const SD_LISTEN_FDS_START = 3;

const VARS = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] as const;

/** Options of {@linkcode listen_fds}. */
export interface ListenFdsOptions {
  /**
   * Remove `LISTEN_PID`, `LISTEN_FDS` and `LISTEN_FDNAMES` from the
   * environment afterwards (so child processes do not see them), as
   * `sd_listen_fds(1)` does. Default false.
   */
  unset_environment?: boolean;
}

function readEnv(): Record<(typeof VARS)[number], string | undefined> {
  for (const variable of VARS) {
    if (Deno.permissions.querySync({ name: "env", variable }).state !== "granted") {
      throw new Deno.errors.NotCapable(
        `listen_fds() reads ${variable}: run with --allow-env=${VARS.join(",")}`,
      );
    }
  }
  return {
    LISTEN_PID: Deno.env.get("LISTEN_PID"),
    LISTEN_FDS: Deno.env.get("LISTEN_FDS"),
    LISTEN_FDNAMES: Deno.env.get("LISTEN_FDNAMES"),
  };
}

function einval(what: string): error {
  const e = fromErrno(table.errnoNames.EINVAL, "listen_fds");
  e.message = `${e.message}: ${what}`;
  return e;
}

function parseCount(s: string, what: string): number {
  if (!/^\d{1,9}$/.test(s)) throw einval(`${what}=${reprStr(s)}`);
  return Number(s);
}

/**
 * The passed descriptors with their names, adopted as sockets.
 * `sd_listen_fds_with_names(3)`: without `LISTEN_FDNAMES` every name is
 * `"unknown"`.
 *
 * @example Not activated: no sockets
 * ```ts
 * import { listen_fds_with_names } from "@libc/socket";
 * console.log(listen_fds_with_names()); // []
 * ```
 * @param options `unset_environment` (default false); default `{}`.
 * @throws {Deno.errors.NotCapable} Without `--allow-env` for the three variables.
 * @throws {error} EINVAL for a malformed `LISTEN_PID`/`LISTEN_FDS` or a
 *   `LISTEN_FDNAMES` with another number of names than descriptors, or
 *   ENOTSOCK (from adopting) when a passed descriptor is not a socket.
 */
export function listen_fds_with_names(options: ListenFdsOptions = {}): [Socket, string][] {
  const env = readEnv();
  try {
    if (env.LISTEN_PID === undefined || env.LISTEN_FDS === undefined) return [];
    if (parseCount(env.LISTEN_PID, "LISTEN_PID") !== Deno.pid) return [];
    const n = parseCount(env.LISTEN_FDS, "LISTEN_FDS");
    // As sd_listen_fds_with_names: without LISTEN_FDNAMES every name is
    // "unknown"; with it, there must be exactly one name per descriptor.
    const names = env.LISTEN_FDNAMES?.split(":") ?? Array(n).fill("unknown");
    if (n > 0 && names.length !== n) {
      throw einval(`LISTEN_FDNAMES has ${names.length} names for ${n} descriptors`);
    }
    const out: [Socket, string][] = [];
    try {
      for (let i = 0; i < n; i++) {
        // The family, type and protocol are read from the descriptor
        // (getsockopt SO_DOMAIN, SO_TYPE, SO_PROTOCOL).
        const s = new Socket(-1, -1, -1, SD_LISTEN_FDS_START + i);
        out.push([s, names[i]]);
        // As sd_listen_fds: the descriptors do not leak into children.
        s.set_inheritable(false);
      }
    } catch (e) {
      // Hand the descriptors back untouched rather than closing what we
      // were given.
      for (const [s] of out) s.detach();
      throw e;
    }
    return out;
  } finally {
    if (options.unset_environment) { for (const v of VARS) Deno.env.delete(v); }
  }
}

/**
 * The listening sockets passed by socket activation, adopted as sockets.
 * Corresponds to `sd_listen_fds(3)`: `fcntl(2)` sets `FD_CLOEXEC` on each,
 * and `getsockopt(2)` reads its family, type and protocol. Returns `[]`
 * when the process was not activated (no `LISTEN_FDS`, or `LISTEN_PID` is
 * another process's).
 *
 * @example Serve on the passed socket, or bind one when started by hand
 * ```ts
 * import * as socket from "@libc/socket";
 * const [passed] = socket.listen_fds({ unset_environment: true });
 * using srv = passed ?? socket.create_server(["127.0.0.1", 0]);
 * console.log(srv.type === socket.SOCK_STREAM); // true
 * ```
 * @param options `unset_environment` (default false): as sd_listen_fds's
 *   argument, clear the three variables; default `{}`.
 * @throws {Deno.errors.NotCapable} Without `--allow-env` for the three variables.
 * @throws {error} EINVAL for malformed variables, ENOTSOCK for a descriptor
 *   that is not a socket.
 */
export function listen_fds(options: ListenFdsOptions = {}): Socket[] {
  return listen_fds_with_names(options).map(([s]) => s);
}
