/**
 * What a reactor backend is: the interface between the reactor
 * (`sys/reactor.ts`, which owns the waiters and the pump) and the readiness
 * mechanisms (`sys/epoll.ts`, `sys/kqueue.ts`, `sys/poll.ts`).
 *
 * @module
 */
import type { BackendName } from "./target.ts";
import { struct } from "../constants/mod.ts";
import { LITTLE_ENDIAN } from "../core/memory.ts";

/** Readiness directions a waiter waits for. */
export const READ = 0;
/** Readiness directions a waiter waits for. */
export const WRITE = 1;
/** `READ` or `WRITE`. */
export type Direction = typeof READ | typeof WRITE;

/** One waiting operation. */
export interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  reg: Registration;
  dir: Direction;
  timer?: ReturnType<typeof setTimeout>;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** A descriptor known to the reactor, with its waiters by direction. */
export interface Registration {
  readonly fd: number;
  /** Non-zero, unique among live registrations; 0 is the backends' waker. */
  readonly token: number;
  readers: Waiter[];
  writers: Waiter[];
  /**
   * A stream read found the receive queue empty, and the backend has not
   * reported the descriptor readable since (edge-triggered backends only).
   */
  drained: boolean;
  /**
   * The backend reported the read side ended (end of stream, hang-up or
   * error). Reads return at once from then on, so it is never drained.
   */
  ended: boolean;
}

/**
 * Called by a backend's `dispatch` for each ready descriptor. `ended`: the
 * read side is finished for good (peer shut down, hung up, or an error):
 * a state no later edge announces again.
 */
export type Ready = (token: number, readable: boolean, writable: boolean, ended: boolean) => void;

/**
 * A readiness mechanism. The reactor owns the waiters; a backend only tells
 * the kernel what to watch and reports what is ready. Every method but
 * `waitThread` is synchronous and reads errno right after its own call.
 */
export interface Backend {
  /** Which mechanism this is. */
  readonly name: BackendName;
  /** Starts watching `reg.fd` (both directions); throws a `socket.error`. */
  watch(reg: Registration): void;
  /** Stops watching `reg.fd` (called before it is closed); never throws. */
  unwatch(reg: Registration): void;
  /**
   * The set of waiters of `reg` changed (`added`: a waiter for `dir` joined).
   * Level-triggered backends rebuild their interest set, and wake an
   * in-flight thread wait that does not cover a new waiter.
   */
  changed(reg: Registration, dir: Direction, added: boolean): void;
  /** Polls without blocking; returns how many events `dispatch` can walk. */
  pollNow(): number;
  /**
   * Whether readiness is reported once per change (epoll `EPOLLET`, kqueue
   * `EV_CLEAR`) rather than for as long as it lasts: then a descriptor found
   * drained stays so until the backend reports it readable again.
   */
  readonly edgeTriggered: boolean;
  /**
   * Waits on the calling thread for at most `us` microseconds (< 1 s);
   * returns the count like `pollNow`, or -1 where this mechanism has no
   * sub-millisecond timeout (the reactor then polls in a bounded loop).
   */
  pollFor(us: number): number;
  /** Blocks on a worker thread (timeout -1) or peeks (0); returns the count (≤0: none). */
  waitThread(timeout: 0 | -1): Promise<number>;
  /** Reports the `n` events of the last poll to `ready` (waker events excluded). */
  dispatch(n: number, ready: Ready): void;
  /** Interrupts an in-flight `waitThread` (from the JS thread). */
  wake(): void;
}

/**
 * What interrupts a level-triggered backend's thread wait: a descriptor the
 * backend watches for input, which {@linkcode Waker.wake} makes readable
 * (a self-pipe; on Windows, one end of a loopback socket pair).
 */
export interface Waker {
  /** The descriptor to watch for input. */
  readonly fd: number;
  /** Makes `fd` readable (from the JS thread). */
  wake(): void;
  /** Reads what `wake` wrote, after the wait reported `fd` readable. */
  drain(): void;
}

/** A `struct timespec` of less than a second: the timeout of a backend's brief wait. */
export class ShortTimespec {
  /** The struct, for the syscall. */
  readonly bytes: Uint8Array = new Uint8Array(struct("timespec").size);
  #view = new DataView(this.bytes.buffer);
  #nsec = struct("timespec").fields.tv_nsec.offset + (LITTLE_ENDIAN ? 0 : 4);

  /** Sets it to `us` microseconds (< 1 s: tv_sec and tv_nsec's high half stay 0); returns the struct. */
  set(us: number): Uint8Array {
    this.#view.setUint32(this.#nsec, us * 1000, LITTLE_ENDIAN);
    return this.bytes;
  }
}
