// The converge decisions on both store kinds (issue #25): the in-memory store the embedded
// default runs on, and the Azure SDK adapter (paced, as the workers open it) over the Key Vault
// emulator, whose deletes take time as Key Vault's do. Same scenarios, same expectations.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROVENANCE_TAG,
  encodeProvenance,
  readProvenance,
  secretTaskDataSchema,
  type SecretTaskData,
} from '@akv-replicator/core';
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
import { convergeSecret, type ConvergePolicy } from './converge-secret';

interface Pair {
  readonly source: SecretStore;
  readonly replica: SecretStore;
}
type PairFactory = () => Promise<Pair>;

const policy: ConvergePolicy = {
  overwriteUnowned: false,
  softDeletedAtReplica: 'recover',
  now: () => Date.now(),
};
const OTHER_VERSION = 'fedcba9876543210fedcba9876543210';
const taskFor = (pair: Pair, overrides: Partial<SecretTaskData> = {}) =>
  secretTaskDataSchema.parse({
    taskId: 't',
    link: 'l',
    source: { name: pair.source.vaultName },
    objectName: 'db-password',
    replica: { name: pair.replica.vaultName, region: 'northeurope' },
    trigger: { kind: 'reconcile', id: 'r' },
    ...overrides,
  });
const converge = (pair: Pair, overrides: Partial<SecretTaskData> = {}) =>
  convergeSecret(taskFor(pair, overrides), pair, policy);
const provenanceFrom = (vault: string, version = OTHER_VERSION, updated = 1) => ({
  [PROVENANCE_TAG]: encodeProvenance({
    sourceVault: vault,
    sourceVersion: version,
    sourceUpdated: updated,
  }),
});
const softDeleted = (store: SecretStore, name: string) =>
  eventually(`${name} soft-deleted in ${store.vaultName}`, async () =>
    Boolean(await store.getDeletedSecret(name)),
  );

function decisionsOn(kind: string, open: PairFactory) {
  describe(`convergeSecret decisions — ${kind}`, () => {
    it('creates a replica once: a second run writes nothing (one source version, one replica version)', async () => {
      const pair = await open();
      await pair.source.setSecret('db-password', 'v1', { enabled: true, tags: { env: 'prod' } });
      assert.equal((await converge(pair)).action, 'created');
      assert.equal((await converge(pair)).action, 'unchanged');
      assert.equal((await collect(pair.replica.listSecretVersions('db-password'))).length, 1);
      const copy = await pair.replica.getSecret('db-password');
      assert.equal(copy.value, 'v1');
      assert.equal(readProvenance(copy.tags)?.sourceVault, pair.source.vaultName);
    });

    it('neither overwrites nor deletes a replica copied from another source vault', async () => {
      const pair = await open();
      await pair.source.setSecret('db-password', 'ours', { enabled: true, tags: {} });
      await pair.replica.setSecret('db-password', 'theirs', {
        enabled: true,
        tags: provenanceFrom('kv-other'),
      });
      assert.equal((await converge(pair)).code, 'ReplicaNotOwned');
      await pair.source.deleteSecret('db-password');
      await eventually('the source secret gone', async () =>
        (await collect(pair.source.listSecrets())).every((s) => s.name !== 'db-password'),
      );
      assert.equal((await converge(pair, { deletionPolicy: 'delete' })).code, 'ReplicaNotOwned');
      assert.equal((await pair.replica.getSecret('db-password')).value, 'theirs');
      assert.equal(await pair.replica.getDeletedSecret('db-password'), undefined);
    });

    it('keeps the replica of a deleted source under keep, and soft-deletes it under delete', async () => {
      const pair = await open();
      await pair.source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
      await converge(pair);
      await pair.source.deleteSecret('db-password');
      await softDeleted(pair.source, 'db-password');
      assert.equal((await converge(pair, { deletionPolicy: 'keep' })).action, 'unchanged');
      assert.equal((await pair.replica.getSecret('db-password')).value, 'v1');
      assert.equal((await converge(pair, { deletionPolicy: 'delete' })).action, 'deleted');
      await softDeleted(pair.replica, 'db-password');
    });

    it('deletes a replica whose provenance spells the source vault in capitals', async () => {
      // Vault names are case-insensitive: "Always perform a case-insensitive comparison of
      // names" (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
      const pair = await open();
      const written = await pair.source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
      await pair.replica.setSecret('db-password', 'v1', {
        enabled: true,
        tags: provenanceFrom(pair.source.vaultName.toUpperCase(), written.version, written.updated),
      });
      assert.equal((await converge(pair)).action, 'unchanged', 'ours and current');
      await pair.source.deleteSecret('db-password');
      await softDeleted(pair.source, 'db-password');
      assert.equal((await converge(pair, { deletionPolicy: 'delete' })).action, 'deleted');
      await softDeleted(pair.replica, 'db-password');
    });
  });
}

let emulator: KeyVaultEmulator;
let pairs = 0;
before(async () => {
  emulator = await startEmulator({ throttling: { enabled: false } });
});
after(async () => emulator?.stop());

decisionsOn('memory store', async () => ({
  source: new MemorySecretStore('kv-src'),
  replica: new MemorySecretStore('kv-dst'),
}));

decisionsOn('Azure SDK adapter over the emulator', async () => {
  const n = ++pairs;
  await emulator.createVault({ name: `kv-src-${n}` });
  await emulator.createVault({ name: `kv-dst-${n}` });
  const open = createSecretStoreProvider({
    credentialFor: () => new StaticTokenCredential('decisions'),
    clientOptions: { ...emulator.clientOptions(), retryOptions: { maxRetries: 0 } },
    limits: { transactionsPerWindow: 4000, createsPerWindow: 300, utilization: 1 },
    uriFor: (name) => emulator.vaultUrl(name),
  });
  return { source: open({ name: `kv-src-${n}` }), replica: open({ name: `kv-dst-${n}` }) };
});
