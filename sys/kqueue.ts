/**
 * The kqueue backend (macOS, BSD): every descriptor gets a read and a write
 * filter once, with `EV_CLEAR` (edge-triggered, as the epoll backend); an
 * `EVFILT_USER` event (ident 0, token 0) triggered with `NOTE_TRIGGER` wakes
 * a thread wait. `struct kevent` is packed from the generated layout of the
 * platform (`struct("kevent")`, present only in kqueue platforms' tables),
 * and its constants come from that table: nothing here runs, or reads a
 * table, unless this backend is chosen.
 *
 * @module
 */
import { struct, type StructLayout, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { fromErrno } from "../core/errors.ts";
import { LITTLE_ENDIAN } from "../core/memory.ts";
import { fcntl } from "./platform.ts";
import { type Backend, type Ready, type Registration, ShortTimespec } from "./backend.ts";

/** One `struct kevent`, with its integer fields as JS numbers. */
export interface Kevent {
  /** `uintptr_t ident`: the descriptor (or a user event's id). */
  ident: number;
  /** `int16_t filter`: `EVFILT_READ`, `EVFILT_WRITE`, `EVFILT_USER`, … */
  filter: number;
  /** `uint16_t flags`: `EV_ADD`, `EV_CLEAR`, `EV_EOF`, `EV_ERROR`, … */
  flags: number;
  /** `uint32_t fflags`: filter flags, e.g. `NOTE_TRIGGER`. */
  fflags: number;
  /** `intptr_t data`: filter data (bytes ready, or an errno with `EV_ERROR`). */
  data: number;
  /** `void *udata`: opaque; this backend stores the registration token. */
  udata: number;
}

function put(view: DataView, at: number, size: number, v: number, signed: boolean): void {
  switch (size) {
    case 1:
      view.setUint8(at, v & 0xff);
      return;
    case 2:
      view.setUint16(at, v & 0xffff, LITTLE_ENDIAN);
      return;
    case 4:
      view.setUint32(at, v >>> 0, LITTLE_ENDIAN);
      return;
    case 8:
      view.setBigUint64(at, BigInt.asUintN(64, BigInt(signed ? v : Math.max(0, v))), LITTLE_ENDIAN);
      return;
  }
  throw new Error(`@libc/socket: unexpected kevent field size ${size}`);
}

function get(view: DataView, at: number, size: number, signed: boolean): number {
  switch (size) {
    case 1:
      return signed ? view.getInt8(at) : view.getUint8(at);
    case 2:
      return signed ? view.getInt16(at, LITTLE_ENDIAN) : view.getUint16(at, LITTLE_ENDIAN);
    case 4:
      return signed ? view.getInt32(at, LITTLE_ENDIAN) : view.getUint32(at, LITTLE_ENDIAN);
    case 8:
      return Number(
        signed ? view.getBigInt64(at, LITTLE_ENDIAN) : view.getBigUint64(at, LITTLE_ENDIAN),
      );
  }
  throw new Error(`@libc/socket: unexpected kevent field size ${size}`);
}

const FIELDS = [
  ["ident", false],
  ["filter", true],
  ["flags", false],
  ["fflags", false],
  ["data", true],
  ["udata", false],
] as const;

/**
 * Writes `ev` as the `index`th `struct kevent` of `buf`, by `layout`
 * (the generated `struct("kevent")`). The struct is zeroed first.
 */
export function packKevent(
  layout: StructLayout,
  buf: Uint8Array,
  index: number,
  ev: Kevent,
): void {
  const base = index * layout.size;
  buf.fill(0, base, base + layout.size);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (const [name, signed] of FIELDS) {
    const f = layout.fields[name];
    put(view, base + f.offset, f.size, ev[name], signed);
  }
}

/** Reads the `index`th `struct kevent` of `buf`, by `layout`. */
export function unpackKevent(layout: StructLayout, buf: Uint8Array, index: number): Kevent {
  const base = index * layout.size;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const ev = { ident: 0, filter: 0, flags: 0, fflags: 0, data: 0, udata: 0 };
  for (const [name, signed] of FIELDS) {
    const f = layout.fields[name];
    ev[name] = get(view, base + f.offset, f.size, signed);
  }
  return ev;
}

const MAX_EVENTS = 512;
/** ident of the waker's EVFILT_USER event. */
const WAKE_IDENT = 0;

function kqueueSymbols() {
  const { kqueue, kevent, kevent_nb } = libc;
  if (kqueue === null || kevent === null || kevent_nb === null) {
    throw new Error("@libc/socket: kqueue is not available in this C library");
  }
  return { kqueue, kevent, kevent_nb };
}

/** kqueue(2) behind the reactor's {@linkcode Backend} interface. */
export class KqueueBackend implements Backend {
  readonly name = "kqueue" as const;
  #L: StructLayout;
  #c: Readonly<Record<string, number>>;
  #sym = kqueueSymbols();
  #kq = -1;
  #events: Uint8Array;
  #changes: Uint8Array;
  /** A zero `struct timespec`, and the one the brief waits fill in. */
  #zero = new Uint8Array(struct("timespec").size);
  #ts = new ShortTimespec();

  /**
   * @param layout `struct kevent` of this platform.
   * @param constants This platform's table: `EVFILT_*`, `EV_*`, `NOTE_TRIGGER`.
   */
  constructor(layout: StructLayout, constants: Readonly<Record<string, number>>) {
    this.#L = layout;
    this.#c = constants;
    this.#events = new Uint8Array(MAX_EVENTS * layout.size);
    this.#changes = new Uint8Array(2 * layout.size);
  }

  #change(i: number, ident: number, filter: number, flags: number, fflags: number, udata: number) {
    packKevent(this.#L, this.#changes, i, { ident, filter, flags, fflags, data: 0, udata });
  }

  #apply(n: number): number {
    return this.#sym.kevent(this.#kq, this.#changes, n, null, 0, null) < 0 ? errno() : 0;
  }

  #init(): void {
    if (this.#kq >= 0) return;
    const c = this.#c;
    const kq = this.#sym.kqueue();
    if (kq < 0) throw fromErrno(errno(), "kqueue");
    this.#kq = kq;
    // Not inherited across fork(2); close-on-exec keeps it from exec'd programs too.
    fcntl(kq, c.F_SETFD, c.FD_CLOEXEC);
    this.#change(0, WAKE_IDENT, c.EVFILT_USER, c.EV_ADD | c.EV_CLEAR, 0, 0);
    const err = this.#apply(1);
    if (err !== 0) {
      libc.close(kq);
      this.#kq = -1;
      throw fromErrno(err, "kevent");
    }
  }

  watch(reg: Registration): void {
    this.#init();
    const c = this.#c;
    const flags = c.EV_ADD | c.EV_CLEAR;
    this.#change(0, reg.fd, c.EVFILT_READ, flags, 0, reg.token);
    this.#change(1, reg.fd, c.EVFILT_WRITE, flags, 0, reg.token);
    const err = this.#apply(2);
    if (err !== 0) throw fromErrno(err, "kevent");
  }

  unwatch(reg: Registration): void {
    if (this.#kq < 0) return;
    const c = this.#c;
    // ENOENT (a filter already gone) is fine, as in mio.
    this.#change(0, reg.fd, c.EVFILT_READ, c.EV_DELETE, 0, 0);
    this.#change(1, reg.fd, c.EVFILT_WRITE, c.EV_DELETE, 0, 0);
    this.#apply(2);
  }

  changed(): void {
    // Edge-triggered (EV_CLEAR) and registered once.
  }

  readonly edgeTriggered = true;

  pollFor(us: number): number {
    return this.#poll(this.#ts.set(us));
  }

  pollNow(): number {
    return this.#poll(this.#zero);
  }

  /** kevent(2) on this thread with `timeout`; EINTR counts as nothing ready. */
  #poll(timeout: Uint8Array): number {
    const n = this.#sym.kevent(this.#kq, null, 0, this.#events, MAX_EVENTS, timeout);
    if (n < 0) {
      const e = errno();
      if (e !== table.errnoNames.EINTR) throw fromErrno(e, "kevent");
      return 0;
    }
    return n;
  }

  waitThread(timeout: 0 | -1): Promise<number> {
    const ts = timeout === 0 ? this.#zero : null;
    return this.#sym.kevent_nb(this.#kq, null, 0, this.#events, MAX_EVENTS, ts);
  }

  dispatch(n: number, ready: Ready): void {
    const c = this.#c;
    for (let i = 0; i < n; i++) {
      const ev = unpackKevent(this.#L, this.#events, i);
      if (ev.filter === c.EVFILT_USER) continue;
      const failed = (ev.flags & c.EV_ERROR) !== 0;
      const read = ev.filter === c.EVFILT_READ;
      ready(
        ev.udata,
        failed || read,
        failed || ev.filter === c.EVFILT_WRITE,
        failed || (read && (ev.flags & c.EV_EOF) !== 0),
      );
    }
  }

  wake(): void {
    const c = this.#c;
    this.#change(0, WAKE_IDENT, c.EVFILT_USER, 0, c.NOTE_TRIGGER, 0);
    this.#apply(1);
  }
}
