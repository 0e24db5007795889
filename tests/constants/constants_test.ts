/**
 * Tests of the generated constants tables (`constants/linux_*.ts`), the table
 * selector `constants/mod.ts` and the public constants `constants/public.ts`.
 */

import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  constants,
  errnoMessage,
  errnoName,
  field,
  struct,
  SUPPORTED_PLATFORMS,
  table,
  tableFor,
} from "../../constants/mod.ts";
import * as pub from "../../constants/public.ts";
import type { PlatformTable, StructLayout } from "../../constants/types.ts";

const x86 = tableFor("linux_x86_64");
const arm = tableFor("linux_aarch64");
const TABLES: PlatformTable[] = [x86, arm];
/** The macOS tables, generated from the SDK headers' assembly (never run). */
const DARWIN: PlatformTable[] = [tableFor("darwin_x86_64"), tableFor("darwin_aarch64")];

/** Runs python3 and returns its stdout, or undefined if python3 is missing. */
async function python(code: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", code],
      env: { LC_ALL: "C" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

function pairs(text: string): [string, number][] {
  return text.trim().split("\n").map((l) => {
    const [k, v] = l.split(" ");
    return [k, Number(v)];
  });
}

const NOT_X86 = Deno.build.arch !== "x86_64";
if (NOT_X86) {
  console.log(
    `constants_test: python3 comparisons skipped: this is ${Deno.build.arch}, ` +
      "and the python3 here (if any) describes the host, not this table",
  );
}

Deno.test({
  name: "x86_64: every integer constant of python3's socket module, same value",
  ignore: NOT_X86,
  async fn() {
    const out = await python(
      "import socket\n" +
        "for k in sorted(dir(socket)):\n" +
        "    v = getattr(socket, k)\n" +
        "    if k.isupper() and isinstance(v, int) and not isinstance(v, bool):\n" +
        "        print(k, int(v))\n",
    );
    if (out === undefined) {
      console.log("python3 not found: comparison skipped");
      return;
    }
    const py = pairs(out);
    assertGreaterOrEqual(py.length, 200, "python3 exported suspiciously few constants");
    const wrong: string[] = [];
    for (const [name, value] of py) {
      const ours = x86.constants[name] ?? x86.errnoNames[name];
      if (ours !== value) wrong.push(`${name}: python ${value}, table ${ours}`);
    }
    assertEquals(wrong, [], "constants missing or different in linux_x86_64");
  },
});

Deno.test({
  name: "x86_64: errno names, primary names and messages match python3",
  ignore: NOT_X86,
  async fn() {
    const out = await python(
      "import errno, os\n" +
        "for k in sorted(dir(errno)):\n" +
        "    if k.startswith('E'):\n" +
        "        print(k, getattr(errno, k))\n" +
        "print('--')\n" +
        "for n, k in sorted(errno.errorcode.items()):\n" +
        "    print(n, k, os.strerror(n))\n",
    );
    if (out === undefined) {
      console.log("python3 not found: comparison skipped");
      return;
    }
    const [names, codes] = out.split("--\n");
    const wrong: string[] = [];
    for (const [name, n] of pairs(names)) {
      if (x86.errnoNames[name] !== n) {
        wrong.push(`${name}: python ${n}, table ${x86.errnoNames[name]}`);
      }
    }
    // Python's errno.errorcode is "last #ifdef in errnomodule.c wins", which
    // picks the aliases EDEADLOCK (35) and ENOTSUP (95); the table's primary
    // name is the one not #defined as another E-name (EDEADLK, EOPNOTSUPP).
    const aliasChoices: string[] = [];
    for (const line of codes.trim().split("\n")) {
      const [n, name, ...msg] = line.split(" ");
      const entry = x86.errno[Number(n)];
      if (!entry) {
        wrong.push(`${n}: python ${name}, not in the table`);
        continue;
      }
      if (entry[1] !== msg.join(" ")) {
        wrong.push(`${n}: python message "${msg.join(" ")}", table "${entry[1]}"`);
      }
      if (entry[0] !== name) {
        if (x86.errnoNames[name] === Number(n)) aliasChoices.push(`${n}:${name}->${entry[0]}`);
        else wrong.push(`${n}: python ${name}, table ${entry[0]}`);
      }
    }
    assertEquals(wrong, []);
    assertEquals(aliasChoices, ["35:EDEADLOCK->EDEADLK", "95:ENOTSUP->EOPNOTSUPP"]);
  },
});

/** Fields whose C type is known, checked against `sizes`. */
const FIELD_TYPES: Record<string, "pointer" | "size_t" | "socklen_t" | "int" | "long"> = {
  "msghdr.msg_name": "pointer",
  "msghdr.msg_namelen": "socklen_t",
  "msghdr.msg_iov": "pointer",
  "msghdr.msg_iovlen": "size_t", // glibc: size_t (POSIX says int)
  "msghdr.msg_control": "pointer",
  "msghdr.msg_controllen": "size_t", // glibc: size_t (POSIX says socklen_t)
  "msghdr.msg_flags": "int",
  "iovec.iov_base": "pointer",
  "iovec.iov_len": "size_t",
  "cmsghdr.cmsg_len": "size_t",
  "cmsghdr.cmsg_level": "int",
  "cmsghdr.cmsg_type": "int",
  "addrinfo.ai_flags": "int",
  "addrinfo.ai_addrlen": "socklen_t",
  "addrinfo.ai_addr": "pointer",
  "addrinfo.ai_canonname": "pointer",
  "addrinfo.ai_next": "pointer",
  "hostent.h_name": "pointer",
  "hostent.h_aliases": "pointer",
  "hostent.h_addrtype": "int",
  "hostent.h_length": "int",
  "hostent.h_addr_list": "pointer",
  "servent.s_name": "pointer",
  "servent.s_port": "int",
  "servent.s_proto": "pointer",
  "protoent.p_name": "pointer",
  "protoent.p_proto": "int",
  "if_nameindex.if_index": "int",
  "if_nameindex.if_name": "pointer",
  "linger.l_onoff": "int",
  "linger.l_linger": "int",
  "timeval.tv_sec": "long",
  "timeval.tv_usec": "long",
  "pollfd.fd": "int",
  "ip_mreqn.imr_ifindex": "int",
  "in_pktinfo.ipi_ifindex": "int",
};

/** Linux ABI sizes that do not depend on the architecture. */
const FIXED_SIZES: Record<string, number> = {
  sockaddr: 16,
  sockaddr_storage: 128,
  sockaddr_in: 16,
  sockaddr_in6: 28,
  sockaddr_un: 110,
  sockaddr_nl: 12,
  sockaddr_ll: 20,
  sockaddr_vm: 16,
  sockaddr_alg: 88,
  sockaddr_can: 24,
  sockaddr_tipc: 16,
  sockaddr_qrtr: 12,
  ip_mreq: 8,
  ip_mreqn: 12,
  ipv6_mreq: 20,
  in_pktinfo: 12,
  in6_pktinfo: 20,
  ucred: 12,
  pollfd: 8,
};

function checkLayout(platform: string, name: string, s: StructLayout): string[] {
  const errs: string[] = [];
  const where = `${platform} struct ${name}`;
  if (s.size <= 0) errs.push(`${where}: size ${s.size}`);
  if (s.align <= 0 || (s.align & (s.align - 1)) !== 0) errs.push(`${where}: align ${s.align}`);
  if (s.size % s.align !== 0) errs.push(`${where}: size ${s.size} not a multiple of ${s.align}`);
  const fields = Object.entries(s.fields).sort((a, b) => a[1].offset - b[1].offset);
  if (fields.length === 0) errs.push(`${where}: no fields`);
  for (const [f, l] of fields) {
    if (l.size <= 0) errs.push(`${where}.${f}: size ${l.size}`);
    if (l.offset + l.size > s.size) {
      errs.push(`${where}.${f}: ${l.offset}+${l.size} beyond size ${s.size}`);
    }
  }
  // Nested fields ("can_addr.tp.rx_id") may sit in unions, so overlaps are
  // checked among siblings (same parent path) and against top-level fields.
  const parent = (f: string) => f.slice(0, Math.max(0, f.lastIndexOf(".")));
  for (const p of new Set(fields.map(([f]) => parent(f)))) {
    let end = 0;
    let prev = "";
    for (const [f, l] of fields) {
      if (parent(f) !== p && parent(f) !== "") continue;
      if (l.offset < end) {
        errs.push(`${where}.${f} (at ${l.offset}) overlaps ${prev} (ends ${end})`);
      }
      end = l.offset + l.size;
      prev = f;
    }
  }
  return [...new Set(errs)];
}

Deno.test("each table, darwin and windows too: struct layouts are self-consistent", () => {
  for (const t of [...TABLES, ...DARWIN, tableFor("windows_x86_64")]) {
    const errs: string[] = [];
    for (const [name, s] of Object.entries(t.structs)) {
      errs.push(...checkLayout(t.platform, name, s));
    }
    assertEquals(errs, [], t.platform);
  }
});

Deno.test("each table: field sizes agree with `sizes`", () => {
  for (const t of TABLES) {
    const sizes = t.sizes as unknown as Record<string, number>;
    const errs: string[] = [];
    for (const [path, type] of Object.entries(FIELD_TYPES)) {
      const [s, f] = path.split(".");
      const got = t.structs[s]?.fields[f]?.size;
      if (got !== sizes[type]) errs.push(`${path}: ${got}, want sizeof(${type}) = ${sizes[type]}`);
    }
    for (const [s, size] of Object.entries(FIXED_SIZES)) {
      if (t.structs[s]?.size !== size) {
        errs.push(`struct ${s}: ${t.structs[s]?.size}, want ${size}`);
      }
    }
    assertEquals(errs, [], t.platform);
    // every sockaddr_* starts with a 2-byte family field at offset 0
    for (const [s, l] of Object.entries(t.structs)) {
      if (!s.startsWith("sockaddr")) continue;
      const fam = Object.entries(l.fields).find(([f]) => /_?family$/.test(f));
      assert(fam, `${t.platform} struct ${s} has no family field`);
      assertEquals(fam[1], { offset: 0, size: 2 }, `${t.platform} ${s}.${fam[0]}`);
    }
  }
});

Deno.test("darwin tables: every sockaddr starts with a length byte and an 8-bit family", () => {
  for (const t of DARWIN) {
    assertEquals(t.sizes.sa_len, 1, t.platform);
    const sockaddrs = Object.keys(t.structs).filter((s) => s.startsWith("sockaddr"));
    assertEquals(sockaddrs.toSorted(), [
      "sockaddr",
      "sockaddr_in",
      "sockaddr_in6",
      "sockaddr_storage",
      "sockaddr_un",
    ]);
    for (const s of sockaddrs) {
      const f = Object.entries(t.structs[s].fields).sort((a, b) => a[1].offset - b[1].offset);
      assertEquals(f[0][1], { offset: 0, size: 1 }, `${t.platform} ${s}.${f[0][0]}`);
      assert(f[0][0].endsWith("_len"), `${t.platform} ${s}: ${f[0][0]}`);
      assertEquals(f[1][1], { offset: 1, size: 1 }, `${t.platform} ${s}.${f[1][0]}`);
      assert(f[1][0].endsWith("_family"), `${t.platform} ${s}: ${f[1][0]}`);
    }
    assertEquals(t.structs.sockaddr_storage.size, 128);
    // the internal names the platform layer needs there
    for (const k of ["EVFILT_USER", "EV_CLEAR", "NOTE_TRIGGER", "SO_NOSIGPIPE", "F_SETFL"]) {
      assert(k in t.constants, `${t.platform} lacks ${k}`);
    }
  }
});

Deno.test("public.ts: a name only macOS or Windows lacks is typed number and documented as absent", async () => {
  const text = await Deno.readTextFile(new URL("../../constants/public.ts", import.meta.url));
  assertStringIncludes(
    text,
    "Not defined (`undefined`) on darwin_x86_64, darwin_aarch64, windows_x86_64. */\n" +
      'export const AF_PACKET: Family<"AF_PACKET"> =',
  );
  // only Windows lacks it
  assertStringIncludes(
    text,
    "Not defined (`undefined`) on windows_x86_64. */\nexport const EAI_SYSTEM: number =",
  );
  // one Linux lacks: possibly undefined in the type
  assertStringIncludes(text, "export const SO_NOSIGPIPE: number | undefined =");
});

Deno.test("each table: scalar sizes and CMSG values of an LP64 glibc", () => {
  for (const t of TABLES) {
    assertEquals(t.sizes, {
      pointer: 8,
      int: 4,
      long: 8,
      size_t: 8,
      socklen_t: 4,
      cmsgAlign: 8,
      cmsgHeader: 16,
      sa_len: 0,
    }, t.platform);
    // CMSG_LEN(0) == CMSG_ALIGN(sizeof(struct cmsghdr))
    const h = t.structs.cmsghdr.size;
    assertEquals(t.sizes.cmsgHeader, Math.ceil(h / t.sizes.cmsgAlign) * t.sizes.cmsgAlign);
  }
});

/**
 * Names whose values legitimately differ between x86_64 and aarch64 Linux.
 * None of the kept families does: both arches use the asm-generic socket and
 * errno numbers. (fcntl's O_DIRECTORY etc. differ, but they are not kept.)
 */
const ARCH_DEPENDENT: readonly string[] = [];

Deno.test("x86_64 and aarch64 agree on every constant both define", () => {
  const diff: string[] = [];
  for (const [k, v] of Object.entries(x86.constants)) {
    if (k in arm.constants && arm.constants[k] !== v && !ARCH_DEPENDENT.includes(k)) {
      diff.push(`${k}: x86_64 ${v}, aarch64 ${arm.constants[k]}`);
    }
  }
  assertEquals(diff, []);
  // the core families are present on both
  for (
    const k of [
      "AF_INET",
      "AF_INET6",
      "AF_UNIX",
      "SOCK_STREAM",
      "SOCK_NONBLOCK",
      "SOCK_CLOEXEC",
      "SOL_SOCKET",
      "SO_REUSEADDR",
      "SO_ERROR",
      "IPPROTO_TCP",
      "IPV6_V6ONLY",
      "TCP_NODELAY",
      "MSG_PEEK",
      "MSG_NOSIGNAL",
      "SHUT_RDWR",
      "EAI_NONAME",
      "EPOLLIN",
      "F_GETFL",
    ]
  ) {
    assert(k in x86.constants && k in arm.constants, `${k} missing on one arch`);
  }
  assertEquals(x86.errnoNames, arm.errnoNames);
  assertEquals(x86.errno, arm.errno);
});

Deno.test("epoll_event: packed 12 bytes on x86_64, 16 on aarch64", () => {
  assertEquals(x86.structs.epoll_event.size, 12);
  assertEquals(x86.structs.epoll_event.fields.data, { offset: 4, size: 8 });
  assertEquals(arm.structs.epoll_event.size, 16);
  assertEquals(arm.structs.epoll_event.fields.data, { offset: 8, size: 8 });
  // the only struct whose layout differs between the two
  const differ = Object.keys(x86.structs).filter((s) =>
    JSON.stringify(x86.structs[s]) !== JSON.stringify(arm.structs[s])
  );
  assertEquals(differ, ["epoll_event"]);
});

Deno.test("values that need care: negative, large unsigned, bcm renames", () => {
  for (const t of TABLES) {
    const c = t.constants;
    assertEquals(c.EAI_NONAME, -2, t.platform);
    assertEquals(c.EAI_SYSTEM, -11, t.platform);
    assertEquals(c.INADDR_NONE, 4294967295, t.platform);
    assertEquals(c.INADDR_LOOPBACK, 0x7f000001, t.platform);
    assertEquals(c.CAN_EFF_FLAG, 2147483648, t.platform);
    assertEquals(c.EPOLLET, 2147483648, t.platform);
    assertEquals(c.TIPC_WAIT_FOREVER, -1, t.platform);
    assertEquals(c.VMADDR_CID_ANY, 4294967295, t.platform);
    assertEquals(c.CAN_BCM_TX_SETUP, 1, t.platform);
    assertEquals(c.CAN_BCM_CAN_FD_FRAME, 0x800, t.platform);
    assertEquals(c.IPPORT_USERRESERVED, 5000, t.platform); // a glibc enumerator
    assert(!("TX_SETUP" in c), "bcm names are kept only with the CAN_BCM_ prefix");
    for (const [k, v] of Object.entries(c)) {
      assert(Number.isSafeInteger(v), `${t.platform} ${k} = ${v}`);
    }
  }
});

Deno.test("errno table", () => {
  for (const t of TABLES) {
    assertEquals(t.errnoNames.EAGAIN, 11);
    assertEquals(t.errnoNames.EAGAIN, t.errnoNames.EWOULDBLOCK);
    assertEquals(t.errnoNames.EDEADLOCK, t.errnoNames.EDEADLK);
    assertEquals(t.errnoNames.ENOTSUP, t.errnoNames.EOPNOTSUPP);
    assertEquals(t.errno[11][0], "EAGAIN");
    assertEquals(t.errno[35][0], "EDEADLK");
    assertEquals(t.errno[95][0], "EOPNOTSUPP");
    assertEquals(t.errno[111], ["ECONNREFUSED", "Connection refused"]);
    for (const [n, [name, msg]] of Object.entries(t.errno)) {
      assert(msg !== undefined && msg.length > 0, `${t.platform} errno ${n} has no message`);
      assertEquals(t.errnoNames[name], Number(n), `${t.platform} ${name}`);
    }
    // every name maps to a number that has a primary name
    for (const [name, n] of Object.entries(t.errnoNames)) {
      assert(t.errno[n], `${t.platform} ${name} = ${n} has no errno entry`);
    }
  }
  assertEquals(errnoName(11), "EAGAIN");
  assertEquals(errnoName(1), "EPERM");
  assertEquals(errnoName(99999), undefined);
  assertEquals(errnoMessage(2), "No such file or directory");
  assertEquals(errnoMessage(99999), "Unknown error 99999");
});

Deno.test("tableFor: unknown platform throws, naming it and the supported ones", () => {
  const err = assertThrows(() => tableFor("linux_mips"), Error);
  assertStringIncludes(err.message, "linux_mips");
  assertStringIncludes(err.message, "linux_x86_64");
  assertStringIncludes(err.message, "linux_aarch64");
  assertThrows(() => tableFor("constructor"), Error, "constructor");
  assertEquals(SUPPORTED_PLATFORMS.toSorted(), [
    "darwin_aarch64",
    "darwin_x86_64",
    "linux_aarch64",
    "linux_x86_64",
    "windows_x86_64",
  ]);
});

Deno.test("mod.ts: running platform's table and checked accessors", () => {
  assertEquals(table.platform, `${Deno.build.os}_${Deno.build.arch}`);
  assertEquals(constants.AF_INET, 2);
  const sin6 = struct("sockaddr_in6");
  assertEquals(field(sin6, "sin6_port"), { offset: 2, size: 2 });
  assertEquals(field("sockaddr_in6", "sin6_scope_id"), { offset: 24, size: 4 });
  assertThrows(() => struct("sockaddr_nope"), Error, "sockaddr_nope");
  const e = assertThrows(() => field(sin6, "sin6_nope"), Error);
  assertStringIncludes(e.message, "sin6_nope");
  assertStringIncludes(e.message, "sockaddr_in6");
  assertThrows(() => field("sockaddr_nope", "x"), Error, "sockaddr_nope");
  assertThrows(() => struct("toString"), Error, "toString");
});

Deno.test("public.ts: exports match the running platform's table", () => {
  const exported = Object.entries(pub as Record<string, number | undefined>);
  assertGreaterOrEqual(exported.length, 300);
  for (const [k, v] of exported) {
    const want = /^E[A-Z]+$/.test(k) && !(k in table.constants)
      ? table.errnoNames[k]
      : table.constants[k];
    assertEquals(v, want, k);
  }
  assertEquals(pub.AF_INET, 2);
  assertEquals(pub.SOCK_STREAM, 1);
  assertEquals(pub.EWOULDBLOCK, pub.EAGAIN);
  assertEquals(pub.EBADF, 9);
  assertEquals(pub.NI_MAXHOST, 1025);
  // internal names stay internal
  for (const k of ["F_GETFL", "O_NONBLOCK", "EPOLLIN", "POLLIN", "EFD_CLOEXEC", "TRY_AGAIN"]) {
    assert(!(k in pub), `${k} must not be public`);
    assert(k in table.constants, `${k} must be in the table`);
  }
  // no errno names besides CPython's three
  const errnoExports = exported.map(([k]) => k).filter((k) => k in table.errnoNames);
  assertEquals(errnoExports.toSorted(), ["EAGAIN", "EBADF", "EWOULDBLOCK"]);
});
