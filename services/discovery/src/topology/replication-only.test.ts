import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, type ArmVault, type SecretTaskData } from '@akv-replicator/core';
import { ack, createMemoryBus } from '@akv-replicator/bus';
import { eventually } from '@akv-replicator/bus/testing';
import { S, discoveryOver, resolver, uriFor } from './topology-test-fixtures';

// Issue #21: a replica a selection resolves is named nowhere in the configuration, so only
// discovery, from ARM, can tell the workers it serves replication alone (its budget share).

const arm = (name: string, location: string, resourceGroup: string): ArmVault => ({
  name,
  location,
  subscriptionId: S,
  resourceGroup,
  uri: uriFor(name),
});
/** Sources in West Europe's rg-src; their replicas in North Europe and East US (rg-dr). */
const WORLD = [
  arm('kv-a', 'westeurope', 'rg-src'),
  arm('kv-b', 'westeurope', 'rg-src'),
  ...['kv-a', 'kv-b'].flatMap((name) => [
    arm(`${name}-northeurope`, 'northeurope', 'rg-dr'),
    arm(`${name}-eastus`, 'eastus', 'rg-dr'),
  ]),
];
const SELECTION = `sources:
  - name: all-src
    selectionMode: all
    resourceGroup: rg-src
    destinations:
      - { region: northeurope, resourceGroup: rg-dr, namingPattern: '{source_name}-{region}' }
      - { region: eastus, resourceGroup: rg-dr, namingPattern: '{source_name}-{region}' }
`;

async function marks(yaml: string, vaults: ArmVault[] | undefined) {
  const { links } = await resolver(yaml, vaults).resolve(true);
  return Object.fromEntries(
    links.map((link) => [
      `${link.source.name} → ${link.replica.name}`,
      link.replica.replicationOnly ?? 'unmarked',
    ]),
  );
}

describe('discovery marks the replicas only replication uses', () => {
  it('marks every replica of a selection, and each region that holds nothing else', async () => {
    const only = { vault: true, subscriptionRegion: true };
    assert.deepEqual(await marks(SELECTION, WORLD), {
      'kv-a → kv-a-northeurope': only,
      'kv-a → kv-a-eastus': only,
      'kv-b → kv-b-northeurope': only,
      'kv-b → kv-b-eastus': only,
    });
  });

  it('leaves the region unmarked when another vault there serves anything else', async () => {
    const found = await marks(SELECTION, [...WORLD, arm('kv-payments', 'East US', 'rg-apps')]);
    assert.deepEqual(found['kv-a → kv-a-eastus'], { vault: true, subscriptionRegion: false });
    assert.deepEqual(found['kv-a → kv-a-northeurope'], { vault: true, subscriptionRegion: true });
  });

  it('does not mark a replica some link reads (a chain), nor its region', async () => {
    const chain = `links:
  - name: onward
    source: { vault: kv-a-eastus, region: eastus, subscriptionId: ${S} }
    replicas: [{ vault: kv-far, region: brazilsouth, subscriptionId: ${S} }]
${SELECTION}`;
    const found = await marks(chain, [...WORLD, arm('kv-far', 'brazilsouth', 'rg-dr')]);
    assert.equal(found['kv-a → kv-a-eastus'], 'unmarked');
    assert.deepEqual(found['kv-b → kv-b-eastus'], { vault: true, subscriptionRegion: false });
    assert.deepEqual(found['kv-a-eastus → kv-far'], { vault: true, subscriptionRegion: true });
  });

  it('does not mark a replica that is the source of a link refused at run time', async () => {
    // kv-a-eastus and kv-q both name kv-x in their tags: two sources for one replica, both
    // refused. kv-a-eastus was meant to be read, so it keeps the source's slice.
    const tagged = `${SELECTION}  - name: by-tag
    selectionMode: all
    resourceGroup: rg-dr
    destinationsFromTag: true
`;
    const vaults = [
      ...WORLD.map((vault) =>
        vault.name === 'kv-a-eastus' ? { ...vault, tags: { dst_key_vault_names: 'kv-x' } } : vault,
      ),
      { ...arm('kv-q', 'eastus', 'rg-dr'), tags: { dst_key_vault_names: 'kv-x' } },
      arm('kv-x', 'brazilsouth', 'rg-dr'),
    ];
    const found = await marks(tagged, vaults);
    assert.equal(found['kv-a-eastus → kv-x'], undefined, 'refused');
    assert.equal(found['kv-a → kv-a-eastus'], 'unmarked');
    assert.deepEqual(found['kv-b → kv-b-eastus'], { vault: true, subscriptionRegion: false });
  });

  it('does not mark either vault of a two-way link', async () => {
    const twoWay = `links:
  - name: pair
    mode: two-way
    source: { vault: kv-a, region: westeurope, subscriptionId: ${S} }
    replicas: [{ vault: kv-a-eastus, region: eastus, subscriptionId: ${S} }]
`;
    assert.deepEqual(await marks(twoWay, WORLD), {
      'kv-a → kv-a-eastus': 'unmarked',
      'kv-a-eastus → kv-a': 'unmarked',
    });
  });

  it('marks nothing without ARM: the configuration names every vault then', async () => {
    const fixed = `links:
  - name: fixed
    source: { vault: kv-a, region: westeurope }
    replicas: [{ vault: kv-a-eastus, region: eastus }]
`;
    assert.deepEqual(await marks(fixed, undefined), { 'kv-a → kv-a-eastus': 'unmarked' });
  });

  it('sends the mark with each task, so the worker’s pacer sees it', async () => {
    const bus = createMemoryBus();
    const tasks: SecretTaskData[] = [];
    await bus.subscribe(
      TOPICS.secretTasks,
      { subscription: 't', routingKeys: ['northeurope', 'eastus'] },
      (envelope) => {
        if (envelope.type === 'akv.secret.task.v1') tasks.push(envelope.data);
        return Promise.resolve(ack());
      },
    );
    const { app, start } = discoveryOver(SELECTION, WORLD, bus);
    await start();
    try {
      await app.reconciler.run({ trigger: { kind: 'reconcile', id: 'r1' } });
      await eventually(
        'both replicas planned',
        () => (tasks.length >= 2 ? tasks : undefined),
        20_000,
      );
      assert.deepEqual(
        tasks.map((task) => [task.replica.name, task.replica.replicationOnly]).sort(),
        [
          ['kv-a-eastus', { vault: true, subscriptionRegion: true }],
          ['kv-a-northeurope', { vault: true, subscriptionRegion: true }],
        ],
      );
    } finally {
      await app.stop();
      await bus.close();
    }
  });
});
