/**
 * The macOS sockaddr codec and struct layouts, run on Linux: with a darwin
 * table selected explicitly, addresses encode to the bytes Apple's struct
 * definitions give (`<netinet/in.h>`, `<netinet6/in6.h>`, `<sys/un.h>`:
 * a length byte, an 8-bit family) and decode back to the same values; the
 * kqueue `struct kevent` has Apple's layout.
 *
 * The expected bytes are written out from Apple's definitions, not computed
 * from the tables, so a wrong table fails here.
 */

import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { decodeAddress, encodeAddress, familyOf } from "../../socket/address/mod.ts";
import {
  constant,
  errnoMessage,
  field,
  type PlatformTable,
  struct,
  table,
  tableFor,
} from "../../constants/mod.ts";

const DARWIN: readonly PlatformTable[] = [tableFor("darwin_aarch64"), tableFor("darwin_x86_64")];

function bytes(...parts: (number | number[])[]): Uint8Array {
  return new Uint8Array(parts.flat());
}

const zeros = (n: number) => new Array<number>(n).fill(0);

Deno.test("darwin: AF_INET encodes to struct sockaddr_in (sin_len 16, family 2)", () => {
  for (const t of DARWIN) {
    assertEquals(t.constants.AF_INET, 2, t.platform);
    const sa = encodeAddress(t.constants.AF_INET, ["127.0.0.1", 8080], "", 0, t);
    // sin_len, sin_family, sin_port (big-endian), sin_addr, sin_zero[8]
    assertEquals(sa, bytes(16, 2, 0x1f, 0x90, 127, 0, 0, 1, zeros(8)), t.platform);
    assertEquals(familyOf(sa, t), 2);
    assertEquals(decodeAddress(sa, sa.length, 0, t), ["127.0.0.1", 8080]);
    const any = encodeAddress(t.constants.AF_INET, ["", 0xffff], "", 0, t);
    assertEquals(any, bytes(16, 2, 0xff, 0xff, 0, 0, 0, 0, zeros(8)), t.platform);
    assertEquals(decodeAddress(any, any.length, 0, t), ["0.0.0.0", 65535]);
  }
});

Deno.test("darwin: AF_INET6 is 30 and encodes to the 28 bytes of struct sockaddr_in6", () => {
  for (const t of DARWIN) {
    assertEquals(t.constants.AF_INET6, 30, t.platform);
    const sa = encodeAddress(t.constants.AF_INET6, ["::1", 443, 0x12345, 7], "", 0, t);
    assertEquals(
      sa,
      bytes(
        28, // sin6_len
        30, // sin6_family
        0x01,
        0xbb, // sin6_port, big-endian
        0x00,
        0x01,
        0x23,
        0x45, // sin6_flowinfo, big-endian
        zeros(15),
        1, // sin6_addr ::1
        7,
        0,
        0,
        0, // sin6_scope_id, host order (little-endian on both arches)
      ),
      t.platform,
    );
    assertEquals(decodeAddress(sa, sa.length, 0, t), ["::1", 443, 0x12345, 7]);
    const short = encodeAddress(t.constants.AF_INET6, ["2001:db8::5", 1], "", 0, t);
    assertEquals(short.length, 28);
    assertEquals([short[0], short[1]], [28, 30]);
    assertEquals(decodeAddress(short, short.length, 0, t), ["2001:db8::5", 1, 0, 0]);
  }
});

Deno.test("darwin: AF_UNIX encodes sun_len, family 1 and the NUL-terminated path", () => {
  const path = "/tmp/sock";
  for (const t of DARWIN) {
    assertEquals(t.constants.AF_UNIX, 1, t.platform);
    const sa = encodeAddress(t.constants.AF_UNIX, path, "", 0, t);
    const total = 2 + path.length + 1;
    assertEquals(
      sa,
      bytes(total, 1, [...new TextEncoder().encode(path)], 0),
      t.platform,
    );
    assertEquals(decodeAddress(sa, sa.length, 0, t), path);
    // sun_path is 104 bytes: 103 plus the NUL fit, 104 don't.
    const fits = "/" + "a".repeat(102);
    const long = encodeAddress(t.constants.AF_UNIX, fits, "", 0, t);
    assertEquals(long.length, 106);
    assertEquals([long[0], long[1]], [106, 1]);
    assertEquals(decodeAddress(long, long.length, 0, t), fits);
    const err = assertThrows(
      () => encodeAddress(t.constants.AF_UNIX, fits + "b", "bind(): ", 0, t),
      RangeError,
    );
    assertStringIncludes(err.message, "the limit is 103");
  }
  // Linux, for contrast: 108-byte sun_path, no length byte, 16-bit family.
  const linux = tableFor("linux_x86_64");
  const sa = encodeAddress(1, path, "", 0, linux);
  assertEquals(sa, bytes(1, 0, [...new TextEncoder().encode(path)], 0));
  encodeAddress(1, "/" + "a".repeat(106), "", 0, linux);
  assertThrows(() => encodeAddress(1, "/" + "a".repeat(107), "", 0, linux), RangeError);
});

Deno.test("darwin: families macOS lacks have no codec, and decode as [family, bytes]", () => {
  for (const t of DARWIN) {
    for (const name of ["AF_NETLINK", "AF_PACKET", "AF_CAN", "AF_TIPC", "AF_ALG", "AF_QIPCRTR"]) {
      assert(!(name in t.constants), `${t.platform} has ${name}`);
      assertThrows(() => constant(name, t), Error, `${name} is not defined on ${t.platform}`);
    }
    for (const s of ["sockaddr_nl", "sockaddr_ll", "sockaddr_vm", "epoll_event", "ucred"]) {
      assertThrows(() => struct(s, t), Error, `struct ${s} is not in the ${t.platform} table`);
    }
    // macOS defines AF_VSOCK (40), but the table has no sockaddr_vm (it is not
    // in the scanned headers): its codec says so rather than guess a layout.
    assertEquals(t.constants.AF_VSOCK, 40);
    // 16 is AF_NETLINK on Linux, AF_APPLETALK on macOS: no codec there.
    assertEquals(t.constants.AF_APPLETALK, 16);
    assertThrows(() => encodeAddress(16, [0, 0], "", 0, t), Error, "no address codec");
    const raw = bytes(8, 16, 1, 2, 3, 4, 5, 6);
    assertEquals(decodeAddress(raw, raw.length, 0, t), [16, bytes(1, 2, 3, 4, 5, 6)]);
    // too short to hold sa_len and sa_family: unnamed
    assertEquals(decodeAddress(bytes(0), 1, 0, t), "");
  }
});

Deno.test("darwin: struct kevent is Apple's 32 bytes (ident, filter, flags, fflags, data, udata)", () => {
  for (const t of DARWIN) {
    const kev = struct("kevent", t);
    assertEquals(kev.size, 32, t.platform);
    assertEquals(field(kev, "ident"), { offset: 0, size: 8 });
    assertEquals(field(kev, "filter"), { offset: 8, size: 2 });
    assertEquals(field(kev, "flags"), { offset: 10, size: 2 });
    assertEquals(field(kev, "fflags"), { offset: 12, size: 4 });
    assertEquals(field(kev, "data"), { offset: 16, size: 8 });
    assertEquals(field(kev, "udata"), { offset: 24, size: 8 });
    const c = t.constants;
    assertEquals([c.EVFILT_READ, c.EVFILT_WRITE, c.EVFILT_USER], [-1, -2, -10]);
    assertEquals(
      [c.EV_ADD, c.EV_DELETE, c.EV_ENABLE, c.EV_DISABLE, c.EV_ONESHOT, c.EV_CLEAR],
      [0x1, 0x2, 0x4, 0x8, 0x10, 0x20],
    );
    assertEquals([c.EV_RECEIPT, c.EV_ERROR, c.EV_EOF], [0x40, 0x4000, 0x8000]);
    assertEquals(c.NOTE_TRIGGER, 0x01000000);
    // A kevent packed by these offsets: EVFILT_READ on fd 5, EV_ADD|EV_CLEAR.
    const buf = new Uint8Array(kev.size);
    const v = new DataView(buf.buffer);
    v.setBigUint64(field(kev, "ident").offset, 5n, true);
    v.setInt16(field(kev, "filter").offset, c.EVFILT_READ, true);
    v.setUint16(field(kev, "flags").offset, c.EV_ADD | c.EV_CLEAR, true);
    v.setBigUint64(field(kev, "udata").offset, 0xdeadbeefn, true);
    assertEquals(
      buf,
      bytes(5, zeros(7), 0xff, 0xff, 0x21, 0, zeros(12), 0xef, 0xbe, 0xad, 0xde, zeros(4)),
    );
  }
});

Deno.test("darwin: pollfd, fcntl, no-SIGPIPE and peer-credential values of Apple's headers", () => {
  for (const t of DARWIN) {
    const c = t.constants;
    const pfd = struct("pollfd", t);
    assertEquals(pfd.size, 8);
    assertEquals([pfd.fields.fd, pfd.fields.events, pfd.fields.revents], [
      { offset: 0, size: 4 },
      { offset: 4, size: 2 },
      { offset: 6, size: 2 },
    ]);
    assertEquals([c.POLLIN, c.POLLPRI, c.POLLOUT, c.POLLERR, c.POLLHUP, c.POLLNVAL], [
      1,
      2,
      4,
      8,
      16,
      32,
    ]);
    assertEquals([c.F_GETFL, c.F_SETFL, c.F_GETFD, c.F_SETFD], [3, 4, 1, 2]);
    assertEquals([c.O_NONBLOCK, c.FD_CLOEXEC, c.F_DUPFD_CLOEXEC], [4, 1, 67]);
    assertEquals([c.SOL_SOCKET, c.SO_NOSIGPIPE, c.SO_REUSEADDR], [0xffff, 0x1022, 4]);
    assertEquals([c.LOCAL_PEERCRED, c.XUCRED_VERSION], [1, 0]);
    const xu = struct("xucred", t);
    assertEquals(xu.size, 76);
    assertEquals(xu.fields.cr_groups, { offset: 12, size: 64 });
    // what macOS lacks is absent, never 0
    for (const n of ["SOCK_CLOEXEC", "SOCK_NONBLOCK", "EPOLLIN", "EFD_CLOEXEC", "SO_PEERCRED"]) {
      assert(!(n in c), `${t.platform} has ${n}`);
    }
    assertEquals(t.sizes.sa_len, 1);
    assertEquals(t.sizes.socklen_t, 4);
    assertEquals(t.sizes.cmsgAlign, 4);
    assertEquals(t.sizes.cmsgHeader, 12);
  }
});

Deno.test("darwin: errno names and numbers from the headers; messages come at run time", () => {
  for (const t of DARWIN) {
    const e = t.errnoNames;
    assertEquals([e.EAGAIN, e.EWOULDBLOCK, e.EINPROGRESS, e.ECONNREFUSED], [35, 35, 36, 61]);
    assertEquals([e.ENOTSUP, e.EOPNOTSUPP, e.EPIPE, e.ETIMEDOUT], [45, 102, 32, 60]);
    assertEquals(t.errno[35], ["EAGAIN"]);
    assert(!("ELAST" in e), "ELAST is a bound, not an errno");
    for (const [n, entry] of Object.entries(t.errno)) {
      assertEquals(entry.length, 1, `${t.platform} errno ${n} carries a message`);
      assertEquals(e[entry[0]], Number(n));
    }
    // Without the libc's strerror (this is Linux), the name stands in.
    assertEquals(errnoMessage(61, t), "ECONNREFUSED");
    assertEquals(errnoMessage(99999, t), "Unknown error 99999");
  }
  // The running Linux table carries its messages.
  assertEquals(errnoMessage(111), "Connection refused");
  assertEquals(errnoMessage(111, table), "Connection refused");
});

Deno.test("darwin: the layouts that differ from Linux's, as Apple's headers give them", () => {
  for (const t of DARWIN) {
    // BSD order: ai_canonname before ai_addr (glibc has them the other way)
    const ai = struct("addrinfo", t);
    assertEquals([ai.fields.ai_canonname.offset, ai.fields.ai_addr.offset], [24, 32]);
    // socklen_t-sized cmsg_len and int msg_iovlen / msg_controllen
    const cm = struct("cmsghdr", t);
    assertEquals([cm.size, cm.fields.cmsg_len.size, cm.fields.cmsg_level.offset], [12, 4, 4]);
    const mh = struct("msghdr", t);
    assertEquals([mh.fields.msg_iovlen.size, mh.fields.msg_controllen.size], [4, 4]);
    // suseconds_t is 32 bits
    assertEquals(struct("timeval", t).fields.tv_usec, { offset: 8, size: 4 });
  }
});

Deno.test("darwin: both arches have the same table (LP64, one SDK)", () => {
  const [arm, x86] = DARWIN;
  assertEquals({ ...arm, platform: "" }, { ...x86, platform: "" });
});

Deno.test("the running platform's codec is unchanged by the table parameter", () => {
  const sa = encodeAddress(table.constants.AF_INET, ["127.0.0.1", 80]);
  assertEquals(sa, encodeAddress(table.constants.AF_INET, ["127.0.0.1", 80], "", 0, table));
  assertEquals(sa.subarray(0, 4), bytes(2, 0, 0, 80)); // Linux: 16-bit family, no length byte
  assertEquals(decodeAddress(sa, sa.length), ["127.0.0.1", 80]);
});
