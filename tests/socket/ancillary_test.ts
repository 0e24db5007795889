/**
 * Control-buffer packing at each platform's widths, checked on Linux with
 * the generated tables: on Linux `cmsg_len` is a `size_t` (8 bytes on
 * 64-bit) and items align to 8; on macOS it is a 32-bit `socklen_t`,
 * `cmsg_level` follows at offset 4 and items align to 4. (The running
 * platform's packing is exercised end to end by msg_test.ts.)
 */
import { assertEquals, assertExists } from "@std/assert";
import { tableFor } from "../../constants/mod.ts";
import { type AncItem, packCmsgs, unpackCmsgs } from "../../socket/ancillary.ts";

const items: AncItem[] = [
  [1, 1, new Uint8Array([10, 11, 12, 13, 14])],
  [0x29, 0x32, new Uint8Array([20, 21, 22, 23])],
];

Deno.test("ancillary: cmsghdrs at Linux x86_64 widths (size_t cmsg_len, 8-byte alignment)", () => {
  const t = tableFor("linux_x86_64");
  const c = packCmsgs(items, t);
  assertExists(c);
  assertEquals(c.length, 24 + 24); // CMSG_SPACE(5) + CMSG_SPACE(4)
  assertEquals([...c.subarray(0, 21)], [
    ...[21, 0, 0, 0, 0, 0, 0, 0], // cmsg_len = CMSG_LEN(5), 8 bytes
    ...[1, 0, 0, 0, 1, 0, 0, 0], // level, type
    ...[10, 11, 12, 13, 14],
  ]);
  assertEquals([...c.subarray(24, 32)], [20, 0, 0, 0, 0, 0, 0, 0]);
  assertEquals(unpackCmsgs(c, c.length, t), items.map(([l, ty, d]) => [l, ty, d]));
});

Deno.test("ancillary: cmsghdrs at macOS widths (32-bit cmsg_len, 4-byte alignment)", () => {
  for (const platform of ["darwin_aarch64", "darwin_x86_64"]) {
    const t = tableFor(platform);
    const c = packCmsgs(items, t);
    assertExists(c);
    assertEquals(c.length, 20 + 16, platform); // 12 + align4(5), 12 + 4
    assertEquals([...c.subarray(0, 17)], [
      ...[17, 0, 0, 0], // cmsg_len = CMSG_LEN(5), 4 bytes
      ...[1, 0, 0, 0, 1, 0, 0, 0], // level at 4, type at 8
      ...[10, 11, 12, 13, 14],
    ], platform);
    assertEquals([...c.subarray(20, 32)], [16, 0, 0, 0, 0x29, 0, 0, 0, 0x32, 0, 0, 0], platform);
    assertEquals(unpackCmsgs(c, c.length, t), items.map(([l, ty, d]) => [l, ty, d]), platform);
  }
});
