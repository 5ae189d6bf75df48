import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import { readProvenance } from '@akv-replicator/core';
import { startLocalStack, DEMO_VAULTS, type LocalStack } from 'akv-replicator';
import { quietPeriod, waitFor } from './wait-for';

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const clientOf = (s: LocalStack, vault: string) =>
  new SecretClient(s.emulator.vaultUrl(vault), s.credential, s.emulator.clientOptions());

async function versions(client: SecretClient, name: string) {
  const all = [];
  for await (const properties of client.listPropertiesOfSecretVersions(name)) all.push(properties);
  return all;
}

describe('duplicate, delayed and reordered Event Grid deliveries', () => {
  it('yield exactly one replica version per source version, ending at the latest', async () => {
    stack = await startLocalStack({
      eventChaos: { duplicateRate: 1, reorderWindowMs: 150, delayMs: 30 },
      configOverrides: { replication: { reconcile: { suspend: true, onStart: false } } },
    });
    const s = stack;
    const source = clientOf(s, DEMO_VAULTS.source.name);
    const sourceVersions: string[] = [];
    for (const value of ['v1', 'v2', 'v3'])
      sourceVersions.push((await source.setSecret('rotated', value)).properties.version!);
    for (const replica of DEMO_VAULTS.replicas) {
      const client = clientOf(s, replica.name);
      await waitFor(`${replica.name} at v3`, async () =>
        (await client.getSecret('rotated').catch(() => undefined))?.value === 'v3'
          ? true
          : undefined,
      );
    }
    // Nothing more may happen now. The chaos holds a delivery back at most reorderWindowMs +
    // delayMs = 180 ms; 1 s more lets every duplicate arrive and be handled (a handled
    // duplicate is a read and a no-op, well under 100 ms on loopback) before the count.
    await quietPeriod(1_000);
    for (const replica of DEMO_VAULTS.replicas) {
      const made = (await versions(clientOf(s, replica.name), 'rotated')).map(
        (v) => readProvenance(v.tags)?.sourceVersion,
      );
      assert.ok(made.length <= 3, `${replica.name}: ${made.length} versions`);
      assert.equal(
        new Set(made).size,
        made.length,
        `${replica.name}: no source version copied twice`,
      );
      for (const version of made) assert.ok(version && sourceVersions.includes(version));
      assert.equal((await clientOf(s, replica.name).getSecret('rotated')).value, 'v3');
    }
  });
});

describe('two-way link under concurrent writes', () => {
  it('converges both vaults to the newest write without an echo loop', async () => {
    stack = await startLocalStack({
      configOverrides: {
        replication: { reconcile: { suspend: true, onStart: false } },
        links: [
          {
            name: 'pair',
            mode: 'two-way',
            source: { vault: 'kv-demo-weu', region: 'westeurope' },
            replicas: [{ vault: 'kv-demo-neu', region: 'northeurope' }],
          },
        ],
      },
    });
    const s = stack;
    const weu = clientOf(s, 'kv-demo-weu');
    const neu = clientOf(s, 'kv-demo-neu');
    const first = await Promise.all([
      weu.setSecret('shared', 'from-weu-1'),
      neu.setSecret('shared', 'from-neu-1'),
    ]);
    // Key Vault times are whole seconds: the next write must land in a later second than both
    // first writes to be strictly newer. Wait for that second on the clock, not a fixed pause.
    const lastSecond = Math.max(
      ...first.map((w) => Math.floor(w.properties.updatedOn!.getTime() / 1000)),
    );
    await waitFor('a later whole second', async () =>
      Math.floor(Date.now() / 1000) > lastSecond ? true : undefined,
    );
    await neu.setSecret('shared', 'from-neu-2');
    await waitFor('both vaults at from-neu-2', async () => {
      const [a, b] = await Promise.all([weu.getSecret('shared'), neu.getSecret('shared')]);
      return a.value === 'from-neu-2' && b.value === 'from-neu-2' ? true : undefined;
    });
    // No echo loop: version counts stay put once converged. An echo would be a new version
    // within one event round trip (write → Event Grid → ingress → discovery → replicator, tens
    // of milliseconds on loopback); 1.5 s covers many such rounds on a loaded machine.
    const before = [(await versions(weu, 'shared')).length, (await versions(neu, 'shared')).length];
    await quietPeriod(1_500);
    const after = [(await versions(weu, 'shared')).length, (await versions(neu, 'shared')).length];
    assert.deepEqual(after, before);
    assert.ok(after[0]! <= 3 && after[1]! <= 3, `versions ${after.join('/')}`);
  });
});
