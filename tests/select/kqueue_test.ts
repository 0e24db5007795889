/**
 * Tests of `select.kqueue`/`select.kevent` and `selectors.KqueueSelector`.
 * On Linux: the kevent record (fields, defaults, range checks, ordering) and
 * its packing into macOS's `struct kevent` (the darwin table, chosen
 * explicitly), that `kqueue()` throws the documented TypeError, and that
 * DefaultSelector is EpollSelector. The tests marked "kqueue platforms" run
 * only where kqueue exists (macOS, BSD).
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import * as select from "../../select.ts";
import * as selectors from "../../selectors.ts";
import { struct, tableFor } from "../../constants/mod.ts";
import { HAS_KQUEUE, packKevents, unpackKevents } from "../../select/kqueue.ts";

const DARWIN = tableFor("darwin_aarch64");
const D = DARWIN.constants;
const onLinux = Deno.build.os === "linux";

Deno.test("kevent: CPython's defaults (KQ_FILTER_READ, KQ_EV_ADD) and attributes", () => {
  const ev = select.kevent(7);
  assertEquals(
    [ev.ident, ev.filter, ev.flags, ev.fflags, ev.data, ev.udata],
    [7, D.EVFILT_READ, D.EV_ADD, 0, 0, 0],
  );
  // macOS's values, as CPython there has them.
  assertEquals([D.EVFILT_READ, D.EVFILT_WRITE, D.EV_ADD, D.EV_DELETE], [-1, -2, 1, 2]);
  const w = select.kevent(8, D.EVFILT_WRITE, D.EV_ADD | D.EV_ONESHOT, D.NOTE_LOWAT, -5, 99);
  assertEquals([w.ident, w.filter, w.flags, w.fflags, w.data, w.udata], [
    8,
    -2,
    0x11,
    1,
    -5,
    99,
  ]);
  assert(select.kevent(1) instanceof select.KqueueEvent);
  assertEquals(
    String(w),
    "<select.kevent ident=8 filter=-2 flags=0x11 fflags=0x1 data=-0x5 udata=0x63>",
  );
  // The attributes are writable (CPython's members are), and checked.
  w.data = 1234;
  w.ident = 3;
  assertEquals([w.ident, w.data], [3, 1234]);
  assertThrows(() => (w.filter = 0x8000), RangeError);
  assertThrows(() => (w.ident = -1), RangeError);
});

Deno.test("kevent: ident from fileno(), errors from bad idents", () => {
  const [a, b] = socket.socketpair();
  try {
    assertEquals(select.kevent(a).ident, a.fileno());
    assertEquals(select.kevent({ fileno: () => 42 }).ident, 42);
  } finally {
    a.close();
    b.close();
  }
  assertThrows(() => select.kevent(-1), RangeError);
  assertThrows(() => select.kevent({ fileno: () => -3 }), RangeError);
  assertThrows(() => select.kevent("3" as unknown as number), TypeError); // deliberate: not a number
  assertThrows(() => select.kevent(1.5), TypeError);
  assertThrows(
    () =>
      select.kevent({
        fileno: () => {
          throw new Error("boom");
        },
      }),
    Error,
    "boom",
  );
  assertEquals(Object.is(select.kevent(-0).ident, 0), true);
});

Deno.test("kevent: every field range-checked for its C type", () => {
  const ok = (f: () => unknown) => f();
  ok(() => select.kevent(0, -0x8000, 0xffff, 0xffffffff, -(2 ** 53 - 1), 2 ** 53 - 1));
  assertThrows(() => select.kevent(0, 0x8000), RangeError, "int16_t");
  assertThrows(() => select.kevent(0, -0x8001), RangeError, "int16_t");
  assertThrows(() => select.kevent(0, -1, 0x10000), RangeError, "uint16_t");
  assertThrows(() => select.kevent(0, -1, -1), RangeError, "uint16_t");
  assertThrows(() => select.kevent(0, -1, 1, 2 ** 32), RangeError, "uint32_t");
  assertThrows(() => select.kevent(0, -1, 1, 0, 2 ** 53), RangeError, "intptr_t");
  assertThrows(() => select.kevent(0, -1, 1, 0, 0, -1), RangeError, "uintptr_t");
  assertThrows(() => select.kevent(2 ** 53), RangeError, "uintptr_t");
  assertThrows(() => select.kevent(0, true as unknown as number), TypeError); // deliberate: not a number
  assertThrows(() => select.kevent(0, -1, 1, 0, 0.5), TypeError);
  // A negative fflags (KQ_NOTE_PCTRLMASK is negative in C) keeps its 32 bits.
  assertEquals(select.kevent(0, D.EVFILT_PROC, 1, D.NOTE_PCTRLMASK).fflags, 0xfff00000);
});

Deno.test("kevent: equality and ordering as CPython (field by field)", () => {
  const a = select.kevent(1, -1, 1, 0, 0, 0);
  assert(a.equals(select.kevent(1)));
  assert(!a.equals(select.kevent(1, -2)));
  assert(!a.equals(1));
  assert(!a.equals(null));
  assertEquals(a.compare(select.kevent(1)), 0);
  assertEquals(a.compare(select.kevent(2)), -1);
  // ident decides before filter; filter is signed.
  assertEquals(select.kevent(2, -7).compare(select.kevent(1, -1)), 1);
  assertEquals(select.kevent(1, -2).compare(select.kevent(1, -1)), -1);
  assertEquals(select.kevent(1, -1, 1, 0, 0, 5).compare(select.kevent(1, -1, 1, 0, 0, 4)), 1);
  assertThrows(() => a.compare(3 as unknown as select.KqueueEvent), TypeError); // deliberate: not an event
});

Deno.test("kevent: packed into macOS's struct kevent (darwin table), and back", () => {
  const L = struct("kevent", DARWIN);
  assertEquals(L.size, 32);
  const evs = [
    select.kevent(5, D.EVFILT_WRITE, D.EV_ADD | D.EV_CLEAR, 0xfff00000, -2, 2 ** 40 + 3),
    select.kevent(2 ** 33 + 1, D.EVFILT_READ, D.EV_DELETE, 7, 2 ** 35, 0),
  ];
  const buf = packKevents(L, evs);
  assertEquals(buf.byteLength, 64);
  const v = new DataView(buf.buffer);
  // Independent reads, by the generated offsets (little-endian, as both Macs).
  const f = L.fields;
  assertEquals(v.getBigUint64(f.ident.offset, true), 5n);
  assertEquals(v.getInt16(f.filter.offset, true), -2);
  assertEquals(v.getUint16(f.flags.offset, true), D.EV_ADD | D.EV_CLEAR);
  assertEquals(v.getUint32(f.fflags.offset, true), 0xfff00000);
  assertEquals(v.getBigInt64(f.data.offset, true), -2n);
  assertEquals(v.getBigUint64(f.udata.offset, true), 2n ** 40n + 3n);
  assertEquals(v.getBigUint64(32 + f.ident.offset, true), 2n ** 33n + 1n);
  assertEquals(v.getInt16(32 + f.filter.offset, true), -1);
  assertEquals(v.getBigInt64(32 + f.data.offset, true), 2n ** 35n);
  const back = unpackKevents(L, buf, 2);
  assert(back[0].equals(evs[0]));
  assert(back[1].equals(evs[1]));
  // The x86_64 Mac has the same layout.
  assertEquals(struct("kevent", tableFor("darwin_x86_64")), L);
  // An empty change list is still a real buffer (Deno would pass NULL otherwise).
  assertEquals(packKevents(L, []).byteLength, 32);
});

Deno.test({
  name: "kqueue: absent on Linux: kqueue() and KqueueSelector throw a TypeError naming linux",
  ignore: !onLinux,
  fn() {
    assertEquals(HAS_KQUEUE, false);
    assertThrows(() => select.kqueue(), TypeError, "not available on linux");
    assertThrows(() => select.Kqueue.fromfd(0), TypeError, "not available on linux");
    assertThrows(() => new selectors.KqueueSelector(), TypeError, "not available on linux");
    // CPython on Linux has no KQ_* constants.
    assertEquals(select.KQ_FILTER_READ, undefined);
    assertEquals(select.KQ_EV_ADD, undefined);
    assertEquals(select.KQ_NOTE_EXIT, undefined);
  },
});

Deno.test({
  name: "selectors: DefaultSelector is EpollSelector on Linux",
  ignore: !onLinux,
  fn() {
    assertEquals(selectors.DefaultSelector, selectors.EpollSelector);
    using sel = new selectors.DefaultSelector();
    assert(sel instanceof selectors.EpollSelector);
  },
});

// ---- kqueue platforms (macOS, BSD) only ----

Deno.test({
  name: "kqueue platforms: constants, DefaultSelector, and a kqueue's life",
  ignore: !HAS_KQUEUE,
  fn() {
    assertEquals(select.KQ_FILTER_READ, -1);
    assertEquals(select.KQ_EV_ADD, 1);
    assertEquals(selectors.DefaultSelector, selectors.KqueueSelector);
    const kq = select.kqueue();
    assert(kq.fileno() >= 0);
    assertEquals(kq.closed, false);
    const again = select.Kqueue.fromfd(kq.fileno());
    assertEquals(again.fileno(), kq.fileno());
    assertEquals(kq.control(null, 4, 0), []);
    assertThrows(() => kq.control(null, -1), RangeError, "0 or positive");
    assertThrows(() => kq.control(null, 1, -1), RangeError, "positive or None");
    assertThrows(() => kq.control([1 as unknown as select.KqueueEvent], 0), TypeError); // deliberate: not an event
    kq.close();
    assertEquals(kq.closed, true);
    assertThrows(() => kq.fileno(), RangeError, "closed kqueue");
    assertThrows(() => kq.control(null, 1, 0), RangeError, "closed kqueue");
  },
});

Deno.test({
  name: "kqueue platforms: control() reports a readable and a writable socket",
  ignore: !HAS_KQUEUE,
  fn() {
    using kq = select.kqueue();
    const [a, b] = socket.socketpair();
    try {
      kq.control([
        select.kevent(a, select.KQ_FILTER_READ, select.KQ_EV_ADD),
        select.kevent(b, select.KQ_FILTER_WRITE, select.KQ_EV_ADD),
      ], 0);
      b.send("x");
      const got = kq.control(null, 4, 1).map((e) => [e.ident, e.filter]);
      got.sort((x, y) => x[0] - y[0]);
      assertEquals(
        got,
        [[a.fileno(), select.KQ_FILTER_READ], [b.fileno(), select.KQ_FILTER_WRITE]].sort((x, y) =>
          x[0] - y[0]
        ),
      );
      // Deleting an unknown filter is ENOENT.
      const e = assertThrows(
        () => kq.control([select.kevent(a, select.KQ_FILTER_WRITE, select.KQ_EV_DELETE)], 0),
        socket.error,
      );
      assertEquals(e.errno, socket.errnoOf("ENOENT"));
    } finally {
      a.close();
      b.close();
    }
  },
});

Deno.test({
  name: "kqueue platforms: KqueueSelector register/modify/unregister/select",
  ignore: !HAS_KQUEUE,
  async fn() {
    using sel = new selectors.KqueueSelector();
    const [a, b] = socket.socketpair();
    try {
      sel.register(a, selectors.EVENT_READ, "a");
      assertEquals(sel.select(0), []);
      b.send("x");
      const [[key, ev]] = sel.select(1);
      assertEquals([key.fileobj === a, ev, key.data], [true, selectors.EVENT_READ, "a"]);
      sel.modify(a, selectors.EVENT_READ | selectors.EVENT_WRITE);
      const [[, both]] = sel.select(1);
      assertEquals(both, selectors.EVENT_READ | selectors.EVENT_WRITE);
      assertEquals((await sel.selectAsync(1)).length, 1);
      sel.unregister(a);
      assertEquals(sel.select(0), []);
      assertThrows(() => sel.unregister(a), selectors.KeyError);
    } finally {
      a.close();
      b.close();
    }
  },
});
