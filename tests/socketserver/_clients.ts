/** The helpers the socketserver tests share: python3 clients, an AF_INET server's port, a line-upper-casing handler. */
import * as socket from "../../mod.ts";
import type { IPv4Address, Socket } from "../../mod.ts";
import * as ss from "../../socketserver.ts";
import { tool } from "../_caps.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();
export const SS = tool("ss", ["-V"]);

/** Starts python3 running `code` (with socket, sys, time imported); returns its stdout later. */
export function pyClient(code: string): Promise<string> {
  const child = new Deno.Command("python3", {
    args: ["-c", `import socket, sys, time, threading\n${code}`],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return child.output().then((o) => {
    if (!o.success) throw new Error(`python3 failed: ${dec.decode(o.stderr)}`);
    return dec.decode(o.stdout);
  });
}

/** An AF_INET server's port. */
export function portOf(server: { server_address: IPv4Address }): number {
  return server.server_address[1];
}

/** The connections of an AF_INET TCPServer. */
export type Conn = Socket<typeof socket.AF_INET, typeof socket.SOCK_STREAM>;

export class UpperLine extends ss.StreamRequestHandler {
  override handle(): void {
    const line = this.rfile.readline();
    this.wfile.write(enc.encode(dec.decode(line).toUpperCase()));
  }
}
