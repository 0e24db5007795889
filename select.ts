/**
 * # @libc/socket/select
 *
 * Python's `select` module (its Unix parts) for Deno: {@linkcode select},
 * {@linkcode poll} and {@linkcode epoll}, with CPython's names, arguments
 * and errors, calling `poll(2)` and `epoll_*(2)` through FFI. The blocking
 * calls block the thread as in Python; {@linkcode selectAsync},
 * `Poll#pollAsync` and `Epoll#pollAsync` wait on this thread's reactor
 * instead, and take a final `{ signal }`.
 *
 * `select()` is built on `poll(2)`: there is no FD_SETSIZE limit.
 * Python's `KeyError` is {@linkcode KeyError} (a `RangeError`), its
 * `ValueError` a `RangeError`, its `OSError` `socket.error` (re-exported
 * here as `error`, like `select.error`).
 *
 * @example The Socket HOWTO's non-blocking pattern
 * ```ts
 * import * as socket from "@libc/socket";
 * import { select } from "@libc/socket/select";
 *
 * using server = socket.create_server(["127.0.0.1", 0]);
 * using client = socket.create_connection(server.getsockname() as [string, number]);
 * const [readable] = select([server], [], [], 5);
 * const [conn] = readable[0].accept();
 * client.send("hi");
 * const [ready] = select([conn], [], [], 5);
 * console.log(new TextDecoder().decode(ready[0].recv(16))); // "hi"
 * conn.close();
 * ```
 *
 * @module
 */
import { constants as C } from "./constants/mod.ts";

export { select, selectAsync } from "./_select_poll.ts";
export type { SelectAsyncOptions, SelectResult } from "./_select_poll.ts";
export { Poll, poll } from "./_select_poll.ts";
export { Epoll, epoll } from "./_select_epoll.ts";
export { KeyError } from "./_select_common.ts";
export type { FileDescriptorLike } from "./_select_common.ts";
export { error } from "./errors.ts";

// The constants of CPython's select module on Linux, with this platform's
// values from the generated table.

/** There is data to read. */
export const POLLIN: number = C.POLLIN;
/** There is urgent data to read. */
export const POLLPRI: number = C.POLLPRI;
/** Ready for output: writing will not block. */
export const POLLOUT: number = C.POLLOUT;
/** Error condition (output only). */
export const POLLERR: number = C.POLLERR;
/** Hung up (output only). */
export const POLLHUP: number = C.POLLHUP;
/** Invalid request: descriptor not open (output only). */
export const POLLNVAL: number = C.POLLNVAL;
/** Stream socket peer closed its end, or shut down writing. */
export const POLLRDHUP: number = C.POLLRDHUP;
/** Normal data may be read. */
export const POLLRDNORM: number = C.POLLRDNORM;
/** Priority data may be read. */
export const POLLRDBAND: number = C.POLLRDBAND;
/** Normal data may be written. */
export const POLLWRNORM: number = C.POLLWRNORM;
/** Priority data may be written. */
export const POLLWRBAND: number = C.POLLWRBAND;
/** Unused on Linux (kept as CPython has it). */
export const POLLMSG: number = C.POLLMSG;

/** Available for read. */
export const EPOLLIN: number = C.EPOLLIN;
/** Available for write. */
export const EPOLLOUT: number = C.EPOLLOUT;
/** Urgent data for read. */
export const EPOLLPRI: number = C.EPOLLPRI;
/** Error condition on the descriptor. */
export const EPOLLERR: number = C.EPOLLERR;
/** Hang up on the descriptor. */
export const EPOLLHUP: number = C.EPOLLHUP;
/** Edge-triggered behaviour (the default is level-triggered). */
export const EPOLLET: number = C.EPOLLET;
/** One event, then the descriptor is disabled until modified. */
export const EPOLLONESHOT: number = C.EPOLLONESHOT;
/** Wake only one of the epoll objects watching the descriptor. */
export const EPOLLEXCLUSIVE: number = C.EPOLLEXCLUSIVE;
/** Stream socket peer closed its end, or shut down writing. */
export const EPOLLRDHUP: number = C.EPOLLRDHUP;
/** Equivalent to EPOLLIN. */
export const EPOLLRDNORM: number = C.EPOLLRDNORM;
/** Priority data band can be read. */
export const EPOLLRDBAND: number = C.EPOLLRDBAND;
/** Equivalent to EPOLLOUT. */
export const EPOLLWRNORM: number = C.EPOLLWRNORM;
/** Priority data may be written. */
export const EPOLLWRBAND: number = C.EPOLLWRBAND;
/** Ignored. */
export const EPOLLMSG: number = C.EPOLLMSG;
/** The flag `epoll()` accepts (the descriptor is always close-on-exec). */
export const EPOLL_CLOEXEC: number = C.EPOLL_CLOEXEC;
/** Bytes a pipe write is guaranteed to perform atomically (`<limits.h>`). */
export const PIPE_BUF: number = C.PIPE_BUF;
