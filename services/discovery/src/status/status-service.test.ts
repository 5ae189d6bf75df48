import { it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '@akv-replicator/core';
import { createMemoryBus } from '@akv-replicator/bus';
import { TopologyResolver } from '../topology/topology-resolver';
import { StatusService } from './status-service';
import type { StatusReport } from './status-model';

it('keeps answering with the last resolved replicas when the topology cannot be resolved; 500 before it ever was', async (t) => {
  const loaded = loadConfigText(
    `links: [{ name: l, source: { vault: kv-src }, replicas: [{ vault: kv-dst, region: northeurope }] }]
status: { enabled: true, host: 127.0.0.1, port: 0, allowUnauthenticated: true }
`,
    { env: {} },
  );
  const resolver = new TopologyResolver(loaded.topology, {
    uriFor: (name) => `https://${name}.vault.test`,
    refreshMs: 0,
  });
  const resolve = resolver.resolve.bind(resolver);
  let armDown = true;
  resolver.resolve = (...args) =>
    armDown ? Promise.reject(new Error('ARM unreachable')) : resolve(...args);
  const bus = createMemoryBus();
  const service = new StatusService(loaded.config, {
    bus,
    topology: resolver,
    secrets: { env: {}, readFile: () => Promise.reject(new Error('none')) },
    certificates: false,
  });
  await service.start();
  t.after(async () => {
    await service.stop();
    await bus.close();
  });
  assert.equal((await fetch(`${service.url}/status`)).status, 500, 'nothing known yet');
  armDown = false;
  const first = (await (await fetch(`${service.url}/status`)).json()) as StatusReport;
  assert.deepEqual(
    first.replicas.map((r) => r.replicaVault),
    ['kv-dst'],
  );
  armDown = true;
  const response = await fetch(`${service.url}/status`);
  assert.equal(response.status, 200);
  const during = (await response.json()) as StatusReport;
  assert.deepEqual(
    during.replicas.map((r) => r.replicaVault),
    ['kv-dst'],
  );
  assert.equal(during.rebuilding, true, 'still never listed: not in sync');
});
