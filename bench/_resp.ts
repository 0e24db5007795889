/**
 * The few lines of RESP (the Redis protocol) a PING server needs, shared by
 * `ours_resp_server.ts` and `deno_native_resp_server.ts` so both parse the
 * same way: count the complete commands in what arrived (inline `PING\r\n`
 * or multi-bulk `*1\r\n$4\r\nPING\r\n`, split anywhere across reads) and
 * answer each with `+PONG\r\n`.
 *
 * @module
 */

const CR = 0x0d, LF = 0x0a, STAR = 0x2a, ZERO = 0x30, NINE = 0x39;

/** Counts complete RESP commands across reads. */
export class RespCounter {
  /** Lines still to come in the current multi-bulk command. */
  #linesLeft = 0;
  /** At the first byte of a line? */
  #lineStart = true;
  /** Parsing a `*N` header line, and N so far. */
  #header = false;
  #n = 0;

  /** Feeds `n` bytes of `buf`; returns how many commands they completed. */
  feed(buf: Uint8Array, n: number): number {
    let commands = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[i];
      if (this.#lineStart) {
        this.#lineStart = false;
        if (this.#linesLeft === 0 && b === STAR) {
          this.#header = true;
          this.#n = 0;
          continue;
        }
      }
      if (b === LF) {
        this.#lineStart = true;
        if (this.#header) {
          this.#header = false;
          this.#linesLeft = 2 * this.#n;
          if (this.#linesLeft === 0) commands++;
        } else if (this.#linesLeft > 0) {
          if (--this.#linesLeft === 0) commands++;
        } else {
          commands++; // an inline command
        }
      } else if (this.#header && b >= ZERO && b <= NINE) {
        this.#n = this.#n * 10 + (b - ZERO);
      } else if (b === CR) {
        // part of the line ending
      }
    }
    return commands;
  }
}

/** `+PONG\r\n` repeated, to answer up to this many commands per write. */
export const PONGS_PER_WRITE = 1024;
const PONG = new TextEncoder().encode("+PONG\r\n");
/** The bytes of one `+PONG\r\n`. */
export const PONG_LENGTH: number = PONG.length;
/** `PONGS_PER_WRITE` answers back to back. */
export const PONGS: Uint8Array = new Uint8Array(PONG.length * PONGS_PER_WRITE);
for (let i = 0; i < PONGS_PER_WRITE; i++) PONGS.set(PONG, i * PONG.length);
