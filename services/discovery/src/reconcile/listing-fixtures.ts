// Test fixtures the listing diff tests share (not production code; imported by tests only).
import { compileFilter, encodeProvenance, PROVENANCE_TAG } from '@akv-replicator/core';
import type { CertificateDiffOptions } from './diff-certificate-listings';
import type { DiffOptions } from './listing-diff';

/** A valid source object version for provenance. */
export const SOURCE_VERSION = '0123456789abcdef0123456789abcdef';

/** The provenance tag of a copy made from `vault` at the source's `sourceUpdated` time. */
export const provenanceTags = (vault: string, sourceUpdated: number) => ({
  [PROVENANCE_TAG]: encodeProvenance({
    sourceVault: vault,
    sourceVersion: SOURCE_VERSION,
    sourceUpdated,
  }),
});

const common = {
  sourceVault: 'kv-src',
  replicaVault: 'kv-dst',
  mode: 'one-way',
  overwriteUnowned: false,
  filter: compileFilter(undefined),
} as const;

/** kv-src → kv-dst, one-way, no filter, keep deletions (breaker at 10 % of 20 or more). */
export const diffOptions = (overrides: Partial<DiffOptions> = {}): DiffOptions => ({
  ...common,
  deletion: { policy: 'keep', maxDeletePercent: 10, minObjects: 20 },
  ...overrides,
});

/** kv-src → kv-dst, one-way, no filter, the certificate diff's default deletion (keep). */
export const certificateDiffOptions = (
  overrides: Partial<CertificateDiffOptions> = {},
): CertificateDiffOptions => ({ ...common, ...overrides });
