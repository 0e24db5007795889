/**
 * `socket.makefile()`: a file object over a socket, built on the socket's
 * public `recv`/`recv_into`/`send` only (as CPython's `SocketIO`, and the
 * `BufferedReader`/`BufferedWriter`/`BufferedRWPair`/`TextIOWrapper` it
 * wraps `SocketIO` in).
 *
 * @module
 */
import { byteLength, isBytesLike, toBytes, writableBytes } from "../core/bytes.ts";
import { repr, reprStr } from "../core/repr.ts";
import { BlockingIOError, error, fromErrno, TimeoutError } from "../core/errors.ts";
import { isAgain } from "./_io.ts";
import { table } from "../constants/mod.ts";

const EAGAIN = table.errnoNames.EAGAIN;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Python's `io.DEFAULT_BUFFER_SIZE`. */
const DEFAULT_BUFFER_SIZE = 8192;

/**
 * Whether `e` says a non-blocking socket would block (CPython's
 * `_blocking_errnos`: EAGAIN and EWOULDBLOCK only).
 */
function wouldBlock(e: unknown): boolean {
  return e instanceof BlockingIOError && e.errno !== null && isAgain(e.errno);
}

/**
 * CPython's BufferedWriter error when a non-blocking socket takes too
 * little: `BlockingIOError(EAGAIN, "write could not complete without
 * blocking", characters_written)`.
 */
function writeBlocked(written: number): BlockingIOError {
  const e = fromErrno(EAGAIN, "send", BlockingIOError);
  if (!(e instanceof BlockingIOError)) throw e; // (never: the class was given)
  e.strerror = "write could not complete without blocking";
  e.message = `[Errno ${EAGAIN}] ${e.strerror}`;
  e.characters_written = written;
  return e;
}

/** Keyword-only options of `makefile`, as Python's. */
export interface SocketFileOptions {
  /** Text encoding; only `"utf-8"` (the default) is supported. */
  encoding?: string;
  /** `"strict"` (default) throws on bad UTF-8; `"replace"` substitutes U+FFFD. */
  errors?: "strict" | "replace";
  /**
   * Newline handling in text mode, as Python's `newline`: `null` (default)
   * reads `\r\n` and `\r` as `\n`; `""` splits lines on any of them without
   * translating; `"\n"`, `"\r"` or `"\r\n"` split on that one only and, when
   * writing, turn `\n` into it.
   */
  newline?: string | null;
}

/**
 * What a {@linkcode SocketFile} needs of its socket: the public `Socket`
 * methods it is built on (declared here, so this module does not import
 * `socket.ts`, which imports it).
 */
export interface FileSocket {
  /** The descriptor (`fileno(2)`-style). */
  fileno(): number;
  /** Receives up to `bufsize` bytes (empty at end of stream). */
  recv(bufsize: number): Uint8Array;
  /** Receives into `buffer`; returns the number of bytes received. */
  recv_into(buffer: Uint8Array): number;
  /** Sends what it can of `data` (one `send(2)`); returns the number sent. */
  send(data: Uint8Array): number;
  /** Whether the socket is closed. */
  readonly closed: boolean;
  /** Counts an open file object, deferring the socket's `close(2)` (internal). */
  _ioref(delta: 1 | -1): void;
}

/**
 * The file object `makefile()` returns. `T` is `string` in text mode and
 * `Uint8Array` in binary mode.
 *
 * With `buffering` 0 (binary only) it behaves as CPython's raw `SocketIO`:
 * `read(n)` and `readinto` make one `recv(2)`, `write` one `send(2)` (and
 * returns the count sent, maybe fewer than given), so no byte is held back
 * and another file object over the same socket takes up where this one
 * stopped. Otherwise it behaves as the `io.BufferedReader`,
 * `io.BufferedWriter` or `io.BufferedRWPair` (and, in text mode, the
 * `io.TextIOWrapper`) CPython wraps around it.
 *
 * As CPython's:
 * - once a read has timed out, every later read throws
 *   `error("cannot read from timed out object")`: the timed-out read may
 *   have consumed part of a message, so the stream is no longer reliable
 *   (a new `makefile()` starts afresh);
 * - on a non-blocking socket, a binary `read`/`readinto`/unbuffered `write`
 *   returns `null` when nothing could be done without blocking (CPython's
 *   `None`), a buffered one returns what it has; `readline` returns the
 *   bytes it has, maybe none (in text mode `read` too);
 * - once closed, every method throws a `RangeError` (Python's ValueError),
 *   `name` is -1.
 */
export class SocketFile<T extends string | Uint8Array = string | Uint8Array> {
  #sock: FileSocket;
  #reading: boolean;
  #writing: boolean;
  #binary: boolean;
  #bufsize: number;
  #closed = false;
  #eof = false;
  /** A read timed out (CPython's `SocketIO._timeout_occurred`). */
  #timedOut = false;
  /** Received bytes not yet returned. */
  #rbuf: Uint8Array = new Uint8Array(0);
  /** Decoded text not yet returned (text mode). */
  #text = "";
  #pendingCR = false;
  #decoder: TextDecoder;
  #encoder = new TextEncoder();
  #wbuf: Uint8Array[] = [];
  #wlen = 0;
  #newline: string | null;
  /**
   * The mode, as CPython's: in binary mode the normalized `"rb"`, `"wb"` or
   * `"rwb"` (`"b"` reads, `"bw"` is `"wb"`), in text mode the string given.
   */
  readonly mode: string;

  /** Use `socket.makefile()` rather than this constructor. */
  constructor(
    sock: FileSocket,
    mode = "r",
    buffering: number | null = null,
    options: SocketFileOptions = {},
  ) {
    if (typeof mode !== "string") throw new TypeError("mode must be a string");
    for (const c of mode) {
      if (!"rwb".includes(c)) {
        throw new RangeError(`invalid mode ${reprStr(mode)} (only r, w, b allowed)`);
      }
    }
    this.#reading = mode.includes("r");
    this.#writing = mode.includes("w");
    if (!this.#reading && !this.#writing) this.#reading = true;
    this.#binary = mode.includes("b");
    if (buffering !== null && (!Number.isInteger(buffering) || buffering < -1)) {
      throw new RangeError(`invalid buffering ${repr(buffering)}`);
    }
    if (buffering === 0 && !this.#binary) throw new RangeError("unbuffered streams must be binary");
    this.#bufsize = buffering === null || buffering < 0 ? DEFAULT_BUFFER_SIZE : buffering;
    const encoding = (options.encoding ?? "utf-8").toLowerCase();
    if (encoding !== "utf-8" && encoding !== "utf8") {
      throw new RangeError(`unsupported encoding ${repr(options.encoding)}: only utf-8`);
    }
    this.#decoder = new TextDecoder("utf-8", { fatal: (options.errors ?? "strict") === "strict" });
    const nl = options.newline === undefined ? null : options.newline;
    if (nl !== null && !["", "\n", "\r", "\r\n"].includes(nl)) {
      throw new RangeError(`illegal newline value: ${repr(nl)}`);
    }
    this.#newline = nl;
    // As CPython: SocketIO's mode is "r"/"w"/"rw" plus "b", and the buffered
    // objects report their raw's; TextIOWrapper's is the mode given.
    this.mode = this.#binary ? `${this.#reading ? "r" : ""}${this.#writing ? "w" : ""}b` : mode;
    this.#sock = sock;
    sock._ioref(1);
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The file's name, as CPython's: the socket's descriptor, -1 once the
   * file is closed.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * const f = s.makefile("rb");
   * console.log(f.name === s.fileno()); // true
   * f.close();
   * console.log(f.name); // -1
   * ```
   */
  get name(): number {
    return this.#closed ? -1 : this.#sock.fileno();
  }

  /**
   * The socket's descriptor.
   *
   * @throws {RangeError} Once the file is closed (Python's ValueError).
   */
  fileno(): number {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    return this.#sock.fileno();
  }

  /**
   * What a closed file answers to `readable()`, `writable()` or
   * `seekable()`, as CPython's: the raw `SocketIO` raises ValueError; a
   * `BufferedReader` (`BufferedWriter`) answers `writable()` (`readable()`)
   * itself, false, without asking its raw; a `BufferedRWPair` answers
   * `seekable()` false. The text wrapper asks its buffer.
   */
  #closedAnswer(buffered: boolean): false {
    if (buffered && this.#bufsize !== 0) return false;
    throw new RangeError("I/O operation on closed socket.");
  }

  /**
   * Whether the file was opened for reading.
   *
   * @throws {RangeError} Once the file is closed, as CPython (Python's
   * ValueError; a closed buffered writer answers false).
   */
  readable(): boolean {
    if (this.#closed) return this.#closedAnswer(!this.#reading);
    return this.#reading;
  }

  /**
   * Whether the file was opened for writing.
   *
   * @throws {RangeError} Once the file is closed, as CPython (Python's
   * ValueError; a closed buffered reader answers false).
   */
  writable(): boolean {
    if (this.#closed) return this.#closedAnswer(!this.#writing);
    return this.#writing;
  }

  /**
   * Whether the file supports seeking: never (a socket is a stream).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * using s = socket.socket();
   * const f = s.makefile("rb", 0);
   * console.log(f.seekable()); // false
   * f.close();
   * try {
   *   f.seekable();
   * } catch (e) {
   *   if (e instanceof Error) console.log(e.message); // "I/O operation on closed socket."
   * }
   * ```
   *
   * @returns false.
   * @throws {RangeError} Once the file is closed, as CPython (Python's
   * ValueError; a closed buffered read-write file answers false).
   */
  seekable(): boolean {
    if (this.#closed) return this.#closedAnswer(this.#reading && this.#writing);
    return false;
  }

  /**
   * Throws if the file is closed, with CPython's message: the buffered
   * binary objects name the operation, SocketIO and TextIOWrapper do not.
   */
  #checkOpen(op?: "read" | "readline" | "readinto" | "write" | "flush"): void {
    if (!this.#closed) return;
    if (
      op === undefined || !this.#binary || this.#bufsize === 0 ||
      (op === "flush" && !this.#writing)
    ) {
      throw new RangeError("I/O operation on closed file.");
    }
    if (op === "write") throw new RangeError("write to closed file");
    // BufferedRWPair has no readline of its own: IOBase's peeks.
    if (op === "readline" && this.#reading && this.#writing) {
      throw new RangeError("peek of closed file");
    }
    throw new RangeError(`${op} of closed file`);
  }

  #checkReadable(op: "read" | "readline" | "readinto"): void {
    this.#checkOpen(op);
    if (!this.#reading) throw new RangeError("File not open for reading");
  }

  /**
   * One receive through the socket, as SocketIO's `readinto`: refused once
   * a read has timed out; `null` when a non-blocking socket has nothing.
   */
  #rawRead<R>(receive: () => R): R | null {
    if (this.#timedOut) throw new error("cannot read from timed out object");
    try {
      return receive();
    } catch (e) {
      if (e instanceof TimeoutError) this.#timedOut = true;
      else if (wouldBlock(e)) return null;
      throw e;
    }
  }

  /**
   * Receives one chunk into the byte buffer: true if it did, false at end
   * of stream, null if a non-blocking socket has nothing.
   */
  #fill(): boolean | null {
    if (this.#eof) return false;
    const chunk = this.#rawRead(() => this.#sock.recv(Math.max(this.#bufsize, 1)));
    if (chunk === null) return null;
    if (chunk.length === 0) {
      // A buffered reader remembers the end; a raw one asks again next time.
      if (this.#bufsize !== 0) this.#eof = true;
      return false;
    }
    this.#rbuf = this.#rbuf.length ? concat([this.#rbuf, chunk]) : chunk;
    return true;
  }

  /** Moves the byte buffer into the text buffer, translating newlines. */
  #fillText(): boolean | null {
    const got = this.#fill();
    const more = got !== false;
    let s = this.#decoder.decode(this.#rbuf, { stream: more });
    this.#rbuf = new Uint8Array(0);
    if (this.#newline === null) {
      if (this.#pendingCR) s = "\r" + s;
      this.#pendingCR = more && s.endsWith("\r");
      if (this.#pendingCR) s = s.slice(0, -1);
      s = s.replace(/\r\n?/g, "\n");
    }
    this.#text += s;
    return got;
  }

  #takeBytes(n: number): Uint8Array {
    const out = this.#rbuf.subarray(0, n);
    this.#rbuf = this.#rbuf.subarray(n);
    return out.slice();
  }

  #takeText(n: number): string {
    const out = this.#text.slice(0, n);
    this.#text = this.#text.slice(n);
    return out;
  }

  /**
   * Reads up to `size` bytes (binary) or characters (text); all until end of
   * stream when `size` is negative or omitted. Unbuffered, `read(n)` makes
   * one `recv(2)`. An empty result means end of stream.
   *
   * On a non-blocking socket, as CPython: `null` in binary mode when nothing
   * was ready (otherwise what was); in text mode what was ready, maybe `""`.
   *
   * @throws {TimeoutError} The socket's timeout expired.
   * @throws {error} "cannot read from timed out object": an earlier read timed out.
   * @throws {RangeError} The file is closed, or not open for reading.
   */
  read(size = -1): T | null {
    this.#checkReadable("read");
    if (!this.#binary) return this.#readText(size) as T;
    if (this.#bufsize === 0) return this.#readRaw(size) as T | null;
    let got: boolean | null = true;
    while ((size < 0 || this.#rbuf.length < size) && (got = this.#fill()) === true);
    // BufferedReader: None only when it has nothing at all to give.
    if (got === null && this.#rbuf.length === 0 && size !== 0) return null;
    return this.#takeBytes(size < 0 ? this.#rbuf.length : Math.min(size, this.#rbuf.length)) as T;
  }

  /** SocketIO's `read`: one receive; `readall` (size < 0) until end of stream. */
  #readRaw(size: number): Uint8Array | null {
    if (size === 0) return new Uint8Array(0);
    if (size > 0) return this.#rawRead(() => this.#sock.recv(size));
    const parts: Uint8Array[] = [];
    for (;;) {
      const chunk = this.#rawRead(() => this.#sock.recv(DEFAULT_BUFFER_SIZE));
      if (chunk === null && parts.length === 0) return null;
      if (chunk === null || chunk.length === 0) return concat(parts);
      parts.push(chunk);
    }
  }

  #readText(size: number): string {
    while ((size < 0 || this.#text.length < size) && this.#fillText() === true);
    return this.#takeText(size < 0 ? this.#text.length : size);
  }

  /**
   * Reads into `buffer` (binary mode only), and returns the number of bytes
   * read: 0 at end of stream. Unbuffered, one `recv(2)` into the buffer;
   * buffered, until the buffer is full or the stream ends.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * const [a, b] = socket.socketpair();
   * const f = b.makefile("rb");
   * a.sendall("hello");
   * a.close();
   * const buf = new Uint8Array(8);
   * console.log(f.readinto(buf), buf); // 5 Uint8Array(8) [104, 101, 108, 108, 111, 0, 0, 0]
   * console.log(f.readinto(buf)); // 0
   * f.close();
   * b.close();
   * ```
   *
   * @param buffer A writable buffer (any ArrayBufferView or ArrayBuffer).
   * @returns The byte count, or `null` when a non-blocking socket had nothing.
   * @throws {TypeError} In text mode (CPython's text files have no
   * `readinto`), or for a buffer that is not writable bytes.
   * @throws {TimeoutError} The socket's timeout expired.
   * @throws {error} "cannot read from timed out object": an earlier read timed out.
   * @throws {RangeError} The file is closed, or not open for reading.
   */
  readinto(buffer: ArrayBufferView | ArrayBuffer): number | null {
    if (!this.#binary) {
      throw new TypeError("readinto() needs a binary file (mode 'rb'): text files have none");
    }
    this.#checkReadable("readinto");
    const view = writableBytes(buffer);
    if (this.#bufsize === 0) return this.#rawRead(() => this.#sock.recv_into(view));
    const got = this.read(byteLength(view)) as Uint8Array | null;
    if (got === null) return null;
    view.set(got);
    return got.length;
  }

  #lineEnd(): number {
    if (this.#binary) {
      const i = this.#rbuf.indexOf(10);
      return i < 0 ? -1 : i + 1;
    }
    const nl = this.#newline;
    if (nl === null || nl === "\n") {
      const i = this.#text.indexOf("\n");
      return i < 0 ? -1 : i + 1;
    }
    if (nl === "") {
      const m = /\r\n|\r(?!$)|\n/.exec(this.#text);
      return m === null ? -1 : m.index + m[0].length;
    }
    const i = this.#text.indexOf(nl);
    return i < 0 ? -1 : i + nl.length;
  }

  /**
   * Reads one line, including its newline; an empty result means end of
   * stream. On a non-blocking socket, what was ready (maybe nothing), as
   * CPython's buffered reader (its raw SocketIO throws instead, dropping the
   * bytes it had read; this returns them).
   */
  readline(size = -1): T {
    this.#checkReadable("readline");
    const have = () => (this.#binary ? this.#rbuf.length : this.#text.length);
    for (;;) {
      const end = this.#lineEnd();
      if (end >= 0 && (size < 0 || end <= size)) {
        return (this.#binary ? this.#takeBytes(end) : this.#takeText(end)) as T;
      }
      if (size >= 0 && have() >= size) {
        return (this.#binary ? this.#takeBytes(size) : this.#takeText(size)) as T;
      }
      const more = this.#binary ? this.#fill() : this.#fillText();
      if (more !== true) {
        const e = this.#lineEnd();
        const n = e >= 0 ? e : have();
        return (this.#binary ? this.#takeBytes(n) : this.#takeText(n)) as T;
      }
    }
  }

  /** Reads lines until end of stream (or until about `hint` bytes/characters). */
  readlines(hint = -1): T[] {
    this.#checkOpen();
    const lines: T[] = [];
    let total = 0;
    for (;;) {
      const line = this.readline();
      if (line.length === 0) return lines;
      lines.push(line);
      total += line.length;
      if (hint > 0 && total >= hint) return lines;
    }
  }

  /**
   * Iterates over lines until end of stream.
   *
   * @throws {RangeError} At once if the file is closed, as CPython's `iter(f)`.
   */
  [Symbol.iterator](): IterableIterator<T> {
    this.#checkOpen();
    return this.#lines();
  }

  *#lines(): IterableIterator<T> {
    for (;;) {
      const line = this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Writes `data` (a string in text mode, bytes in binary mode). Buffered,
   * returns its length. Unbuffered, makes one `send(2)` and returns the
   * number of bytes it sent (maybe fewer), or `null` when a non-blocking
   * socket could take nothing, as CPython's SocketIO.
   *
   * Buffered on a non-blocking socket, as CPython's BufferedWriter: when the
   * socket takes too little to make room in the buffer, throws a
   * `BlockingIOError` whose `characters_written` says how many bytes of
   * `data` were sent or buffered (the rest were not); nothing buffered is
   * lost, and a later `flush()` sends it.
   *
   * @throws {BlockingIOError} Buffered, non-blocking, no room: see above.
   * @throws {RangeError} The file is closed, or not open for writing.
   */
  write(data: T): number | null {
    this.#checkOpen("write");
    if (!this.#writing) throw new RangeError("File not open for writing");
    let bytes: Uint8Array;
    if (this.#binary) {
      if (!isBytesLike(data)) {
        throw new TypeError(`a bytes-like object is required, not '${typeof data}'`);
      }
      // A fresh view with the buffer's real bounds, whatever `length` the
      // caller's object claims (as Python, any bytes-like object will do).
      bytes = toBytes(data);
    } else {
      if (typeof data !== "string") {
        throw new TypeError(`write() argument must be str, not ${typeof data}`);
      }
      const nl = this.#newline;
      const text = nl !== null && nl !== "" && nl !== "\n" ? data.replaceAll("\n", nl) : data;
      bytes = this.#encoder.encode(text);
    }
    if (this.#bufsize === 0) {
      try {
        return this.#sock.send(bytes);
      } catch (e) {
        if (wouldBlock(e)) return null;
        throw e;
      }
    }
    const size = byteLength(bytes);
    // CPython's BufferedWriter.write (Modules/_io/bufferedio.c): what fits
    // joins the buffer; otherwise the buffer is flushed, then `data` sent
    // until what is left fits. On a non-blocking socket that takes too
    // little, the buffer keeps what fits and the rest of `data` is refused.
    if (this.#wlen + size <= this.#bufsize) return this.#buffer(bytes, data);
    try {
      this.#send();
    } catch (e) {
      if (!(e instanceof BlockingIOError)) throw e;
      const room = this.#bufsize - this.#wlen;
      if (size <= room) return this.#buffer(bytes, data);
      this.#buffer(bytes.subarray(0, room), data);
      throw writeBlocked(room);
    }
    let written = 0;
    while (size - written > this.#bufsize) {
      let n: number;
      try {
        n = this.#sock.send(bytes.subarray(written));
      } catch (e) {
        if (!wouldBlock(e)) throw e;
        this.#buffer(bytes.subarray(written, written + this.#bufsize), data);
        throw writeBlocked(written + this.#bufsize);
      }
      written += n;
    }
    return this.#buffer(bytes.subarray(written), data, size);
  }

  /** Appends a copy of `bytes` to the buffer; returns what `write` returns. */
  #buffer(bytes: Uint8Array, data: T, size = byteLength(bytes)): number {
    if (bytes.length) {
      this.#wbuf.push(bytes.slice());
      this.#wlen += bytes.length;
    }
    return this.#binary ? size : (data as string).length;
  }

  /**
   * Sends the buffer, one `send(2)` at a time; what was sent leaves the
   * buffer even if a later send fails. A non-blocking socket that takes
   * nothing: `BlockingIOError` (characters_written 0), as CPython's
   * BufferedWriter.
   */
  #send(): void {
    while (this.#wlen > 0) {
      const data = this.#wbuf.length === 1 ? this.#wbuf[0] : concat(this.#wbuf);
      let n: number;
      try {
        n = this.#sock.send(data);
      } catch (e) {
        this.#wbuf = [data];
        if (wouldBlock(e)) throw writeBlocked(0);
        throw e;
      }
      this.#wbuf = n < data.length ? [data.subarray(n)] : [];
      this.#wlen -= n;
    }
  }

  /**
   * Sends everything buffered.
   *
   * @throws {BlockingIOError} A non-blocking socket could not take it all;
   * the rest stays buffered.
   */
  flush(): void {
    this.#checkOpen("flush");
    this.#send();
  }

  /**
   * Flushes and closes the file; the socket stays open. Idempotent. As
   * CPython's, it flushes even when the socket was closed first (its
   * descriptor stays open until the last file closes); the file is closed
   * even if the flush throws (EBADF after the socket's `detach()`).
   */
  close(): void {
    if (this.#closed) return;
    try {
      if (this.#writing) this.flush();
    } finally {
      this.#closed = true;
      this.#sock._ioref(-1);
    }
  }

  /** `using` support. */
  [Symbol.dispose](): void {
    this.close();
  }
}
