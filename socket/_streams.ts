/**
 * The Web Streams of `Socket` (socket.ts): `readable`, a byte stream over
 * `recv_intoAsync`, and `writable`, over `sendallAsync`. They call the
 * socket's public methods, as a user's stream would. The class documents
 * them and keeps each stream once made.
 *
 * Internal module.
 *
 * @module
 */
import { constants as C } from "../constants/mod.ts";
import type { SocketState } from "./_state.ts";

/** The methods of a socket the streams are built on. */
interface StreamSocket {
  recv_intoAsync(buffer: ArrayBufferView): Promise<number>;
  sendallAsync(data: Uint8Array): Promise<void>;
  shutdown(how: number): void;
}

/** `readable`: BYOB reads; ends at end of stream; cancel shuts down the read half. */
export function readable(sock: StreamSocket, st: SocketState): ReadableStream<Uint8Array> {
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: 65536,
    pull: async (controller) => {
      const req = controller.byobRequest!;
      const view = req.view as Uint8Array;
      const n = await sock.recv_intoAsync(view);
      if (n === 0) {
        controller.close();
        req.respond(0);
      } else {
        req.respond(n);
      }
    },
    cancel: () => {
      if (!st.closed) {
        try {
          sock.shutdown(C.SHUT_RD);
        } catch { /* already disconnected */ }
      }
    },
  });
}

/** `writable`: each chunk with `sendallAsync`; close shuts down the write half. */
export function writable(sock: StreamSocket, st: SocketState): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    write: (chunk) => sock.sendallAsync(chunk),
    close: () => {
      if (!st.closed) sock.shutdown(C.SHUT_WR);
    },
  });
}
