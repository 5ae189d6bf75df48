import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DynamicSelection, ResolvedLink, Topology } from '@akv-replicator/core';
import { ManualClock } from '@akv-replicator/core/testing';
import { VaultPacers } from './vault-pacers';
import { VaultSharePlan, type HostedRoles } from './vault-shares';

// Issue #21: replicas a selection resolves through ARM are named nowhere in the configuration.
// Without discovery's `replicationOnly` mark they get the smallest slice of a *source*; with it,
// the replica share, split between discovery and the pools of their region.

const SUB = '00000000-0000-4000-8000-0000000000b2';
const REGIONS = ['northeurope', 'eastus', 'southeastasia'];
const SHARES = { source: 0.5, replica: 0.9 };
/** Key Vault's limits per vault and 10 s window. */
const KV = { transactionsPerWindow: 4000, createsPerWindow: 300 };
const ONLY_REPLICATION = { vault: true, subscriptionRegion: true };

const selection = (overrides: Partial<DynamicSelection> = {}): DynamicSelection => ({
  name: 'all-weu',
  origin: 'sources[0]',
  mode: 'one-way',
  deletion: { policy: 'keep', maxDeletePercent: 10, minObjects: 20 },
  objectKinds: ['secrets'],
  history: 'latest',
  filters: {},
  selectionMode: 'all',
  subscriptionId: SUB,
  resourceGroup: 'rg-sources',
  tenant: 'default',
  vaults: [],
  excludeVaults: [],
  destinationsFromTag: false,
  destinations: REGIONS.map((region) => ({
    region,
    subscriptionId: SUB,
    resourceGroup: 'rg-replicas',
    tenant: 'default',
    namingPattern: '{source_name}-{region}',
    autoCreate: false,
  })),
  ...overrides,
});
const topology = (selections = [selection()], links: ResolvedLink[] = []): Topology => ({
  links,
  selections,
});
/** A link the configuration names: kv-static in `sourceRegion` to kv-static-eus in East US. */
function staticLink(sourceRegion: string): ResolvedLink {
  const source = {
    name: 'kv-static',
    region: sourceRegion,
    subscriptionId: SUB,
    tenant: 'default',
    uri: 'https://kv-static.vault.azure.net',
  };
  return {
    ...selection(),
    name: 'static',
    origin: 'links[0]',
    source,
    replicas: [{ ...source, name: 'kv-static-eus', region: 'eastus', autoCreate: false }],
  };
}
const replicator = (region: string): HostedRoles => ({
  discovery: false,
  workers: [{ service: 'replicator', region }],
});
const ALL: HostedRoles = {
  discovery: true,
  workers: REGIONS.map((region) => ({ service: 'replicator' as const, region })),
};
const replica = (replicationOnly?: { vault: boolean; subscriptionRegion: boolean }) => ({
  region: 'East US',
  ...(replicationOnly ? { replicationOnly } : {}),
});

describe('VaultSharePlan: replicas a selection resolved through ARM', () => {
  it('gives a replica only replication uses the replica share, split with discovery alone', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    // 3,600 (90 %): discovery lists it (ceil(3,600 × 0.04 / 1.04) = 139), its region's pool the rest.
    assert.deepEqual(pool.allowanceOf('kv-7-eastus', KV, replica(ONLY_REPLICATION)), {
      transactionsPerWindow: 3461,
      createsPerWindow: 270,
    });
    const oneProcess = new VaultSharePlan(topology(), ALL, SHARES);
    assert.deepEqual(oneProcess.allowanceOf('kv-7-eastus', KV, replica(ONLY_REPLICATION)), {
      transactionsPerWindow: 3600,
      createsPerWindow: 270,
    });
  });

  it('without the mark, the same vault gets a source slice: a lister beside every pool', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    const unmarked = pool.allowanceOf('kv-7-eastus', KV, replica());
    const notOnly = pool.allowanceOf(
      'kv-7-eastus',
      KV,
      replica({ vault: false, subscriptionRegion: true }),
    );
    // 2,000 (50 %) over discovery and three pools: 27 to discovery, 657 each.
    assert.deepEqual(unmarked, { transactionsPerWindow: 657, createsPerWindow: 50 });
    assert.deepEqual(notOnly, unmarked, 'a vault some link reads keeps the source slice');
  });

  it('keeps the configuration’s view of a vault it names, mark or not', () => {
    const link = staticLink('eastus');
    const plan = new VaultSharePlan(topology([selection()], [link]), ALL, SHARES);
    assert.equal(
      plan.allowanceOf('KV-STATIC', KV, replica(ONLY_REPLICATION)).transactionsPerWindow,
      2000,
      'a configured source: 50 %, whatever a task says',
    );
  });

  it('ignores the mark in a region no selection replicates into', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    const elsewhere = { region: 'brazilsouth', replicationOnly: ONLY_REPLICATION };
    assert.deepEqual(
      pool.allowanceOf('kv-tagged', KV, elsewhere),
      pool.allowanceOf('kv-tagged', KV, { region: 'brazilsouth' }),
    );
  });

  it('gives a subscription region that holds only replicas the replica share of its limit', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    const scope = { subscriptionId: SUB, region: 'eastus' };
    // 5 × 300 × 0.9 = 1,350 creates per 10 s, this pool the only writer.
    assert.equal(pool.subscriptionAllowanceOf(scope, KV, ONLY_REPLICATION).createsPerWindow, 1350);
    // Unmarked: 5 × 300 × 0.5 = 750 shared by every pool of the configuration.
    assert.equal(pool.subscriptionAllowanceOf(scope, KV).createsPerWindow, 250);
    assert.equal(
      pool.subscriptionAllowanceOf(scope, KV, { vault: true, subscriptionRegion: false })
        .createsPerWindow,
      250,
      'other vaults in that region (production ones) keep it at the source share',
    );
  });

  it('counts a selection’s pools in a subscription region the configuration’s own vaults made', () => {
    // A static secrets link writes into East US; a certificates selection writes there too.
    const link = staticLink('westeurope');
    const certificates = selection({ objectKinds: ['certificates'] });
    // The scope is the replicas’ subscription: the destination’s own, else the selection’s.
    const fromOtherSubscription = selection({
      objectKinds: ['certificates'],
      subscriptionId: '00000000-0000-4000-8000-0000000000c3',
    });
    const inheriting = selection({
      objectKinds: ['certificates'],
      destinations: selection().destinations.map((d) => ({ ...d, subscriptionId: undefined })),
    });
    for (const [why, writer] of [
      ['same subscription', certificates],
      ['sources in another subscription, replicas in this one', fromOtherSubscription],
      ['destinations in the selection’s subscription', inheriting],
    ] as const) {
      const converter = new VaultSharePlan(
        topology([writer], [link]),
        {
          discovery: false,
          workers: [{ service: 'certificate-converter', region: 'eastus' }],
        },
        SHARES,
      );
      // 18,000 (90 % of 5 × 4,000): discovery ceil(18,000 × 0.04 / 2.04) = 353, two pools 8,823.
      assert.equal(
        converter.subscriptionAllowanceOf({ subscriptionId: SUB, region: 'eastus' }, KV)
          .transactionsPerWindow,
        8823,
        why,
      );
    }
  });

  it('splits a region’s replicas between the pools of every selection writing into it', () => {
    // Secrets and certificates selections both write East US replicas.
    const both = topology([
      selection(),
      selection({ name: 'certs', objectKinds: ['certificates'] }),
    ]);
    const pool = new VaultSharePlan(both, replicator('eastus'), SHARES);
    // 3,600: discovery ceil(3,600 × 0.04 / 2.04) = 71, each pool half of 3,529; creates 270 / 2.
    assert.deepEqual(pool.allowanceOf('kv-7-eastus', KV, replica(ONLY_REPLICATION)), {
      transactionsPerWindow: 1764,
      createsPerWindow: 135,
    });
  });
});

describe('VaultPacers: the mark reaches the pacer with the vault', () => {
  it('sizes a marked replica’s window and its subscription budget by the replica share', async () => {
    const clock = new ManualClock();
    const pacers = new VaultPacers(
      { ...KV, utilization: 1, clock },
      new VaultSharePlan(topology(), replicator('eastus'), SHARES),
    );
    const address = { subscriptionId: SUB, region: 'eastus', replicationOnly: ONLY_REPLICATION };
    const pacer = pacers.for('kv-7-eastus', 'https://kv-7-eastus.vault.azure.net', address);
    assert.equal(pacers.budgetFor(address)?.creates.limit, 1350);
    assert.equal(pacers.budgetFor(address)?.transactions.limit, 18_000 - 693);
    let admitted = 0;
    const runs = Array.from({ length: 3500 }, () => pacer.run('read', async () => admitted++));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(admitted, 3461, 'the first window: the pool’s slice of the 90 % share');
    await clock.advanceAsync(10_000);
    await Promise.all(runs);
  });
});
