/**
 * `sendfile` of `Socket` (socket.ts), a convenience of CPython's
 * `Lib/socket.py`: zero-copy `sendfile(2)` where the platform layer offers
 * it, else `pread(2)` + `send(2)`, else reading a `Deno.FsFile` and
 * sending. Takes the socket's state; the class documents it.
 *
 * Internal module.
 *
 * @module
 */
import { constants as C, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { errno } from "../ffi/errno.ts";
import { fromErrno } from "../core/errors.ts";
import { WRITE } from "../sys/reactor.ts";
import { SEND_FLAGS, target } from "../sys/platform.ts";
import { fdArg, intIn } from "../core/ints.ts";
import { typeName } from "../core/repr.ts";
import { io, type SocketState } from "./_state.ts";
import type { SendfileSource } from "./types.ts";

const EINTR = table.errnoNames.EINTR;

/**
 * `sendfile(file, offset, count)`. With `via`, `sendfile(2)` is not used:
 * the file is read and each chunk handed to `via`, which returns how many
 * bytes it took (`SSLSocket` sends through TLS so, as CPython's
 * `_sendfile_use_send`).
 */
export function sendfile(
  st: SocketState,
  file: SendfileSource,
  offset: number,
  count: number | null,
  via: ((bytes: Uint8Array) => number) | null = null,
): number {
  // CPython raises ValueError (RangeError here) for these three.
  if (st.type !== C.SOCK_STREAM) {
    throw new RangeError("only SOCK_STREAM type sockets are supported");
  }
  if (st.timeout === 0) throw new RangeError("non-blocking sockets are not supported");
  const start = intIn(offset, 0, Number.MAX_SAFE_INTEGER, "offset");
  const limit = count === null || count === undefined
    ? Infinity
    : intIn(count, 1, Number.MAX_SAFE_INTEGER, "count");
  const fd = typeof file === "number"
    ? fdArg(file, "file")
    : typeof (file as { fileno?: unknown })?.fileno === "function"
    ? fileFd((file as { fileno(): unknown }).fileno())
    : -1;
  const deadline = st.timeout ? performance.now() + st.timeout * 1000 : undefined;
  const send = via ?? ((bytes: Uint8Array) => {
    const big = BigInt(bytes.length);
    return io(st, WRITE, (s) => libc.send(s, bytes, big, SEND_FLAGS), "send", deadline);
  });
  const progress = { sent: 0 };
  if (fd < 0) return sendfileByRead(file as Deno.FsFile, start, limit, send, progress);
  try {
    if (via !== null || !target.sendfile) {
      sendfileByPread(fd, start, limit, send, progress);
    } else {
      const off = new BigInt64Array([BigInt(start)]);
      const offBytes = new Uint8Array(off.buffer);
      while (progress.sent < limit) {
        const chunk = BigInt(Math.min(limit - progress.sent, 0x4000_0000));
        const n = io(
          st,
          WRITE,
          (s) => libc.sendfile(s, fd, offBytes, chunk),
          "sendfile",
          deadline,
        );
        if (n === 0) break;
        progress.sent += n;
      }
    }
    return progress.sent;
  } finally {
    // As CPython: once anything was sent, even if a later send failed, a
    // file object with `seek` is left just after it: `file.seek(offset + sent)`.
    if (progress.sent > 0 && typeof file !== "number") {
      const seek = (file as { seek?: unknown }).seek;
      if (typeof seek === "function") seek.call(file, start + progress.sent);
    }
  }
}

/**
 * sendfile where Linux's sendfile(2) is not used: `pread(2)` + `send`,
 * counting in `progress` every byte sent (also when a later send fails).
 */
function sendfileByPread(
  fd: number,
  start: number,
  limit: number,
  send: (bytes: Uint8Array) => number,
  progress: { sent: number },
): void {
  const buf = new Uint8Array(Math.min(limit, 65536));
  while (progress.sent < limit) {
    const want = Math.min(buf.byteLength, limit - progress.sent);
    const n = libc.pread(fd, buf, BigInt(want), BigInt(start + progress.sent));
    if (n < 0) {
      const e = errno();
      if (e === EINTR) continue;
      throw fromErrno(e, "pread");
    }
    if (n === 0) break;
    sendCounted(buf.subarray(0, n), send, progress);
  }
}

/** Sends all of `bytes` with `send`, adding each call's count to `progress`. */
function sendCounted(
  bytes: Uint8Array,
  send: (bytes: Uint8Array) => number,
  progress: { sent: number },
): void {
  for (let off = 0; off < bytes.length;) {
    const sent = send(bytes.subarray(off));
    off += sent;
    progress.sent += sent;
  }
}

function sendfileByRead(
  file: Deno.FsFile,
  start: number,
  limit: number,
  send: (bytes: Uint8Array) => number,
  progress: { sent: number },
): number {
  if (typeof file?.readSync !== "function") {
    throw new TypeError(
      `sendfile() needs a descriptor, an object with fileno() or a Deno.FsFile, not ${
        typeName(file)
      }`,
    );
  }
  file.seekSync(start, Deno.SeekMode.Start);
  const buf = new Uint8Array(Math.min(limit, 65536));
  try {
    while (progress.sent < limit) {
      const want = Math.min(buf.length, limit - progress.sent);
      const n = file.readSync(buf.subarray(0, want));
      if (n === null || n === 0) break;
      // A file object's own answer: trusted for nothing but a count in range.
      if (!Number.isInteger(n) || n < 0 || n > want) {
        throw new TypeError(
          `readSync() returned ${typeName(n)}, not a count 0-${want}`,
        );
      }
      sendCounted(buf.subarray(0, n), send, progress);
    }
    return progress.sent;
  } finally {
    // Just after what was sent, also when a send failed (CPython seeks in a finally).
    if (progress.sent > 0) file.seekSync(start + progress.sent, Deno.SeekMode.Start);
  }
}

/** A descriptor returned by a file's `fileno()`, range-checked. */
function fileFd(v: unknown): number {
  return fdArg(v, "fileno()");
}
