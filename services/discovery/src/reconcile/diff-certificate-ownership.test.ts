// Certificate listings follow the same ownership rules as secrets (DESIGN principle 3, issue
// #25): a copy whose valid provenance names another source vault is not ours — never in sync,
// never deleted, never counted by the mass-deletion breaker — and vault names compare
// case-insensitively ("Always perform a case-insensitive comparison of names",
// https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CertificateItem } from '@akv-replicator/keyvault';
import { diffCertificateListings, type CertificateDiffOptions } from './diff-certificate-listings';
import { certificateDiffOptions, provenanceTags } from './listing-fixtures';

const cert = (name: string, extra: Partial<CertificateItem> = {}): CertificateItem => ({
  name,
  enabled: true,
  tags: {},
  created: 100,
  updated: 100,
  x5t: `x5t-${name}`,
  ...extra,
});
const copyFrom = (vault: string, name: string): CertificateItem =>
  cert(name, {
    updated: 105,
    tags: provenanceTags(vault, 100),
  });
const options = (overrides: Partial<CertificateDiffOptions> = {}) =>
  certificateDiffOptions({
    deletion: { policy: 'delete', maxDeletePercent: 10, minObjects: 20 },
    ...overrides,
  });
const names = (count: number, prefix = 'c') =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('diffCertificateListings — ownership', () => {
  it('sees a same-named copy from another source vault as in the way, not in sync', () => {
    const report = diffCertificateListings([cert('c0')], [copyFrom('kv-other', 'c0')], options());
    assert.deepEqual([report.inSync, report.unowned, report.drifted], [0, ['c0'], []]);
  });

  it('sees a copy whose provenance spells the source vault in capitals as ours and in sync', () => {
    const report = diffCertificateListings([cert('c0')], [copyFrom('KV-SRC', 'c0')], options());
    assert.deepEqual([report.inSync, report.unowned], [1, []]);
  });

  it('never proposes deleting copies from another source vault', () => {
    const report = diffCertificateListings(
      [cert('c0')],
      [copyFrom('kv-src', 'c0'), ...names(3, 'o').map((n) => copyFrom('kv-other', n))],
      options(),
    );
    assert.deepEqual([report.drifted, report.deletionsBlocked], [[], undefined]);
  });

  it('lets exactly maxDeletePercent of our copies go, next to copies another link made', () => {
    // Counting the other link's 5 copies as ours would make it 7 of 25 (28 %): held back.
    const replicas = [
      ...names(20).map((n) => copyFrom('kv-src', n)),
      ...names(5, 'o').map((n) => copyFrom('kv-other', n)),
    ];
    const report = diffCertificateListings(
      names(18).map((n) => cert(n)),
      replicas,
      options(),
    );
    assert.equal(report.deletionsBlocked, undefined);
    assert.deepEqual(
      report.drifted.map((d) => [d.objectName, d.drift]),
      [
        ['c18', 'deleted-at-source'],
        ['c19', 'deleted-at-source'],
      ],
    );
  });

  it('holds one more than maxDeletePercent (3 of 20) and counts capitalised provenance as ours', () => {
    const report = diffCertificateListings(
      names(17).map((n) => cert(n)),
      names(20).map((n) => copyFrom('KV-SRC', n)),
      options(),
    );
    assert.deepEqual(report.drifted, []);
    assert.match(report.deletionsBlocked?.reason ?? '', /deleting 3 of 20 replicated certificates/);
  });
});
