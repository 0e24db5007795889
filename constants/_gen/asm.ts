/**
 * Reads initialized data out of compiler-emitted assembly (`cc -S`), so that
 * a table can be generated for a platform nothing here can run: every value,
 * size and offset is compiled into a global array of 64-bit integers, and the
 * array's bytes are rebuilt from the data directives that follow its label.
 *
 * Both assembler dialects the generator meets are understood:
 *
 * - GNU as, ELF (gcc for Linux x86_64 and aarch64): `name:`, `.quad`/`.xword`,
 *   `.long`/`.int`, `.value`/`.hword`/`.short`, `.byte`, `.zero`/`.space`,
 *   comments `#` (x86) or `//` (aarch64);
 * - LLVM, Mach-O (`zig cc -target *-macos`): `_name:`, `.quad`, `.long`,
 *   `.short`, `.byte`, `.space`/`.zero`, comments `;` or `##`;
 * - LLVM, COFF (`zig cc -target x86_64-windows-gnu`): `name:`, `.quad`,
 *   ..., comments `#`, the object ended by `.addrsig` or a `.def` block.
 *
 * `.word` is 2 bytes on x86 and 4 on aarch64, so the caller says which.
 * Anything else between the label and the end of the object (a symbol
 * reference, a string, an unknown directive) is an error: a value that can't
 * be read exactly must not be guessed.
 *
 * Every target the generator supports is little-endian.
 *
 * @module
 */

/** How the dialect of one target spells data. */
export interface AsmDialect {
  /** Bytes of `.word`: 2 on x86 (GNU as), 4 on aarch64. */
  readonly word: 2 | 4;
  /** Symbols carry a leading underscore (Mach-O). */
  readonly underscore: boolean;
}

const DATA_SIZES: Readonly<Record<string, number>> = {
  byte: 1,
  "1byte": 1,
  short: 2,
  hword: 2,
  value: 2,
  "2byte": 2,
  long: 4,
  int: 4,
  "4byte": 4,
  quad: 8,
  xword: 8,
  dword: 8,
  "8byte": 8,
};

/** Directives that end the current object (the next one starts). */
const ENDERS = new Set([
  "section",
  "text",
  "data",
  "bss",
  "const",
  "size",
  "globl",
  "global",
  "local",
  "type",
  "p2align",
  "align",
  "balign",
  "ident",
  "subsections_via_symbols",
  "zerofill",
  "cfi_startproc",
  "file",
  "previous",
  "popsection",
  "pushsection",
  "addrsig",
  "addrsig_sym",
  "def",
  "scl",
  "endef",
]);

function stripComment(line: string): string {
  // `;` (Mach-O arm64), `##` (Mach-O x86_64), `#` (ELF x86), `//` (ELF
  // aarch64). A data operand never contains any of them.
  return line.replace(/\s*(?:;|#|\/\/).*$/, "");
}

function integer(token: string, where: string): bigint {
  if (!/^[-+]?(?:0[xX][0-9a-fA-F]+|\d+)$/.test(token)) {
    throw new Error(`asm: ${where}: not an integer literal: ${token}`);
  }
  const neg = token.startsWith("-");
  const digits = token.replace(/^[-+]/, "");
  const v = BigInt(digits);
  return neg ? -v : v;
}

/**
 * Returns the bytes of the initialized global `symbol` in `asm`.
 *
 * @param asm The text of a `.s` file.
 * @param symbol The C name of the object (without Mach-O's underscore).
 * @param dialect How the target spells data.
 * @throws {Error} If the symbol is not found, or its data holds anything
 * but integer literals and zero fill.
 */
export function readAsmData(asm: string, symbol: string, dialect: AsmDialect): Uint8Array {
  const label = (dialect.underscore ? "_" : "") + symbol;
  const lines = asm.split("\n");
  const start = lines.findIndex((l) => stripComment(l).trim() === `${label}:`);
  if (start < 0) throw new Error(`asm: no label ${label}:`);
  const out: number[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = stripComment(lines[i]).trim();
    if (line === "") continue;
    if (/^[^\s.][^\s]*:$/.test(line) || /^\.?L[\w$.]*:$/.test(line)) break; // next label
    const m = /^\.([A-Za-z0-9_]+)\s*(.*)$/.exec(line);
    if (!m) throw new Error(`asm: ${label}: unexpected line: ${lines[i]}`);
    const [, dir, operands] = m;
    if (ENDERS.has(dir)) break;
    const where = `${label}+${out.length}`;
    if (dir === "zero" || dir === "space" || dir === "skip") {
      const [n, fill = "0"] = operands.split(",").map((s) => s.trim());
      const count = Number(integer(n, where));
      const f = Number(integer(fill, where)) & 0xff;
      for (let k = 0; k < count; k++) out.push(f);
      continue;
    }
    const size = dir === "word" ? dialect.word : DATA_SIZES[dir];
    if (size === undefined) {
      throw new Error(`asm: ${label}: unexpected directive .${dir}: ${lines[i]}`);
    }
    for (const tok of operands.split(",").map((s) => s.trim())) {
      let v = BigInt.asUintN(size * 8, integer(tok, where));
      for (let k = 0; k < size; k++) {
        out.push(Number(v & 0xffn));
        v >>= 8n;
      }
    }
  }
  return new Uint8Array(out);
}

/**
 * Reads `count` little-endian 64-bit words (the probe's
 * `unsigned long long` arrays) from the bytes of `symbol`.
 *
 * @throws {Error} If the object is not exactly `count` words long.
 */
export function readAsmWords(
  asm: string,
  symbol: string,
  count: number,
  dialect: AsmDialect,
): bigint[] {
  const bytes = readAsmData(asm, symbol, dialect);
  if (bytes.length !== count * 8) {
    throw new Error(
      `asm: ${symbol} holds ${bytes.length} bytes, expected ${count} words (${count * 8} bytes)`,
    );
  }
  const view = new DataView(bytes.buffer);
  return Array.from({ length: count }, (_, i) => view.getBigUint64(i * 8, true));
}
