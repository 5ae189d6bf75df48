// replication.keyVaultLimits.sourceShare / replicaShare / utilization through the pacers each
// process builds (start-services): what one process may send to a vault in one window.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '@akv-replicator/core';
import type { HostedRoles } from '@akv-replicator/keyvault';
import { vaultPacers } from './stores';

const config = (limits: string) => `
links:
  - name: app
    source: { vault: kv-app-weu }
    replicas:
      - { vault: kv-app-neu, region: northeurope }
      - { vault: kv-app-eus, region: eastus }
replication: { objectKinds: [secrets], keyVaultLimits: { transactionsPer10s: 1000${limits} } }
`;
const ALL: HostedRoles = {
  discovery: true,
  workers: ['northeurope', 'eastus'].map((region) => ({ service: 'replicator', region })),
};
const EASTUS: HostedRoles = {
  discovery: false,
  workers: [{ service: 'replicator', region: 'eastus' }],
};

/** Reads the pacer lets through at once; the rest wait for the (long) window and are aborted. */
async function admittedAtOnce(limits: string, hosted: HostedRoles | undefined, vault: string) {
  const loaded = loadConfigText(config(limits), { env: {} });
  const pacers = vaultPacers(loaded, { pacing: { windowMs: 600_000 } }, hosted);
  const pacer = pacers.for(vault, `https://${vault}.vault.azure.net`);
  const abort = new AbortController();
  let admitted = 0;
  const runs = Array.from({ length: 1200 }, () =>
    pacer.run('read', async () => admitted++, abort.signal).catch(() => undefined),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  abort.abort();
  await Promise.all(runs);
  return admitted;
}

describe('keyVaultLimits shares (1,000 transactions per window)', () => {
  it('defaults: 50 % of a source and 90 % of a replica when every service runs here', async () => {
    assert.equal(await admittedAtOnce('', ALL, 'kv-app-weu'), 500);
    assert.equal(await admittedAtOnce('', ALL, 'kv-app-eus'), 900);
  });

  it('sourceShare and replicaShare set those shares', async () => {
    const limits = ', sourceShare: 0.3, replicaShare: 0.6';
    assert.equal(await admittedAtOnce(limits, ALL, 'kv-app-weu'), 300);
    assert.equal(await admittedAtOnce(limits, ALL, 'kv-app-neu'), 600);
  });

  it('one regional replicator gets its slice of the source: one of two pools and discovery', async () => {
    // 500 × 1 / (2 + 1/25) = 245.1
    assert.equal(await admittedAtOnce('', EASTUS, 'kv-app-weu'), 245);
    // Its own replica, listed by discovery too: 900 × 1 / (1 + 1/25) = 865.4
    assert.equal(await admittedAtOnce('', EASTUS, 'kv-app-eus'), 865);
  });

  it('utilization, when given, is the share of every vault', async () => {
    assert.equal(await admittedAtOnce(', utilization: 0.7', ALL, 'kv-app-weu'), 700);
    assert.equal(await admittedAtOnce(', utilization: 0.7', ALL, 'kv-app-eus'), 700);
  });

  it('without knowing what the process runs (status), the smaller share everywhere', async () => {
    assert.equal(await admittedAtOnce('', undefined, 'kv-app-eus'), 500);
  });
});
