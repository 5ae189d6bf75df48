import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, createEnvelope, loadConfigText } from '@akv-replicator/core';
import { eventually } from '@akv-replicator/bus/testing';
import { connectNatsBus, type NatsBus } from '@akv-replicator/bus-nats';
import { MemorySecretStore, type VaultAddress } from '@akv-replicator/keyvault';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { createDiscoveryApp, type DiscoveryApp } from '../app';
import { BOARD_OF_HEADER } from './leader-forward';
import type { ObjectsReport, StatusReport } from './status-model';

const TOKEN = 'ha-status-token-9';
const SECRETS = ['alpha', 'bravo', 'charlie', 'delta'];
/** Only ends a failing run: a loaded machine delivers and elects slower, never a pass bound. */
const WAIT_MS = 30_000;
let server: NatsServer;
const buses: NatsBus[] = [];
const apps: DiscoveryApp[] = [];

before(async () => {
  server = await startNats();
});
after(async () => {
  for (const app of apps) await app.stop();
  for (const bus of buses) await bus.close();
  await server?.stop();
});

/** The source vault both instances list (one process: the same memory stores). */
const vaults = new Map<string, MemorySecretStore>();
const store = (vault: VaultAddress) => {
  let found = vaults.get(vault.name);
  if (!found) vaults.set(vault.name, (found = new MemorySecretStore(vault.name)));
  return found;
};

/** One discovery instance with its own NATS connection, electing on the bus's KV. */
async function instance(): Promise<DiscoveryApp> {
  const loaded = loadConfigText(
    `bus: { transport: nats, nats: { servers: ["${server.url}"], prefix: sha } }
discovery: { leaderElection: { kind: nats, leaseSeconds: 3, renewSeconds: 1 } }
replication: { reconcile: { suspend: true, onStart: false } }
links: [{ name: l, source: { vault: kv-src }, replicas: [{ vault: kv-dst, region: northeurope }] }]
status: { enabled: true, host: 127.0.0.1, port: 0, token: { fromEnv: STATUS_TOKEN } }
`,
    { env: {} },
  );
  const bus = await connectNatsBus({ servers: [server.url], prefix: 'sha' });
  buses.push(bus);
  const app = createDiscoveryApp(loaded.config, {
    topology: loaded.topology,
    bus,
    stores: store,
    uriFor: (name) => `https://${name}.vault.test`,
    secrets: { env: { STATUS_TOKEN: TOKEN }, readFile: () => Promise.reject(new Error('none')) },
  });
  apps.push(app);
  await app.start();
  return app;
}

const read = async <T>(app: DiscoveryApp, path: string) => {
  const response = await fetch(`${app.statusUrl}${path}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return {
    status: response.status,
    boardOf: response.headers.get(BOARD_OF_HEADER),
    body: (await response.json()) as T,
  };
};

it('two discovery instances on NATS: the follower serves the leader’s board, every outcome reaches it, and after a handover the new leader serves its own', async () => {
  const a = await instance();
  await eventually('a leads', async () => a.isLeader, WAIT_MS);
  const b = await instance();
  // The follower's election has read the holder once it answers with a board.
  await eventually(
    'b knows the leader',
    async () => (await read(b, '/status')).status === 200,
    WAIT_MS,
  );
  assert.equal(b.isLeader, false);

  const source = store({ name: 'kv-src', uri: 'https://kv-src.vault.test' });
  for (const name of SECRETS) await source.setSecret(name, 'x', { enabled: true, tags: {} });
  await a.reconciler.run({ trigger: { kind: 'reconcile', id: 'r1' } });

  const viaFollower = await read<StatusReport>(b, '/status');
  assert.equal(viaFollower.status, 200);
  assert.match(viaFollower.boardOf ?? '', /@127\.0\.0\.1:\d+$/, 'the leader, with its address');
  assert.equal(viaFollower.boardOf, (await read(a, '/status')).boardOf);
  assert.equal(viaFollower.body.rebuilding, false, 'the leader listed; the follower never did');
  assert.equal(viaFollower.body.totals.pending, SECRETS.length);

  // Outcomes for every task: the shared board subscription is the leader's alone, so none is
  // taken by the follower's (unfed) board and the leader's reads in sync.
  const objects = await read<ObjectsReport>(b, '/status/objects');
  for (const object of objects.body.objects)
    await buses[0]!.publish(TOPICS.outcomes, outcome(object.name, object.taskId!));
  await eventually(
    'the board read through the follower to be in sync',
    async () => (await read<StatusReport>(b, '/status')).body.inSync,
    WAIT_MS,
  );

  // The leader stops (releasing the lease): b takes over and serves its own board.
  await a.stop();
  apps.splice(apps.indexOf(a), 1);
  await eventually('b leads', async () => b.isLeader, WAIT_MS);
  const own = await read<StatusReport>(b, '/status');
  assert.equal(own.status, 200);
  assert.notEqual(own.boardOf, viaFollower.boardOf, 'b’s own board now');
  assert.ok(own.boardOf?.endsWith(new URL(b.statusUrl!).host), own.boardOf ?? '');
});

function outcome(objectName: string, taskId: string) {
  return createEnvelope(
    'akv.outcome.v1',
    {
      outcomeId: `outcome-${objectName}`,
      status: 'success',
      action: 'created',
      service: 'replicator',
      link: 'l',
      objectKind: 'secret',
      objectName,
      source: { name: 'kv-src' },
      replica: { name: 'kv-dst', region: 'northeurope' },
      taskId,
      at: new Date().toISOString(),
    },
    { id: `outcome-${objectName}`, source: '/test' },
  );
}
