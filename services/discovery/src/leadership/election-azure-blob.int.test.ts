import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '@akv-replicator/core';
import type { LeaderElection, LeadershipListener } from '@akv-replicator/leases';
import { startAzuriteBlob, type AzuriteBlob } from '@akv-replicator/test-kit';
import { electionFromConfig } from './election-from-config';

const LINK =
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: westus }]\n';
const quiet: LeadershipListener = { onStartedLeading: () => {}, onStoppedLeading: () => {} };
/** Only ends a failing run: Azurite on a loaded machine answers slower, never a pass bound. */
const WAIT_MS = 60_000;

let azurite: AzuriteBlob;
before(async () => {
  azurite = await startAzuriteBlob();
});
after(() => azurite?.stop());

async function until(what: string, check: () => boolean): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('kind azure-blob: the lease is blob <name> in the configured container; a second instance follows and names the leader; a stopped leader hands over', async () => {
  const { config } = loadConfigText(
    'discovery: { leaderElection: { kind: azure-blob, leaseSeconds: 15, renewSeconds: 1, name: dr-west, ' +
      'azureBlob: { connectionString: { fromEnv: LEASE_STORAGE }, containerName: discovery-leases } } }\n' +
      LINK,
    { env: {} },
  );
  const secrets = {
    env: { LEASE_STORAGE: azurite.connectionString },
    readFile: () => Promise.reject(new Error('none')),
  };
  const elections: LeaderElection[] = [];
  const instance = async (identity: string) => {
    const election = await electionFromConfig(config, quiet, { secrets, identity });
    elections.push(election);
    election.start();
    return election;
  };
  try {
    const a = await instance('discovery-a-1@10.0.0.1:8081');
    await until('a leads', () => a.isLeader);
    const b = await instance('discovery-b-2@10.0.0.2:8081');
    await until('b names the leader', () => b.leader === 'discovery-a-1@10.0.0.1:8081');
    assert.equal(b.isLeader, false);
    // The lease is the named blob in the named container (created by the first candidate).
    const container = await azurite.createContainer('discovery-leases');
    const blob = await container.getBlobClient('dr-west').getProperties();
    assert.equal(blob.leaseState, 'leased');
    assert.equal(blob.metadata?.holder, 'discovery-a-1@10.0.0.1:8081');
    await a.stop();
    await until('b leads after the release', () => b.isLeader);
  } finally {
    for (const election of elections) await election.stop();
  }
});
