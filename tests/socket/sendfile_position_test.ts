/**
 * Regression tests of issue #16 item 6.2: `sendfile(file)` leaves a file
 * object that has `fileno()` and `seek()` at `offset + bytes sent`, as
 * CPython's `socket.sendfile` does (`file.seek(offset + total_sent)` in a
 * `finally`, once anything was sent, also when a later send fails).
 *
 * The `tell()` checks of CPython 3.11's test_socket
 * SendfileUsingSendfileTest (regular file, offset, count, count of one,
 * count with offset, empty file), ported, plus: the position after a send
 * that timed out midway, a following read, an object without `seek`, and
 * python3 running the same calls on the same file.
 *
 * Run natively (sendfile(2)) and with LIBC_SOCKET_PORTABLE=1 (pread + send).
 * The peer is a Unix socket pair whose queue holds a whole file, so the
 * blocking sendfile needs no reader running meanwhile.
 */
import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import * as S from "../../mod.ts";
import { python, tempDir } from "../_helpers.ts";

const FILESIZE = 70_007; // more than one 64 KiB read of the pread path
const DATA = new Uint8Array(FILESIZE).map((_, i) => (i * 7 + (i >> 8)) & 0xff);

/** The descriptor number of `path`, open once in this process (unique temp path). */
function fdOf(path: string): number {
  const real = Deno.realPathSync(path);
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${e.name}`) === real) return Number(e.name);
    } catch { /* closed meanwhile */ }
  }
  throw new Error(`no descriptor for ${path}`);
}

/** A file object as Python's: `fileno()`, `seek()` (recorded), `tell()`, `read()`. */
class PyFile implements Disposable {
  readonly seeks: number[][] = [];
  #f: Deno.FsFile;
  #fd: number;
  constructor(path: string) {
    this.#f = Deno.openSync(path);
    this.#fd = fdOf(path);
  }
  fileno(): number {
    return this.#fd;
  }
  seek(...args: number[]): number {
    this.seeks.push(args);
    return this.#f.seekSync(args[0], Deno.SeekMode.Start);
  }
  tell(): number {
    return this.#f.seekSync(0, Deno.SeekMode.Current);
  }
  read(n: number): Uint8Array {
    const buf = new Uint8Array(n);
    return buf.subarray(0, this.#f.readSync(buf) ?? 0);
  }
  [Symbol.dispose](): void {
    this.#f.close();
  }
}

interface Env extends Disposable {
  path: string;
  empty: string;
  tx: S.Socket;
  /** Reads exactly `n` bytes from the peer. */
  take(n: number): Uint8Array;
}

function setup(): Env {
  const dir = tempDir();
  const path = `${dir.path}/data.bin`;
  const empty = `${dir.path}/empty.bin`;
  Deno.writeFileSync(path, DATA);
  Deno.writeFileSync(empty, new Uint8Array(0));
  const [tx, rx] = S.socketpair();
  tx.setsockopt(S.SOL_SOCKET, S.SO_SNDBUF, 1 << 20); // room for a whole file
  return {
    path,
    empty,
    tx,
    take(n: number) {
      const out = new Uint8Array(n);
      for (let got = 0; got < n;) got += rx.recv_into(out.subarray(got));
      return out;
    },
    [Symbol.dispose]() {
      tx.close();
      rx.close();
      dir[Symbol.dispose]();
    },
  };
}

Deno.test("sendfile position: regular file, offset, count (CPython's test_socket)", () => {
  using env = setup();
  const { tx, take } = env;
  {
    using file = new PyFile(env.path);
    assertEquals(tx.sendfile(file), FILESIZE);
    assertEquals(take(FILESIZE), DATA);
    assertEquals(file.tell(), FILESIZE);
    assertEquals(file.seeks, [[FILESIZE]], "one seek(offset + sent), as CPython");
  }
  {
    using file = new PyFile(env.path);
    assertEquals(tx.sendfile(file, 5000), FILESIZE - 5000);
    assertEquals(take(FILESIZE - 5000), DATA.subarray(5000));
    assertEquals(file.tell(), FILESIZE);
  }
  {
    using file = new PyFile(env.path);
    const count = 50_007;
    assertEquals(tx.sendfile(file, 0, count), count);
    assertEquals(take(count), DATA.subarray(0, count));
    assertEquals(file.tell(), count);
  }
  {
    using file = new PyFile(env.path);
    assertEquals(tx.sendfile(file, 0, 1), 1);
    assertEquals(take(1), DATA.subarray(0, 1));
    assertEquals(file.tell(), 1);
  }
  {
    using file = new PyFile(env.path);
    const [offset, count] = [2007, 10_007];
    assertEquals(tx.sendfile(file, offset, count), count);
    assertEquals(take(count), DATA.subarray(offset, offset + count));
    assertEquals(file.tell(), offset + count);
  }
});

Deno.test("sendfile position: nothing sent, nothing moved", () => {
  using env = setup();
  {
    using file = new PyFile(env.empty);
    assertEquals(env.tx.sendfile(file), 0);
    assertEquals([file.tell(), file.seeks], [0, []]);
  }
  {
    using file = new PyFile(env.path);
    file.seek(7);
    file.seeks.length = 0;
    assertEquals(env.tx.sendfile(file, FILESIZE + 10), 0);
    assertEquals([file.tell(), file.seeks], [7, []], "CPython seeks only once it sent something");
  }
});

Deno.test("sendfile position: a read after sendfile goes on after what was sent", () => {
  using env = setup();
  using file = new PyFile(env.path);
  assertEquals(env.tx.sendfile(file, 0, 100), 100);
  env.take(100);
  assertEquals(file.read(4), DATA.subarray(100, 104));
  // Without seek() nothing is called and nothing fails.
  const bare = { fileno: () => file.fileno() };
  assertEquals(env.tx.sendfile(bare, 3, 5), 5);
  assertEquals(env.take(5), DATA.subarray(3, 8));
  assertEquals(file.tell(), 104);
});

Deno.test("sendfile position: a send that times out midway leaves the file after what was sent", () => {
  const big = new Uint8Array(4 << 20).map((_, i) => i & 0xff);
  using dir = tempDir();
  const path = `${dir.path}/big.bin`;
  Deno.writeFileSync(path, big);
  const offset = 1000;
  for (const kind of ["fileno", "FsFile"] as const) {
    const [tx, rx] = S.socketpair();
    using _tx = tx;
    using _rx = rx;
    tx.setsockopt(S.SOL_SOCKET, S.SO_SNDBUF, 4096); // the peer reads nothing: the queue fills
    tx.settimeout(0.1);
    using file = new PyFile(path);
    using fs = Deno.openSync(path);
    const e = assertThrows(() => tx.sendfile(kind === "fileno" ? file : fs, offset));
    assertInstanceOf(e, S.TimeoutError);
    rx.setblocking(false);
    let got = 0;
    for (let i = 0; i < 100_000; i++) {
      try {
        const chunk = rx.recv(65536);
        assertEquals(chunk, big.subarray(offset + got, offset + got + chunk.length));
        got += chunk.length;
      } catch (err) {
        if (err instanceof S.BlockingIOError) break;
        throw err;
      }
    }
    assert(got > 0 && got < big.length - offset, `${kind}: ${got} bytes sent before the timeout`);
    if (kind === "fileno") {
      assertEquals(file.seeks, [[offset + got]], kind);
    } else {
      assertEquals(fs.seekSync(0, Deno.SeekMode.Current), offset + got, kind);
    }
  }
});

Deno.test("sendfile position: the same calls as python3's, value for value", async () => {
  using env = setup();
  const calls: [number, number | null, number | null][] = [
    [0, null, null],
    [5000, null, null],
    [0, 1, null],
    [2007, 10_007, null],
    [FILESIZE + 10, null, 7], // seek(7) first: nothing sent, tell() stays 7
  ];
  const ours: number[][] = [];
  using file = new PyFile(env.path);
  for (const [offset, count, pre] of calls) {
    if (pre !== null) file.seek(pre);
    const sent = env.tx.sendfile(file, offset, count);
    env.take(sent);
    ours.push([sent, file.tell()]);
  }
  const py = await python(
    `
import json, socket, sys
a, b = socket.socketpair()
out = []
with open(sys.argv[1], "rb") as f:
    for offset, count, pre in json.loads(sys.argv[2]):
        if pre is not None: f.seek(pre)
        sent = a.sendfile(f, offset, count)
        left = sent
        while left: left -= len(b.recv(left))
        out.append([sent, f.tell()])
print(json.dumps(out))
`,
    env.path,
    JSON.stringify(calls),
  );
  assertEquals(ours, JSON.parse(py));
});
