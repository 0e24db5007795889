/**
 * Which Deno FFI declaration of a Winsock `SOCKET` (a `UINT_PTR`) parameter
 * is both correct and fast: the measurement behind `ffi/ws2_32.ts`.
 *
 *   .ci/windows.sh is for tests; run this one with the Windows deno.exe:
 *   wine deno.exe run -A bench/windows_handle.ts
 *
 * `__WSAFDIsSet(SOCKET, fd_set *)` is a ws2_32 function that makes no
 * system call: what it costs is the FFI call. Then `getsockopt(SO_TYPE)`,
 * a real Winsock call, with the same declarations. Under Wine a Winsock
 * call is a round trip to the Wine server (tens of µs), so only the first
 * part says anything about the declarations.
 *
 * @module
 */
if (Deno.build.os !== "windows") {
  console.log("windows_handle: needs Windows (or Wine)");
  Deno.exit(0);
}

const lib = Deno.dlopen("ws2_32.dll", {
  usize: { name: "__WSAFDIsSet", parameters: ["usize", "buffer"], result: "i32" },
  u64: { name: "__WSAFDIsSet", parameters: ["u64", "buffer"], result: "i32" },
  ptr: { name: "__WSAFDIsSet", parameters: ["pointer", "buffer"], result: "i32" },
  u32: { name: "__WSAFDIsSet", parameters: ["u32", "buffer"], result: "i32" },
  socket: { parameters: ["i32", "i32", "i32"], result: "usize" },
  closesocket: { parameters: ["usize"], result: "i32" },
  WSAStartup: { parameters: ["u16", "buffer"], result: "i32" },
  getsockopt: { parameters: ["usize", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockoptP: {
    name: "getsockopt",
    parameters: ["pointer", "i32", "i32", "buffer", "buffer"],
    result: "i32",
  },
});
const ws = lib.symbols;
ws.WSAStartup(0x202, new Uint8Array(408));
const hb = BigInt(ws.socket(2, 1, 6));
const h = Number(hb);
const set = new Uint8Array(520); // fd_set { u_int fd_count; SOCKET fd_array[64]; }
const dv = new DataView(set.buffer);
dv.setUint32(0, 1, true);
dv.setBigUint64(8, hb, true);

function measure(name: string, n: number, f: () => number, want: number): void {
  for (let i = 0; i < n / 40; i++) f();
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (f() !== want) throw new Error(`${name}: wrong result`);
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${name.padEnd(52)} ${(best * 1e6 / n).toFixed(1)} ns/call`);
}

const p = Deno.UnsafePointer.create(hb);
/** A JS number where the declaration says bigint: Deno accepts it, off V8's fast path. */
const hNumber = h as unknown as bigint;
const N = 2_000_000;
measure("usize, a cached bigint", N, () => ws.usize(hb, set), 1);
measure("usize, BigInt(fd) per call", N, () => ws.usize(BigInt(h), set), 1);
measure("u64, BigInt(fd) per call", N, () => ws.u64(BigInt(h), set), 1);
measure("usize, a number (off the fast path)", N, () => ws.usize(hNumber, set), 1);
measure("pointer, a cached pointer object", N, () => ws.ptr(p, set), 1);
measure("pointer, UnsafePointer.create(BigInt(fd)) per call", N, () => {
  return ws.ptr(Deno.UnsafePointer.create(BigInt(h)), set);
}, 1);
measure("u32, a number (wrong: upper half undefined)", N, () => ws.u32(h, set), 1);

const v = new Uint8Array(4);
const len = new Int32Array([4]);
const lenBytes = new Uint8Array(len.buffer);
const M = 100_000;
const opt = (f: () => number) => () => {
  len[0] = 4;
  return f();
};
measure(
  "getsockopt, usize, BigInt(fd)",
  M,
  opt(() => ws.getsockopt(BigInt(h), 0xffff, 0x1008, v, lenBytes)),
  0,
);
measure(
  "getsockopt, usize, a number",
  M,
  opt(() => ws.getsockopt(hNumber, 0xffff, 0x1008, v, lenBytes)),
  0,
);
measure(
  "getsockopt, pointer, UnsafePointer.create",
  M,
  opt(() => ws.getsockoptP(Deno.UnsafePointer.create(BigInt(h)), 0xffff, 0x1008, v, lenBytes)),
  0,
);
ws.closesocket(hb);
