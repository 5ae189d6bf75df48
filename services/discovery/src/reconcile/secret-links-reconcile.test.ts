import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeProvenance,
  loadConfigText,
  PROVENANCE_TAG,
  type Envelope,
  type OutcomeData,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import { MemorySecretStore, type SecretItem, type SecretStore } from '@akv-replicator/keyvault';
import { directLinks, type DirectedLink } from '../topology/directed-link';
import { sameAttributes } from '@akv-replicator/keyvault';
import { reconcileSourceLinks, type LinksReconcileDeps } from './links-reconcile';
import { tagKey } from './listing-kind';
import { secretListings, secretRules } from './listing-kinds';

const REPLICAS = ['kv-neu', 'kv-eus', 'kv-sea'];
const links = (): DirectedLink[] =>
  directLinks(
    loadConfigText(
      `links:
  - name: l
    source: { vault: kv-src }
    replicas: [${REPLICAS.map((v, i) => `{ vault: ${v}, region: r${i} }`).join(', ')}]
`,
      { env: {} },
    ).topology.links,
  );
const item = (name: string, extra: Partial<SecretItem> = {}): SecretItem => ({
  name,
  enabled: true,
  tags: {},
  created: 1,
  updated: 1,
  managed: false,
  ...extra,
});

/** Stores that count listings and can record, at each source page, how many tasks went out. */
function harness(source: (published: () => number) => AsyncIterable<SecretItem>) {
  const published: Envelope[] = [];
  const outcomes: Partial<OutcomeData>[] = [];
  const failed: string[] = [];
  const listings = new Map<string, number>();
  const replicas = new Map(REPLICAS.map((name) => [name, new MemorySecretStore(name)]));
  const store = (name: string): SecretStore => {
    listings.set(name, (listings.get(name) ?? 0) + 1);
    if (name === 'kv-src')
      return { listSecrets: () => source(() => published.length) } as unknown as SecretStore;
    return replicas.get(name)!;
  };
  const deps: LinksReconcileDeps = {
    publisher: {
      publish: async (_topic, envelope) => {
        published.push(envelope);
        return { duplicate: false };
      },
    } as Publisher,
    overwriteUnowned: false,
    dryRun: false,
    outcome: async (fields) => void outcomes.push(fields),
    linkFailed: async (link, error) => void failed.push(`${link.replica.name}: ${String(error)}`),
  };
  const summary = { tasks: 0, inSync: 0, filtered: 0, unowned: 0, deletionsBlocked: 0 };
  const run = () =>
    reconcileSourceLinks(
      secretListings((vault) => store(vault.name)),
      links(),
      { trigger: { kind: 'reconcile', id: 'r1' } },
      summary,
      deps,
    );
  return { published, outcomes, failed, listings, replicas, summary, run };
}

describe('reconcileSourceLinks — streaming secrets', () => {
  it('publishes tasks while the source listing is still being read, listing each vault once', async () => {
    let publishedBeforeLastPage = -1;
    const h = harness(async function* (published) {
      for (let i = 0; i < 100; i++) {
        if (i === 75) publishedBeforeLastPage = published();
        yield item(`s-${i}`);
      }
    });
    await h.run();
    assert.equal(
      publishedBeforeLastPage,
      75 * REPLICAS.length,
      'every object so far, all replicas',
    );
    assert.equal(h.summary.tasks, 100 * REPLICAS.length);
    assert.deepEqual(
      Object.fromEntries(h.listings),
      { 'kv-neu': 1, 'kv-eus': 1, 'kv-sea': 1, 'kv-src': 1 },
      'one pass over the source for three replicas',
    );
  });

  it('a replica that cannot be listed fails its link only; the others still converge', async () => {
    const h = harness(async function* () {
      yield item('a');
    });
    h.replicas.get('kv-eus')!.listSecrets = () => {
      throw new Error('403 on kv-eus');
    };
    await h.run();
    assert.deepEqual(h.failed, ['kv-eus: Error: 403 on kv-eus']);
    assert.equal(h.summary.tasks, 2);
  });

  it('a source failing mid-listing fails every link, after the tasks already found', async () => {
    const h = harness(async function* () {
      yield item('a');
      throw new Error('source unreachable');
    });
    await h.run();
    assert.equal(h.failed.length, 3);
    assert.equal(h.summary.tasks, 3, 'what was found before the failure is still converged');
  });

  it('counts every unowned replica object but names a sample', async () => {
    const h = harness(async function* () {
      for (let i = 0; i < 150; i++) yield item(`s-${i}`);
    });
    for (const store of h.replicas.values())
      for (let i = 0; i < 150; i++)
        await store.setSecret(`s-${i}`, 'theirs', { enabled: true, tags: {} });
    await h.run();
    assert.equal(h.summary.unowned, 450);
    const warning = h.outcomes.find((o) => o.code === 'ReplicaNotOwned');
    assert.match(
      warning?.reason ?? '',
      /^150 secret\(s\) in kv-\w+ have no provenance .* and 140 more$/,
    );
  });
});

describe('attribute and tag keys', () => {
  const key = (item: SecretItem) => [secretRules.attributeKey(item), tagKey(item.tags)].join('|');
  const base = item('a', { tags: { b: '2', a: '1' }, contentType: 'text/plain', expires: 9 });
  const variants: Partial<SecretItem>[] = [
    {},
    { tags: { a: '1', b: '2' } },
    {
      tags: {
        a: '1',
        b: '2',
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: 'kv-x',
          sourceVersion: '0123456789abcdef0123456789abcdef',
          sourceUpdated: 5,
        }),
      },
    },
    { tags: { a: '1' } },
    { tags: { a: '1', b: '3' } },
    { enabled: false },
    { contentType: undefined },
    { expires: undefined },
    { notBefore: 3 },
    { tags: { a: '1', b: 'x'.repeat(200) } },
    { tags: { a: '1', b: 'x'.repeat(199) + 'y' } },
  ];
  it('is equal exactly when sameAttributes says so (tag order and provenance ignored, long tags hashed)', () => {
    for (const left of variants)
      for (const right of variants) {
        const a = { ...base, ...left };
        const b = { ...base, ...right };
        assert.equal(key(a) === key(b), sameAttributes(a, b), JSON.stringify([left, right]));
      }
    assert.ok(
      tagKey({ ...base, ...variants[9] }.tags).length < 64,
      'long tag sets are held as a digest',
    );
  });
});
