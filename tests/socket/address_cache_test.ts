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
