/**
 * {@linkcode KqueueSelector}: CPython's `selectors.KqueueSelector` (macOS, BSD).
 *
 * @module
 */
import { kevent, type Kqueue, kqueue, type KqueueEvent } from "../select/kqueue.ts";
import { selectAsync, type SelectAsyncOptions } from "../select/poll.ts";
import { constants as C } from "../constants/mod.ts";
import {
  BaseSelector,
  EVENT_READ,
  EVENT_WRITE,
  type FileDescriptorLike,
  type SelectorEvent,
} from "./_base.ts";

/**
 * Python's `selectors.KqueueSelector` (macOS, BSD), on a {@linkcode kqueue}
 * object: a read and a write filter per registered descriptor, as CPython.
 * Where the platform has no kqueue (Linux) constructing one throws the
 * `TypeError` of `kqueue()`.
 *
 * @example
 * ```ts ignore
 * import * as socket from "@libc/socket";
 * import { EVENT_READ, KqueueSelector } from "@libc/socket/selectors";
 * using sel = new KqueueSelector();
 * const [a, b] = socket.socketpair();
 * sel.register(a, EVENT_READ);
 * b.send("x");
 * console.log(sel.select(1)[0][0].fileobj === a); // true
 * a.close();
 * b.close();
 * ```
 */
export class KqueueSelector<F extends FileDescriptorLike = FileDescriptorLike, D = unknown>
  extends BaseSelector<F, D> {
  #kq: Kqueue = kqueue();
  #maxEvents = 0;
  /** fd → the EVENT_* bits whose filters are in the kqueue. */
  #watched = new Map<number, number>();

  /**
   * The kqueue descriptor.
   *
   * @returns It.
   */
  fileno(): number {
    return this.#kq.fileno();
  }

  #apply(changes: KqueueEvent[]): void {
    if (changes.length > 0) this.#kq.control(changes, 0, 0);
  }

  /** Adds a read and/or a write filter for `fd` (`kevent(2)` with `EV_ADD`). */
  protected _add(fd: number, events: number): void {
    // One filter at a time, as CPython: a failure leaves no half-counted state.
    if (events & EVENT_READ) {
      this.#apply([kevent(fd, C.EVFILT_READ, C.EV_ADD)]);
      this.#maxEvents++;
    }
    if (events & EVENT_WRITE) {
      try {
        this.#apply([kevent(fd, C.EVFILT_WRITE, C.EV_ADD)]);
      } catch (e) {
        if (events & EVENT_READ) this.#delete(fd, C.EVFILT_READ);
        throw e;
      }
      this.#maxEvents++;
    }
    this.#watched.set(fd, events);
  }

  #delete(fd: number, filter: number): void {
    this.#maxEvents--;
    try {
      this.#apply([kevent(fd, filter, C.EV_DELETE)]);
    } catch { /* as CPython: the descriptor may be closed already */ }
  }

  /** Deletes `fd`'s filters (`EV_DELETE`); failures are ignored. */
  protected _remove(fd: number): void {
    const events = this.#watched.get(fd) ?? 0;
    this.#watched.delete(fd);
    if (events & EVENT_READ) this.#delete(fd, C.EVFILT_READ);
    if (events & EVENT_WRITE) this.#delete(fd, C.EVFILT_WRITE);
  }

  /** Changes `fd`'s filters: deletes the old ones, adds the new ones. */
  protected _change(fd: number, events: number): void {
    this._remove(fd);
    this._add(fd, events);
  }

  /**
   * Waits with `kevent(2)`.
   *
   * @param timeout Seconds; `null`/omitted blocks, 0 or less polls.
   * @returns `[key, events]` pairs.
   */
  select(timeout: number | null = null): SelectorEvent<F, D>[] {
    const t = timeout === null ? null : Math.max(timeout, 0);
    const list = this.#kq.control(null, Math.max(this.#maxEvents, 1), t);
    const ready = new Map<number, number>();
    for (const ev of list) {
      const bit = ev.filter === C.EVFILT_READ
        ? EVENT_READ
        : ev.filter === C.EVFILT_WRITE
        ? EVENT_WRITE
        : 0;
      ready.set(ev.ident, (ready.get(ev.ident) ?? 0) | bit);
    }
    return this._ready(ready);
  }

  /**
   * Waits on the reactor for any registered descriptor (as
   * {@linkcode selectAsync}), then collects with a `kevent(2)` poll.
   *
   * @param timeout Seconds; `null`/omitted waits until ready.
   * @param options `signal` cancels the wait.
   * @returns `[key, events]` pairs.
   */
  async selectAsync(
    timeout: number | null = null,
    options?: SelectAsyncOptions,
  ): Promise<SelectorEvent<F, D>[]> {
    const t = timeout === null ? null : Math.max(timeout, 0);
    const readers: number[] = [], writers: number[] = [];
    for (const key of this._fd_to_key.values()) {
      if (key.events & EVENT_READ) readers.push(key.fd);
      if (key.events & EVENT_WRITE) writers.push(key.fd);
    }
    await selectAsync(readers, writers, [], t, options);
    return this.select(0);
  }

  /** Closes the selector (and its mechanism). */
  override close(): void {
    this.#kq.close();
    this.#watched.clear();
    this.#maxEvents = 0;
    super.close();
  }
}
