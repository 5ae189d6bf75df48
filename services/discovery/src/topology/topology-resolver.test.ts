import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, loadConfigText, type ArmVault, type OutcomeData } from '@akv-replicator/core';
import { ack, createMemoryBus } from '@akv-replicator/bus';
import {
  MemorySecretStore,
  MemoryVaultDirectory,
  type VaultAddress,
} from '@akv-replicator/keyvault';
import { createDiscoveryApp } from '../app';
import { TopologyResolver } from './topology-resolver';

const S = '11111111-1111-4111-8111-111111111111';
const D = '22222222-2222-4222-8222-222222222222';
const uriFor = (name: string) => `https://${name}.vault.test`;

const arm = (name: string, tags?: Record<string, string>, subscriptionId = S): ArmVault => ({
  name,
  location: subscriptionId === S ? 'westeurope' : 'northeurope',
  subscriptionId,
  resourceGroup: 'rg',
  uri: subscriptionId === S ? uriFor(name) : `https://${name}.other-cloud.test`,
  ...(tags ? { tags } : {}),
});

function resolver(yaml: string, vaults: ArmVault[] | undefined) {
  const { topology } = loadConfigText(`azure: { sourceSubscriptionId: ${S} }\n${yaml}`, {
    env: {},
  });
  return new TopologyResolver(topology, {
    ...(vaults ? { directory: new MemoryVaultDirectory(vaults, uriFor) } : {}),
    uriFor,
    refreshMs: 0,
  });
}

const TAGGED = `sources:
  - name: tagged
    selectionMode: all
    destinationsFromTag: true
`;

describe('TopologyResolver refuses what resolves at run time into loops', () => {
  it('refuses tags that make two vaults replicate into each other, and reports both', async () => {
    const { links, warnings } = await resolver(TAGGED, [
      arm('kv-a', { dst_key_vault_names: 'kv-b' }),
      arm('kv-b', { dst_key_vault_names: 'kv-a' }),
    ]).resolve(true);
    assert.deepEqual(links, []);
    assert.deepEqual(
      warnings.map((w) => [w.link, w.code]),
      [
        ['tagged/kv-a', 'LinkConflict'],
        ['tagged/kv-b', 'LinkConflict'],
      ],
    );
    assert.match(warnings[0]!.reason, /kv-a and kv-b replicate into each other/);
  });

  it('keeps the configured link and refuses the tag that would write into its replica', async () => {
    const { links, warnings } = await resolver(
      `links:\n  - name: fixed\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-dr, region: westeurope }]\n${TAGGED}`,
      [arm('kv-a'), arm('kv-dr'), arm('kv-c', { dst_key_vault_names: 'kv-dr' })],
    ).resolve(true);
    assert.deepEqual(
      links.map((l) => `${l.name}: ${l.source.name} → ${l.replica.name}`),
      ['fixed: kv-a → kv-dr'],
    );
    assert.deepEqual(
      warnings.filter((w) => w.code === 'LinkConflict').map((w) => w.link),
      ['tagged/kv-c'],
    );
  });

  it('a selection that picks no vault is a warning', async () => {
    const { links, warnings } = await resolver(
      `sources:\n  - name: empty\n    selectionMode: all\n    resourceGroup: rg-nothing\n    destinations: [{ region: northeurope }]\n`,
      [arm('kv-a')],
    ).resolve(true);
    assert.deepEqual(links, []);
    assert.deepEqual(
      warnings.map((w) => [w.link, w.vault, w.code]),
      [['empty', '*', 'SelectionEmpty']],
    );
  });
});

describe("TopologyResolver: namingPattern '{source_name}' into another subscription", () => {
  const SAME_NAME = `sources:
  - name: dr
    selectionMode: specific
    keyvaults: [{ name: kv-a }]
    destinations: [{ region: northeurope, namingPattern: '{source_name}', subscriptionId: ${D} }]
`;

  it('replicates into the namesake at the endpoint ARM lists in the other subscription', async () => {
    const { links, warnings } = await resolver(SAME_NAME, [
      arm('kv-a'),
      arm('kv-a', undefined, D),
    ]).resolve(true);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      links.map((l) => [l.source.uri, l.replica.uri]),
      [['https://kv-a.vault.test', 'https://kv-a.other-cloud.test']],
    );
  });

  it('without ARM the replica endpoint is the source: refused, never written', async () => {
    const { links, warnings } = await resolver(SAME_NAME, undefined).resolve(true);
    assert.deepEqual(links, []);
    assert.deepEqual(
      warnings.map((w) => w.code),
      ['ReplicaIsSource'],
    );
  });
});

describe('discovery reports refused run-time links as warning outcomes', () => {
  it('publishes a LinkConflict warning (which the notifier delivers) and no task', async () => {
    const bus = createMemoryBus();
    const outcomes: OutcomeData[] = [];
    let tasks = 0;
    await bus.subscribe(TOPICS.outcomes, { subscription: 'o' }, (e) => {
      if (e.type === 'akv.outcome.v1') outcomes.push(e.data);
      return Promise.resolve(ack());
    });
    await bus.subscribe(
      TOPICS.secretTasks,
      { subscription: 't', routingKeys: ['westeurope'] },
      () => {
        tasks++;
        return Promise.resolve(ack());
      },
    );
    const stores = new Map<string, MemorySecretStore>();
    const store = (v: VaultAddress) => {
      let s = stores.get(v.name);
      if (!s) stores.set(v.name, (s = new MemorySecretStore(v.name)));
      return s;
    };
    await store({ name: 'kv-a', uri: uriFor('kv-a') }).setSecret('db', 'x', {
      enabled: true,
      tags: {},
    });
    const { config, topology } = loadConfigText(
      `azure: { sourceSubscriptionId: ${S} }\nreplication: { reconcile: { suspend: true, onStart: false } }\n${TAGGED}`,
      { env: {} },
    );
    const app = createDiscoveryApp(config, {
      topology,
      bus,
      stores: store,
      directory: new MemoryVaultDirectory(
        [
          arm('kv-a', { dst_key_vault_names: 'kv-b' }),
          arm('kv-b', { dst_key_vault_names: 'kv-a' }),
        ],
        uriFor,
      ),
      uriFor,
    });
    await app.start();
    try {
      await app.reconciler.run({ trigger: { kind: 'reconcile', id: 'r1' } });
      const conflicts = await waitFor(() => {
        const found = outcomes.filter((o) => o.code === 'LinkConflict');
        return found.length >= 2 ? found : undefined;
      });
      assert.deepEqual(
        conflicts.map((o) => [o.status, o.link]),
        [
          ['warning', 'tagged/kv-a'],
          ['warning', 'tagged/kv-b'],
        ],
      );
      assert.equal(tasks, 0);
    } finally {
      await app.stop();
      await bus.close();
    }
  });
});

/** Waits on a condition (delivery is asynchronous), never a fixed sleep. */
async function waitFor<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
