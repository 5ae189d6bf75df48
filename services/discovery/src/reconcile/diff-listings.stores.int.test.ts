// The reconcile diff and its mass-deletion breaker on real listings from both store kinds
// (issue #25): the in-memory store and the paced Azure SDK adapter over the Key Vault emulator,
// with more secrets than one listing page ("If not specified, the service will return up to 25
// results", https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-secrets/get-secrets),
// so a diff that read only the first page would miss deletions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROVENANCE_TAG, compileFilter, encodeProvenance } from '@akv-replicator/core';
import {
  MemorySecretStore,
  createSecretStoreProvider,
  type SecretStore,
} from '@akv-replicator/keyvault';
import { collect, eventually } from '@akv-replicator/keyvault/testing';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { diffListings, type DiffOptions } from './diff-listings';

interface Pair {
  readonly source: SecretStore;
  readonly replica: SecretStore;
}
const COUNT = 30; // more than one page of 25
const OTHER_VERSION = 'fedcba9876543210fedcba9876543210';
const names = Array.from({ length: COUNT }, (_, i) => `s${String(i).padStart(2, '0')}`);

/** Source secrets with replicas that carry our current provenance, plus 3 copies from kv-other. */
async function seed(pair: Pair): Promise<void> {
  for (const name of names) {
    const written = await pair.source.setSecret(name, 'v', { enabled: true, tags: {} });
    await pair.replica.setSecret(name, 'v', {
      enabled: true,
      tags: {
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: pair.source.vaultName,
          sourceVersion: written.version,
          sourceUpdated: written.updated,
        }),
      },
    });
  }
  for (const name of ['o1', 'o2', 'o3']) {
    await pair.replica.setSecret(name, 'theirs', {
      enabled: true,
      tags: {
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: 'kv-other',
          sourceVersion: OTHER_VERSION,
          sourceUpdated: 1,
        }),
      },
    });
  }
}

async function deleteAtSource(pair: Pair, doomed: string[]): Promise<void> {
  for (const name of doomed) await pair.source.deleteSecret(name);
  await eventually('the deletions to leave the source listing', async () => {
    const listed = new Set((await collect(pair.source.listSecrets())).map((s) => s.name));
    return doomed.every((name) => !listed.has(name));
  });
}

async function diff(pair: Pair) {
  const options: DiffOptions = {
    sourceVault: pair.source.vaultName,
    replicaVault: pair.replica.vaultName,
    mode: 'one-way',
    deletion: { policy: 'delete', maxDeletePercent: 10, minObjects: 20 },
    overwriteUnowned: false,
    filter: compileFilter(undefined),
  };
  return diffListings(
    await collect(pair.source.listSecrets()),
    await collect(pair.replica.listSecrets()),
    options,
  );
}

function reconcileOn(kind: string, open: () => Promise<Pair>) {
  describe(`reconcile diff over listings longer than a page — ${kind}`, () => {
    it('sees every one of 30 replicas in sync, and the copies of another link as nobody’s task', async () => {
      const pair = await open();
      await seed(pair);
      const report = await diff(pair);
      assert.equal(report.inSync, COUNT);
      assert.deepEqual(report.drifted, []);
    });

    it('proposes deleting 3 of 30 (10 %, the limit) — on the second page too — and never kv-other’s copies', async () => {
      const pair = await open();
      await seed(pair);
      await deleteAtSource(pair, ['s00', 's27', 's29']);
      const report = await diff(pair);
      assert.equal(report.deletionsBlocked, undefined);
      assert.deepEqual(report.drifted.map((d) => [d.objectName, d.drift]).sort(), [
        ['s00', 'deleted-at-source'],
        ['s27', 'deleted-at-source'],
        ['s29', 'deleted-at-source'],
      ]);
    });

    it('holds back 4 of 30 (13.3 %) with the counts of our replicas only', async () => {
      const pair = await open();
      await seed(pair);
      await deleteAtSource(pair, ['s01', 's02', 's26', 's28']);
      const report = await diff(pair);
      assert.deepEqual(report.drifted, []);
      assert.deepEqual(
        [report.deletionsBlocked?.wouldDelete, report.deletionsBlocked?.owned],
        [4, COUNT],
      );
    });
  });
}

let emulator: KeyVaultEmulator;
let pairs = 0;
before(async () => {
  emulator = await startEmulator({ throttling: { enabled: false } });
});
after(async () => emulator?.stop());

reconcileOn('memory store', async () => ({
  source: new MemorySecretStore('kv-src'),
  replica: new MemorySecretStore('kv-dst'),
}));

reconcileOn('Azure SDK adapter over the emulator', async () => {
  const n = ++pairs;
  await emulator.createVault({ name: `kv-src-${n}` });
  await emulator.createVault({ name: `kv-dst-${n}` });
  const open = createSecretStoreProvider({
    credentialFor: () => new StaticTokenCredential('reconcile'),
    clientOptions: { ...emulator.clientOptions(), retryOptions: { maxRetries: 0 } },
    limits: { transactionsPerWindow: 4000, createsPerWindow: 300, utilization: 1 },
    uriFor: (name) => emulator.vaultUrl(name),
  });
  return { source: open({ name: `kv-src-${n}` }), replica: open({ name: `kv-dst-${n}` }) };
});
