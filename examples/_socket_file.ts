/**
 * The Unix socket files an example creates, removed when it ends:
 * `using _ = bindSocketFile(sock, path)` binds `sock` to `path`, and the
 * file goes away when the block ends (normally or by an exception), when
 * the program calls `Deno.exit()`, and on SIGINT or SIGTERM (the program
 * then exits as the signal would have ended it: 130, 143).
 *
 * Only a file this call created is removed. A path that already exists makes
 * the bind fail (EADDRINUSE) and is left alone, whatever it is. The examples
 * run with `--allow-ffi` only, so the file is removed with `unlink(2)`
 * through the C library (`Deno.removeSync` would need `--allow-write`).
 *
 * A signal is handled by the event loop: a server that waits in a blocking
 * call would not see it, so the servers that use this wait with the async
 * API (`acceptAsync`, `recvAsync`).
 *
 * @module
 */
import type * as socket from "../mod.ts";
import { LIBC_CANDIDATES } from "../ffi/library.ts";

let unlinkLib: Deno.DynamicLibrary<{ unlink: { parameters: ["buffer"]; result: "i32" } }> | null =
  null;

/** `unlink(2)`; errors (the file is already gone) are ignored. */
function unlink(path: string): void {
  if (unlinkLib === null) {
    for (const candidate of LIBC_CANDIDATES) {
      try {
        unlinkLib = Deno.dlopen(candidate, {
          unlink: { parameters: ["buffer"], result: "i32" },
        });
        break;
      } catch { /* try the next */ }
    }
  }
  unlinkLib?.symbols.unlink(new TextEncoder().encode(path + "\0"));
}

const SIGNALS: [Deno.Signal, number][] = [["SIGINT", 130], ["SIGTERM", 143]];

/** Binds `sock` to the file `path`; the file is removed when the result is disposed or the program ends. */
export function bindSocketFile(sock: socket.Socket, path: string): Disposable {
  sock.bind(path);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    unlink(path);
    removeEventListener("unload", remove);
    for (const [sig, listener] of listeners) Deno.removeSignalListener(sig, listener);
  };
  const listeners = SIGNALS.map(([sig, status]): [Deno.Signal, () => void] => [sig, () => {
    remove();
    Deno.exit(status);
  }]);
  addEventListener("unload", remove);
  for (const [sig, listener] of listeners) Deno.addSignalListener(sig, listener);
  return { [Symbol.dispose]: remove };
}
