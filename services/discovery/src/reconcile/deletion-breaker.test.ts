// The mass-deletion breaker at and around each threshold (DESIGN principle 8, issue #25).
// The rule: deletions are held back when the replica holds at least `minObjects` of our copies
// AND more than `maxDeletePercent` of them would go ("more than": exactly the limit passes),
// and always when the source lists nothing at all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SecretItem } from '@akv-replicator/keyvault';
import { deletionBreaker, diffListings } from './diff-listings';
import { diffOptions, provenanceTags } from './listing-fixtures';

const limits = { maxDeletePercent: 10, minObjects: 20 };
const holds = (wouldDelete: number, owned: number, sourceCount = owned - wouldDelete) =>
  deletionBreaker(wouldDelete, owned, sourceCount, limits) !== undefined;

describe('deletionBreaker — maxDeletePercent (more than the limit trips)', () => {
  it('lets exactly the limit through: 10 of 100 is 10 %', () => {
    assert.equal(holds(10, 100), false);
  });
  it('holds one over the limit: 11 of 100 is 11 %', () => {
    assert.equal(holds(11, 100), true);
  });
  it('lets just under the limit through: 9 of 100', () => {
    assert.equal(holds(9, 100), false);
  });
  it('compares the share, not the count: 10 of 50 (20 %) trips, 10 of 200 (5 %) does not', () => {
    assert.equal(holds(10, 50), true);
    assert.equal(holds(10, 200), false);
  });
  it('holds a fractional share just above the limit: 3 of 29 is 10.3 %', () => {
    assert.equal(holds(3, 29), true);
    assert.equal(holds(2, 29), false, '6.9 %');
  });
  it('honours other limits: 25 % allows 5 of 20 and holds 6 of 20', () => {
    const quarter = { maxDeletePercent: 25, minObjects: 20 };
    assert.equal(deletionBreaker(5, 20, 15, quarter), undefined);
    assert.notEqual(deletionBreaker(6, 20, 14, quarter), undefined);
  });
  it('holds everything at 0 % and nothing at 100 %', () => {
    assert.notEqual(deletionBreaker(1, 20, 19, { maxDeletePercent: 0, minObjects: 20 }), undefined);
    assert.equal(deletionBreaker(20, 20, 5, { maxDeletePercent: 100, minObjects: 20 }), undefined);
  });
});

describe('deletionBreaker — minObjects (at least minObjects arms it)', () => {
  it('is armed at exactly minObjects: 3 of 20 (15 %) trips', () => {
    assert.equal(holds(3, 20), true);
  });
  it('is armed above minObjects: 3 of 21 (14.3 %) trips', () => {
    assert.equal(holds(3, 21), true);
  });
  it('stays off one below minObjects: 3 of 19 (15.8 %) passes', () => {
    assert.equal(holds(3, 19), false);
  });
  it('stays off for a small vault losing most of its secrets, while the source still lists some', () => {
    assert.equal(holds(18, 19, 1), false);
  });
});

describe('deletionBreaker — an empty source listing', () => {
  it('holds any deletion, however small the vault and whatever the limits', () => {
    const anything = { maxDeletePercent: 100, minObjects: 1000 };
    assert.match(deletionBreaker(1, 1, 0, anything) ?? '', /source listed no secrets/);
    assert.match(
      deletionBreaker(2, 2, 0, anything, 'certificates') ?? '',
      /source listed no certificates while the replica holds 2 of ours/,
    );
  });
  it('has nothing to hold when nothing would be deleted', () => {
    assert.equal(deletionBreaker(0, 0, 0, limits), undefined);
  });
  it('names the counts, the share and the limit in its reason', () => {
    assert.equal(
      deletionBreaker(11, 100, 89, limits),
      'deleting 11 of 100 replicated secrets (11.0 %) exceeds maxDeletePercent 10 %',
    );
  });
});

describe('diffListings — the breaker counts only replicas that are ours', () => {
  const item = (name: string, extra: Partial<SecretItem> = {}): SecretItem => ({
    name,
    enabled: true,
    tags: {},
    created: 100,
    updated: 100,
    managed: false,
    ...extra,
  });
  const copyFrom = (vault: string, name: string): SecretItem =>
    item(name, {
      updated: 101,
      tags: provenanceTags(vault, 100),
    });
  const deleting = diffOptions({ deletion: { policy: 'delete', ...limits } });
  const names = (count: number, prefix = 's') =>
    Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  const ours = names(20).map((name) => copyFrom('kv-src', name));

  it('deletes exactly the limit (2 of 20 owned), next to 5 copies another link made', () => {
    // Were the other link's copies counted as ours, 7 of 25 (28 %) would trip the breaker and
    // the other link's copies would be proposed for deletion.
    const others = names(5, 'o').map((name) => copyFrom('kv-other', name));
    const report = diffListings(
      names(18).map((n) => item(n)),
      [...ours, ...others],
      deleting,
    );
    assert.equal(report.deletionsBlocked, undefined);
    assert.deepEqual(
      report.drifted.map((d) => [d.objectName, d.drift]),
      [
        ['s18', 'deleted-at-source'],
        ['s19', 'deleted-at-source'],
      ],
    );
  });

  it('holds 3 of 20 owned (15 %) and reports the counts', () => {
    const report = diffListings(
      names(17).map((n) => item(n)),
      ours,
      deleting,
    );
    assert.deepEqual(report.drifted, []);
    assert.deepEqual(
      [report.deletionsBlocked?.wouldDelete, report.deletionsBlocked?.owned],
      [3, 20],
    );
  });

  it('counts copies whose provenance spells the source vault in capitals as ours', () => {
    // Vault names are case-insensitive (resource-name-rules, learn.microsoft.com).
    const shouting = names(20).map((name) => copyFrom('KV-SRC', name));
    const report = diffListings(
      names(18).map((n) => item(n)),
      shouting,
      deleting,
    );
    assert.deepEqual(
      report.drifted.map((d) => d.objectName),
      ['s18', 's19'],
    );
  });

  it('never proposes deleting a copy made from another source vault, however few remain', () => {
    const others = names(3, 'o').map((name) => copyFrom('kv-other', name));
    const report = diffListings([item('s0')], [copyFrom('kv-src', 's0'), ...others], deleting);
    assert.deepEqual(report.drifted, []);
    assert.equal(report.deletionsBlocked, undefined);
  });

  it('treats a same-named copy from another source vault as in the way, not in sync', () => {
    const report = diffListings([item('s0')], [copyFrom('kv-other', 's0')], deleting);
    assert.deepEqual([report.inSync, report.unowned], [0, ['s0']]);
  });
});
