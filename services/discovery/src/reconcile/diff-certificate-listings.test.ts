import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter } from '@akv-replicator/core';
import type { CertificateItem } from '@akv-replicator/keyvault';
import { diffCertificateListings } from './diff-certificate-listings';
import { certificateDiffOptions as options, provenanceTags } from './listing-fixtures';

const item = (name: string, updated: number, x5t: string, extra: Partial<CertificateItem> = {}) =>
  ({ name, enabled: true, tags: {}, created: updated, updated, x5t, ...extra }) as CertificateItem;
const copyOf = (source: CertificateItem, extra: Partial<CertificateItem> = {}, from = 'kv-src') =>
  ({
    ...source,
    updated: source.updated + 5,
    tags: { ...source.tags, ...provenanceTags(from, source.updated) },
    ...extra,
  }) as CertificateItem;

describe('diffCertificateListings', () => {
  it('finds missing, renewed (new thumbprint) and edited replicas; in-sync ones cost nothing', () => {
    const synced = item('synced', 100, 'aaa', { tags: { team: 'a' } });
    const renewed = item('renewed', 200, 'bbb-new');
    const edited = item('edited', 300, 'ccc', { tags: { team: 'c' } });
    const report = diffCertificateListings(
      [synced, renewed, edited, item('missing', 400, 'ddd')],
      [copyOf(synced), copyOf({ ...renewed, x5t: 'bbb-old' }), copyOf(edited, { enabled: false })],
      options(),
    );
    assert.deepEqual(
      report.drifted.map((d) => [d.objectName, d.drift]),
      [
        ['renewed', 'version'],
        ['edited', 'attributes'],
        ['missing', 'missing'],
      ],
    );
    assert.equal(report.inSync, 1);
  });

  it('the same drift gives the same revision (idempotent task ids); a renewal gives a new one', () => {
    const a = item('a', 100, 'x1');
    const first = diffCertificateListings([a], [], options()).drifted[0]!.revision;
    assert.equal(diffCertificateListings([a], [], options()).drifted[0]!.revision, first);
    const renewed = { ...a, x5t: 'x2', updated: 101 };
    assert.notEqual(diffCertificateListings([renewed], [], options()).drifted[0]!.revision, first);
  });

  it('leaves replicas without our provenance alone unless told to take them over, and honours filters', () => {
    const source = item('foreign', 100, 'f');
    const handMade = item('foreign', 90, 'g');
    const excluded = item('skip-me', 100, 's', { tags: { replicate: 'false' } });
    const filter = compileFilter({ exclude: { tags: { replicate: 'false' } } });
    const report = diffCertificateListings([source, excluded], [handMade], options({ filter }));
    assert.deepEqual([report.unowned, report.drifted, report.filtered], [['foreign'], [], 1]);
    const takeOver = diffCertificateListings(
      [source],
      [handMade],
      options({ overwriteUnowned: true }),
    );
    assert.deepEqual(
      takeOver.drifted.map((d) => d.drift),
      ['unknown'],
    );
  });

  it('two-way: an echo of the replica’s own certificate is in sync', () => {
    const replica = item('both', 500, 'e');
    const echo = copyOf(replica, {}, 'kv-dst');
    const report = diffCertificateListings(
      [{ ...echo, updated: 505 }],
      [replica],
      options({ mode: 'two-way' }),
    );
    assert.deepEqual([report.inSync, report.drifted.length], [1, 0]);
  });

  it('reports our replicas deleted at the source under the delete policy, behind the breaker', () => {
    const kept = item('kept', 100, 'k');
    const gone = item('gone', 100, 'g');
    const deletion = { policy: 'delete' as const, maxDeletePercent: 10, minObjects: 20 };
    const report = diffCertificateListings(
      [kept],
      [copyOf(kept), copyOf(gone), item('hand-made', 50, 'h')],
      options({ deletion }),
    );
    assert.deepEqual(
      report.drifted.map((d) => [d.objectName, d.drift]),
      [['gone', 'deleted-at-source']],
    );
    assert.equal(
      diffCertificateListings([kept], [copyOf(kept), copyOf(gone)], options()).drifted.length,
      0,
      'keep',
    );
    const empty = diffCertificateListings([], [copyOf(gone)], options({ deletion }));
    assert.deepEqual(empty.drifted, []);
    assert.match(empty.deletionsBlocked?.reason ?? '', /listed no certificates/);
  });
});
