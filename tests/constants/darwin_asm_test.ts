/**
 * The assembly reader the macOS tables are generated with
 * (`constants/_gen/asm.ts`), on the real output of every compiler it reads:
 * gcc for Linux x86_64 and aarch64 (GNU as, ELF), `zig cc` for macOS
 * x86_64 and arm64 (LLVM, Mach-O) and for Windows x86_64 (LLVM, COFF). The
 * expected bytes are built here with a DataView, independently of the reader.
 */

import { assertEquals, assertThrows } from "@std/assert";
import { type AsmDialect, readAsmData, readAsmWords } from "../../constants/_gen/asm.ts";
import { zig } from "../../constants/_gen/zig.ts";
import { DARWIN_ARCHES, WINDOWS_ARCHES } from "../../constants/_gen/spec.ts";

const zigTarget = (arch: string) => DARWIN_ARCHES.find((a) => a.name === arch)!.zig;

const SOURCE = `
struct mix { unsigned char a; short b; int c; long long d; };
const struct mix probe_mix[] = {
  { 0xab, -2, 0x01020304, -5 },
  { 0, 0, 0, 0 },
  { 1, 0, 0, 0x7fffffffffffffffLL },
};
const unsigned long long probe_w[] = { 1, (unsigned long long)-1, 0x8000000000000000ULL, 0, 0, 0 };
`;

function expectedMix(): Uint8Array {
  const b = new Uint8Array(48);
  const v = new DataView(b.buffer);
  v.setUint8(0, 0xab);
  v.setInt16(2, -2, true);
  v.setInt32(4, 0x01020304, true);
  v.setBigInt64(8, -5n, true);
  v.setUint8(32, 1);
  v.setBigInt64(40, 0x7fffffffffffffffn, true);
  return b;
}

const WORDS = [1n, 0xffffffffffffffffn, 0x8000000000000000n, 0n, 0n, 0n];

async function compile(cc: string[]): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "libc-socket-asm-test-" });
  try {
    await Deno.writeTextFile(`${dir}/t.c`, SOURCE);
    const out = await new Deno.Command(cc[0], {
      args: [...cc.slice(1), "-S", "-o", `${dir}/t.s`, `${dir}/t.c`],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return await Deno.readTextFile(`${dir}/t.s`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function zigPath(): Promise<string | undefined> {
  try {
    return await zig(false);
  } catch {
    return undefined;
  }
}

const TARGETS: { name: string; cc: () => Promise<string[] | undefined>; dialect: AsmDialect }[] = [
  {
    name: "gcc, Linux x86_64 (ELF)",
    // Debian names both compilers by triplet, whichever is native.
    cc: () => Promise.resolve(["x86_64-linux-gnu-gcc"]),
    dialect: { word: 2, underscore: false },
  },
  {
    name: "gcc, Linux aarch64 (ELF)",
    cc: () => Promise.resolve(Deno.build.arch === "aarch64" ? ["gcc"] : ["aarch64-linux-gnu-gcc"]),
    dialect: { word: 4, underscore: false },
  },
  {
    name: "zig cc, macOS x86_64 (Mach-O)",
    cc: async () => {
      const z = await zigPath();
      return z ? [z, "cc", "-target", zigTarget("x86_64"), "-g0"] : undefined;
    },
    dialect: { word: 2, underscore: true },
  },
  {
    name: "zig cc, macOS arm64 (Mach-O)",
    cc: async () => {
      const z = await zigPath();
      return z ? [z, "cc", "-target", zigTarget("aarch64"), "-g0"] : undefined;
    },
    dialect: { word: 4, underscore: true },
  },
  {
    name: "zig cc, Windows x86_64 (COFF)",
    cc: async () => {
      const z = await zigPath();
      return z ? [z, "cc", "-target", WINDOWS_ARCHES[0].zig, "-g0"] : undefined;
    },
    dialect: { word: 2, underscore: false },
  },
];

for (const t of TARGETS) {
  Deno.test(`asm reader: ${t.name}: bytes of a struct array and of 64-bit words`, async () => {
    const cc = await t.cc();
    const asm = cc && await compile(cc);
    if (asm === undefined) {
      console.log(
        `asm reader: ${t.name}: compiler not installed, skipped (deno task gen installs zig)`,
      );
      return;
    }
    assertEquals(readAsmData(asm, "probe_mix", t.dialect), expectedMix());
    assertEquals(readAsmWords(asm, "probe_w", WORDS.length, t.dialect), WORDS);
    assertThrows(() => readAsmWords(asm, "probe_w", 5, t.dialect), Error, "expected 5 words");
    assertThrows(() => readAsmData(asm, "probe_none", t.dialect), Error, "no label");
  });
}

Deno.test("asm reader: what is not an integer literal is refused, not guessed", () => {
  const d: AsmDialect = { word: 4, underscore: false };
  // a relocation (pointer to another symbol)
  assertThrows(() => readAsmData("x:\n\t.quad\ty\n", "x", d), Error, "not an integer literal");
  // a string
  assertThrows(() => readAsmData('x:\n\t.ascii\t"ab"\n', "x", d), Error, "unexpected directive");
  // an expression
  assertThrows(() => readAsmData("x:\n\t.long\t1+2\n", "x", d), Error, "not an integer literal");
});

Deno.test("asm reader: dialect details: .word width, comments, fill, the end of the object", () => {
  const text = [
    "\t.globl\t_v ; @v",
    "_v:",
    "\t.word\t258 ## two or four bytes",
    "\t.byte\t-1 // comment",
    "\t.space\t2,7",
    "\t.short\t0x1234 # comment",
    "",
    "\t.globl\t_next",
    "_next:",
    "\t.byte\t9",
  ].join("\n");
  assertEquals(
    readAsmData(text, "v", { word: 2, underscore: true }),
    new Uint8Array([2, 1, 0xff, 7, 7, 0x34, 0x12]),
  );
  assertEquals(
    readAsmData(text, "v", { word: 4, underscore: true }),
    new Uint8Array([2, 1, 0, 0, 0xff, 7, 7, 0x34, 0x12]),
  );
  assertEquals(readAsmData(text, "next", { word: 4, underscore: true }), new Uint8Array([9]));
});
