import * as socket from "./mod.ts";
const srv = socket.create_server(["127.0.0.1", 0]);
const c = socket.create_connection(srv.getsockname() as [string, number]);
const [conn] = srv.accept();
c.setblocking(false);
for (const size of [8 << 20, 64 << 20]) {
  try { console.log(size, "->", c.send(new Uint8Array(size))); } catch (e) { console.log(size, e.message); }
}
try { console.log("again ->", c.send(new Uint8Array(1 << 20))); } catch (e) { console.log("again", e.message); }
