/**
 * The epoll backend (Linux): every descriptor is registered once,
 * edge-triggered (`EPOLLET`), for input and output; an `eventfd` (token 0)
 * wakes a thread wait. `struct epoll_event` comes from the generated layout
 * (packed, 12 bytes, on x86_64; 16 on aarch64).
 *
 * @module
 */
import { constants as C, struct, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { fromErrno } from "../core/errors.ts";
import { LITTLE_ENDIAN } from "../core/memory.ts";
import { type Backend, type Ready, type Registration, ShortTimespec } from "./backend.ts";

const MAX_EVENTS = 512;

/** The epoll-only symbols; dlopen gave `null` for them where they are absent. */
function linuxSymbols() {
  const { epoll_create1, epoll_ctl, epoll_wait, epoll_wait_nb, eventfd } = libc;
  if (epoll_wait_nb === null || eventfd === null) {
    throw new Error("@libc/socket: epoll is not available in this C library");
  }
  return { epoll_create1, epoll_ctl, epoll_wait, epoll_wait_nb, eventfd };
}

/** epoll(7) behind the reactor's {@linkcode Backend} interface. */
export class EpollBackend implements Backend {
  readonly name = "epoll" as const;
  #sym = linuxSymbols();
  #ev = struct("epoll_event");
  #evSize = this.#ev.size;
  #evEvents = this.#ev.fields.events.offset;
  #evData = this.#ev.fields.data.offset;
  #inMask = C.EPOLLIN | C.EPOLLHUP | C.EPOLLERR | C.EPOLLRDHUP | C.EPOLLPRI;
  #outMask = C.EPOLLOUT | C.EPOLLHUP | C.EPOLLERR;
  #endMask = C.EPOLLRDHUP | C.EPOLLHUP | C.EPOLLERR;
  #interest = C.EPOLLIN | C.EPOLLOUT | C.EPOLLRDHUP | C.EPOLLET;
  #epfd = -1;
  #evfd = -1;
  #events = new Uint8Array(MAX_EVENTS * this.#evSize);
  #view = new DataView(this.#events.buffer);
  #ctl = new Uint8Array(this.#evSize);
  #ctlView = new DataView(this.#ctl.buffer);
  readonly edgeTriggered = true;
  #ts = new ShortTimespec();
  /** epoll_pwait2 is in this libc (glibc 2.35) and kernel (5.11; not ENOSYS). */
  #brief = libc.epoll_pwait2 !== null;
  #one = new Uint8Array(new BigUint64Array([1n]).buffer);
  #drain = new Uint8Array(8);

  #init(): void {
    if (this.#epfd >= 0) return;
    const ep = this.#sym.epoll_create1(C.EPOLL_CLOEXEC);
    if (ep < 0) throw fromErrno(errno(), "epoll_create1");
    const ev = this.#sym.eventfd(0, C.EFD_CLOEXEC | C.EFD_NONBLOCK);
    if (ev < 0) {
      const e = errno();
      libc.close(ep);
      throw fromErrno(e, "eventfd");
    }
    this.#epfd = ep;
    this.#evfd = ev;
    this.#control(C.EPOLL_CTL_ADD, ev, C.EPOLLIN, 0);
  }

  #control(op: number, fd: number, events: number, token: number): number {
    this.#ctlView.setUint32(this.#evEvents, events, LITTLE_ENDIAN);
    this.#ctlView.setUint32(this.#evData, token, LITTLE_ENDIAN);
    this.#ctlView.setUint32(this.#evData + 4, 0, LITTLE_ENDIAN);
    return this.#sym.epoll_ctl(this.#epfd, op, fd, this.#ctl) === 0 ? 0 : errno();
  }

  watch(reg: Registration): void {
    this.#init();
    let err = this.#control(C.EPOLL_CTL_ADD, reg.fd, this.#interest, reg.token);
    if (err === table.errnoNames.EEXIST) {
      err = this.#control(C.EPOLL_CTL_MOD, reg.fd, this.#interest, reg.token);
    }
    if (err !== 0) throw fromErrno(err, "epoll_ctl");
  }

  unwatch(reg: Registration): void {
    if (this.#epfd >= 0) this.#control(C.EPOLL_CTL_DEL, reg.fd, 0, 0);
  }

  changed(): void {
    // Edge-triggered and registered once: waiters coming and going change
    // nothing in the kernel.
  }

  pollNow(): number {
    const n = this.#sym.epoll_wait(this.#epfd, this.#events, MAX_EVENTS, 0);
    if (n < 0) {
      const e = errno();
      if (e !== table.errnoNames.EINTR) throw fromErrno(e, "epoll_wait");
      return 0;
    }
    return n;
  }

  pollFor(us: number): number {
    if (!this.#brief) return -1;
    const n = libc.epoll_pwait2!(this.#epfd, this.#events, MAX_EVENTS, this.#ts.set(us), null);
    if (n < 0) {
      const e = errno();
      if (e === table.errnoNames.ENOSYS) {
        this.#brief = false; // an older kernel (or qemu-user): poll in a loop
        return -1;
      }
      if (e !== table.errnoNames.EINTR) throw fromErrno(e, "epoll_pwait2");
      return 0;
    }
    return n;
  }

  waitThread(timeout: 0 | -1): Promise<number> {
    return this.#sym.epoll_wait_nb(this.#epfd, this.#events, MAX_EVENTS, timeout);
  }

  dispatch(n: number, ready: Ready): void {
    const view = this.#view;
    for (let i = 0; i < n; i++) {
      const base = i * this.#evSize;
      const events = view.getUint32(base + this.#evEvents, LITTLE_ENDIAN);
      const token = view.getUint32(base + this.#evData, LITTLE_ENDIAN);
      if (token === 0) {
        libc.read(this.#evfd, this.#drain, 8n);
        continue;
      }
      ready(
        token,
        (events & this.#inMask) !== 0,
        (events & this.#outMask) !== 0,
        (events & this.#endMask) !== 0,
      );
    }
  }

  wake(): void {
    libc.write(this.#evfd, this.#one, 8n);
  }
}
