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
