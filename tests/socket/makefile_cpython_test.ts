/**
 * `makefile()` objects against CPython (3.11's Lib/socket.py `SocketIO`, and
 * the `io.BufferedReader`/`BufferedWriter`/`BufferedRWPair`/`TextIOWrapper`
 * `makefile()` wraps around it):
 *
 * - CPython's own test_socket.py cases, ported: `FileObjectClassTestCase`
 *   and its unbuffered, line-buffered, small-buffered and text variants,
 *   `test_unusable_closed_socketio`, `test_name_closed_socketio`,
 *   `test_makefile_mode`, `test_makefile_invalid_mode`;
 * - step scripts run by python3 and by us over a `socketpair()`, compared
 *   step by step, are in makefile_steps_test.ts.
 */
import { assert, assertEquals, assertExists, assertGreater, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { enc, MSG, MSG_TEXT, tcpPair, waitReadable } from "./_makefile.ts";

// ---------------------------------------------------------------------------
// test_socket.py: FileObjectClassTestCase and its variants

interface Variant {
  name: string;
  bufsize: number;
  readMode: string;
  writeMode: string;
  newline: string | null;
}
const BASE = { bufsize: -1, readMode: "rb", writeMode: "wb", newline: null };
const VARIANTS: Variant[] = [
  { name: "FileObjectClassTestCase", ...BASE },
  { name: "UnbufferedFileObjectClassTestCase", ...BASE, bufsize: 0 },
  { name: "LineBufferedFileObjectClassTestCase", ...BASE, bufsize: 1 },
  { name: "SmallBufferedFileObjectClassTestCase", ...BASE, bufsize: 2 },
  { name: "UnicodeReadFileObjectClassTestCase", ...BASE, readMode: "r", newline: "" },
  { name: "UnicodeWriteFileObjectClassTestCase", ...BASE, writeMode: "w", newline: "" },
  {
    name: "UnicodeReadWriteFileObjectClassTestCase",
    ...BASE,
    readMode: "r",
    writeMode: "w",
    newline: "",
  },
];

/** setUp/clientSetUp: the reader over the client, the writer over the server side. */
function setUp(v: Variant) {
  const [cli, serv] = tcpPair();
  const opts = { newline: v.newline };
  const readFile = cli.makefile(v.readMode, v.bufsize, opts);
  const writeFile = serv.makefile(v.writeMode, v.bufsize, opts);
  const readMsg = v.readMode.includes("b") ? MSG : MSG_TEXT;
  const writeMsg = v.writeMode.includes("b") ? MSG : MSG_TEXT;
  const cat = (a: string | Uint8Array, b: string | Uint8Array) =>
    typeof a === "string" ? a + b : new Uint8Array([...a, ...(b as Uint8Array)]);
  return {
    cli,
    serv,
    readFile,
    writeFile,
    readMsg,
    writeMsg,
    cat,
    [Symbol.dispose]() {
      readFile.close();
      assert(readFile.closed);
      writeFile.close();
      assert(writeFile.closed);
      cli.close();
      serv.close();
    },
  };
}

for (const v of VARIANTS) {
  const t = (name: string, fn: () => void) => Deno.test(`${v.name}.${name}`, fn);

  t("testReadAfterTimeout", () => {
    // Issue #7322: a file object must disallow further reads after a timeout.
    using s = setUp(v);
    s.writeFile.write(s.writeMsg.slice(0, 3));
    s.writeFile.flush();
    s.cli.settimeout(0.05);
    s.readFile.read(3);
    assertThrows(() => s.readFile.read(1), socket.TimeoutError);
    // The rest of the message arrives: the file still refuses to read on.
    s.writeFile.write(s.writeMsg.slice(3));
    s.writeFile.flush();
    const e = assertThrows(() => s.readFile.read(1), socket.error);
    assertEquals(e.message, "cannot read from timed out object");
    assertEquals(e.errno, null); // OSError(msg): no errno, as CPython
    assertThrows(() => s.readFile.readline(), socket.error, "cannot read from timed out object");
  });

  t("testSmallRead", () => {
    using s = setUp(v);
    s.writeFile.write(s.writeMsg);
    s.writeFile.flush();
    waitReadable(s.cli);
    const first = s.readFile.read(s.readMsg.length - 3);
    const second = s.readFile.read(3);
    assertExists(first);
    assertExists(second);
    assertEquals(s.cat(first, second), s.readMsg);
  });

  t("testFullRead", () => {
    using s = setUp(v);
    s.writeFile.write(s.writeMsg);
    s.writeFile.close();
    s.serv.close(); // the client's tearDown: EOF for the reader
    assertEquals(s.readFile.read(), s.readMsg);
  });

  t("testUnbufferedRead", () => {
    using s = setUp(v);
    s.writeFile.write(s.writeMsg);
    s.writeFile.flush();
    s.serv.shutdown(socket.SHUT_WR);
    let buf: string | Uint8Array = typeof s.readMsg === "string" ? "" : new Uint8Array(0);
    for (let i = 0; i < 1000; i++) {
      const char = s.readFile.read(1);
      assertExists(char);
      if (char.length === 0) break;
      buf = s.cat(buf, char);
    }
    assertEquals(buf, s.readMsg);
  });

  t("testReadline", () => {
    using s = setUp(v);
    s.writeFile.write(s.writeMsg);
    s.writeFile.flush();
    assertEquals(s.readFile.readline(), s.readMsg);
  });

  t("testCloseAfterMakefile", () => {
    // The file returned by makefile keeps the socket open.
    using s = setUp(v);
    s.writeFile.write(s.writeMsg);
    s.writeFile.flush();
    s.serv.shutdown(socket.SHUT_WR);
    s.cli.close();
    assertEquals(s.readFile.read(), s.readMsg);
  });

  t("testMakefileAfterMakefileClose", () => {
    using s = setUp(v);
    s.writeFile.write(s.writeMsg);
    s.writeFile.flush();
    s.readFile.close();
    waitReadable(s.cli);
    const msg = s.cli.recv(MSG.length);
    assertEquals(typeof s.readMsg === "string" ? new TextDecoder().decode(msg) : msg, s.readMsg);
  });

  t("testClosedAttr", () => {
    using s = setUp(v);
    assert(!s.readFile.closed && !s.writeFile.closed);
  });

  t("testAttributes", () => {
    using s = setUp(v);
    assertEquals(s.readFile.mode, v.readMode);
    assertEquals(s.readFile.name, s.cli.fileno());
    assertEquals(s.writeFile.mode, v.writeMode);
    assertEquals(s.writeFile.name, s.serv.fileno());
  });

  t("testRealClose", () => {
    using s = setUp(v);
    s.readFile.close();
    assertThrows(() => s.readFile.fileno(), RangeError, "I/O operation on closed file.");
    s.cli.close();
    assertThrows(() => s.cli.getsockname(), socket.error);
  });
}

// UnbufferedFileObjectClassTestCase's own tests.
const UNBUFFERED = VARIANTS[1];

Deno.test("UnbufferedFileObjectClassTestCase.testUnbufferedReadline", () => {
  // Read a line, make another file object, read another line with it: an
  // unbuffered file holds nothing back (http.client relies on this).
  using s = setUp(UNBUFFERED);
  s.writeFile.write(s.cat(enc.encode("A. "), MSG));
  s.writeFile.write(s.cat(enc.encode("B. "), MSG));
  s.writeFile.flush();
  assertEquals(s.readFile.readline(), s.cat(enc.encode("A. "), MSG));
  using second = s.cli.makefile("rb", 0);
  assertEquals<string | Uint8Array>(second.readline(), s.cat(enc.encode("B. "), MSG));
});

Deno.test("UnbufferedFileObjectClassTestCase.testMakefileClose", () => {
  // The file returned by makefile keeps the socket open...
  using s = setUp(UNBUFFERED);
  s.writeFile.write(s.writeMsg);
  s.writeFile.flush();
  s.cli.close();
  waitReadable(s.cli);
  assertEquals(s.cli.recv(1024), MSG);
  // ...until the file is itself closed.
  s.readFile.close();
  assertThrows(() => s.cli.recv(1024), socket.error);
});

Deno.test("UnbufferedFileObjectClassTestCase.testSmallReadNonBlocking", () => {
  using s = setUp(UNBUFFERED);
  s.cli.setblocking(false);
  // SocketIO returns None when the socket would block; so do we (null).
  assertEquals(s.readFile.readinto(new Uint8Array(10)), null);
  assertEquals(s.readFile.read(MSG.length - 3), null);
  s.writeFile.write(s.writeMsg);
  s.writeFile.flush();
  waitReadable(s.cli);
  const first = s.readFile.read(MSG.length - 3);
  assertExists(first);
  const buf = new Uint8Array(10);
  const n = s.readFile.readinto(buf);
  assertEquals(n, 3);
  assertEquals(s.cat(first, buf.subarray(0, 3)), s.readMsg);
  assertEquals(s.readFile.readinto(new Uint8Array(16)), null);
  assertEquals(s.readFile.read(1), null);
});

Deno.test("UnbufferedFileObjectClassTestCase.testWriteNonBlocking", () => {
  using s = setUp(UNBUFFERED);
  s.serv.setblocking(false);
  // Saturate the socket buffer with repeated large writes: the first is
  // (partly) taken, then write() returns null instead of raising.
  const BIG = new Uint8Array(16 << 20);
  let n = s.writeFile.write(BIG);
  assertGreater(n, 0);
  for (let i = 0; i < 10 && n !== null; i++) {
    n = s.writeFile.write(BIG);
    if (n !== null) assertGreater(n, 0);
  }
  assertEquals(n, null, "the socket buffer saturates within 10 writes of 16 MiB");
});

// ---------------------------------------------------------------------------
// test_socket.py: GeneralModuleTests about makefile objects

Deno.test("test_unusable_closed_socketio", () => {
  using sock = socket.socket();
  const fp = sock.makefile("rb", 0);
  assert(fp.readable());
  assert(!fp.writable());
  assert(!fp.seekable());
  fp.close();
  assertThrows(() => fp.readable(), RangeError, "I/O operation on closed socket.");
  assertThrows(() => fp.writable(), RangeError, "I/O operation on closed socket.");
  assertThrows(() => fp.seekable(), RangeError, "I/O operation on closed socket.");
});

Deno.test("test_name_closed_socketio", () => {
  using sock = socket.socket();
  const fp = sock.makefile("rb");
  assertEquals(fp.name, sock.fileno());
  fp.close();
  assertEquals(fp.name, -1); // CPython's repr: <_io.BufferedReader name=-1>
});

Deno.test("test_makefile_mode", () => {
  for (const mode of ["r", "rb", "rw", "w", "wb"]) {
    using sock = socket.socket();
    using fp = sock.makefile(mode);
    assertEquals(fp.mode, mode);
  }
});

Deno.test("test_makefile_invalid_mode", () => {
  for (const mode of ["rt", "x", "+", "a"]) {
    using sock = socket.socket();
    assertThrows(() => sock.makefile(mode), RangeError, "invalid mode");
  }
});
