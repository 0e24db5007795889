/**
 * {@linkcode EpollSelector}: CPython's `selectors.EpollSelector` (Linux).
 *
 * @module
 */
import { type Epoll, epoll } from "../select/epoll.ts";
import { type SelectAsyncOptions } from "../select/poll.ts";
import { constants as C } from "../constants/mod.ts";
import {
  BaseSelector,
  type FileDescriptorLike,
  pollMask,
  readyFromPoll,
  type SelectorEvent,
} from "./_base.ts";

/**
 * Python's `selectors.EpollSelector` (Linux), on an {@linkcode epoll} object.
 *
 * @example
 * ```ts
 * import * as socket from "@libc/socket";
 * import { EpollSelector, EVENT_READ } from "@libc/socket/selectors";
 * using sel = new EpollSelector();
 * const [a, b] = socket.socketpair();
 * sel.register(a, EVENT_READ);
 * b.send("x");
 * console.log(sel.select(1)[0][0].fileobj === a); // true
 * a.close();
 * b.close();
 * ```
 */
export class EpollSelector<F extends FileDescriptorLike = FileDescriptorLike, D = unknown>
  extends BaseSelector<F, D> {
  #epoll: Epoll = epoll();

  /**
   * The epoll descriptor.
   *
   * @returns It.
   */
  fileno(): number {
    return this.#epoll.fileno();
  }

  /** Watches `fd` for `events`. */
  protected _add(fd: number, events: number): void {
    this.#epoll.register(fd, pollMask(events, C.EPOLLIN, C.EPOLLOUT));
  }

  /** Stops watching `fd`. */
  protected _remove(fd: number): void {
    try {
      this.#epoll.unregister(fd);
    } catch { /* as CPython: the descriptor may be closed already */ }
  }

  /** Changes what `fd` is watched for. */
  protected _change(fd: number, events: number): void {
    this.#epoll.modify(fd, pollMask(events, C.EPOLLIN, C.EPOLLOUT));
  }

  static #timeout(timeout: number | null): number {
    if (timeout === null) return -1;
    return timeout <= 0 ? 0 : Math.ceil(timeout * 1e3) * 1e-3;
  }

  /**
   * Waits with `epoll_wait(2)`.
   *
   * @param timeout Seconds; `null`/omitted blocks, 0 or less polls.
   * @returns `[key, events]` pairs.
   */
  select(timeout: number | null = null): SelectorEvent<F, D>[] {
    const max = Math.max(this._fd_to_key.size, 1);
    const list = this.#epoll.poll(EpollSelector.#timeout(timeout), max);
    return this._ready(readyFromPoll(list, C.EPOLLIN, C.EPOLLOUT));
  }

  /**
   * Waits for the epoll descriptor on the reactor (`Epoll#pollAsync`).
   *
   * @param timeout Seconds; `null`/omitted waits until ready.
   * @param options `signal` cancels the wait.
   * @returns `[key, events]` pairs.
   */
  async selectAsync(
    timeout: number | null = null,
    options?: SelectAsyncOptions,
  ): Promise<SelectorEvent<F, D>[]> {
    const max = Math.max(this._fd_to_key.size, 1);
    const list = await this.#epoll.pollAsync(EpollSelector.#timeout(timeout), max, options);
    return this._ready(readyFromPoll(list, C.EPOLLIN, C.EPOLLOUT));
  }

  /** Closes the selector (and its mechanism). */
  override close(): void {
    this.#epoll.close();
    super.close();
  }
}
