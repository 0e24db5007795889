/**
 * The `deno lint` plugin of lint/plugin.ts: the rule on source texts
 * (`Deno.lint.runPlugin`), and the real `deno lint` with the plugin enabled
 * in a project's deno.json, fixing the trap with `--fix`.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import plugin, { ASYNC_TWINS } from "../../lint/plugin.ts";
import { DENO_PREFIX, denoCommand } from "../_helpers.ts";

const run = (src: string) => Deno.lint.runPlugin(plugin, "main.ts", src);

Deno.test("lint: await on every blocking method is flagged, with its twin as the fix", () => {
  for (const [blocking, twin] of Object.entries(ASYNC_TWINS)) {
    const found = run(`export async function f(s: socket.Socket) { await s.${blocking}(1); }`);
    assertEquals(found.length, 1, blocking);
    assertEquals(found[0].id, "libc-socket/no-await-blocking");
    assertStringIncludes(found[0].message, `s.${blocking}() blocks the thread`);
    assertStringIncludes(found[0].hint ?? "", `s.${twin}(`);
    assertEquals(found[0].fix?.[0].text, twin);
  }
  // a bare function (select.select imported by name, getaddrinfo)
  assertEquals(run(`export async function f() { await select([], [], [], 1); }`).length, 1);
  // sockets known from how they were made
  const made = `const s = socket.create_connection(a); await s.recv(1);
    const [c, addr] = l.accept(); await c.send("x"); using sel = new DefaultSelector();
    await sel.select(1); const [x, y] = socketpair(); await y.connect(a);`;
  assertEquals(run(`export async function f(l: any, a: any) { ${made} }`).length, 4);
});

Deno.test("lint: names other APIs await are flagged only on our sockets", () => {
  // Deno.Listener.accept, Deno.DatagramConn.send, an unknown receiver
  const src = `export async function f(l: Deno.Listener, u: Deno.DatagramConn, x: any) {
    await l.accept(); await u.send(new Uint8Array(1), u.addr); await x.recv(1);
    await Deno.connect({ port: 1 });
  }`;
  assertEquals(run(src), []);
  // but this library's own names are ours on any receiver
  assertEquals(run(`export async function f(x: any) { await x.sendall("a"); }`).length, 1);
});

Deno.test("lint: the async twins, calls without await and other names pass", () => {
  const src = `export async function f(s: Socket) {
    await s.recvAsync(1); await s.acceptAsync(); const n = s.recv(1);
    await s.receive(1); await s["recv"](1); await fetch("x"); return n;
  }`;
  assertEquals(run(src), []);
});

// deno lint runs the plugin in JavaScript: the same on every architecture, and
// minutes under emulation, so natively only.
Deno.test({
  name: "lint: deno lint with the plugin in deno.json reports and --fix rewrites" +
    (DENO_PREFIX.length > 0 ? " [ignored under emulation: no native code]" : ""),
  ignore: DENO_PREFIX.length > 0,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pluginUrl = new URL("../../lint/plugin.ts", import.meta.url).href;
    await Deno.writeTextFile(
      `${dir}/deno.json`,
      JSON.stringify({ lint: { plugins: [pluginUrl] } }),
    );
    const file = `${dir}/main.ts`;
    await Deno.writeTextFile(
      file,
      `export async function f(c: Socket) {\n  return await c.recv(10);\n}\ntype Socket = { recv(n: number): Uint8Array };\n`,
    );
    const lint = (...args: string[]) =>
      denoCommand(["lint", ...args, file], { cwd: dir, stdout: "piped", stderr: "piped" })
        .output();
    const first = await lint();
    const text = new TextDecoder().decode(first.stdout) + new TextDecoder().decode(first.stderr);
    assertEquals(first.success, false, text);
    assertStringIncludes(text, "libc-socket/no-await-blocking");
    await lint("--fix");
    assertStringIncludes(await Deno.readTextFile(file), "await c.recvAsync(10)");
    assertEquals((await lint()).success, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
