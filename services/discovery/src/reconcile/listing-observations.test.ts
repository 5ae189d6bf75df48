// What the one reconcile tells the status board (issue #20): once per (link, replica, kind)
// pass, every object not in sync with its state and, for drift, which parts differ; a listing
// that fails part-way is reported as partial; an observer that throws never stops a reconcile.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeProvenance,
  loadConfigText,
  PROVENANCE_TAG,
  silentLogger,
  type ResolvedVault,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import type { CertificateItem, SecretItem } from '@akv-replicator/keyvault';
import type { ListingObservation } from '../status/listing-observation';
import { directLinks } from '../topology/directed-link';
import { reconcileSourceLinks, type LinksReconcileDeps } from './links-reconcile';
import type { ListedObject, ListingKind, ListingRules } from './listing-kind';
import { certificateRules, secretRules } from './listing-kinds';

const V = '0123456789abcdef0123456789abcdef';
const NOW = 1_700_000_000_000;

const linksOf = (mode: 'one-way' | 'two-way', extra = '') =>
  directLinks(
    loadConfigText(
      `links:
  - name: l
    mode: ${mode}
    deletion: { policy: delete, minObjects: 100 }
    filters: { exclude: { names: ['skip-*'] } }
    source: { vault: kv-src, region: r9 }
    replicas: [{ vault: kv-dst, region: r0 }]
${extra}`,
      { env: {} },
    ).topology.links,
  ).filter((link) => link.source.name === 'kv-src');

const ours = (sourceUpdated: number, from = 'kv-src') => ({
  [PROVENANCE_TAG]: encodeProvenance({ sourceVault: from, sourceVersion: V, sourceUpdated }),
});

function secret(name: string, extra: Partial<SecretItem> = {}): SecretItem {
  return { name, enabled: true, tags: {}, created: 100, updated: 100, managed: false, ...extra };
}
function cert(name: string, extra: Partial<CertificateItem> = {}): CertificateItem {
  return { name, enabled: true, tags: {}, created: 100, updated: 100, x5t: 'x5t-a', ...extra };
}

/** Runs one reconcile over fixed listings; `source` may throw part-way. */
async function observe<Item extends ListedObject>(
  rules: ListingRules<Item>,
  listings: { source: () => AsyncIterable<Item>; replica: () => AsyncIterable<Item> },
  options: { mode?: 'one-way' | 'two-way'; overwriteUnowned?: boolean; throwing?: boolean } = {},
) {
  const observations: ListingObservation[] = [];
  const failed: string[] = [];
  const warnings: string[] = [];
  let tasks = 0;
  const kind: ListingKind<Item> = {
    ...rules,
    list: (vault: ResolvedVault) =>
      vault.name === 'kv-src' ? listings.source() : listings.replica(),
  };
  const deps: LinksReconcileDeps = {
    publisher: {
      publish: async () => {
        tasks++;
        return { duplicate: false };
      },
    } as unknown as Publisher,
    overwriteUnowned: options.overwriteUnowned ?? false,
    dryRun: false,
    outcome: async () => undefined,
    linkFailed: async (link) => void failed.push(link.replica.name),
    observer: {
      listingObserved: (observation) => {
        observations.push(observation);
        if (options.throwing) throw new Error('board down');
      },
    },
    now: () => NOW,
    logger: { ...silentLogger, warn: (message: string) => void warnings.push(message) },
  };
  const summary = { tasks: 0, inSync: 0, filtered: 0, unowned: 0, deletionsBlocked: 0 };
  await reconcileSourceLinks(
    kind,
    linksOf(options.mode ?? 'one-way'),
    { trigger: { kind: 'reconcile', id: 'r1' } },
    summary,
    deps,
  );
  return { observations, failed, warnings, tasks, summary };
}

const from = <T>(items: T[], failAfter?: number) =>
  async function* () {
    for (const [i, item] of items.entries()) {
      if (i === failAfter) throw new Error('listing broke off');
      yield item;
    }
  };

const byName = (o: ListingObservation) =>
  [...o.notInSync].sort((a, b) => a.name.localeCompare(b.name));

describe('listing observations', () => {
  it('secrets: each state, each drifted part, the counts, once per pass', async () => {
    const { observations } = await observe(secretRules, {
      source: from([
        secret('a'),
        secret('b'),
        secret('c', { updated: 200 }),
        secret('d'),
        secret('e', { tags: { team: 'x' } }),
        secret('f'),
        secret('skip-g'),
        secret('h', { contentType: 'text/plain' }),
      ]),
      replica: from([
        secret('a', { tags: ours(100) }),
        secret('c', { tags: ours(100) }),
        secret('d', { enabled: false, tags: ours(100) }),
        secret('e', { tags: { ...ours(100), team: 'y' } }),
        secret('f', { tags: ours(100, 'kv-other') }),
        secret('h', { tags: { ...ours(100), team: 'y' } }),
        secret('z', { tags: ours(50) }),
      ]),
    });
    assert.equal(observations.length, 1);
    const [o] = observations as [ListingObservation];
    assert.deepEqual(
      { ...o, notInSync: byName(o) },
      {
        kind: 'secret',
        sourceVault: 'kv-src',
        replicaVault: 'kv-dst',
        replicaRegion: 'r0',
        observedAt: NOW,
        inSync: 1,
        filtered: 1,
        notOursCount: 1,
        notInSync: [
          { name: 'b', state: 'missing', sourceUpdated: 100_000 },
          { name: 'c', state: 'drifted', parts: ['value'], sourceUpdated: 200_000 },
          { name: 'd', state: 'drifted', parts: ['attributes'], sourceUpdated: 100_000 },
          { name: 'e', state: 'drifted', parts: ['tags'], sourceUpdated: 100_000 },
          { name: 'f', state: 'not-ours' },
          {
            name: 'h',
            state: 'drifted',
            parts: ['attributes', 'tags'],
            sourceUpdated: 100_000,
          },
          { name: 'z', state: 'deleted-at-source' },
        ],
      },
    );
  });

  it('certificates: another thumbprint is a value drift; enabled and tags are parts of their own', async () => {
    const { observations } = await observe(certificateRules, {
      source: from([
        cert('a'),
        cert('renewed', { x5t: 'x5t-new' }),
        cert('off'),
        cert('tagged', { tags: { team: 'x' } }),
        cert('gone-missing'),
      ]),
      replica: from([
        cert('a', { tags: ours(100) }),
        cert('renewed', { tags: ours(100) }),
        cert('off', { enabled: false, tags: ours(100) }),
        cert('tagged', { tags: ours(100) }),
      ]),
    });
    const [o] = observations as [ListingObservation];
    assert.equal(o.kind, 'certificate');
    assert.equal(o.inSync, 1);
    assert.deepEqual(
      byName(o).map((x) => [x.name, x.state, x.parts]),
      [
        ['gone-missing', 'missing', undefined],
        ['off', 'drifted', ['attributes']],
        ['renewed', 'drifted', ['value']],
        ['tagged', 'drifted', ['tags']],
      ],
    );
  });

  it('two-way: a replica object neither side owns is unknown; overwriteUnowned still counts it not ours', async () => {
    const listings = {
      source: from([cert('x', { updated: 300 })]),
      replica: from([cert('x', { updated: 310 })]),
    };
    const twoWay = await observe(certificateRules, listings, { mode: 'two-way' });
    assert.deepEqual(twoWay.observations[0]!.notInSync, [
      { name: 'x', state: 'unknown', sourceUpdated: 300_000 },
    ]);
    const overwrite = await observe(certificateRules, listings, { overwriteUnowned: true });
    assert.deepEqual(overwrite.observations[0]!.notInSync, [
      { name: 'x', state: 'not-ours', sourceUpdated: 300_000 },
    ]);
    assert.equal(overwrite.observations[0]!.notOursCount, 1);
    assert.equal(overwrite.tasks, 1, 'overwritten, so a task went out');
  });

  it('a source listing that breaks off is reported partial, with what was found before', async () => {
    const { observations, failed } = await observe(secretRules, {
      source: from([secret('a'), secret('b')], 1),
      replica: from([]),
    });
    assert.deepEqual(failed, ['kv-dst']);
    assert.equal(observations.length, 1);
    assert.equal(observations[0]!.error, 'listing broke off');
    assert.deepEqual(observations[0]!.notInSync, [
      { name: 'a', state: 'missing', sourceUpdated: 100_000 },
    ]);
  });

  it('a replica that cannot be listed is reported with the error and nothing found', async () => {
    const { observations, failed } = await observe(certificateRules, {
      source: from([cert('a')]),
      replica: from([cert('a')], 0),
    });
    assert.deepEqual(failed, ['kv-dst']);
    assert.deepEqual(
      { ...observations[0], observedAt: 0 },
      {
        kind: 'certificate',
        sourceVault: 'kv-src',
        replicaVault: 'kv-dst',
        replicaRegion: 'r0',
        observedAt: 0,
        inSync: 0,
        filtered: 0,
        notInSync: [],
        notOursCount: 0,
        error: 'listing broke off',
      },
    );
  });

  it('an observer that throws is logged; the reconcile still publishes every task', async () => {
    const { observations, failed, warnings, tasks } = await observe(
      secretRules,
      { source: from([secret('a'), secret('b')]), replica: from([]) },
      { throwing: true },
    );
    assert.equal(observations.length, 1);
    assert.equal(tasks, 2);
    assert.deepEqual(failed, []);
    assert.deepEqual(warnings, ['listing observer failed']);
  });
});
