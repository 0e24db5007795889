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
 * Where the platform has kqueue (macOS, BSD), {@linkcode kqueue} and
 * {@linkcode kevent} are Python's `select.kqueue` and `select.kevent`, and
 * the `KQ_*` constants carry the platform's values. On Linux (no kqueue,
 * and no `select.kqueue` in CPython) `kqueue()` throws a `TypeError` naming
 * the platform, the `KQ_*` constants are `undefined`, and `kevent()` still
 * builds plain records (with macOS's default filter and flags).
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
 * using client = socket.create_connection(server.getsockname());
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

export { select, selectAsync } from "./select/poll.ts";
export type { SelectAsyncOptions, SelectResult } from "./select/poll.ts";
export { Poll, poll } from "./select/poll.ts";
export { Epoll, epoll } from "./select/epoll.ts";
export { kevent, Kqueue, kqueue, KqueueEvent } from "./select/kqueue.ts";
export { KeyError } from "./select/_common.ts";
export type { FileDescriptorLike } from "./select/_common.ts";
export { error } from "./core/errors.ts";

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

// The kqueue constants of CPython's select module (macOS, BSD), from the
// generated table: `undefined` on a platform without kqueue (Linux).

/** Filter: the descriptor has data to read. */
export const KQ_FILTER_READ: number = C.EVFILT_READ;
/** Filter: the descriptor can be written. */
export const KQ_FILTER_WRITE: number = C.EVFILT_WRITE;
/** Filter: asynchronous I/O requests. */
export const KQ_FILTER_AIO: number = C.EVFILT_AIO;
/** Filter: file events (`KQ_NOTE_DELETE`, …). */
export const KQ_FILTER_VNODE: number = C.EVFILT_VNODE;
/** Filter: process events (`KQ_NOTE_EXIT`, …). */
export const KQ_FILTER_PROC: number = C.EVFILT_PROC;
/** Filter: signal deliveries. */
export const KQ_FILTER_SIGNAL: number = C.EVFILT_SIGNAL;
/** Filter: a timer. */
export const KQ_FILTER_TIMER: number = C.EVFILT_TIMER;
/** Flag: add (or modify) the event. */
export const KQ_EV_ADD: number = C.EV_ADD;
/** Flag: remove the event. */
export const KQ_EV_DELETE: number = C.EV_DELETE;
/** Flag: enable the event. */
export const KQ_EV_ENABLE: number = C.EV_ENABLE;
/** Flag: disable the event (it stays registered). */
export const KQ_EV_DISABLE: number = C.EV_DISABLE;
/** Flag: remove the event after its first delivery. */
export const KQ_EV_ONESHOT: number = C.EV_ONESHOT;
/** Flag: reset the state after delivery (edge-triggered). */
export const KQ_EV_CLEAR: number = C.EV_CLEAR;
/** Flags reserved by the system. */
export const KQ_EV_SYSFLAGS: number = C.EV_SYSFLAGS;
/** A filter-specific flag. */
export const KQ_EV_FLAG1: number = C.EV_FLAG1;
/** Returned: end of file (the peer closed). */
export const KQ_EV_EOF: number = C.EV_EOF;
/** Returned: an error; `data` holds the errno. */
export const KQ_EV_ERROR: number = C.EV_ERROR;
/** Read/write filter: `data` is a low-water mark. */
export const KQ_NOTE_LOWAT: number = C.NOTE_LOWAT;
/** Vnode: unlinked. */
export const KQ_NOTE_DELETE: number = C.NOTE_DELETE;
/** Vnode: written to. */
export const KQ_NOTE_WRITE: number = C.NOTE_WRITE;
/** Vnode: extended. */
export const KQ_NOTE_EXTEND: number = C.NOTE_EXTEND;
/** Vnode: attributes changed. */
export const KQ_NOTE_ATTRIB: number = C.NOTE_ATTRIB;
/** Vnode: link count changed. */
export const KQ_NOTE_LINK: number = C.NOTE_LINK;
/** Vnode: renamed. */
export const KQ_NOTE_RENAME: number = C.NOTE_RENAME;
/** Vnode: access revoked. */
export const KQ_NOTE_REVOKE: number = C.NOTE_REVOKE;
/** Process: exited. */
export const KQ_NOTE_EXIT: number = C.NOTE_EXIT;
/** Process: forked. */
export const KQ_NOTE_FORK: number = C.NOTE_FORK;
/** Process: executed a program. */
export const KQ_NOTE_EXEC: number = C.NOTE_EXEC;
/** Process: the control bits of fflags. */
export const KQ_NOTE_PCTRLMASK: number = C.NOTE_PCTRLMASK;
/** Process: the data bits of fflags. */
export const KQ_NOTE_PDATAMASK: number = C.NOTE_PDATAMASK;
/** Process: follow across forks (unsupported by macOS since 10.5). */
export const KQ_NOTE_TRACK: number = C.NOTE_TRACK;
/** Process: a tracked child (unsupported by macOS since 10.5). */
export const KQ_NOTE_CHILD: number = C.NOTE_CHILD;
/** Process: could not track a child (unsupported by macOS since 10.5). */
export const KQ_NOTE_TRACKERR: number = C.NOTE_TRACKERR;
