/**
 * {@linkcode DefaultSelector}: the best selector of the platform, as CPython's
 * `selectors.DefaultSelector`.
 *
 * @module
 */
import { HAS_EPOLL } from "../select/epoll.ts";
import { HAS_KQUEUE } from "../select/kqueue.ts";
import { HAS_POLL } from "../select/poll.ts";
import type { BaseSelector, FileDescriptorLike } from "./_base.ts";
import { EpollSelector } from "./epoll.ts";
import { KqueueSelector } from "./kqueue.ts";
import { PollSelector } from "./poll.ts";
import { SelectSelector } from "./select.ts";

/**
 * The most efficient selector of the platform: {@linkcode KqueueSelector}
 * where kqueue exists (macOS, BSD), {@linkcode EpollSelector} on Linux,
 * {@linkcode SelectSelector} on Windows (no `select.poll` there, as in
 * CPython), {@linkcode PollSelector} elsewhere.
 *
 * @example
 * ```ts
 * import { DefaultSelector } from "@libc/socket/selectors";
 * using sel = new DefaultSelector();
 * console.log(sel.select(0)); // []
 * ```
 */
export const DefaultSelector: new <
  F extends FileDescriptorLike = FileDescriptorLike,
  D = unknown,
>() => BaseSelector<F, D> = HAS_KQUEUE
  ? KqueueSelector
  : HAS_EPOLL
  ? EpollSelector
  : HAS_POLL
  ? PollSelector
  : SelectSelector;
