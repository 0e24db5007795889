/**
 * The HTTP responder of `ours_http_server.ts` on `Deno.serve`, the runtime's
 * own HTTP server (parsing in Rust): every request gets `200 ok`. Binds
 * 127.0.0.1:0 and prints the port.
 *
 *   deno run -A bench/deno_serve_http_server.ts
 *
 * @module
 */
import { exitOnStdinEof, println } from "./_util.ts";

exitOnStdinEof();
Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => println(String(port)),
}, () => new Response("ok"));
