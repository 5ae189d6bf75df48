import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedLink, Topology } from '@akv-replicator/core';
import { ManualClock } from '@akv-replicator/core/testing';
import { VaultPacers } from './vault-pacers';
import { LIST_PAGE_SIZE } from './paced-store';
import { DISCOVERY_WEIGHT, VaultSharePlan, splitWhole, type HostedRoles } from './vault-shares';

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
/** Key Vault's limits per vault and 10 s window. */
const KV = { transactionsPerWindow: 4000, createsPerWindow: 300 };
const allowance = (plan: VaultSharePlan, vault: string) => plan.allowanceOf(vault, KV);

describe('VaultSharePlan', () => {
  it('gives every service in one process the whole share: 50 % of a source, 90 % of a replica', () => {
    const plan = new VaultSharePlan(topology(), ALL, SHARES);
    assert.deepEqual(allowance(plan, 'kv-src'), {
      transactionsPerWindow: 2000,
      createsPerWindow: 150,
    });
    assert.deepEqual(allowance(plan, 'KV-EASTUS'), {
      transactionsPerWindow: 3600,
      createsPerWindow: 270,
    });
  });

  it('splits a source between discovery and the three regional pools that read it', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    const discovery = new VaultSharePlan(topology(), DISCOVERY, SHARES);
    // 2,000 × (1/25) / 3.04 = 26.3 pages, rounded up; the pools share the other 1,973.
    assert.equal(allowance(discovery, 'kv-src').transactionsPerWindow, 27);
    assert.equal(allowance(pool, 'kv-src').transactionsPerWindow, 657);
    // Its own region's replica: only discovery lists it besides (3,600 × 0.04 / 1.04 = 138.5).
    assert.equal(allowance(discovery, 'kv-eastus').transactionsPerWindow, 139);
    assert.equal(allowance(pool, 'kv-eastus').transactionsPerWindow, 3461);
    assert.equal(allowance(pool, 'kv-eastus').createsPerWindow, 270, 'its only writer');
  });

  it('never hands out more than the share in total across the processes that touch a vault', () => {
    const inAll = (hosted: HostedRoles[], name: string) =>
      hosted
        .map((roles) => allowance(new VaultSharePlan(topology(), roles, SHARES), name))
        .reduce((a, b) => a + b.transactionsPerWindow, 0);
    const source = inAll([DISCOVERY, ...REGIONS.map(replicator)], 'kv-src');
    assert.ok(source <= 2000 && source >= 1998, `${source}: at most a request per pool lost`);
    for (const region of REGIONS)
      assert.equal(inAll([DISCOVERY, replicator(region)], `kv-${region}`), 3600);
  });

  it('lets discovery list a source at least as fast as any pool reads it, whatever the share', () => {
    // A lister a page short would hold every pool 25 objects short of its slice per window.
    for (let pools = 1; pools <= 6; pools++)
      for (const source of [0.01, 0.05, 0.1, 0.25, 0.33, 0.5, 0.77, 1]) {
        const regions = Array.from({ length: pools }, (_, i) => `region${i}`);
        const shape = topology([
          link({
            replicas: regions.map((r) => ({ ...vault(`kv-${r}`, r), autoCreate: false })),
          }),
        ]);
        const shares = { source, replica: 0.9 };
        const pages = allowance(new VaultSharePlan(shape, DISCOVERY, shares), 'kv-src');
        const reads = allowance(new VaultSharePlan(shape, replicator('region0'), shares), 'kv-src');
        const why = `${pools} pools at ${source}: ${pages.transactionsPerWindow} pages, ${reads.transactionsPerWindow} reads`;
        assert.ok(pages.transactionsPerWindow * LIST_PAGE_SIZE >= reads.transactionsPerWindow, why);
        const total = pages.transactionsPerWindow + pools * reads.transactionsPerWindow;
        assert.ok(total <= Math.floor(4000 * source + 1e-9), `${why}: ${total} over the share`);
      }
  });

  it('at sourceShare 0.1 with three pools: 6 pages (150 objects) and 131 reads each, 399 of 400 (was 5 pages, 125)', () => {
    const shares = { source: 0.1, replica: 0.9 };
    const pages = allowance(new VaultSharePlan(topology(), DISCOVERY, shares), 'kv-src');
    const reads = allowance(new VaultSharePlan(topology(), replicator('eastus'), shares), 'kv-src');
    assert.deepEqual([pages.transactionsPerWindow, reads.transactionsPerWindow], [6, 131]);
  });

  it('reads the role from the configuration: sourceShare and replicaShare take effect', () => {
    const plan = new VaultSharePlan(topology(), ALL, { source: 0.2, replica: 0.6 });
    assert.equal(allowance(plan, 'kv-src').transactionsPerWindow, 800);
    assert.equal(allowance(plan, 'kv-northeurope').transactionsPerWindow, 2400);
    assert.throws(() => new VaultSharePlan(topology(), ALL, { source: 0, replica: 1 }), /shares/);
    for (const over of [
      { source: 1.5, replica: 0.9 },
      { source: 0.5, replica: 1.01 },
    ])
      assert.throws(() => new VaultSharePlan(topology(), ALL, over), /shares must be in \(0, 1\]/);
    assert.doesNotThrow(() => new VaultSharePlan(topology(), ALL, { source: 1, replica: 1 }));
    // 300 × 0.57 is 170.99999999999997 in binary: the share's 171 creates, not 170.
    const odd = new VaultSharePlan(topology(), ALL, { source: 0.5, replica: 0.57 });
    assert.equal(allowance(odd, 'kv-eastus').createsPerWindow, 171);
  });

  it('treats both vaults of a two-way link as sources read by both regions', () => {
    const twoWay = link({
      mode: 'two-way',
      replicas: [{ ...vault('kv-neu', 'northeurope'), autoCreate: false }],
    });
    const westPool = new VaultSharePlan(topology([twoWay]), replicator('westeurope'), SHARES);
    // 2,000: discovery ceil(2,000 × 0.04 / 2.04) = 40, each of two pools half of 1,960.
    assert.equal(allowance(westPool, 'kv-neu').transactionsPerWindow, 980);
    assert.equal(allowance(westPool, 'kv-src').transactionsPerWindow, 980);
    assert.equal(
      allowance(westPool, 'kv-src').createsPerWindow,
      150,
      'the west pool is its only writer',
    );
    assert.equal(
      allowance(westPool, 'kv-neu').createsPerWindow,
      Math.floor((150 * 980) / 2000),
      'the north pool writes kv-neu: the west pool creates in proportion to its reads',
    );
  });

  it('gives a vault the configuration does not name the smallest slice any participant gets', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    const unknown = allowance(pool, 'kv-from-arm').transactionsPerWindow;
    assert.ok(unknown <= allowance(pool, 'kv-src').transactionsPerWindow);
    const stranger = new VaultSharePlan(topology(), replicator('brazilsouth'), SHARES);
    // A lister's slice of 2,000 beside 3.04 participants: floor(2,000 × 0.04 / 3.08) = 25.
    assert.equal(allowance(stranger, 'kv-src').transactionsPerWindow, 25);
  });

  it('gives one process running every service the whole share of a vault the configuration does not name', () => {
    const plan = new VaultSharePlan(topology(), ALL, SHARES);
    assert.deepEqual(allowance(plan, 'kv-from-arm'), {
      transactionsPerWindow: 2000,
      createsPerWindow: 150,
    });
    // Discovery alone still lists it at its lister's slice, rounded up: ceil(2,000 × 0.04 / 3.04).
    const discovery = new VaultSharePlan(topology(), DISCOVERY, SHARES);
    assert.equal(allowance(discovery, 'kv-from-arm').transactionsPerWindow, 27);
  });

  it('gives the configuration’s only writing pool every create of a vault the configuration does not name', () => {
    const oneRegion = topology([
      link({ replicas: [{ ...vault('kv-eastus', 'eastus'), autoCreate: false }] }),
    ]);
    const pool = new VaultSharePlan(oneRegion, replicator('eastus'), SHARES);
    // Reads: 2,000 less discovery's ceil(2,000 × 0.04 / 1.04) = 77; creates: all 150 of the share.
    assert.deepEqual(allowance(pool, 'kv-from-arm'), {
      transactionsPerWindow: 1923,
      createsPerWindow: 150,
    });
  });

  it('splits a source that two links read between the pools of both links', () => {
    const twoLinks = topology([
      link({ replicas: [{ ...vault('kv-northeurope', 'northeurope'), autoCreate: false }] }),
      link({ name: 'weu-2', replicas: [{ ...vault('kv-eastus', 'eastus'), autoCreate: false }] }),
    ]);
    // 2,000: discovery ceil(2,000 × 0.04 / 2.04) = 40, each of the two pools half of 1,960.
    for (const region of ['northeurope', 'eastus'])
      assert.equal(
        allowance(new VaultSharePlan(twoLinks, replicator(region), SHARES), 'kv-src')
          .transactionsPerWindow,
        980,
        region,
      );
  });

  describe('a replica that another link reads from (kv-src → kv-mid → kv-far)', () => {
    const chain = topology([
      link({ replicas: [{ ...vault('kv-mid', 'eastus'), autoCreate: false }] }),
      link({
        name: 'onward',
        source: vault('kv-mid', 'eastus'),
        replicas: [{ ...vault('kv-far', 'southeastasia'), autoCreate: false }],
      }),
    ]);

    it('is paced as a source, and so is its subscription and region', () => {
      const plan = new VaultSharePlan(chain, ALL, SHARES);
      assert.equal(allowance(plan, 'kv-mid').transactionsPerWindow, 2000, '50 %, not 90 %');
      assert.equal(
        plan.subscriptionAllowanceOf({ subscriptionId: SUB, region: 'eastus' }, KV)
          .transactionsPerWindow,
        10_000,
        '5 × 4,000 × 50 %',
      );
    });

    it('is split between the pool that writes it and the pool that reads it', () => {
      const writer = new VaultSharePlan(chain, replicator('eastus'), SHARES);
      // 2,000: discovery ceil(2,000 × 0.04 / 2.04) = 40, each pool half of 1,960.
      assert.equal(allowance(writer, 'kv-mid').transactionsPerWindow, 980);
      // East US scope, 10,000: discovery ceil(10,000 × 0.04 / 2.04) = 197, each pool half of 9,803.
      assert.equal(
        writer.subscriptionAllowanceOf({ subscriptionId: SUB, region: 'eastus' }, KV)
          .transactionsPerWindow,
        4901,
      );
    });
  });

  it('splits the subscription-wide budget over the participants of the vaults in that scope', () => {
    const pool = new VaultSharePlan(topology(), replicator('eastus'), SHARES);
    // West Europe: 5 × 4,000 × 0.5 = 10,000; discovery ceil(131.6) = 132, each pool 3,289.
    assert.equal(
      pool.subscriptionAllowanceOf({ subscriptionId: SUB, region: 'westeurope' }, KV)
        .transactionsPerWindow,
      3289,
    );
    // East US: 5 × 4,000 × 0.9 = 18,000; discovery ceil(692.3) = 693.
    assert.equal(
      pool.subscriptionAllowanceOf({ subscriptionId: SUB.toUpperCase(), region: 'East US' }, KV)
        .transactionsPerWindow,
      18_000 - 693,
    );
  });
});

describe('splitWhole', () => {
  it('rounds listers up and pools down, never handing out more than the budget', () => {
    const weights = new Map([
      ['discovery', DISCOVERY_WEIGHT],
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    assert.deepEqual(
      [...splitWhole(400, weights)],
      [
        ['discovery', 6],
        ['a', 131],
        ['b', 131],
        ['c', 131],
      ],
    );
    assert.deepEqual([...splitWhole(1, weights).values()], [1, 0, 0, 0]);
  });

  it('rounds a lister’s slice that is already whole to itself, not a request more', () => {
    // 104 × 0.04 / 1.04 is exactly 4 pages: the pool keeps the other 100.
    const weights = new Map([
      ['discovery', DISCOVERY_WEIGHT],
      ['pool', 1],
    ]);
    assert.deepEqual(
      [...splitWhole(104, weights)],
      [
        ['discovery', 4],
        ['pool', 100],
      ],
    );
  });

  it('splits what the listers leave between pools in proportion to their weights', () => {
    const weights = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    assert.deepEqual(
      [...splitWhole(300, weights)],
      [
        ['a', 100],
        ['b', 200],
      ],
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

  it('keeps the source under its 2,000-request share with four processes, and uses ≥ 99 % of it', async () => {
    const clock = new ManualClock();
    const processes = [DISCOVERY, ...REGIONS.map(replicator)];
    const { admitted, runs } = await firstWindow(clock, processes, [30, 700, 700, 700]);
    const total = admitted.reduce((a, b) => a + b, 0);
    assert.deepEqual(admitted, [27, 657, 657, 657], 'discovery rounded up, the pools down');
    assert.ok(total <= 2000 && total >= 0.99 * 2000, `${total} in the first window`);
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
