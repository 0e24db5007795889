/** The helpers makefile_cpython_test.ts and makefile_steps_test.ts share: test_socket.py's MSG and its connected pair. */
import { assertEquals } from "@std/assert";
import * as socket from "../../mod.ts";
import type { Socket, SocketFile } from "../../mod.ts";
import { select } from "../../select.ts";

export const enc = new TextEncoder();
/** test_socket.py's MSG. */
export const MSG = enc.encode("Michael Gilfix was here\u1234\r\n");
export const MSG_TEXT = "Michael Gilfix was here\u1234\r\n";

/** CPython's SocketConnectedTest: a connected TCP pair `[client, accepted]`. */
export function tcpPair(): [Socket, Socket] {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const c = socket.create_connection(srv.getsockname());
  const [conn] = srv.accept();
  return [c, conn];
}

/** Waits (bounded) until `s` is readable, as CPython's tests wait on an event. */
export function waitReadable(s: Socket): void {
  const [r] = select([s], [], [], 10);
  assertEquals(r.length, 1, "the peer's bytes arrive");
}

/** A file from `makefile()`, text or binary. */
export type File = SocketFile<string | Uint8Array>;
