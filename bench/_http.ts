/**
 * The few lines of HTTP/1.1 a keep-alive responder needs for `h2load --h1`,
 * shared by `ours_http_server.ts` and `deno_native_http_server.ts` so both
 * parse the same way: count the complete requests in what arrived (each ends
 * at the first `\r\n\r\n`; requests may be pipelined, and a request or its
 * terminator may be split anywhere across reads) and answer each with
 * `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok`. Requests with a body are
 * not supported (h2load sends GETs).
 *
 * @module
 */

const CR = 0x0d, LF = 0x0a;

/** Counts complete requests (header blocks ending in `\r\n\r\n`) across reads. */
export class HttpRequestCounter {
  /** How many bytes of `\r\n\r\n` the input has matched so far (0–3). */
  #matched = 0;

  /** Feeds `n` bytes of `buf`; returns how many requests they completed. */
  feed(buf: Uint8Array, n: number): number {
    let requests = 0;
    let m = this.#matched;
    for (let i = 0; i < n; i++) {
      const b = buf[i];
      if (b === CR) {
        // "\r" starts a match, or continues one at "\r\n" (m = 2)
        m = m === 2 ? 3 : 1;
      } else if (b === LF && (m === 1 || m === 3)) {
        if (m === 3) {
          requests++;
          m = 0;
        } else {
          m = 2;
        }
      } else {
        m = 0;
      }
    }
    this.#matched = m;
    return requests;
  }
}

/** The response, repeated, to answer up to this many requests per write. */
export const RESPONSES_PER_WRITE = 256;
const RESPONSE = new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
/** The bytes of one response. */
export const RESPONSE_LENGTH: number = RESPONSE.length;
/** `RESPONSES_PER_WRITE` responses back to back. */
export const RESPONSES: Uint8Array = new Uint8Array(RESPONSE.length * RESPONSES_PER_WRITE);
for (let i = 0; i < RESPONSES_PER_WRITE; i++) RESPONSES.set(RESPONSE, i * RESPONSE.length);
