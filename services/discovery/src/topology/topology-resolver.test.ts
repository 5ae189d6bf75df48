import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, type ArmVault, type OutcomeData } from '@akv-replicator/core';
import { ack, createMemoryBus } from '@akv-replicator/bus';
import { eventually } from '@akv-replicator/bus/testing';
import { S, discoveryOver, resolver, uriFor } from './topology-test-fixtures';

const D = '22222222-2222-4222-8222-222222222222';

const arm = (name: string, tags?: Record<string, string>, subscriptionId = S): ArmVault => ({
  name,
  location: subscriptionId === S ? 'westeurope' : 'northeurope',
  subscriptionId,
  resourceGroup: 'rg',
  uri: subscriptionId === S ? uriFor(name) : `https://${name}.other-cloud.test`,
  ...(tags ? { tags } : {}),
});

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
    const { app, start } = discoveryOver(
      TAGGED,
      [arm('kv-a', { dst_key_vault_names: 'kv-b' }), arm('kv-b', { dst_key_vault_names: 'kv-a' })],
      bus,
    );
    await start();
    try {
      await app.reconciler.run({ trigger: { kind: 'reconcile', id: 'r1' } });
      const conflicts = await eventually(
        'a conflict per link',
        () => {
          const found = outcomes.filter((o) => o.code === 'LinkConflict');
          return found.length >= 2 ? found : undefined;
        },
        20_000,
      );
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
