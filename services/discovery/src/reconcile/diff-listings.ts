import type { SecretItem } from '@akv-replicator/keyvault';
import { ListingDiff, type DiffOptions, type DiffReport, type DriftEntry } from './listing-diff';

export { deletionBreaker } from './deletion-breaker';
export type { DiffOptions, DiffReport, Drift, DriftEntry } from './listing-diff';

/**
 * Compares a source listing with a replica listing (DESIGN principles 4 and 5): list calls only,
 * no values. Provenance on each replica names the source `updated` time it was made from, so
 * any source change (new version, enable/disable, tags, contentType, expiry) shows as drift,
 * and replica-side edits show as attribute differences. Certificate-backed secrets are left
 * to the certificate diff. The array form of `ListingDiff`, which reconcile streams.
 */
export function diffListings(
  sourceItems: readonly SecretItem[],
  replicaItems: readonly SecretItem[],
  options: DiffOptions,
): DiffReport {
  const diff = new ListingDiff(options);
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
