/**
 * How long a busy reactor lingers on the JS thread before hopping to a worker
 * thread: the adaptive part of the pump in `sys/reactor.ts`.
 *
 * After a round that handled events finds nothing more ready, the pump can
 * either wait briefly in the kernel on this thread (`epoll_pwait2`, `kevent`
 * or `ppoll` with a microsecond timeout; a bounded poll loop where none of
 * these exists), or hop at once to a worker thread's blocking wait. A brief
 * wait that finds events saves a hop: two context switches and a promise
 * round trip through the runtime. One that times out cost a syscall and held
 * up timers and other I/O for its length.
 *
 * The policy measures, and never assumes a load:
 * - `gap`: how long after a busy round the next events came, over the brief
 *   waits that found them (an exponentially weighted mean);
 * - `hitRate`: how often a brief wait finds events at all;
 * - `hopCost`: how long a thread hop takes when it has nothing to wait for
 *   (the pump's periodic peeks, `waitThread(0)`).
 *
 * It lingers for a few gaps, at least one hop's cost (waiting that long is
 * never worse than twice the best choice), at most {@linkcode LINGER_MAX_US}.
 * When brief waits mostly time out (requests arrive far apart), it stops
 * lingering and hops at once, probing now and then so that it notices when
 * traffic gets dense again. An idle reactor never lingers: only a round that
 * just handled events asks.
 *
 * @module
 */

/** The longest brief wait, in µs: the most a busy pump holds up the event loop. */
export const LINGER_MAX_US = 200;
/** The shortest brief wait worth a syscall, in µs. */
export const LINGER_MIN_US = 4;
/** Below this hit rate the pump hops at once (and probes now and then). */
export const MIN_HIT_RATE = 0.25;
/** While not lingering, every this many opportunities is a probe. */
export const PROBE_EVERY = 16;
/** Lingering lasts this many measured gaps. */
const GAPS = 4;
/** EWMA weights: the gap and the hop cost follow quickly, the rate slowly. */
const GAP_WEIGHT = 1 / 8;
const RATE_WEIGHT = 1 / 16;

/** The measurements behind the brief waits, and the decision they give. */
export class LingerPolicy {
  /** Mean µs from a busy round's end to the next events (brief-wait hits). */
  gap = LINGER_MAX_US / GAPS;
  /** Fraction of brief waits that found events. */
  hitRate = 1;
  /** Mean µs of a thread hop with nothing to wait for. */
  hopCost = 0;
  #skipped = 0;

  /**
   * How many µs to wait on this thread now (0: hop at once). Called only when
   * a round that handled events is followed by an empty poll.
   */
  budget(): number {
    const linger = Math.min(LINGER_MAX_US, Math.max(LINGER_MIN_US, GAPS * this.gap, this.hopCost));
    if (this.hitRate >= MIN_HIT_RATE) return Math.ceil(linger);
    if (++this.#skipped < PROBE_EVERY) return 0;
    this.#skipped = 0;
    return LINGER_MAX_US;
  }

  /** A brief wait found events, `us` after it started (`undefined`: not timed). */
  hit(us?: number): void {
    if (us !== undefined) this.gap += (Math.max(0, us) - this.gap) * GAP_WEIGHT;
    this.hitRate += (1 - this.hitRate) * RATE_WEIGHT;
  }

  /** A brief wait of `us` timed out: the next events are further away than that. */
  miss(us: number): void {
    // What a miss says about the gap: at least the whole wait.
    this.gap += (Math.max(this.gap, us) - this.gap) * GAP_WEIGHT;
    this.hitRate -= this.hitRate * RATE_WEIGHT;
  }

  /** A thread hop with nothing to wait for took `us`. */
  hop(us: number): void {
    this.hopCost += (Math.max(0, us) - this.hopCost) * GAP_WEIGHT;
  }
}
