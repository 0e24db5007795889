/**
 * The selector classes of `@libc/socket/selectors` (CPython's Lib/selectors.py).
 *
 * @module
 */
import { type Epoll, epoll, HAS_EPOLL } from "../select/epoll.ts";
import { type Poll, poll, select, selectAsync, type SelectAsyncOptions } from "../select/poll.ts";
import { fdOf, type FileDescriptorLike, KeyError } from "../select/_common.ts";
import { HAS_KQUEUE, kevent, type Kqueue, kqueue, type KqueueEvent } from "../select/kqueue.ts";
import { constants as C } from "../constants/mod.ts";
import { typeName } from "../core/util.ts";
import { repr } from "../core/repr.ts";

export { KeyError };
export type { FileDescriptorLike, SelectAsyncOptions };

/** The file object is ready for reading. */
export const EVENT_READ = 1;
/** The file object is ready for writing. */
export const EVENT_WRITE = 2;

/** A ready key and the events that are ready on it (within `key.events`). */
export type SelectorEvent<F extends FileDescriptorLike = FileDescriptorLike, D = unknown> = [
  key: SelectorKey<F, D>,
  events: number,
];

/**
 * Python's `selectors.SelectorKey`: what a file object was registered with.
 * Immutable, as the named tuple it mirrors.
 */
export class SelectorKey<F extends FileDescriptorLike = FileDescriptorLike, D = unknown> {
  /** The registered file object (or integer descriptor). */
  readonly fileobj: F;
  /** Its descriptor. */
  readonly fd: number;
  /** The events waited for: `EVENT_READ`, `EVENT_WRITE` or both. */
  readonly events: number;
  /** The data given at registration (`null` when none). */
  readonly data: D;

  /**
   * Creates a key (selectors create them; there is rarely a need to).
   *
   * @param fileobj The file object.
   * @param fd Its descriptor.
   * @param events The event mask.
   * @param data The attached data.
   */
  constructor(fileobj: F, fd: number, events: number, data: D) {
    this.fileobj = fileobj;
    this.fd = fd;
    this.events = events;
    this.data = data;
    Object.freeze(this);
  }

  /** Python's repr of the named tuple. */
  toString(): string {
    return `SelectorKey(fileobj=${String(this.fileobj)}, fd=${this.fd}, ` +
      `events=${this.events}, data=${String(this.data)})`;
  }
}

/**
 * The read-only mapping `get_map()` returns: keyed by file object (or
 * descriptor), iterating over descriptors, as CPython's `_SelectorMapping`.
 */
export class SelectorMapping<F extends FileDescriptorLike = FileDescriptorLike, D = unknown>
  implements Iterable<number> {
  #selector: BaseSelector<F, D>;
  #map: Map<number, SelectorKey<F, D>>;

  /**
   * Wraps a selector's table (selectors create mappings).
   *
   * @param selector The owning selector.
   * @param map Its descriptor → key table.
   */
  constructor(selector: BaseSelector<F, D>, map: Map<number, SelectorKey<F, D>>) {
    this.#selector = selector;
    this.#map = map;
  }

  /** Python's `len(mapping)`. */
  get size(): number {
    return this.#map.size;
  }

  /**
   * The key of a file object, or `undefined` (Python's `mapping.get`).
   *
   * @param fileobj A file object or descriptor.
   * @returns Its key, if registered.
   */
  get(fileobj: F | number): SelectorKey<F, D> | undefined {
    try {
      return this.#selector.get_key(fileobj);
    } catch (e) {
      if (e instanceof KeyError) return undefined;
      throw e;
    }
  }

  /**
   * Whether a file object is registered (Python's `in`).
   *
   * @param fileobj A file object or descriptor.
   * @returns True if registered.
   */
  has(fileobj: F | number): boolean {
    return this.get(fileobj) !== undefined;
  }

  /** The registered descriptors. @returns An iterator over them. */
  keys(): IterableIterator<number> {
    return this.#map.keys();
  }

  /** The keys. @returns An iterator over them. */
  values(): IterableIterator<SelectorKey<F, D>> {
    return this.#map.values();
  }

  /** `[fd, key]` pairs. @returns An iterator over them. */
  entries(): IterableIterator<[number, SelectorKey<F, D>]> {
    return this.#map.entries();
  }

  /** Iterates over descriptors, as iterating a Python mapping does. */
  [Symbol.iterator](): IterableIterator<number> {
    return this.#map.keys();
  }
}

function checkEvents(events: unknown): number {
  if (typeof events !== "number" || !Number.isInteger(events)) {
    throw new TypeError(`events must be an integer, not ${typeName(events)}`);
  }
  if (!events || events & ~(EVENT_READ | EVENT_WRITE)) {
    throw new RangeError(`Invalid events: ${events}`);
  }
  return events;
}

/** CPython's `_fileobj_to_fd`: ValueError (RangeError here) for anything else. */
function toFd(fileobj: unknown): number {
  let fd: unknown = fileobj;
  if (typeof fileobj !== "number") {
    const fileno = (fileobj as { fileno?: unknown } | null)?.fileno;
    if (typeof fileobj !== "object" || fileobj === null || typeof fileno !== "function") {
      throw new RangeError(`Invalid file object: ${repr(fileobj)}`);
    }
    fd = fileno.call(fileobj); // a throwing fileno() propagates
  }
  if (typeof fd !== "number" || !Number.isInteger(fd)) {
    throw new RangeError(`Invalid file object: ${repr(fileobj)}`);
  }
  if (fd < 0) throw new RangeError(`Invalid file descriptor: ${fd}`);
  return fdOf(fd);
}

/**
 * Python's `selectors.BaseSelector`: the interface every selector has, and
 * the descriptor → key table they share. Subclasses implement the
 * mechanism (`select`, `selectAsync`, and the `_add`/`_remove`/`_change`
 * hooks).
 *
 * `F` is the type of the registered file objects and `D` of the data.
 */
export abstract class BaseSelector<F extends FileDescriptorLike = FileDescriptorLike, D = unknown>
  implements Disposable {
  #fdToKey = new Map<number, SelectorKey<F, D>>();
  #map: SelectorMapping<F, D> | null = new SelectorMapping(this, this.#fdToKey);

  /** The table (for subclasses). */
  protected get _fd_to_key(): Map<number, SelectorKey<F, D>> {
    return this.#fdToKey;
  }

  /** CPython's `_fileobj_lookup`: a closed file object is found by identity. */
  #lookup(fileobj: F | number): number {
    try {
      return toFd(fileobj);
    } catch (e) {
      for (const key of this.#fdToKey.values()) if (key.fileobj === fileobj) return key.fd;
      throw e;
    }
  }

  /** Starts watching `fd` for `events` (the mechanism's part of `register`). */
  protected abstract _add(fd: number, events: number): void;
  /** Stops watching `fd`; failures (a closed descriptor) are ignored. */
  protected abstract _remove(fd: number): void;
  /** Changes what `fd` is watched for. */
  protected abstract _change(fd: number, events: number): void;

  /**
   * Registers a file object for events.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { DefaultSelector, EVENT_READ } from "@libc/socket/selectors";
   * using sel = new DefaultSelector();
   * using s = socket.socket();
   * const key = sel.register(s, EVENT_READ, "data");
   * console.log(key.fd === s.fileno(), key.data); // true "data"
   * ```
   *
   * @param fileobj A file object (with `fileno()`) or a descriptor.
   * @param events `EVENT_READ`, `EVENT_WRITE` or both.
   * @param data Anything to attach to the key (default `null`).
   * @returns The new key.
   * @throws {RangeError} An invalid events mask, file object or descriptor
   * (Python's ValueError).
   * @throws {KeyError} If the file object (or its descriptor) is already registered.
   */
  register(fileobj: F, events: number, data: D = null as D): SelectorKey<F, D> {
    const ev = checkEvents(events);
    const fd = this.#lookup(fileobj);
    if (this.#fdToKey.has(fd)) {
      throw new KeyError(`${repr(fileobj)} (FD ${fd}) is already registered`);
    }
    const key = new SelectorKey(fileobj, fd, ev, data);
    this.#fdToKey.set(fd, key);
    try {
      this._add(fd, ev);
    } catch (e) {
      this.#fdToKey.delete(fd);
      throw e;
    }
    return key;
  }

  /**
   * Unregisters a file object. Unregister a file object before closing it;
   * a closed socket is still found (by identity) and removed.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { DefaultSelector, EVENT_READ } from "@libc/socket/selectors";
   * using sel = new DefaultSelector();
   * using s = socket.socket();
   * sel.register(s, EVENT_READ);
   * console.log(sel.unregister(s).fileobj === s); // true
   * ```
   *
   * @param fileobj A registered file object or descriptor.
   * @returns Its key.
   * @throws {KeyError} If it is not registered.
   */
  unregister(fileobj: F | number): SelectorKey<F, D> {
    const fd = this.#lookup(fileobj);
    const key = this.#fdToKey.get(fd);
    if (key === undefined) throw new KeyError(`${repr(fileobj)} is not registered`);
    this.#fdToKey.delete(fd);
    this._remove(fd);
    return key;
  }

  /**
   * Changes a registered file object's events or data (`data` defaults to
   * `null`, as in Python: pass it again to keep it).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { DefaultSelector, EVENT_READ, EVENT_WRITE } from "@libc/socket/selectors";
   * using sel = new DefaultSelector();
   * using s = socket.socket();
   * sel.register(s, EVENT_READ);
   * console.log(sel.modify(s, EVENT_READ | EVENT_WRITE).events); // 3
   * ```
   *
   * @param fileobj A registered file object or descriptor.
   * @param events The new mask.
   * @param data The new data.
   * @returns The new key.
   * @throws {KeyError} If it is not registered.
   * @throws {RangeError} An invalid events mask.
   */
  modify(fileobj: F | number, events: number, data: D = null as D): SelectorKey<F, D> {
    const fd = this.#lookup(fileobj);
    const key = this.#fdToKey.get(fd);
    if (key === undefined) throw new KeyError(`${repr(fileobj)} is not registered`);
    if (events !== key.events) {
      const ev = checkEvents(events);
      this._change(fd, ev);
      const next = new SelectorKey(key.fileobj, fd, ev, data);
      this.#fdToKey.set(fd, next);
      return next;
    }
    if (data !== key.data) {
      const next = new SelectorKey(key.fileobj, fd, key.events, data);
      this.#fdToKey.set(fd, next);
      return next;
    }
    return key;
  }

  /**
   * Waits until some registered file objects are ready, or the timeout
   * passes. Blocks the thread.
   *
   * @param timeout Seconds; `null`/omitted blocks, 0 or less polls.
   * @returns `[key, events]` for each ready file object.
   */
  abstract select(timeout?: number | null): SelectorEvent<F, D>[];

  /**
   * Async `select`: waits on this thread's reactor, without blocking the
   * event loop.
   *
   * @param timeout Seconds; `null`/omitted waits until ready.
   * @param options `signal` cancels the wait.
   * @returns `[key, events]` for each ready file object.
   */
  abstract selectAsync(
    timeout?: number | null,
    options?: SelectAsyncOptions,
  ): Promise<SelectorEvent<F, D>[]>;

  /** Turns `[fd, events]` from the mechanism into `[key, events & key.events]`. */
  protected _ready(fds: Iterable<[number, number]>): SelectorEvent<F, D>[] {
    const out: SelectorEvent<F, D>[] = [];
    for (const [fd, events] of fds) {
      const key = this.#fdToKey.get(fd);
      if (key !== undefined && (events & key.events) !== 0) out.push([key, events & key.events]);
    }
    return out;
  }

  /**
   * Closes the selector: forgets every registration (and closes the
   * mechanism's descriptor). The registered file objects stay open.
   *
   * @example
   * ```ts
   * import { DefaultSelector } from "@libc/socket/selectors";
   * const sel = new DefaultSelector();
   * sel.close();
   * console.log(sel.get_map()); // null
   * ```
   */
  close(): void {
    this.#fdToKey.clear();
    this.#map = null;
  }

  /** Closes the selector at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Returns the key of a registered file object.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { DefaultSelector, EVENT_WRITE } from "@libc/socket/selectors";
   * using sel = new DefaultSelector();
   * using s = socket.socket();
   * sel.register(s, EVENT_WRITE);
   * console.log(sel.get_key(s).events); // 2
   * ```
   *
   * @param fileobj A file object or descriptor.
   * @returns Its key.
   * @throws {KeyError} If it is not registered.
   * @throws {Error} If the selector is closed (Python's RuntimeError).
   */
  get_key(fileobj: F | number): SelectorKey<F, D> {
    if (this.#map === null) throw new Error("Selector is closed");
    let fd: number;
    try {
      fd = this.#lookup(fileobj);
    } catch {
      throw new KeyError(`${repr(fileobj)} is not registered`);
    }
    const key = this.#fdToKey.get(fd);
    if (key === undefined) throw new KeyError(`${repr(fileobj)} is not registered`);
    return key;
  }

  /**
   * Returns the read-only mapping of registered file objects to keys, or
   * `null` once closed (as CPython's `None`).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { DefaultSelector, EVENT_READ } from "@libc/socket/selectors";
   * using sel = new DefaultSelector();
   * using s = socket.socket();
   * sel.register(s, EVENT_READ);
   * const map = sel.get_map()!;
   * console.log(map.size, [...map][0] === s.fileno(), map.get(s)?.fileobj === s); // 1 true true
   * ```
   *
   * @returns The mapping.
   */
  get_map(): SelectorMapping<F, D> | null {
    return this.#map;
  }
}

function readyFromPoll(
  list: [number, number][],
  inBit: number,
  outBit: number,
): [number, number][] {
  // As CPython: anything but plain "in" counts as writable, anything but
  // plain "out" as readable (errors and hang-ups wake both).
  return list.map(([fd, ev]) => [
    fd,
    (ev & ~inBit ? EVENT_WRITE : 0) | (ev & ~outBit ? EVENT_READ : 0),
  ]);
}

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

function pollMask(events: number, inBit: number, outBit: number): number {
  return (events & EVENT_READ ? inBit : 0) | (events & EVENT_WRITE ? outBit : 0);
}

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

/**
 * The most efficient selector of the platform: {@linkcode KqueueSelector}
 * where kqueue exists (macOS, BSD), {@linkcode EpollSelector} on Linux,
 * {@linkcode PollSelector} elsewhere.
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
>() => BaseSelector<F, D> = HAS_KQUEUE ? KqueueSelector : HAS_EPOLL ? EpollSelector : PollSelector;
