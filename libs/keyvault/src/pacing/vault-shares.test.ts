import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedLink, Topology } from '@akv-replicator/core';
import { ManualClock } from '@akv-replicator/core/testing';
import { VaultPacers } from './vault-pacers';
import { DISCOVERY_WEIGHT, VaultSharePlan, type HostedRoles } from './vault-shares';

const SUB = '00000000-0000-4000-8000-0000000000a1';
const REGIONS = ['northeurope', 'eastus', 'southeastasia'];
const SHARES = { source: 0.5, replica: 0.9 };
const vault = (name: string, region: string) => ({
  name,
  region,
  subscriptionId: SUB,
  tenant: 'default',
  uri: `https://${name}.vault.azure.net`,
});
const link = (overrides: Partial<ResolvedLink> = {}): ResolvedLink => ({
  name: 'weu',
  origin: 'links[0]',
  mode: 'one-way',
  deletion: { policy: 'keep', maxDeletePercent: 10, minObjects: 20 },
  objectKinds: ['secrets'],
  history: 'latest',
  filters: {},
  source: vault('kv-src', 'westeurope'),
  replicas: REGIONS.map((region) => ({ ...vault(`kv-${region}`, region), autoCreate: false })),
  ...overrides,
});
const topology = (links: ResolvedLink[] = [link()]): Topology => ({ links, selections: [] });
const replicator = (region: string): HostedRoles => ({
  discovery: false,
  workers: [{ service: 'replicator', region }],
});
const DISCOVERY: HostedRoles = { discovery: true, workers: [] };
const ALL: HostedRoles = {
  discovery: true,
  workers: REGIONS.map((region) => ({ service: 'replicator' as const, region })),
};
const close = (actual: number, expected: number, why?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${why ? `${why}: ` : ''}${actual} ≈ ${expected}`);

describe('VaultSharePlan', () => {
  it('gives every service in one process the whole share: 50 % of a source, 90 % of a replica', () => {
    const plan = new VaultSharePlan(topology(), ALL, SHARES);
    close(plan.shareOf('kv-src').transactions, 0.5);
    close(plan.shareOf('KV-EASTUS').transactions, 0.9);
    close(plan.shareOf('kv-eastus').creates, 0.9);
  });

  it('splits a source between discovery and the three regional pools that read it', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    const total = 3 + DISCOVERY_WEIGHT;
    close(pool.shareOf('kv-src').transactions, 0.5 / total);
    // Its own region's replica: only discovery lists it besides; creates are all the pool's.
    close(pool.shareOf('kv-eastus').transactions, 0.9 / (1 + DISCOVERY_WEIGHT));
    close(pool.shareOf('kv-eastus').creates, 0.9);
    const discovery = new VaultSharePlan(topology(), DISCOVERY, SHARES);
    close(discovery.shareOf('kv-src').transactions, (0.5 * DISCOVERY_WEIGHT) / total);
  });

  it('never hands out more than the share in total across the processes that touch a vault', () => {
    const shareIn = (hosted: HostedRoles, name: string) =>
      new VaultSharePlan(topology(), hosted, SHARES).shareOf(name).transactions;
    const sourceTotal = [DISCOVERY, ...REGIONS.map(replicator)]
      .map((hosted) => shareIn(hosted, 'kv-src'))
      .reduce((a, b) => a + b, 0);
    close(sourceTotal, 0.5);
    for (const region of REGIONS)
      close(shareIn(DISCOVERY, `kv-${region}`) + shareIn(replicator(region), `kv-${region}`), 0.9);
  });

  it('reads the role from the configuration: sourceShare and replicaShare take effect', () => {
    const plan = new VaultSharePlan(topology(), ALL, { source: 0.2, replica: 0.6 });
    close(plan.shareOf('kv-src').transactions, 0.2);
    close(plan.shareOf('kv-northeurope').transactions, 0.6);
    assert.throws(() => new VaultSharePlan(topology(), ALL, { source: 0, replica: 1 }), /shares/);
  });

  it('treats both vaults of a two-way link as sources read by both regions', () => {
    const twoWay = link({
      mode: 'two-way',
      replicas: [{ ...vault('kv-neu', 'northeurope'), autoCreate: false }],
    });
    const westPool = new VaultSharePlan(topology([twoWay]), replicator('westeurope'), SHARES);
    const total = 2 + DISCOVERY_WEIGHT;
    close(westPool.shareOf('kv-neu').transactions, 0.5 / total);
    close(westPool.shareOf('kv-src').transactions, 0.5 / total);
    close(westPool.shareOf('kv-src').creates, 0.5, 'the west pool is its only writer');
    close(westPool.shareOf('kv-neu').creates, 0.5 / total, 'the north pool writes kv-neu');
  });

  it('gives a vault the configuration does not name the smallest slice any participant gets', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    const unknown = pool.shareOf('kv-from-arm');
    assert.ok(unknown.transactions <= pool.shareOf('kv-src').transactions);
    const stranger = new VaultSharePlan(topology(), replicator('brazilsouth'), SHARES);
    assert.ok(stranger.shareOf('kv-src').transactions < 0.5 * DISCOVERY_WEIGHT);
  });

  it('splits the subscription-wide budget over the participants of the vaults in that scope', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    close(
      pool.subscriptionShareOf({ subscriptionId: SUB, region: 'westeurope' }).transactions,
      0.5 / (3 + DISCOVERY_WEIGHT),
    );
    close(
      pool.subscriptionShareOf({ subscriptionId: SUB.toUpperCase(), region: 'East US' })
        .transactions,
      0.9 / (1 + DISCOVERY_WEIGHT),
    );
  });
});

describe('VaultPacers with a share plan (Key Vault: 4,000 transactions per 10 s)', () => {
  const LIMITS = { transactionsPerWindow: 4000, createsPerWindow: 300, utilization: 1 };

  /** Each process its own pacers; every one asks for more source reads than one window allows. */
  async function firstWindow(clock: ManualClock, hosted: HostedRoles[], asks: number[]) {
    const admitted = hosted.map(() => 0);
    const runs: Promise<unknown>[] = [];
    hosted.forEach((roles, i) => {
      const plan = new VaultSharePlan(topology(), roles, SHARES);
      const pacers = new VaultPacers({ ...LIMITS, clock }, plan);
      const source = vault('kv-src', 'westeurope');
      const pacer = pacers.for(source.name, source.uri, source);
      for (let n = 0; n < asks[i]!; n++) runs.push(pacer.run('read', async () => admitted[i]!++));
    });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    return { admitted, runs };
  }

  it('keeps the source under its 2,000-request share with four processes, and uses ≥ 95 % of it', async () => {
    const clock = new ManualClock();
    const processes = [DISCOVERY, ...REGIONS.map(replicator)];
    const { admitted, runs } = await firstWindow(clock, processes, [30, 700, 700, 700]);
    const total = admitted.reduce((a, b) => a + b, 0);
    assert.deepEqual(admitted, [26, 657, 657, 657], 'floor(2000 × weight / 3.04) each');
    assert.ok(total <= 2000 && total >= 0.95 * 2000, `${total} in the first window`);
    await clock.advanceAsync(10_000);
    await Promise.all(runs);
    assert.deepEqual(admitted, [30, 700, 700, 700], 'the rest in the next window');
  });

  it('without a plan, one process uses the configured utilization of the whole limit', async () => {
    const clock = new ManualClock();
    const pacers = new VaultPacers({ ...LIMITS, utilization: 0.5, clock });
    const pacer = pacers.for('kv-src', 'https://kv-src.vault.azure.net');
    let admitted = 0;
    const runs = Array.from({ length: 2100 }, () => pacer.run('read', async () => admitted++));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(admitted, 2000);
    await clock.advanceAsync(10_000);
    await Promise.all(runs);
  });
});
