// The kept sockaddrs of numeric IP addresses (socket/address/inet.ts): the same bytes as
// a fresh encoding, and no way for a changing address to plant a wrong one.
import { assertEquals, assertThrows } from "@std/assert";
import * as socket from "../../mod.ts";
import { encodeAddress } from "../../socket/address/mod.ts";

Deno.test("address cache: a kept sockaddr equals a fresh encoding, errors stay per call", () => {
  const first = encodeAddress(socket.AF_INET, ["127.0.0.1", 5000]);
  const again = encodeAddress(socket.AF_INET, ["127.0.0.1", 5000]);
  assertEquals(again, first);
  assertEquals(
    encodeAddress(socket.AF_INET6, ["::1", 5000, 0, 0]),
    encodeAddress(socket.AF_INET6, ["::1", 5000]),
  );
  // out of range is still an error, with the caller's prefix, hit or miss
  for (let i = 0; i < 2; i++) {
    assertThrows(
      () => encodeAddress(socket.AF_INET, ["127.0.0.1", 70000], "sendto(): "),
      RangeError,
      "sendto(): port",
    );
  }
});

Deno.test("address cache: an address whose getters change answers cannot plant a wrong entry", () => {
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  const port = rx.getsockname()[1];
  let reads = 0;
  const shifty = new Proxy<[string, number]>(["127.0.0.1", port], {
    get(target, key, receiver) {
      if (key === "0") return reads++ === 0 ? "127.0.0.1" : "127.0.0.2";
      return Reflect.get(target, key, receiver);
    },
  });
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.sendto("one", shifty);
  tx.sendto("two", ["127.0.0.1", port]);
  rx.settimeout(5);
  const got = [rx.recv(10), rx.recv(10)].map((b) => new TextDecoder().decode(b));
  assertEquals(got, ["one", "two"]);
});

Deno.test("address cache: the last peer's entry serves only that exact peer", () => {
  // sendto keeps the sockaddr of the last address it packed, and recvfrom the
  // host string of the last sender: alternating peers that differ in one part
  // each (the host, the port, the family) must each get their own.
  const [a, b] = [0, 1].map(() => {
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.bind(["127.0.0.1", 0]);
    s.settimeout(5);
    return s;
  });
  using _a = a;
  using _b = b;
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.bind(["127.0.0.1", 0]);
  using tx2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx2.bind(["127.0.0.2", 0]); // all of 127/8 is loopback
  const [pa, pb] = [a.getsockname()[1], b.getsockname()[1]];
  for (let i = 0; i < 3; i++) {
    tx.sendto(`a${i}`, ["127.0.0.1", pa]);
    tx2.sendto(`b${i}`, ["127.0.0.1", pb]);
    tx.sendto(`b${i}'`, ["127.0.0.1", pb]);
    tx2.sendto(`a${i}'`, ["127.0.0.1", pa]);
  }
  const dec = (d: Uint8Array) => new TextDecoder().decode(d);
  const got = (s: typeof a) =>
    Array.from({ length: 6 }, () => {
      const [d, from] = s.recvfrom(100);
      return `${dec(d)} ${from[0]}:${from[1] === tx.getsockname()[1] ? "tx" : "tx2"}`;
    });
  assertEquals(got(a), [
    "a0 127.0.0.1:tx",
    "a0' 127.0.0.2:tx2",
    "a1 127.0.0.1:tx",
    "a1' 127.0.0.2:tx2",
    "a2 127.0.0.1:tx",
    "a2' 127.0.0.2:tx2",
  ]);
  assertEquals(got(b), [
    "b0 127.0.0.2:tx2",
    "b0' 127.0.0.1:tx",
    "b1 127.0.0.2:tx2",
    "b1' 127.0.0.1:tx",
    "b2 127.0.0.2:tx2",
    "b2' 127.0.0.1:tx",
  ]);
  // The same host and port in the other family is another sockaddr.
  const v4 = encodeAddress(socket.AF_INET, ["127.0.0.1", pa]);
  assertEquals(encodeAddress(socket.AF_INET, ["127.0.0.1", pa]), v4);
  assertEquals(encodeAddress(socket.AF_INET6, ["::ffff:127.0.0.1", pa]).length > v4.length, true);
});
