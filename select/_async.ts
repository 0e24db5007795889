// Private: waiting for readiness of several descriptors on this thread's
// reactor, for the async twins (selectAsync, Poll#pollAsync,
// Epoll#pollAsync, the selectors' selectAsync).
//
// The caller first polls with a zero timeout; only when nothing is ready
// does it call `waitAny`, which registers one reactor waiter per
// (descriptor, direction) under one AbortController and returns when the
// first wakes, the deadline passes or the caller's signal aborts. The caller
// then polls again for the true ready set (a wake-up is only a hint).
import { type Direction, reactor, READ, WRITE } from "../sys/reactor.ts";
import { error } from "../core/errors.ts";
import { EBADF, MAX_WAIT_MS } from "./_common.ts";

export { READ, WRITE };
export type { Direction };

/** One thing to wait for. */
export type Want = readonly [fd: number, dir: Direction];

function forgotten(): error {
  return new error(EBADF, "descriptor forgotten by select");
}

/**
 * Waits until one of `wants` may be ready, `deadline` (performance.now()
 * ms, null: none) passes, or `signal` aborts (then rejects with its reason).
 * Returns the descriptors the reactor refused (epoll's EPERM for regular
 * files, …): the caller counts those as always ready, as select(2) does.
 * A descriptor this library closed while the call waited (the reactor
 * rejects its waiter with EBADF) wakes the call too, and goes into
 * `closed` when given: the caller must not poll that number again, as
 * another thread may own it by now.
 * Registrations made for this call are dropped afterwards when no other
 * waiter uses them, so a later close and reuse of the number is untouched.
 */
export async function waitAny(
  wants: readonly Want[],
  deadline: number | null,
  signal?: AbortSignal,
  closed?: Set<number>,
): Promise<Set<number>> {
  signal?.throwIfAborted();
  const refused = new Set<number>();
  const used = new Set<number>();
  const inner = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const wake = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      for (const [fd, dir] of wants) {
        let p: Promise<void>;
        try {
          p = reactor.wait(fd, dir, inner.signal);
        } catch {
          refused.add(fd);
          continue;
        }
        used.add(fd);
        // A rejection other than our own abort (the descriptor was
        // forgotten or closed meanwhile) is a wake-up too: the poll that
        // follows reports what happened.
        p.then(wake, (reason) => {
          if (inner.signal.aborted) return;
          if (reason instanceof error && reason.errno === EBADF) closed?.add(fd);
          wake();
        });
      }
      if (refused.size > 0) return wake();
      if (signal !== undefined) {
        onAbort = () => {
          if (!settled) {
            settled = true;
            reject(signal.reason);
          }
        };
        signal.addEventListener("abort", onAbort, { once: true });
      }
      if (deadline !== null) {
        const ms = Math.min(Math.max(0, Math.ceil(deadline - performance.now())), MAX_WAIT_MS);
        timer = setTimeout(wake, ms);
      }
      if (wants.length === 0 && deadline === null && signal === undefined) {
        // Nothing can ever wake this call: like select([], [], []) it would
        // block forever; keep the process alive with a timer as Python does.
        timer = setInterval(() => {}, MAX_WAIT_MS);
      }
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort !== undefined) signal!.removeEventListener("abort", onAbort);
    inner.abort();
    for (const fd of used) if (reactor.pending(fd) === 0) reactor.forget(fd, forgotten);
  }
  return refused;
}
