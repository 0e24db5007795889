/**
 * What a reactor backend is: the interface between the reactor
 * (`sys/reactor.ts`, which owns the waiters and the pump) and the readiness
 * mechanisms (`sys/epoll.ts`, `sys/kqueue.ts`, `sys/poll.ts`).
 *
 * @module
 */
import type { BackendName } from "./target.ts";

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
}

/** Called by a backend's `dispatch` for each ready descriptor. */
export type Ready = (token: number, readable: boolean, writable: boolean) => void;

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
  /** Blocks on a worker thread (timeout -1) or peeks (0); returns the count (≤0: none). */
  waitThread(timeout: 0 | -1): Promise<number>;
  /** Reports the `n` events of the last poll to `ready` (waker events excluded). */
  dispatch(n: number, ready: Ready): void;
  /** Interrupts an in-flight `waitThread` (from the JS thread). */
  wake(): void;
}
