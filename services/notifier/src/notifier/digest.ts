import type { OutcomeData } from '@akv-replicator/core';

/** One outcome to report, with how many identical repeats de-duplication held back before it. */
export interface ReportedOutcome {
  readonly outcome: OutcomeData;
  /** Identical outcomes suppressed since this failure was last reported (0 for a first report). */
  readonly suppressedRepeats: number;
}

/**
 * What one notification message is about: one outcome, the outcomes of one resync, or the
 * outcomes of one digest window.
 */
export interface Digest {
  /** Stable id of this digest; with the channel name it identifies a delivery across retries. */
  readonly id: string;
  readonly kind: 'single' | 'resync' | 'window';
  /** The resync id when `kind` is `resync`. */
  readonly resyncId?: string;
  readonly items: readonly ReportedOutcome[];
  /** When the first and the last outcome of the digest arrived (ISO 8601). */
  readonly openedAt: string;
  readonly closedAt: string;
}

/** Outcome counts by status. */
export interface StatusCounts {
  readonly success: number;
  readonly warning: number;
  readonly failure: number;
}

export function countByStatus(items: readonly ReportedOutcome[]): StatusCounts {
  const counts = { success: 0, warning: 0, failure: 0 };
  for (const item of items) counts[item.outcome.status] += 1;
  return counts;
}

/** The worst status in a digest: failure over warning over success. */
export function worstStatus(items: readonly ReportedOutcome[]): OutcomeData['status'] {
  const counts = countByStatus(items);
  if (counts.failure > 0) return 'failure';
  if (counts.warning > 0) return 'warning';
  return 'success';
}

/** The same digest narrowed to the outcomes one channel wants. */
export function withItems(digest: Digest, items: readonly ReportedOutcome[]): Digest {
  return { ...digest, items };
}

/** The digest's outcomes, failures first, then warnings, then successes (stable within each). */
export function worstFirst(items: readonly ReportedOutcome[]): ReportedOutcome[] {
  const rank = { failure: 0, warning: 1, success: 2 } as const;
  return [...items].sort((a, b) => rank[a.outcome.status] - rank[b.outcome.status]);
}
