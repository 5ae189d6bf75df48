import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@akv-replicator/core/testing';
import { SUBSCRIPTION_LIMIT_MULTIPLIER } from './subscription-budget';
import { VaultPacers } from './vault-pacers';

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const SUB = '00000000-0000-4000-8000-0000000000a1';

/** Ten vaults, each asked for its full per-vault share at once. */
async function burst(pacers: VaultPacers, scopeOf: (i: number) => object, kind: 'read' | 'create') {
  const done: number[] = [];
  const all: Promise<unknown>[] = [];
  for (let v = 0; v < 10; v++) {
    const pacer = pacers.for(`kv-${v}`, `https://kv-${v}.vault.azure.net`, scopeOf(v));
    for (let i = 0; i < 10; i++) all.push(pacer.run(kind, async () => done.push(v)));
  }
  return { done, all };
}

describe('subscription-wide pacing (5× the per-vault limit per subscription and region)', () => {
  it('holds ten vaults of one subscription and region to five vaults’ worth per window', async () => {
    const clock = new ManualClock();
    const pacers = new VaultPacers({
      transactionsPerWindow: 10,
      createsPerWindow: 10,
      utilization: 1,
      clock,
    });
    const { done, all } = await burst(
      pacers,
      () => ({ subscriptionId: SUB, region: 'westeurope' }),
      'read',
    );
    await settle();
    assert.equal(done.length, 10 * SUBSCRIPTION_LIMIT_MULTIPLIER, '50 of 100 in the first 10 s');
    await clock.advanceAsync(9_999);
    await settle();
    assert.equal(done.length, 50, 'nothing more before the window slides');
    await clock.advanceAsync(1);
    await Promise.all(all);
    assert.equal(done.length, 100);
  });

  it('counts creates against the subscription’s create limit too (utilization applied)', async () => {
    const clock = new ManualClock();
    const pacers = new VaultPacers({
      transactionsPerWindow: 1000,
      createsPerWindow: 10,
      utilization: 0.5,
      clock,
    });
    const { done, all } = await burst(
      pacers,
      () => ({ subscriptionId: SUB, region: 'westeurope' }),
      'create',
    );
    await settle();
    // Per vault 5 (10 × 0.5); subscription 25 (10 × 5 × 0.5).
    assert.equal(done.length, 25);
    await clock.advanceAsync(10_000);
    await settle();
    assert.equal(done.length, 50);
    await clock.advanceAsync(20_000);
    await Promise.all(all);
    assert.equal(done.length, 100, 'four windows for 100 creates at 25 per window');
  });

  it('applies the utilization to the subscription’s transactions too: half of 5 × 10 is 25 reads per window', async () => {
    const clock = new ManualClock();
    const pacers = new VaultPacers({
      transactionsPerWindow: 10,
      createsPerWindow: 10,
      utilization: 0.5,
      clock,
    });
    const { done, all } = await burst(
      pacers,
      () => ({ subscriptionId: SUB, region: 'westeurope' }),
      'read',
    );
    await settle();
    // Per vault 5 (10 × 0.5), ten vaults 50; the subscription's share 25 (10 × 5 × 0.5).
    assert.equal(done.length, 25);
    await clock.advanceAsync(30_000);
    await Promise.all(all);
    assert.equal(done.length, 100);
  });

  it('keeps regions and subscriptions apart, and paces only per vault when the scope is unknown', async () => {
    const clock = new ManualClock();
    const pacers = new VaultPacers({
      transactionsPerWindow: 10,
      createsPerWindow: 10,
      utilization: 1,
      clock,
    });
    // Vaults 0-4 in West Europe, 5-9 in North Europe (same subscription): 50 each, all pass.
    const regions = await burst(
      pacers,
      (v) => ({ subscriptionId: SUB, region: v < 5 ? 'westeurope' : 'northeurope' }),
      'read',
    );
    await settle();
    assert.equal(regions.done.length, 100);
    await Promise.all(regions.all);

    const unscoped = new VaultPacers({
      transactionsPerWindow: 10,
      createsPerWindow: 10,
      utilization: 1,
      clock,
    });
    const unknown = await burst(unscoped, () => ({ region: 'westeurope' }), 'read');
    await settle();
    assert.equal(unknown.done.length, 100, 'no subscription known: per-vault limits only');
    await Promise.all(unknown.all);
  });

  it('shares one budget whatever the case of the subscription id or the region spelling', () => {
    const pacers = new VaultPacers({
      transactionsPerWindow: 10,
      createsPerWindow: 10,
      utilization: 1,
    });
    const a = pacers.budgetFor({ subscriptionId: SUB.toUpperCase(), region: 'West Europe' });
    const b = pacers.budgetFor({ subscriptionId: SUB, region: 'westeurope' });
    assert.ok(a && a === b);
    assert.equal(a.transactions.limit, 50);
  });
});
