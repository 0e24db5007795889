/**
 * `socket.makefile()`: a buffered file object over a socket, built on the
 * socket's public `recv`/`sendall` only (as CPython's `SocketIO` wrapped in
 * `BufferedReader`/`BufferedWriter`/`TextIOWrapper`).
 *
 * @module
 */
import { byteLength, isBytesLike, toBytes } from "../core/bytes.ts";
import { repr, reprStr } from "../core/repr.ts";

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
  /** Sends all of `data`. */
  sendall(data: Uint8Array): void;
  /** Whether the socket is closed. */
  readonly closed: boolean;
  /** Counts an open file object, deferring the socket's `close(2)` (internal). */
  _ioref(delta: 1 | -1): void;
}

/**
 * The file object `makefile()` returns. `T` is `string` in text mode and
 * `Uint8Array` in binary mode.
 */
export class SocketFile<T extends string | Uint8Array = string | Uint8Array> {
  #sock: FileSocket;
  #reading: boolean;
  #writing: boolean;
  #binary: boolean;
  #bufsize: number;
  #closed = false;
  #eof = false;
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
  /** The mode the file was opened with. */
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
    this.mode = mode;
    this.#sock = sock;
    sock._ioref(1);
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The socket's descriptor. */
  fileno(): number {
    return this.#sock.fileno();
  }

  /** Whether the file was opened for reading. */
  readable(): boolean {
    return this.#reading;
  }

  /** Whether the file was opened for writing. */
  writable(): boolean {
    return this.#writing;
  }

  #checkOpen(): void {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
  }

  /** Receives one chunk into the byte buffer; false at end of stream. */
  #fill(): boolean {
    if (this.#eof) return false;
    const chunk = this.#sock.recv(Math.max(this.#bufsize, 1));
    if (chunk.length === 0) {
      this.#eof = true;
      return false;
    }
    this.#rbuf = this.#rbuf.length ? concat([this.#rbuf, chunk]) : chunk;
    return true;
  }

  /** Moves the byte buffer into the text buffer, translating newlines. */
  #fillText(): boolean {
    const more = this.#fill();
    let s = this.#decoder.decode(this.#rbuf, { stream: more });
    this.#rbuf = new Uint8Array(0);
    if (this.#newline === null) {
      if (this.#pendingCR) s = "\r" + s;
      this.#pendingCR = more && s.endsWith("\r");
      if (this.#pendingCR) s = s.slice(0, -1);
      s = s.replace(/\r\n?/g, "\n");
    }
    this.#text += s;
    return more;
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
   * stream when `size` is negative or omitted.
   */
  read(size = -1): T {
    this.#checkOpen();
    if (!this.#reading) throw new RangeError("File not open for reading");
    if (this.#binary) {
      if (size < 0) {
        while (this.#fill());
        return this.#takeBytes(this.#rbuf.length) as T;
      }
      while (this.#rbuf.length < size && this.#fill());
      return this.#takeBytes(Math.min(size, this.#rbuf.length)) as T;
    }
    if (size < 0) {
      while (this.#fillText());
      return this.#takeText(this.#text.length) as T;
    }
    while (this.#text.length < size && this.#fillText());
    return this.#takeText(size) as T;
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

  /** Reads one line, including its newline; an empty result means end of stream. */
  readline(size = -1): T {
    this.#checkOpen();
    if (!this.#reading) throw new RangeError("File not open for reading");
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
      if (!more) {
        const e = this.#lineEnd();
        const n = e >= 0 ? e : have();
        return (this.#binary ? this.#takeBytes(n) : this.#takeText(n)) as T;
      }
    }
  }

  /** Reads lines until end of stream (or until about `hint` bytes/characters). */
  readlines(hint = -1): T[] {
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

  /** Iterates over lines until end of stream. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (;;) {
      const line = this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /** Writes `data` (a string in text mode, bytes in binary mode); returns its length. */
  write(data: T): number {
    this.#checkOpen();
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
      this.#sock.sendall(bytes);
    } else {
      this.#wbuf.push(bytes.slice());
      this.#wlen += byteLength(bytes);
      if (this.#wlen >= this.#bufsize) this.flush();
    }
    return this.#binary ? byteLength(bytes) : (data as string).length;
  }

  /** Sends everything buffered. */
  flush(): void {
    this.#checkOpen();
    if (this.#wlen === 0) return;
    const data = this.#wbuf.length === 1 ? this.#wbuf[0] : concat(this.#wbuf);
    this.#wbuf = [];
    this.#wlen = 0;
    this.#sock.sendall(data);
  }

  /** Flushes and closes the file; the socket stays open. Idempotent. */
  close(): void {
    if (this.#closed) return;
    try {
      if (this.#writing && !this.#sock.closed) this.flush();
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
