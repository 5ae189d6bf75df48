import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter } from '@akv-replicator/core';
import type { SecretItem } from '@akv-replicator/keyvault';
import { deletionBreaker, diffListings } from './diff-listings';
import { diffOptions, provenanceTags } from './listing-fixtures';

const item = (name: string, updated: number, extra: Partial<SecretItem> = {}): SecretItem => ({
  name,
  enabled: true,
  tags: {},
  created: updated,
  updated,
  managed: false,
  ...extra,
});
const copyOf = (
  source: SecretItem,
  from = 'kv-src',
  extra: Partial<SecretItem> = {},
): SecretItem => ({
  ...source,
  created: source.updated + 1,
  updated: source.updated + 1,
  tags: { ...source.tags, ...provenanceTags(from, source.updated) },
  ...extra,
});
const options = diffOptions;

describe('diffListings', () => {
  const a = item('a', 100, { tags: { env: 'prod' } });
  const b = item('b', 100);

  it('finds nothing to do when every replica carries the current provenance', () => {
    const report = diffListings([a, b], [copyOf(a), copyOf(b)], options());
    assert.deepEqual(report.drifted, []);
    assert.equal(report.inSync, 2);
  });

  const cases: Array<[string, SecretItem[], SecretItem[], Array<[string, string]>]> = [
    ['a missing replica', [a, b], [copyOf(a)], [['b', 'missing']]],
    [
      'a new source version or any source attribute change (updated moved)',
      [item('a', 200, { tags: { env: 'prod' } })],
      [copyOf(a)],
      [['a', 'version']],
    ],
    [
      'a disabled source (no event reports it)',
      [item('a', 150, { enabled: false, tags: { env: 'prod' } })],
      [copyOf(a)],
      [['a', 'version']],
    ],
    [
      'a replica edited by hand',
      [a],
      [copyOf(a, 'kv-src', { tags: { ...copyOf(a).tags, env: 'dev' } })],
      [['a', 'attributes']],
    ],
    [
      'a replica disabled by hand',
      [a],
      [copyOf(a, 'kv-src', { enabled: false })],
      [['a', 'attributes']],
    ],
  ];
  for (const [label, sources, replicas, expected] of cases) {
    it(`reports ${label}`, () => {
      assert.deepEqual(
        diffListings(sources, replicas, options()).drifted.map((d) => [d.objectName, d.drift]),
        expected,
      );
    });
  }

  it('leaves certificate-backed secrets to the certificate diff and honours filters', () => {
    const report = diffListings(
      [item('cert', 1, { managed: true }), item('tmp-x', 1), b],
      [],
      options({ filter: compileFilter({ exclude: { names: ['tmp-*'] } }) }),
    );
    assert.deepEqual(
      report.drifted.map((d) => d.objectName),
      ['b'],
    );
    assert.equal(report.filtered, 1);
  });

  it('reports replica secrets in the way that are not ours, without a task, unless takeover is allowed', () => {
    const foreign = { ...b, updated: 300 };
    assert.deepEqual(diffListings([b], [foreign], options()).unowned, ['b']);
    assert.deepEqual(
      diffListings([b], [foreign], options({ overwriteUnowned: true })).drifted.map((d) => d.drift),
      ['unknown'],
    );
  });

  it('sees the echo of a two-way write as in sync, and a fresh write on either side as drift', () => {
    const native = item('a', 500);
    const echoAtSource = copyOf(native, 'kv-dst');
    assert.equal(diffListings([echoAtSource], [native], options({ mode: 'two-way' })).inSync, 1);
    assert.deepEqual(
      diffListings([item('a', 600)], [native], options({ mode: 'two-way' })).drifted.map(
        (d) => d.drift,
      ),
      ['unknown'],
    );
  });

  it('uses revisions that change exactly when the state changes', () => {
    const first = diffListings([item('a', 100)], [], options()).drifted[0]?.revision;
    assert.equal(diffListings([item('a', 100)], [], options()).drifted[0]?.revision, first);
    assert.notEqual(diffListings([item('a', 101)], [], options()).drifted[0]?.revision, first);
  });
});

describe('deletions', () => {
  const many = Array.from({ length: 40 }, (_, i) => item(`s${i}`, 100));
  const replicas = many.map((s) => copyOf(s));
  const deleting = options({
    deletion: { policy: 'delete', maxDeletePercent: 10, minObjects: 20 },
  });

  it('propagates a few deletions of owned replicas under the delete policy only', () => {
    const sources = many.slice(0, 38);
    assert.deepEqual(
      diffListings(sources, replicas, deleting).drifted.map((d) => [d.objectName, d.drift]),
      [
        ['s38', 'deleted-at-source'],
        ['s39', 'deleted-at-source'],
      ],
    );
    assert.deepEqual(
      diffListings(sources, replicas, options()).drifted,
      [],
      'keep policy: nothing',
    );
  });

  it('never proposes deleting replica secrets that are not ours', () => {
    const report = diffListings(many, [...replicas, item('hand-made', 1)], deleting);
    assert.deepEqual(report.drifted, []);
  });

  it('trips the circuit breaker when the source listing shrinks past the threshold', () => {
    const report = diffListings(many.slice(0, 30), replicas, deleting);
    assert.deepEqual(report.drifted, []);
    assert.match(
      report.deletionsBlocked?.reason ?? '',
      /deleting 10 of 40 replicated secrets \(25\.0 %\) exceeds maxDeletePercent 10 %/,
    );
  });

  it('refuses to follow an empty source listing, however small the vault', () => {
    assert.match(
      deletionBreaker(3, 3, 0, { maxDeletePercent: 10, minObjects: 20 }) ?? '',
      /listed no secrets/,
    );
    assert.equal(
      deletionBreaker(3, 5, 2, { maxDeletePercent: 10, minObjects: 20 }),
      undefined,
      'below minObjects the percentage alone does not trip',
    );
  });
});
