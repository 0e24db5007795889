// The kqueue object and its kevent records (macOS, BSD): Python's
// select.kqueue and select.kevent. On a platform without kqueue(2) (Linux)
// `kevent` objects are still plain data (their defaults taken from macOS's
// table, so they can be built, compared and packed anywhere), and
// constructing a `Kqueue` throws a TypeError naming the platform.
import { type PlatformTable, type StructLayout, table, tableFor } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { fromErrno } from "../core/errors.ts";
import { typeName } from "../core/repr.ts";
import { EINTR, fdOf } from "./_common.ts";
import { type Kevent, packKevent, unpackKevent } from "../sys/kqueue.ts";
import { fcntl } from "../sys/platform.ts";
import { target } from "../sys/target.ts";

/** Whether this platform has kqueue (Python: `hasattr(select, "kqueue")`). */
export const HAS_KQUEUE: boolean = table.structs.kevent !== undefined &&
  libc.kqueue !== null && libc.kevent !== null;

/** The table kevent's defaults and layout come from: this one, or macOS's. */
const KT: PlatformTable = table.structs.kevent !== undefined ? table : tableFor("darwin_aarch64");
const KC = KT.constants;

const UINTPTR_MAX = Number.MAX_SAFE_INTEGER;

function int(name: string, v: unknown, min: number, max: number, ctype: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`${name} must be an integer, not ${typeName(v)}`);
  }
  if (v < min || v > max) {
    throw new RangeError(`${name} ${v} is out of range for ${ctype}`);
  }
  return v === 0 ? 0 : v; // -0 → 0
}

function identOf(v: unknown): number {
  if (typeof v === "number") return int("ident", v, 0, UINTPTR_MAX, "uintptr_t");
  return fdOf(v);
}

/**
 * A kevent record: Python's `select.kevent`, one `struct kevent` of a
 * change list or of `Kqueue#control`'s result. Its fields are
 * range-checked for their C types whenever they are set.
 */
export class KqueueEvent {
  #ident = 0;
  #filter = 0;
  #flags = 0;
  #fflags = 0;
  #data = 0;
  #udata = 0;

  /**
   * Builds a kevent. Prefer {@linkcode kevent}, which takes the same arguments.
   *
   * @param ident A descriptor (an integer or an object with `fileno()`), or
   * another identifier (a pid, a signal number, a timer id).
   * @param filter `KQ_FILTER_*` (C `int16_t`).
   * @param flags `KQ_EV_*` bits (C `uint16_t`).
   * @param fflags `KQ_NOTE_*` bits (C `uint32_t`; negative values are taken as their 32 bits).
   * @param data Filter data (C `intptr_t`).
   * @param udata Opaque user data (C `uintptr_t`).
   */
  constructor(
    ident: number | { fileno(): number },
    filter: number = KC.EVFILT_READ,
    flags: number = KC.EV_ADD,
    fflags = 0,
    data = 0,
    udata = 0,
  ) {
    this.ident = identOf(ident);
    this.filter = filter;
    this.flags = flags;
    this.fflags = fflags;
    this.data = data;
    this.udata = udata;
  }

  /** `uintptr_t ident`. */
  get ident(): number {
    return this.#ident;
  }
  set ident(v: number) {
    this.#ident = int("ident", v, 0, UINTPTR_MAX, "uintptr_t");
  }
  /** `int16_t filter`. */
  get filter(): number {
    return this.#filter;
  }
  set filter(v: number) {
    this.#filter = int("filter", v, -0x8000, 0x7fff, "int16_t");
  }
  /** `uint16_t flags`. */
  get flags(): number {
    return this.#flags;
  }
  set flags(v: number) {
    this.#flags = int("flags", v, 0, 0xffff, "uint16_t");
  }
  /** `uint32_t fflags`. */
  get fflags(): number {
    return this.#fflags;
  }
  set fflags(v: number) {
    this.#fflags = int("fflags", v, -0x80000000, 0xffffffff, "uint32_t") >>> 0;
  }
  /** `intptr_t data`. */
  get data(): number {
    return this.#data;
  }
  set data(v: number) {
    this.#data = int("data", v, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, "intptr_t");
  }
  /** `uintptr_t udata`. */
  get udata(): number {
    return this.#udata;
  }
  set udata(v: number) {
    this.#udata = int("udata", v, 0, UINTPTR_MAX, "uintptr_t");
  }

  #key(): number[] {
    return [this.#ident, this.#filter, this.#flags, this.#fflags, this.#data, this.#udata];
  }

  /**
   * Orders two kevents as CPython does: field by field, in the order
   * ident, filter, flags, fflags, data, udata.
   *
   * @example
   * ```ts
   * import { kevent } from "@libc/socket/select";
   * console.log(kevent(1).compare(kevent(2))); // -1
   * ```
   *
   * @param other Another kevent.
   * @returns -1, 0 or 1.
   * @throws {TypeError} When `other` is no kevent.
   */
  compare(other: KqueueEvent): -1 | 0 | 1 {
    if (!(other instanceof KqueueEvent)) {
      throw new TypeError(`can't compare kevent to ${typeName(other)}`);
    }
    const a = this.#key(), b = other.#key();
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
  }

  /**
   * Python's `==`: all six fields equal. Anything but a kevent is unequal.
   *
   * @example
   * ```ts
   * import { kevent } from "@libc/socket/select";
   * console.log(kevent(3).equals(kevent(3)), kevent(3).equals(3)); // true false
   * ```
   *
   * @param other Anything.
   * @returns Whether `other` is a kevent with the same fields.
   */
  equals(other: unknown): boolean {
    return other instanceof KqueueEvent && this.compare(other) === 0;
  }

  /**
   * CPython's repr.
   *
   * @returns `<select.kevent ident=… filter=… flags=0x… fflags=0x… data=0x… udata=0x…>`.
   */
  toString(): string {
    const hex = (n: number) => (n < 0 ? "-0x" + (-n).toString(16) : "0x" + n.toString(16));
    return `<select.kevent ident=${this.#ident} filter=${this.#filter} flags=${
      hex(this.#flags)
    } fflags=${hex(this.#fflags)} data=${hex(this.#data)} udata=${hex(this.#udata)}>`;
  }
}

/**
 * Returns a kevent: Python's
 * `select.kevent(ident, filter=KQ_FILTER_READ, flags=KQ_EV_ADD, fflags=0, data=0, udata=0)`.
 * Pure data: it calls nothing (see {@linkcode Kqueue.prototype.control}).
 *
 * @example
 * ```ts
 * import { kevent } from "@libc/socket/select";
 * const ev = kevent(0);
 * console.log(ev.ident, ev.udata); // 0 0
 * ```
 *
 * @param ident An integer, or an object with `fileno()`.
 * @param filter `KQ_FILTER_*`.
 * @param flags `KQ_EV_*`.
 * @param fflags `KQ_NOTE_*`.
 * @param data Filter data.
 * @param udata User data.
 * @returns The kevent.
 * @throws {RangeError} A field out of range for its C type, or a negative fd.
 * @throws {TypeError} A non-integer field, or an ident without `fileno()`.
 */
export function kevent(
  ident: number | { fileno(): number },
  filter: number = KC.EVFILT_READ,
  flags: number = KC.EV_ADD,
  fflags = 0,
  data = 0,
  udata = 0,
): KqueueEvent {
  return new KqueueEvent(ident, filter, flags, fflags, data, udata);
}

/** Internal: a kevent from an unpacked `struct kevent`. */
export function keventFrom(ev: Kevent): KqueueEvent {
  return new KqueueEvent(ev.ident, ev.filter, ev.flags, ev.fflags, ev.data, ev.udata);
}

/** Internal: packs kevents as `struct kevent[]` by `layout` (never an empty buffer). */
export function packKevents(layout: StructLayout, events: readonly KqueueEvent[]): Uint8Array {
  const buf = new Uint8Array(Math.max(1, events.length) * layout.size);
  events.forEach((ev, i) => packKevent(layout, buf, i, ev));
  return buf;
}

/** Internal: unpacks the first `n` kevents of `buf`. */
export function unpackKevents(layout: StructLayout, buf: Uint8Array, n: number): KqueueEvent[] {
  const out: KqueueEvent[] = [];
  for (let i = 0; i < n; i++) out.push(keventFrom(unpackKevent(layout, buf, i)));
  return out;
}

function unavailable(): TypeError {
  return new TypeError(
    `select.kqueue is not available on ${target.os} (kqueue(2) exists on macOS and the BSDs)`,
  );
}

function closedError(): RangeError {
  return new RangeError("I/O operation on closed kqueue object");
}

/** A `struct timespec` (two 64-bit fields on every 64-bit kqueue platform). */
function timespec(seconds: number): Uint8Array {
  const ts = new Uint8Array(16);
  const v = new DataView(ts.buffer);
  const sec = Math.floor(seconds);
  const nsec = Math.min(999_999_999, Math.round((seconds - sec) * 1e9));
  v.setBigInt64(0, BigInt(sec), true);
  v.setBigInt64(8, BigInt(nsec), true);
  return ts;
}

function controlTimeout(timeout: unknown): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== "number") {
    throw new TypeError(`timeout argument must be a number or None, got ${typeName(timeout)}`);
  }
  if (Number.isNaN(timeout)) throw new RangeError("Invalid value NaN (not a number)");
  if (timeout < 0) throw new RangeError("timeout must be positive or None");
  if (!Number.isFinite(timeout) || timeout > 2 ** 62) {
    throw new RangeError("timeout too large to convert to C timespec");
  }
  return timeout;
}

function changes(changelist: unknown): KqueueEvent[] {
  if (changelist === null || changelist === undefined) return [];
  const it = (changelist as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof changelist === "string" || typeof it !== "function") {
    throw new TypeError("changelist is not iterable");
  }
  const out: KqueueEvent[] = [];
  for (const ev of changelist as Iterable<unknown>) {
    if (!(ev instanceof KqueueEvent)) {
      throw new TypeError("changelist must be an iterable of select.kevent objects");
    }
    out.push(ev);
  }
  if (out.length > 0x7fffffff) throw new RangeError("changelist is too long");
  return out;
}

/**
 * A kqueue object: Python's `select.kqueue`, over `kqueue(2)` and
 * `kevent(2)`. Close it with `close()` or `using`. On a platform without
 * kqueue (Linux) constructing one throws a `TypeError` naming the platform.
 */
export class Kqueue {
  #fd: number;

  /**
   * Creates a kqueue with `kqueue(2)` (close-on-exec), or adopts `fd` (see
   * {@linkcode Kqueue.fromfd}). Prefer {@linkcode kqueue}.
   *
   * @param fd Internal: a kqueue descriptor to adopt.
   * @throws {TypeError} Where the platform has no kqueue (Linux).
   */
  constructor(fd?: number) {
    if (!HAS_KQUEUE) throw unavailable();
    if (fd !== undefined) {
      this.#fd = fdOf(fd);
      return;
    }
    const kq = libc.kqueue!();
    if (kq < 0) throw fromErrno(errno(), "kqueue");
    fcntl(kq, table.constants.F_SETFD, table.constants.FD_CLOEXEC);
    this.#fd = kq;
  }

  /**
   * Wraps an existing kqueue descriptor (not duplicated: closing the object
   * closes it), as Python's `kqueue.fromfd`.
   *
   * @example
   * ```ts ignore
   * import { kqueue, Kqueue } from "@libc/socket/select";
   * const a = kqueue();
   * const b = Kqueue.fromfd(a.fileno());
   * console.log(b.fileno() === a.fileno()); // true
   * b.close();
   * ```
   *
   * @param fd A kqueue descriptor.
   * @returns A kqueue object owning `fd`.
   */
  static fromfd(fd: number): Kqueue {
    return new Kqueue(fd);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  #live(): number {
    if (this.#fd < 0) throw closedError();
    return this.#fd;
  }

  /**
   * Returns the kqueue descriptor.
   *
   * @returns The descriptor.
   * @throws {RangeError} When closed (Python's ValueError).
   */
  fileno(): number {
    return this.#live();
  }

  /** Closes the kqueue descriptor with `close(2)`. Idempotent. */
  close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    libc.close(fd);
  }

  /** Closes the object at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Applies `changelist` and collects up to `max_events` events with one
   * `kevent(2)` call: Python's `kqueue.control(changelist, max_events, timeout=None)`.
   * Blocks the thread; EINTR is retried with the time left (PEP 475).
   *
   * @example
   * ```ts ignore
   * import * as socket from "@libc/socket";
   * import { kevent, kqueue, KQ_EV_ADD, KQ_FILTER_READ } from "@libc/socket/select";
   * using kq = kqueue();
   * const [a, b] = socket.socketpair();
   * kq.control([kevent(a, KQ_FILTER_READ, KQ_EV_ADD)], 0);
   * b.send("x");
   * console.log(kq.control(null, 4, 1)[0].ident === a.fileno()); // true
   * a.close();
   * b.close();
   * ```
   *
   * @param changelist kevents to apply, or `null`.
   * @param max_events The most events to return (0 only applies changes).
   * @param timeout Seconds; `null`/omitted blocks.
   * @returns The events, as kevents.
   * @throws {RangeError} Closed, a negative max_events or timeout.
   * @throws {TypeError} A changelist that is not an iterable of kevents.
   * @throws {error} What `kevent(2)` reports (EBADF, ENOENT, …).
   */
  control(
    changelist: Iterable<KqueueEvent> | null,
    max_events: number,
    timeout?: number | null,
  ): KqueueEvent[] {
    const kq = this.#live();
    const list = changes(changelist);
    const max = int("max_events", max_events, -0x80000000, 0x7fffffff, "int");
    if (max < 0) {
      throw new RangeError(`Length of eventlist must be 0 or positive, got ${max}`);
    }
    const secs = controlTimeout(timeout);
    const layout = KT.structs.kevent;
    const changeBuf = packKevents(layout, list);
    const eventBuf = new Uint8Array(Math.max(1, max) * layout.size);
    const deadline = secs === null ? null : performance.now() + secs * 1e3;
    let ts = secs === null ? null : timespec(secs);
    for (;;) {
      const n = libc.kevent!(kq, changeBuf, list.length, eventBuf, max, ts);
      if (n >= 0) return unpackKevents(layout, eventBuf, n);
      const e = errno();
      if (e !== EINTR) throw fromErrno(e, "kevent");
      if (deadline !== null) {
        const left = (deadline - performance.now()) / 1e3;
        if (left <= 0) return [];
        ts = timespec(left);
      }
    }
  }
}

/**
 * Returns a new kqueue object: Python's `select.kqueue()`.
 *
 * @example
 * ```ts ignore
 * import { kqueue } from "@libc/socket/select";
 * using kq = kqueue();
 * console.log(kq.control(null, 1, 0)); // []
 * ```
 *
 * @returns The kqueue object.
 * @throws {TypeError} Where the platform has no kqueue (Linux): CPython has
 * no `select.kqueue` there.
 * @throws {error} What `kqueue(2)` reports (EMFILE, …).
 */
export function kqueue(): Kqueue {
  return new Kqueue();
}
