import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_HISTORY_MAX_VERSIONS,
  TOPICS,
  createEnvelope,
  loadConfigText,
  type AnyEnvelope,
  type OutcomeData,
  type SecretTaskData,
} from '@akv-replicator/core';
import { ack, createMemoryBus, type MemoryBus } from '@akv-replicator/bus';
import { eventually } from '@akv-replicator/bus/testing';
import {
  MemorySecretStore,
  MemoryVaultDirectory,
  type VaultAddress,
} from '@akv-replicator/keyvault';
import { createDiscoveryApp, type DiscoveryApp } from '../app';

const SUB = '00000000-0000-4000-8000-00000000000a';
const TENANT = '00000000-0000-4000-8000-0000000000aa';

let bus: MemoryBus;
let vaults: Map<string, MemorySecretStore>;
let directory: MemoryVaultDirectory;
let tasks: SecretTaskData[];
let outcomes: OutcomeData[];
let app: DiscoveryApp;

const vault = (name: string) => {
  let store = vaults.get(name);
  if (!store) vaults.set(name, (store = new MemorySecretStore(name)));
  return store;
};

/** Discovery alone over the memory bus, in-memory vaults and an in-memory ARM. */
async function discovery(replication: string, replica = 'kv-dst', autoCreate = false) {
  const loaded = loadConfigText(
    `tenants: { default: { tenantId: ${TENANT} } }
replication: { reconcile: { suspend: true, onStart: false }, ${replication} }
links:
  - name: l
    source: { vault: kv-src, subscriptionId: ${SUB} }
    replicas: [{ vault: ${replica}, region: northeurope, subscriptionId: ${SUB}, resourceGroup: rg, autoCreate: ${autoCreate} }]
`,
    { env: {} },
  );
  app = createDiscoveryApp(loaded.config, {
    topology: loaded.topology,
    bus,
    stores: (v: VaultAddress) => vault(v.name),
    directory,
    uriFor: (n) => `https://${n}.vault.test`,
  });
  await app.start();
}

const collect = async () => {
  await bus.subscribe(
    TOPICS.secretTasks,
    { subscription: 't', routingKeys: ['northeurope'] },
    (e) => {
      tasks.push((e as AnyEnvelope & { data: SecretTaskData }).data);
      return Promise.resolve(ack());
    },
  );
  await bus.subscribe(TOPICS.outcomes, { subscription: 'o' }, (e) => {
    if (e.type === 'akv.outcome.v1') outcomes.push(e.data);
    return Promise.resolve(ack());
  });
};
const reconcile = (id: string, dryRun?: boolean) =>
  app.reconciler.run({ trigger: { kind: 'reconcile', id }, ...(dryRun ? { dryRun } : {}) });
const arm = (name: string) => ({
  name,
  location: 'westeurope',
  subscriptionId: SUB,
  resourceGroup: 'rg',
  uri: `https://${name}.vault.test`,
});

const newVersionEvent = () =>
  createEnvelope(
    'akv.vault.event.v1',
    {
      eventId: 'ev-1',
      kind: 'SecretNewVersionCreated',
      objectKind: 'secret',
      vault: { name: 'kv-src' },
      objectName: 'db',
      eventTime: new Date().toISOString(),
      input: 'emulator',
    },
    { id: 'ev-1', source: '/test' },
  );

describe('reconcile-runs', () => {
  beforeEach(async () => {
    bus = createMemoryBus();
    vaults = new Map();
    tasks = [];
    outcomes = [];
    directory = new MemoryVaultDirectory(
      [arm('kv-src'), arm('kv-dst')],
      (n) => `https://${n}.vault.test`,
    );
    await vault('kv-src').setSecret('db', 'x', { enabled: true, tags: {} });
    await collect();
  });
  afterEach(async () => {
    await app.stop();
    await bus.close();
  });

  describe('reconcile runs: every run repairs what it finds', () => {
    it('publishes the same drift again in a later run (the bus no longer drops it as a duplicate)', async () => {
      await discovery('dryRun: false');
      assert.equal((await reconcile('run-1')).tasks, 1);
      assert.equal((await reconcile('run-2')).tasks, 1, 'a later run is new work');
      const rerun = await reconcile('run-2');
      assert.equal(rerun.tasks, 0, 'the same run again (a redelivered command) is dropped');
      assert.equal(new Set(tasks.map((t) => t.taskId)).size, 2);
    });
  });

  describe('dry run writes nowhere, ARM included', () => {
    it('does not create a missing replica vault (autoCreate) and says it would', async () => {
      await discovery('dryRun: true', 'kv-new', true);
      const summary = await reconcile('dry-1');
      assert.equal(directory.created.length, 0, 'no ARM create');
      assert.equal(summary.tasks, 0);
      const planned = outcomes.find((o) => o.action === 'would-create');
      assert.ok(planned, JSON.stringify(outcomes));
      assert.equal(planned.dryRun, true);
      assert.match(
        planned.reason ?? '',
        /^kv-new: dry run: would create replica vault kv-new in resource group rg/,
      );
      const total = outcomes.find((o) => o.action === 'reconcile-planned');
      assert.match(total?.reason ?? '', /^dry run: /);
    });

    it('a dry-run resync on a live deployment creates nothing, and leaves the live topology alone', async () => {
      await discovery('dryRun: false', 'kv-new', true);
      await reconcile('dry-1', true);
      assert.equal(directory.created.length, 0);
      await reconcile('live-1');
      assert.deepEqual(
        directory.created.map((c) => c.name),
        ['kv-new'],
        'the live run still creates it',
      );
    });
  });

  describe('replication.history reaches the tasks', () => {
    it('carries historyMaxVersions for links with history: enabledVersions, nothing otherwise', async () => {
      await discovery('history: enabledVersions, historyMaxVersions: 3');
      await reconcile('h-1');
      assert.equal(tasks.at(-1)?.historyVersions, 3);
      // The event path carries it too.
      await bus.publish(TOPICS.vaultEvents, newVersionEvent());
      await eventually(
        'the event to plan a task',
        () => tasks.some((t) => t.trigger.kind === 'event'),
        20_000,
      );
      assert.equal(tasks.find((t) => t.trigger.kind === 'event')?.historyVersions, 3);
    });

    it('defaults the maximum', async () => {
      await discovery('history: enabledVersions');
      await reconcile('h-2');
      assert.equal(tasks.at(-1)?.historyVersions, DEFAULT_HISTORY_MAX_VERSIONS);
    });

    it('copies the latest only with history: latest (the default)', async () => {
      await discovery('historyMaxVersions: 3');
      await reconcile('h-3');
      assert.equal(tasks.at(-1)?.historyVersions, 0);
    });
  });
});
