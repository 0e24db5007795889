/**
 * The WSAPoll backend (Windows): `WSAPoll` is poll(2) over Winsock handles,
 * so this is the poll backend (`sys/poll.ts`: level-triggered, a set rebuilt
 * from the waiters, a brief wait only as a bounded loop since `WSAPoll`
 * counts in milliseconds), with the wait on a worker thread declared
 * `nonblocking: true` (`WSAPoll_nb`). Windows has no pipe or eventfd that
 * WSAPoll can watch: the waker is a loopback TCP socket pair.
 *
 * IOCP could take its place behind the same {@linkcode Backend} interface
 * (watch/unwatch/changed, a synchronous poll, a thread wait, a wake): with
 * AFD poll requests completing on a port, as mio and libuv do, it reports
 * readiness without a set rebuilt per wait and without WSAPoll's O(n) scan.
 *
 * @module
 */
import { constants as C } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { newSocketpair, setNonblocking } from "./platform.ts";
import type { Backend, Waker } from "./backend.ts";
import { PollBackend } from "./poll.ts";

/**
 * A loopback TCP socket pair as a waker: `wake` sends a byte on one end,
 * the backend watches the other. Both ends are non-blocking.
 */
export function socketPairWaker(): Waker {
  const [r, w] = newSocketpair(C.AF_INET, C.SOCK_STREAM, 0);
  setNonblocking(r, true);
  setNonblocking(w, true);
  const byte = new Uint8Array(1);
  const drain = new Uint8Array(64);
  return {
    fd: r,
    wake: () => void libc.send(w, byte, 1n, 0),
    drain: () => {
      while (libc.recv(r, drain, 64n, 0) === 64);
    },
  };
}

/** `WSAPoll` behind the reactor's {@linkcode Backend} interface. */
export function wsaPollBackend(): Backend {
  return new PollBackend("wsapoll", socketPairWaker);
}
