import type { CertificateItem } from '@akv-replicator/keyvault';
import { diffListingsOf, type DiffOptions, type DiffReport } from './diff-listings';
import { certificateRules } from './listing-kinds';

export type CertificateDiffOptions = Omit<DiffOptions, 'deletion'> & {
  /** Deletion policy and mass-deletion breaker of the link (default: keep). */
  readonly deletion?: DiffOptions['deletion'];
};

/**
 * Certificates through the one listing diff (see `certificateRules`): in sync when provenance
 * names the source's current `updated` time and the replica holds the same `x5t`, enabled state
 * and tags. Under the delete policy, our replicas whose source is gone are `deleted-at-source`
 * unless the mass-deletion breaker (DESIGN principle 8) holds them back.
 */
export const diffCertificateListings = (
  sourceItems: readonly CertificateItem[],
  replicaItems: readonly CertificateItem[],
  options: CertificateDiffOptions,
): DiffReport =>
  diffListingsOf(certificateRules, sourceItems, replicaItems, {
    ...options,
    deletion: options.deletion ?? { policy: 'keep', maxDeletePercent: 100, minObjects: 0 },
  });
