/**
 * {@linkcode PollSelector}: CPython's `selectors.PollSelector`.
 *
 * @module
 */
import { type Poll, poll, type SelectAsyncOptions } from "../select/poll.ts";
import { constants as C } from "../constants/mod.ts";
import {
  BaseSelector,
  type FileDescriptorLike,
  pollMask,
  readyFromPoll,
  type SelectorEvent,
} from "./_base.ts";

/**
 * Python's `selectors.PollSelector`, on a {@linkcode poll} object.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { EVENT_WRITE, PollSelector } from "@libc/socket/selectors";
 * using sel = new PollSelector();
 * const [a, b] = socket.socketpair();
 * sel.register(a, EVENT_WRITE);
 * console.log(sel.select(0)[0][1]); // 2
 * a.close();
 * b.close();
 * ```
 */
export class PollSelector<F extends FileDescriptorLike = FileDescriptorLike, D = unknown>
  extends BaseSelector<F, D> {
  #poll: Poll = poll();

  /** Watches `fd` for `events`. */
  protected _add(fd: number, events: number): void {
    this.#poll.register(fd, pollMask(events, C.POLLIN, C.POLLOUT));
  }

  /** Stops watching `fd`. */
  protected _remove(fd: number): void {
    try {
      this.#poll.unregister(fd);
    } catch { /* as CPython: already gone */ }
  }

  /** Changes what `fd` is watched for. */
  protected _change(fd: number, events: number): void {
    this.#poll.modify(fd, pollMask(events, C.POLLIN, C.POLLOUT));
  }

  static #ms(timeout: number | null): number | null {
    if (timeout === null) return null;
    return timeout <= 0 ? 0 : Math.ceil(timeout * 1e3);
  }

  /**
   * Waits with `poll(2)`.
   *
   * @param timeout Seconds; `null`/omitted blocks, 0 or less polls.
   * @returns `[key, events]` pairs.
   */
  select(timeout: number | null = null): SelectorEvent<F, D>[] {
    const list = this.#poll.poll(PollSelector.#ms(timeout));
    return this._ready(readyFromPoll(list, C.POLLIN, C.POLLOUT));
  }

  /**
   * Waits on the reactor (`Poll#pollAsync`).
   *
   * @param timeout Seconds; `null`/omitted waits until ready.
   * @param options `signal` cancels the wait.
   * @returns `[key, events]` pairs.
   */
  async selectAsync(
    timeout: number | null = null,
    options?: SelectAsyncOptions,
  ): Promise<SelectorEvent<F, D>[]> {
    const list = await this.#poll.pollAsync(PollSelector.#ms(timeout), options);
    return this._ready(readyFromPoll(list, C.POLLIN, C.POLLOUT));
  }

  /** Closes the selector (and its mechanism). */
  override close(): void {
    this.#poll = poll();
    super.close();
  }
}
