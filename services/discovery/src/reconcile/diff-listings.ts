import type { SecretItem } from '@akv-replicator/keyvault';
import { ListingDiff, type DiffOptions, type DiffReport, type DriftEntry } from './listing-diff';
import type { ListedObject, ListingRules } from './listing-kind';
import { secretRules } from './listing-kinds';

export { deletionBreaker } from './deletion-breaker';
export type { DiffOptions, DiffReport, Drift, DriftEntry } from './listing-diff';

/**
 * Compares a source listing with a replica listing (DESIGN principles 4 and 5): list calls only,
 * no values. Provenance on each replica names the source version it was made from, so any
 * source change shows as drift and replica-side edits show as attribute differences. The array
 * form of `ListingDiff`, which reconcile streams; `rules` says what the kind compares.
 */
export function diffListingsOf<Item extends ListedObject>(
  rules: ListingRules<Item>,
  sourceItems: readonly Item[],
  replicaItems: readonly Item[],
  options: DiffOptions,
): DiffReport {
  const diff = new ListingDiff(rules, options);
  for (const item of replicaItems) diff.index(item);
  const drifted: DriftEntry[] = [];
  for (const source of sourceItems) {
    const drift = diff.visit(source);
    if (drift) drifted.push(drift);
  }
  const { deletions, deletionsBlocked } = diff.finish();
  drifted.push(...deletions);
  return {
    drifted,
    inSync: diff.inSync,
    filtered: diff.filtered,
    unowned: diff.unowned,
    ...(deletionsBlocked ? { deletionsBlocked } : {}),
  };
}

/** Secrets (see `secretRules`); certificate-backed secrets are left to the certificate diff. */
export const diffListings = (
  sourceItems: readonly SecretItem[],
  replicaItems: readonly SecretItem[],
  options: DiffOptions,
): DiffReport => diffListingsOf(secretRules, sourceItems, replicaItems, options);
