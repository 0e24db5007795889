/**
 * # @libc/socket/selectors
 *
 * Python's `selectors` module for Deno: high-level I/O multiplexing on top
 * of `@libc/socket/select`, with CPython's classes, methods and errors.
 * {@linkcode DefaultSelector} is the best selector of the platform
 * ({@linkcode EpollSelector} on Linux, {@linkcode KqueueSelector} on macOS
 * and the BSDs, {@linkcode PollSelector} elsewhere).
 * `select()` blocks the thread as in Python; `selectAsync()` waits on this
 * thread's reactor and takes a final `{ signal }`.
 *
 * Python's `KeyError` is {@linkcode KeyError} (a `RangeError`), its
 * `ValueError` a `RangeError`, its `RuntimeError` an `Error`.
 *
 * @example The selectors documentation's echo server, one round
 * ```ts
 * import * as socket from "@libc/socket";
 * import { DefaultSelector, EVENT_READ } from "@libc/socket/selectors";
 *
 * type Callback = (s: socket.Socket, mask: number) => void;
 * using sel = new DefaultSelector<socket.Socket, Callback>();
 * using sock = socket.create_server(["127.0.0.1", 0]);
 * sock.setblocking(false);
 * const read: Callback = (conn) => {
 *   const data = conn.recv(1000);
 *   if (data.length) conn.send(data);
 *   else {
 *     sel.unregister(conn);
 *     conn.close();
 *   }
 * };
 * sel.register(sock, EVENT_READ, (s) => {
 *   const [conn] = s.accept();
 *   conn.setblocking(false);
 *   sel.register(conn, EVENT_READ, read);
 * });
 * using client = socket.create_connection(sock.getsockname());
 * client.send("echo me");
 * for (let round = 0; round < 2; round++) {
 *   for (const [key, mask] of sel.select(5)) key.data(key.fileobj, mask);
 * }
 * console.log(new TextDecoder().decode(client.recv(100))); // "echo me"
 * client.close(); // the server reads end of stream and closes its end
 * for (const [key, mask] of sel.select(5)) key.data(key.fileobj, mask);
 * ```
 *
 * @module
 */
export {
  BaseSelector,
  EVENT_READ,
  EVENT_WRITE,
  KeyError,
  SelectorKey,
  SelectorMapping,
} from "./selectors/_base.ts";
export type { FileDescriptorLike, SelectAsyncOptions, SelectorEvent } from "./selectors/_base.ts";
export { SelectSelector } from "./selectors/select.ts";
export { PollSelector } from "./selectors/poll.ts";
export { EpollSelector } from "./selectors/epoll.ts";
export { KqueueSelector } from "./selectors/kqueue.ts";
export { DefaultSelector } from "./selectors/default.ts";
