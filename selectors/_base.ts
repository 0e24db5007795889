/**
 * The ground every selector of `@libc/socket/selectors` stands on (CPython's
 * `_BaseSelectorImpl` in Lib/selectors.py): the events, the key, the mapping
 * `get_map()` returns, and {@linkcode BaseSelector}, the descriptor → key
 * table with the mechanism left to a subclass per file (select.ts, poll.ts,
 * epoll.ts, kqueue.ts).
 *
 * @module
 */
import { type SelectAsyncOptions } from "../select/poll.ts";
import { fdOf, type FileDescriptorLike, KeyError } from "../select/_common.ts";
import { repr, typeName } from "../core/repr.ts";

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
 *
 * It is a live view of its selector's table: once the selector is closed
 * (and forgets every registration) the mapping is empty, as CPython's:
 * `size` 0, nothing to iterate, `has` false, `get` `undefined`, `getitem`
 * a `KeyError`.
 */
export class SelectorMapping<F extends FileDescriptorLike = FileDescriptorLike, D = unknown>
  implements Iterable<number> {
  #map: Map<number, SelectorKey<F, D>>;

  /**
   * Wraps a selector's table (selectors create mappings).
   *
   * @param _selector The owning selector (CPython's mapping holds it; this
   * one reads the table it is given).
   * @param map Its descriptor → key table.
   */
  constructor(_selector: BaseSelector<F, D>, map: Map<number, SelectorKey<F, D>>) {
    this.#map = map;
  }

  /** Python's `len(mapping)`. */
  get size(): number {
    return this.#map.size;
  }

  /**
   * The key of a file object (Python's `mapping[fileobj]`).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { DefaultSelector, EVENT_READ, KeyError } from "@libc/socket/selectors";
   * const sel = new DefaultSelector();
   * using s = socket.socket();
   * sel.register(s, EVENT_READ, "data");
   * const map = sel.get_map(); // null once the selector is closed
   * if (map === null) throw new Error("closed");
   * console.log(map.getitem(s).data); // "data"
   * sel.close();
   * try {
   *   map.getitem(s);
   * } catch (e) {
   *   console.log(e instanceof KeyError); // true
   * }
   * ```
   *
   * @param fileobj A file object or descriptor.
   * @returns Its key.
   * @throws {KeyError} If it is not registered (or the selector is closed).
   * @throws {RangeError} If it is no file object, or its descriptor is
   * negative and no registered object is it (Python's ValueError).
   */
  getitem(fileobj: F | number): SelectorKey<F, D> {
    const key = this.#map.get(lookupFd(this.#map, fileobj));
    if (key === undefined) throw new KeyError(`${String(fileobj)} is not registered`);
    return key;
  }

  /**
   * The key of a file object, or `undefined` (Python's `mapping.get`).
   *
   * @param fileobj A file object or descriptor.
   * @returns Its key, if registered.
   * @throws {RangeError} If it is no file object (Python's ValueError).
   */
  get(fileobj: F | number): SelectorKey<F, D> | undefined {
    return this.#map.get(lookupFd(this.#map, fileobj));
  }

  /**
   * Whether a file object is registered (Python's `in`).
   *
   * @param fileobj A file object or descriptor.
   * @returns True if registered.
   * @throws {RangeError} If it is no file object (Python's ValueError).
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
 * CPython's `_fileobj_lookup`: the descriptor of a file object, or, when it
 * has none any more (a closed socket), of the registered key holding it.
 */
function lookupFd(table: Map<number, SelectorKey>, fileobj: unknown): number {
  try {
    return toFd(fileobj);
  } catch (e) {
    for (const key of table.values()) if (key.fileobj === fileobj) return key.fd;
    throw e;
  }
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
    return lookupFd(this.#fdToKey, fileobj);
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
   * mechanism's descriptor). The registered file objects stay open. A
   * mapping taken from `get_map()` before is empty from then on, as
   * CPython's.
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
   * Returns the read-only mapping of registered file objects to keys (a
   * live view of the selector's table), or `null` once closed (as CPython's
   * `None`).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { DefaultSelector, EVENT_READ } from "@libc/socket/selectors";
   * using sel = new DefaultSelector();
   * using s = socket.socket();
   * sel.register(s, EVENT_READ);
   * const map = sel.get_map(); // null once closed
   * if (map !== null) {
   *   console.log(map.size, [...map][0] === s.fileno(), map.get(s)?.fileobj === s); // 1 true true
   * }
   * ```
   *
   * @returns The mapping.
   */
  get_map(): SelectorMapping<F, D> | null {
    return this.#map;
  }
}

// Shared by the poll-style mechanisms (poll.ts, epoll.ts): EVENT_* ⇄ their bits.

/** The `[fd, EVENT_*]` pairs of a poll-style result in `inBit`/`outBit` terms. */
export function readyFromPoll(
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

/** The poll-style mask (`inBit`/`outBit`) of an `EVENT_*` mask. */
export function pollMask(events: number, inBit: number, outBit: number): number {
  return (events & EVENT_READ ? inBit : 0) | (events & EVENT_WRITE ? outBit : 0);
}
