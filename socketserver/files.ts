// The file objects of socketserver's request handlers: Python's
// `_SocketWriter` and `io.BytesIO` (the parts the handlers use), and async
// twins of `makefile("rb")`/`makefile("wb")` for the concurrent servers.
import type { Socket } from "../socket/socket.ts";
import { type Data, toBytes } from "../core/bytes.ts";

const NO_BYTES = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function closedFile(): RangeError {
  return new RangeError("I/O operation on closed file.");
}

/**
 * Python's `socketserver._SocketWriter`: the unbuffered `wfile` of a
 * `StreamRequestHandler` (`wbufsize` 0); every `write` is one `sendall`.
 */
export class SocketWriter {
  #sock: Socket;
  #closed = false;

  /**
   * Wraps a connected socket.
   *
   * @param sock The socket to write to.
   */
  constructor(sock: Socket) {
    this.#sock = sock;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends all of `data` with the socket's `sendall`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { SocketWriter } from "@libc/socket/socketserver";
   * const [a, b] = socket.socketpair();
   * console.log(new SocketWriter(a).write("hi"), b.recv(2).length); // 2 2
   * a.close();
   * b.close();
   * ```
   *
   * @param data Bytes (or a string, sent as UTF-8).
   * @returns The number of bytes written.
   */
  write(data: Data): number {
    if (this.#closed) throw closedFile();
    const bytes = toBytes(data);
    this.#sock.sendall(bytes);
    return bytes.byteLength;
  }

  /** Nothing to flush: writes are unbuffered. */
  flush(): void {}

  /** Marks the writer closed (the socket stays open). */
  close(): void {
    this.#closed = true;
  }

  /**
   * The socket's descriptor.
   *
   * @returns It.
   */
  fileno(): number {
    return this.#sock.fileno();
  }
}

/**
 * An in-memory byte file: the parts of Python's `io.BytesIO` that
 * `DatagramRequestHandler` uses (`rfile` holds the packet, what is written
 * to `wfile` is sent back by `finish()`).
 */
export class BytesIO {
  #buf: Uint8Array;
  #pos = 0;
  #closed = false;

  /**
   * A file over a copy of `initial`, positioned at its start.
   *
   * @param initial The initial contents.
   */
  constructor(initial: Uint8Array = NO_BYTES) {
    this.#buf = initial.slice();
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #open(): void {
    if (this.#closed) throw closedFile();
  }

  /**
   * Reads up to `size` bytes (all when negative).
   *
   * @example
   * ```ts
   * import { BytesIO } from "@libc/socket/socketserver";
   * const f = new BytesIO(new TextEncoder().encode("abc"));
   * console.log(f.read(2).length, f.read().length); // 2 1
   * ```
   *
   * @param size The most bytes to read.
   * @returns The bytes read (empty at the end).
   */
  read(size = -1): Uint8Array {
    this.#open();
    const end = size < 0 ? this.#buf.length : Math.min(this.#buf.length, this.#pos + size);
    const out = this.#buf.slice(this.#pos, end);
    this.#pos = Math.max(this.#pos, end);
    return out;
  }

  /**
   * Reads one line, with its `\n`, or up to `size` bytes.
   *
   * @param size The most bytes to read (negative: no limit).
   * @returns The line (empty at the end).
   */
  readline(size = -1): Uint8Array {
    this.#open();
    const nl = this.#buf.indexOf(10, this.#pos);
    let end = nl < 0 ? this.#buf.length : nl + 1;
    if (size >= 0) end = Math.min(end, this.#pos + size);
    return this.read(Math.max(0, end - this.#pos));
  }

  /**
   * Writes bytes at the current position.
   *
   * @param data Bytes, or a string (UTF-8).
   * @returns The number of bytes written.
   */
  write(data: Data): number {
    this.#open();
    const bytes = toBytes(data);
    const end = this.#pos + bytes.length;
    if (end > this.#buf.length) {
      const grown = new Uint8Array(end);
      grown.set(this.#buf);
      this.#buf = grown;
    }
    this.#buf.set(bytes, this.#pos);
    this.#pos = end;
    return bytes.length;
  }

  /**
   * The whole contents.
   *
   * @returns A copy of them.
   */
  getvalue(): Uint8Array {
    this.#open();
    return this.#buf.slice();
  }

  /** Nothing to flush. */
  flush(): void {}

  /** Closes the file. */
  close(): void {
    this.#closed = true;
  }
}

/**
 * The `rfile` of an `AsyncStreamRequestHandler`: a buffered binary reader
 * over `recvAsync`, the async twin of `makefile("rb")`.
 */
export class AsyncSocketReader {
  #sock: Socket;
  #bufsize: number;
  #buf: Uint8Array = NO_BYTES;
  #eof = false;
  #closed = false;
  #signal?: AbortSignal;

  /**
   * Wraps a connected socket.
   *
   * @param sock The socket to read from.
   * @param bufsize Bytes asked for per `recv` (default 8192).
   * @param signal Aborts pending reads (the server's shutdown signal).
   */
  constructor(sock: Socket, bufsize = 8192, signal?: AbortSignal) {
    this.#sock = sock;
    this.#bufsize = bufsize > 0 ? bufsize : 8192;
    this.#signal = signal;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  async #fill(): Promise<boolean> {
    if (this.#closed) throw closedFile();
    if (this.#eof) return false;
    const chunk = await this.#sock.recvAsync(this.#bufsize, 0, { signal: this.#signal });
    if (chunk.length === 0) {
      this.#eof = true;
      return false;
    }
    this.#buf = concat(this.#buf, chunk);
    return true;
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /**
   * Reads up to `size` bytes; all until end of stream when negative.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { AsyncSocketReader } from "@libc/socket/socketserver";
   * const [a, b] = socket.socketpair();
   * b.send("abc");
   * b.close();
   * console.log((await new AsyncSocketReader(a).read()).length); // 3
   * a.close();
   * ```
   *
   * @param size The most bytes to read.
   * @returns The bytes (empty at end of stream).
   */
  async read(size = -1): Promise<Uint8Array> {
    if (this.#closed) throw closedFile();
    if (size < 0) {
      while (await this.#fill());
      return this.#take(this.#buf.length);
    }
    while (this.#buf.length < size && await this.#fill());
    return this.#take(Math.min(size, this.#buf.length));
  }

  /**
   * Reads one line including its `\n` (or up to `size` bytes).
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { AsyncSocketReader } from "@libc/socket/socketserver";
   * const [a, b] = socket.socketpair();
   * b.send("one\ntwo");
   * const r = new AsyncSocketReader(a);
   * console.log(new TextDecoder().decode(await r.readline())); // "one\n"
   * a.close();
   * b.close();
   * ```
   *
   * @param size The most bytes to return (negative: no limit).
   * @returns The line (empty at end of stream).
   */
  async readline(size = -1): Promise<Uint8Array> {
    if (this.#closed) throw closedFile();
    for (;;) {
      const nl = this.#buf.indexOf(10);
      if (nl >= 0 && (size < 0 || nl < size)) return this.#take(nl + 1);
      if (size >= 0 && this.#buf.length >= size) return this.#take(size);
      if (!await this.#fill()) return this.#take(this.#buf.length);
    }
  }

  /** Iterates over lines until end of stream. */
  async *[Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /** Closes the reader (the socket stays open). */
  close(): void {
    this.#closed = true;
  }
}

/**
 * The `wfile` of an `AsyncStreamRequestHandler`: every `write` is one
 * `sendallAsync` (unbuffered, as `wbufsize` 0).
 */
export class AsyncSocketWriter {
  #sock: Socket;
  #closed = false;
  #signal?: AbortSignal;

  /**
   * Wraps a connected socket.
   *
   * @param sock The socket to write to.
   * @param signal Aborts pending writes.
   */
  constructor(sock: Socket, signal?: AbortSignal) {
    this.#sock = sock;
    this.#signal = signal;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends all of `data`.
   *
   * @example
   * ```ts
   * import * as socket from "@libc/socket";
   * import { AsyncSocketWriter } from "@libc/socket/socketserver";
   * const [a, b] = socket.socketpair();
   * console.log(await new AsyncSocketWriter(a).write("hi")); // 2
   * a.close();
   * b.close();
   * ```
   *
   * @param data Bytes (or a string, as UTF-8).
   * @returns The number of bytes written.
   */
  async write(data: Data): Promise<number> {
    if (this.#closed) throw closedFile();
    const bytes = toBytes(data);
    await this.#sock.sendallAsync(bytes, 0, { signal: this.#signal });
    return bytes.byteLength;
  }

  /** Nothing to flush: writes are unbuffered. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Marks the writer closed (the socket stays open). */
  close(): void {
    this.#closed = true;
  }
}
