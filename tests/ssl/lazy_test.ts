import { assertEquals } from "@std/assert";
import { denoCommand } from "../_helpers.ts";

Deno.test("ssl: importing @libc/socket never loads libssl; using ssl does", async () => {
  const root = new URL("../../", import.meta.url);
  const code = `
    const maps = () => Deno.readTextFileSync("/proc/self/maps").includes("libssl.so");
    await import("./mod.ts");
    const before = maps();
    const ssl = await import("./ssl.ts");
    new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    console.log(JSON.stringify([before, maps()]));
  `;
  const out = await denoCommand(["eval", code], { cwd: root, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assertEquals(JSON.parse(text), [false, true], new TextDecoder().decode(out.stderr));
});
