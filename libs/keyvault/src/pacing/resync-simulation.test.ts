// The source-budget benchmark's question without a machine's noise (issue #21): a full resync in
// the production split — discovery and three regional pools, each a process with its own pacers —
// on a manual clock, with requests that take no time. What the pacers allow is then all that
// bounds it: every full 10 s window should carry the source's share, and none more.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Topology } from '@akv-replicator/core';
import { ManualClock } from '@akv-replicator/core/testing';
import { LIST_PAGE_SIZE } from './paced-store';
import type { VaultPacer } from './vault-pacer';
import { VaultPacers } from './vault-pacers';
import { VaultSharePlan, type HostedRoles } from './vault-shares';

const WINDOW_MS = 10_000;
const KV = { transactionsPerWindow: 4000, createsPerWindow: 300 };
const REGIONS = ['northeurope', 'eastus', 'southeastasia'];
/** The replicator's default concurrency: tasks a pool works on at once. */
const POOL_CONCURRENCY = 16;
const SOURCE = { name: 'kv-src', uri: 'https://kv-src.vault.azure.net' };
const topology: Topology = {
  selections: [],
  links: [
    {
      name: 'weu',
      origin: 'links[0]',
      mode: 'one-way',
      deletion: { policy: 'keep', maxDeletePercent: 10, minObjects: 20 },
      objectKinds: ['secrets'],
      history: 'latest',
      filters: {},
      source: { ...SOURCE, region: 'westeurope', tenant: 'default' },
      replicas: REGIONS.map((region) => ({
        name: `kv-${region}`,
        uri: `https://kv-${region}.vault.azure.net`,
        region,
        tenant: 'default',
        autoCreate: false,
      })),
    },
  ],
};

/** When each source request was sent, for a resync of `objects` at `sourceShare`. */
async function resync(sourceShare: number, objects: number): Promise<number[]> {
  const clock = new ManualClock();
  const sent: number[] = [];
  const pacerIn = (hosted: HostedRoles) =>
    new VaultPacers(
      { ...KV, utilization: 1, clock },
      new VaultSharePlan(topology, hosted, { source: sourceShare, replica: 0.9 }),
    ).for(SOURCE.name, SOURCE.uri);
  const read = (pacer: VaultPacer) => pacer.run('read', async () => void sent.push(clock.now()));

  // Discovery lists a page, then fans its objects out to every pool.
  let listed = 0;
  let wake = () => {};
  let more = new Promise<void>((resolve) => (wake = resolve));
  const lister = pacerIn({ discovery: true, workers: [] });
  const listing = (async () => {
    while (listed < objects) {
      await read(lister);
      listed = Math.min(objects, listed + LIST_PAGE_SIZE);
      wake();
      more = new Promise<void>((resolve) => (wake = resolve));
    }
  })();
  const pools = REGIONS.map(async (region) => {
    const pacer = pacerIn({ discovery: false, workers: [{ service: 'replicator', region }] });
    let taken = 0;
    const worker = async () => {
      while (taken < objects) {
        if (taken < listed) {
          taken++;
          await read(pacer);
        } else await more;
      }
    };
    await Promise.all(Array.from({ length: POOL_CONCURRENCY }, worker));
  });
  let finished = false;
  void Promise.all([listing, ...pools]).then(() => (finished = true));
  for (let step = 0; !finished; step++) {
    if (step > 10_000) throw new Error('the simulated resync never finished');
    await clock.advanceAsync(1000);
  }
  return sent;
}

/** Requests per 10 s window from 0, and the most in any 10 s span. */
function perWindow(sent: readonly number[]) {
  const counts: number[] = [];
  for (const t of sent) {
    const i = Math.floor(t / WINDOW_MS);
    while (counts.length <= i) counts.push(0);
    counts[i]!++;
  }
  let busiest = 0;
  for (let head = 0, tail = 0; tail < sent.length; tail++) {
    while (sent[tail]! - sent[head]! >= WINDOW_MS) head++;
    busiest = Math.max(busiest, tail - head + 1);
  }
  return { full: counts.slice(0, -1), busiest };
}

describe('a full resync in the production split, paced alone (manual clock)', () => {
  for (const [sourceShare, objects] of [
    [0.1, 1000],
    [0.5, 3000],
  ] as const)
    it(`uses ≥ 98 % of sourceShare ${sourceShare} in every full window, and never more`, async () => {
      const share = KV.transactionsPerWindow * sourceShare;
      const sent = await resync(sourceShare, objects);
      assert.equal(sent.length, objects * REGIONS.length + objects / LIST_PAGE_SIZE);
      const { full, busiest } = perWindow(sent);
      assert.ok(full.length >= 3, `${full.length} full windows`);
      assert.ok(busiest <= share, `busiest 10 s: ${busiest} of ${share}`);
      for (const count of full)
        assert.ok(count >= 0.98 * share, `windows ${full.join(', ')} of ${share}`);
    });
});
