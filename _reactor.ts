/**
 * The per-thread reactor, re-exported from its home in `sys/reactor.ts`
 * (the platform layer), for the modules and tests that import it from here.
 *
 * @module
 */
export { type Direction, reactor, READ, WRITE } from "./sys/reactor.ts";
