import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfigText } from '@akv-replicator/core';
import { AlwaysLeader, LeaseCampaign, type LeadershipListener } from '@akv-replicator/leases';
import { electionFromConfig } from './election-from-config';

const LINK =
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: westus }]\n';
const config = (yaml: string) => loadConfigText(`${yaml}\n${LINK}`, { env: {} }).config;
const listener: LeadershipListener = { onStartedLeading: () => {}, onStoppedLeading: () => {} };

describe('discovery.leaderElection.kind chooses the election', () => {
  it('none: always leading, the one-instance default', async () => {
    const election = await electionFromConfig(config(''), listener, {});
    assert.ok(election instanceof AlwaysLeader);
  });

  it('nats: a lease campaign on the bus connection, refused on a bus without one', async () => {
    const nats = config(
      'bus: { transport: nats, nats: { servers: ["nats://127.0.0.1:1"] } }\ndiscovery: { leaderElection: { kind: nats } }',
    );
    // A connection is only used once the campaign starts; this one is never started.
    const election = await electionFromConfig(nats, listener, {
      natsConnection: {} as never,
    });
    assert.ok(election instanceof LeaseCampaign);
    // The NATS bus's own connection is found without the caller passing it.
    const natsBus = { connection: { request: () => {}, isClosed: () => false } } as never;
    assert.ok(
      (await electionFromConfig(nats, listener, { bus: natsBus })) instanceof LeaseCampaign,
    );
    await assert.rejects(
      electionFromConfig(nats, listener, { bus: {} as never }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /discovery\.leaderElection\.kind: .*NATS connection, and this nats bus exposes none/.test(
          error.message,
        ),
    );
  });

  it('azure-blob: a lease campaign on a blob; without the secret source or credential it needs, refused naming the key', async () => {
    const byConnection = config(
      'discovery: { leaderElection: { kind: azure-blob, azureBlob: { connectionString: { fromEnv: LEASE_STORAGE }, containerName: leases } } }',
    );
    const secrets = {
      env: { LEASE_STORAGE: 'UseDevelopmentStorage=true' },
      readFile: () => Promise.reject(new Error('none')),
    };
    // Nothing is called before the campaign starts; this one is never started.
    assert.ok(
      (await electionFromConfig(byConnection, listener, { secrets })) instanceof LeaseCampaign,
    );
    await assert.rejects(
      electionFromConfig(byConnection, listener, {}),
      (error: unknown) =>
        error instanceof ConfigError &&
        /discovery\.leaderElection\.azureBlob\.connectionString: no secret source/.test(
          error.message,
        ),
    );
    const byUrl = config(
      'discovery: { leaderElection: { kind: azure-blob, azureBlob: { blobContainerUrl: "https://st.blob.core.windows.net/leases", tenant: ops } } }',
    );
    const asked: (string | undefined)[] = [];
    const credentialFor = (tenant: string | undefined) => {
      asked.push(tenant);
      return { getToken: () => Promise.resolve(null) };
    };
    assert.ok(
      (await electionFromConfig(byUrl, listener, { credentialFor })) instanceof LeaseCampaign,
    );
    assert.deepEqual(asked, ['ops'], "the configured tenant's credential");
    await assert.rejects(
      electionFromConfig(byUrl, listener, {}),
      /discovery\.leaderElection\.azureBlob\.blobContainerUrl: no Azure credential/,
    );
  });

  it('kubernetes-lease: refused outside a pod, naming the key', async () => {
    await assert.rejects(
      electionFromConfig(
        config('discovery: { leaderElection: { kind: kubernetes-lease } }'),
        listener,
        {},
      ),
      (error: unknown) =>
        error instanceof ConfigError &&
        /discovery\.leaderElection\.kind: kubernetes-lease runs in a pod/.test(error.message),
    );
  });
});
