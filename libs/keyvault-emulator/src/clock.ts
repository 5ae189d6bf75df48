// Not @akv-replicator/core's Clock: this package is published on its own (npx) and core is
// private, so it cannot depend on it. The emulator only ever reads time, so its port is the
// `now()` slice of core's Clock, and core's systemClock and ManualClock (what the product's own
// tests pass in) satisfy it structurally. The ManualClock below stays for users' own tests,
// which have no core to import it from; its `advance`/`set` match core's for a clock without timers.

/** Source of "now" for everything time-dependent (attributes, throttling windows, expiry events). */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock tests move by hand, so NearExpiry/Expired events and throttling windows can be
 * exercised without waiting.
 */
export class ManualClock implements Clock {
  #nowMs: number;

  constructor(startMs: number = Date.now()) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#nowMs += ms;
  }

  /** Jumps to an absolute time. */
  set(ms: number): void {
    this.#nowMs = ms;
  }
}

/** Key Vault attributes carry whole Unix seconds. */
export function toUnixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
