/**
 * The reactor's linger policy (`sys/linger.ts`) on its own: fed the outcomes
 * a pump would report, it lingers while brief waits find events, stops when
 * they mostly time out, probes now and then to notice dense traffic again,
 * follows the measured gap and hop cost, and stays within its bounds.
 */
import { assert, assertEquals, assertGreater, assertLessOrEqual } from "@std/assert";
import {
  LINGER_MAX_US,
  LINGER_MIN_US,
  LingerPolicy,
  MIN_HIT_RATE,
  PROBE_EVERY,
} from "../../sys/linger.ts";

Deno.test("linger: a fresh policy lingers, within its bounds", () => {
  const p = new LingerPolicy();
  const b = p.budget();
  assertGreater(b, 0);
  assertLessOrEqual(b, LINGER_MAX_US);
  assert(b >= LINGER_MIN_US);
});

Deno.test("linger: waits that keep timing out stop the lingering, with periodic probes", () => {
  const p = new LingerPolicy();
  let rounds = 0;
  while (p.budget() > 0 && rounds < 1000) {
    p.miss(LINGER_MAX_US);
    rounds++;
  }
  assert(rounds < 1000, "it never stopped lingering");
  assert(p.hitRate < MIN_HIT_RATE);
  // Now most opportunities hop at once; one in PROBE_EVERY is a full-length probe.
  const budgets: number[] = [];
  for (let i = 0; i < 4 * PROBE_EVERY; i++) {
    const b = p.budget();
    budgets.push(b);
    if (b > 0) p.miss(b);
  }
  const probes = budgets.filter((b) => b > 0);
  assertEquals(probes.length, 4);
  assert(probes.every((b) => b === LINGER_MAX_US));
});

Deno.test("linger: probes that find events bring the lingering back", () => {
  const p = new LingerPolicy();
  for (let i = 0; i < 200; i++) p.miss(LINGER_MAX_US);
  assert(p.hitRate < MIN_HIT_RATE);
  let opportunities = 0;
  while (p.hitRate < MIN_HIT_RATE && opportunities < 10_000) {
    const b = p.budget();
    if (b > 0) p.hit(5);
    opportunities++;
  }
  assert(opportunities < 10_000, "hits never restored the lingering");
  for (let i = 0; i < 10; i++) assertGreater(p.budget(), 0, "and it keeps lingering");
});

Deno.test("linger: the budget follows the measured gap, the hop cost and the cap", () => {
  const p = new LingerPolicy();
  for (let i = 0; i < 200; i++) p.hit(10);
  // A few gaps of 10 µs: well under the cap, above the floor.
  const short = p.budget();
  assert(short >= 10 && short < LINGER_MAX_US, `budget ${short}`);
  for (let i = 0; i < 200; i++) p.hit(30);
  assertGreater(p.budget(), short, "longer gaps, longer lingering");
  // A hop that costs more than a few gaps: lingering that long never loses.
  for (let i = 0; i < 200; i++) p.hop(150);
  assert(p.budget() >= 149, `budget ${p.budget()} below the hop cost`);
  // Nothing ever exceeds the cap.
  for (let i = 0; i < 200; i++) p.hit(10_000);
  for (let i = 0; i < 200; i++) p.hop(10_000);
  assertEquals(p.budget(), LINGER_MAX_US);
  // Events that are there at once: the floor still applies.
  const q = new LingerPolicy();
  for (let i = 0; i < 200; i++) q.hit(0);
  assertEquals(q.budget(), LINGER_MIN_US);
});

Deno.test("linger: an untimed hit counts for the rate and leaves the gap alone", () => {
  const p = new LingerPolicy();
  for (let i = 0; i < 200; i++) p.miss(LINGER_MAX_US);
  const gap = p.gap;
  const rate = p.hitRate;
  p.hit();
  assertEquals(p.gap, gap);
  assertGreater(p.hitRate, rate);
});
