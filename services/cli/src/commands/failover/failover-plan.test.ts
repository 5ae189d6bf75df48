import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeProvenance, PROVENANCE_TAG } from '@akv-replicator/core';
import { MemorySecretStore, VaultError } from '@akv-replicator/keyvault';
import { planFailover } from './failover-plan';

async function vaults(options: { sourceDown?: boolean } = {}) {
  let now = 1000;
  const source = new MemorySecretStore('kv-src', {
    now: () => now,
    beforeRequest: () => {
      if (options.sourceDown)
        throw new VaultError('unavailable', 'connection refused', { vault: 'kv-src' });
    },
  });
  const replica = new MemorySecretStore('kv-dr', { now: () => now });
  const copy = async (name: string, sourceUpdated: number, version = 'a'.repeat(32)) =>
    replica.setSecret(name, 'v', {
      enabled: true,
      tags: {
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: 'kv-src',
          sourceVersion: version,
          sourceUpdated,
        }),
      },
    });
  return { source, replica, copy, at: (t: number) => (now = t) };
}

describe('failover plan: what switching to the replica now would lose', () => {
  it('lists missing, older and foreign secrets, and the replica’s recovery point', async () => {
    const v = await vaults();
    for (const name of ['current', 'stale', 'absent', 'foreign'])
      await v.source.setSecret(name, 'x', { enabled: true, tags: {} });
    await v.copy('current', 1000);
    await v.copy('stale', 900);
    await v.replica.setSecret('foreign', 'y', { enabled: true, tags: {} });
    const plan = await planFailover(v.source, v.replica);
    assert.equal(plan.sourceAnswered, true);
    assert.equal(plan.inSync, 1);
    assert.deepEqual(
      plan.gaps.map((g) => `${g.name}:${g.gap}`),
      ['absent:missing', 'foreign:not-ours', 'stale:older'],
    );
    assert.equal(plan.replicaCurrentTo, 1000);
  });

  it('with the source down it says so and still gives the replica’s recovery point', async () => {
    const v = await vaults({ sourceDown: true });
    await v.copy('a', 700);
    await v.copy('b', 800);
    const plan = await planFailover(v.source, v.replica);
    assert.equal(plan.sourceAnswered, false);
    assert.match(plan.sourceError ?? '', /connection refused/);
    assert.deepEqual(plan.gaps, []);
    assert.equal(plan.replicaCurrentTo, 800);
  });
});
