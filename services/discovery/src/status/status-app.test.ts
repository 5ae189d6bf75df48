import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, createEnvelope, loadConfigText } from '@akv-replicator/core';
import { createMemoryBus } from '@akv-replicator/bus';
import { eventually } from '@akv-replicator/bus/testing';
import { MemorySecretStore, type VaultAddress } from '@akv-replicator/keyvault';
import { createDiscoveryApp, type DiscoveryApp } from '../app';
import type { ObjectsReport, StatusReport } from './status-model';

const TOKEN = 'app-status-token-77';
const running: DiscoveryApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
});

function discovery(status: string) {
  const loaded = loadConfigText(
    `replication: { reconcile: { suspend: true, onStart: false } }
links: [{ name: l, source: { vault: kv-src }, replicas: [{ vault: kv-dst, region: northeurope }] }]
status: ${status}
`,
    { env: {} },
  );
  const vaults = new Map<string, MemorySecretStore>();
  const store = (vault: VaultAddress) => {
    let found = vaults.get(vault.name);
    if (!found) vaults.set(vault.name, (found = new MemorySecretStore(vault.name)));
    return found;
  };
  const bus = createMemoryBus();
  const app = createDiscoveryApp(loaded.config, {
    topology: loaded.topology,
    bus,
    stores: store,
    uriFor: (name) => `https://${name}.vault.test`,
    secrets: { env: { STATUS_TOKEN: TOKEN }, readFile: () => Promise.reject(new Error('none')) },
  });
  running.push(app);
  return { app, bus, source: store({ name: 'kv-src', uri: 'https://kv-src.vault.test' }) };
}

it('status.enabled: discovery serves its board — rebuilding before the first reconcile, then the drift it listed and the task it planned', async () => {
  const { app, bus, source } = discovery(
    '{ enabled: true, host: 127.0.0.1, port: 0, token: { fromEnv: STATUS_TOKEN } }',
  );
  await app.start();
  assert.ok(app.statusUrl, 'listening');
  const get = async <T>(path: string) => {
    const response = await fetch(`${app.statusUrl}${path}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(response.status, 200);
    return (await response.json()) as T;
  };
  assert.equal((await fetch(`${app.statusUrl}/status`)).status, 401);
  const before = await get<StatusReport>('/status');
  assert.equal(before.rebuilding, true);
  assert.equal(before.inSync, false);

  await source.setSecret('db-password', 'x', { enabled: true, tags: {} });
  await app.reconciler.run({ trigger: { kind: 'reconcile', id: 'r1' } });
  const after = await get<StatusReport>('/status');
  assert.equal(after.rebuilding, false);
  assert.deepEqual(
    after.replicas.map((r) => [r.link, r.sourceVault, r.replicaVault, r.counts.pending]),
    [['l', 'kv-src', 'kv-dst', 1]],
  );
  const objects = await get<ObjectsReport>('/status/objects');
  assert.deepEqual(
    objects.objects.map((o) => [o.name, o.state]),
    [['db-password', 'pending']],
  );
  // The declared subscription receives outcomes: the board follows them.
  await bus.publish(TOPICS.outcomes, outcomeEnvelope(objects.objects[0]!.taskId!));
  // Delivery is asynchronous: the replica reads in sync once the outcome is noted. The bound
  // only ends a failing run (a memory bus delivers in milliseconds, a loaded machine is slower).
  await eventually(
    'the status page to read in sync',
    async () => (await get<StatusReport>('/status')).inSync,
    20_000,
  );
});

it('status off (the default): no endpoint', async () => {
  const { app } = discovery('{ enabled: false }');
  await app.start();
  assert.equal(app.statusUrl, undefined);
});

function outcomeEnvelope(taskId: string) {
  return createEnvelope(
    'akv.outcome.v1',
    {
      outcomeId: 'outcome-1',
      status: 'success',
      action: 'created',
      service: 'replicator',
      link: 'l',
      objectKind: 'secret',
      objectName: 'db-password',
      source: { name: 'kv-src' },
      replica: { name: 'kv-dst', region: 'northeurope' },
      taskId,
      at: new Date().toISOString(),
    },
    { id: 'outcome-1', source: '/test' },
  );
}
