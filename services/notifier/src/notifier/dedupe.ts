import type { OutcomeData, Clock } from '@akv-replicator/core';

// Above this many remembered failures, expired ones are swept on the next check, so a long
// run with many distinct failures keeps bounded memory without a timer.
const SWEEP_THRESHOLD = 1000;

/** The decision for one outcome: report it (with the repeats held back so far) or drop it. */
export type DedupeDecision =
  { readonly report: true; readonly suppressedRepeats: number } | { readonly report: false };

/**
 * Holds back repeats of the same failure or warning — same status, link, source, replica,
 * object and code — for `windowMs` after it was last reported. When the window has passed,
 * the next repeat is reported again and says how many were held back. A success for the same
 * object clears the memory, so a failure that comes back after a recovery is reported at once.
 * A window of 0 turns de-duplication off.
 */
export class FailureDeduplicator {
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #seen = new Map<string, { reportedAt: number; suppressed: number }>();

  constructor(windowMs: number, clock: Clock) {
    this.#windowMs = windowMs;
    this.#clock = clock;
  }

  check(outcome: OutcomeData): DedupeDecision {
    if (this.#windowMs <= 0) return { report: true, suppressedRepeats: 0 };
    const now = this.#clock.now();
    if (outcome.status === 'success') {
      this.#forgetObject(outcome);
      return { report: true, suppressedRepeats: 0 };
    }
    if (this.#seen.size > SWEEP_THRESHOLD) this.#sweep(now);
    const key = failureKey(outcome);
    const seen = this.#seen.get(key);
    if (seen && now - seen.reportedAt < this.#windowMs) {
      seen.suppressed += 1;
      return { report: false };
    }
    this.#seen.set(key, { reportedAt: now, suppressed: 0 });
    return { report: true, suppressedRepeats: seen?.suppressed ?? 0 };
  }

  /** How many distinct failures are remembered. */
  get size(): number {
    return this.#seen.size;
  }

  #forgetObject(outcome: OutcomeData): void {
    const prefix = objectKey(outcome);
    for (const key of this.#seen.keys()) {
      if (key.startsWith(`${prefix}|`)) this.#seen.delete(key);
    }
  }

  #sweep(now: number): void {
    for (const [key, seen] of this.#seen) {
      // An expired entry's held-back count only matters if the failure comes back; memory
      // bounds matter more.
      if (now - seen.reportedAt >= this.#windowMs) this.#seen.delete(key);
    }
  }
}

function objectKey(outcome: OutcomeData): string {
  return JSON.stringify([
    outcome.link ?? '',
    outcome.source?.name.toLowerCase() ?? '',
    outcome.replica?.name.toLowerCase() ?? '',
    outcome.objectKind ?? '',
    outcome.objectName ?? '',
  ]);
}

function failureKey(outcome: OutcomeData): string {
  return `${objectKey(outcome)}|${outcome.status}|${outcome.code ?? outcome.reason ?? outcome.action}`;
}
