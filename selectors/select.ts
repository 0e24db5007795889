/**
 * {@linkcode SelectSelector}: CPython's `selectors.SelectSelector`.
 *
 * @module
 */
import { select, selectAsync, type SelectAsyncOptions } from "../select/poll.ts";
import {
  BaseSelector,
  EVENT_READ,
  EVENT_WRITE,
  type FileDescriptorLike,
  type SelectorEvent,
} from "./_base.ts";

/**
 * Python's `selectors.SelectSelector`, on {@linkcode select} (here built
 * on `poll(2)`, so without FD_SETSIZE limit).
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { EVENT_READ, SelectSelector } from "@libc/socket/selectors";
 * using sel = new SelectSelector();
 * const [a, b] = socket.socketpair();
 * sel.register(a, EVENT_READ);
 * b.send("x");
 * console.log(sel.select(1).length); // 1
 * a.close();
 * b.close();
 * ```
 */
export class SelectSelector<F extends FileDescriptorLike = FileDescriptorLike, D = unknown>
  extends BaseSelector<F, D> {
  #readers = new Set<number>();
  #writers = new Set<number>();

  /** Watches `fd` for `events`. */
  protected _add(fd: number, events: number): void {
    if (events & EVENT_READ) this.#readers.add(fd);
    if (events & EVENT_WRITE) this.#writers.add(fd);
  }

  /** Stops watching `fd`. */
  protected _remove(fd: number): void {
    this.#readers.delete(fd);
    this.#writers.delete(fd);
  }

  /** Changes what `fd` is watched for. */
  protected _change(fd: number, events: number): void {
    this._remove(fd);
    this._add(fd, events);
  }

  #merge([r, w]: number[][]): SelectorEvent<F, D>[] {
    const ev = new Map<number, number>();
    for (const fd of r) ev.set(fd, EVENT_READ);
    for (const fd of w) ev.set(fd, (ev.get(fd) ?? 0) | EVENT_WRITE);
    return this._ready(ev);
  }

  /**
   * Waits with {@linkcode select}.
   *
   * @param timeout Seconds; `null`/omitted blocks, 0 or less polls.
   * @returns `[key, events]` pairs.
   */
  select(timeout: number | null = null): SelectorEvent<F, D>[] {
    const t = timeout === null ? null : Math.max(timeout, 0);
    return this.#merge(select([...this.#readers], [...this.#writers], [], t));
  }

  /**
   * Waits with {@linkcode selectAsync}.
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
    return this.#merge(
      await selectAsync([...this.#readers], [...this.#writers], [], t, options),
    );
  }

  /** Closes the selector (and its mechanism). */
  override close(): void {
    this.#readers.clear();
    this.#writers.clear();
    super.close();
  }
}
