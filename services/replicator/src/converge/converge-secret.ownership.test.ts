// The ownership guard (DESIGN principle 3): a replica is ours only when its provenance names
// THIS link's source vault. A valid provenance tag from another source vault (another link, or
// another installation, replicating into the same replica vault) makes it someone else's copy.
// Vault names compare case-insensitively: "Resource and resource group names are
// case-insensitive [...] Always perform a case-insensitive comparison of names."
// (https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules)
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROVENANCE_TAG,
  encodeProvenance,
  readProvenance,
  type SecretTaskData,
} from '@akv-replicator/core';
import { MemorySecretStore } from '@akv-replicator/keyvault';
import { convergeSecret, type ConvergePolicy } from './converge-secret';
import { secretTask, testPolicy } from './converge-fixtures';

const OTHER_VERSION = 'fedcba9876543210fedcba9876543210';
let clock = 1_000;
let source: MemorySecretStore;
let replica: MemorySecretStore;
const policy: ConvergePolicy = testPolicy(() => clock * 1000);
const task = secretTask;
const run = (overrides: Partial<SecretTaskData> = {}, p: Partial<ConvergePolicy> = {}) =>
  convergeSecret(task(overrides), { source, replica }, { ...policy, ...p });
/** A provenance tag as another link (or installation) would write it. */
const provenanceFrom = (
  sourceVault: string,
  sourceVersion = OTHER_VERSION,
  sourceUpdated = 900,
) => ({
  [PROVENANCE_TAG]: encodeProvenance({ sourceVault, sourceVersion, sourceUpdated }),
});

beforeEach(() => {
  clock = 1_000;
  source = new MemorySecretStore('kv-src', { now: () => clock });
  replica = new MemorySecretStore('kv-dst', { now: () => clock });
});

describe('convergeSecret — a replica copied from another source vault is not ours', () => {
  beforeEach(async () => {
    await source.setSecret('db-password', 'from-kv-src', { enabled: true, tags: {} });
    await replica.setSecret('db-password', 'from-kv-other', {
      enabled: true,
      tags: provenanceFrom('kv-other'),
    });
  });

  it('is not overwritten on a one-way link', async () => {
    const result = await run();
    assert.deepEqual(
      [result.status, result.action, result.code],
      ['warning', 'skipped', 'ReplicaNotOwned'],
    );
    assert.match(result.reason ?? '', /no provenance from kv-src/);
    assert.equal((await replica.getSecret('db-password')).value, 'from-kv-other');
    assert.equal(replica.requestCount('set'), 1, 'only the fixture wrote');
    assert.equal(replica.requestCount('update'), 0);
  });

  it('is not patched either, even when its provenance names the same version number', async () => {
    // Same version string, other vault: still not our copy of this source.
    const current = await source.getSecret('db-password');
    await replica.setSecret('db-password', 'from-kv-other', {
      enabled: true,
      tags: provenanceFrom('kv-other', current.version, current.updated),
    });
    const result = await run();
    assert.equal(result.code, 'ReplicaNotOwned');
    assert.equal(replica.requestCount('update'), 0);
    assert.equal((await replica.getSecret('db-password')).value, 'from-kv-other');
  });

  it('is taken over only with overwriteUnowned, and then carries our provenance', async () => {
    const result = await run({}, { overwriteUnowned: true });
    assert.deepEqual([result.status, result.action], ['success', 'updated']);
    const copy = await replica.getSecret('db-password');
    assert.equal(copy.value, 'from-kv-src');
    assert.equal(readProvenance(copy.tags)?.sourceVault, 'kv-src');
  });

  it('is not deleted when the source secret is deleted under the delete policy', async () => {
    await source.deleteSecret('db-password');
    const result = await run({ deletionPolicy: 'delete' });
    assert.deepEqual([result.status, result.code], ['warning', 'ReplicaNotOwned']);
    assert.equal((await replica.getSecret('db-password')).value, 'from-kv-other');
    assert.equal(replica.requestCount('delete'), 0);
  });

  it('is not taken for an echo on a two-way link: the newer write decides', async () => {
    // The replica is older (updated 1000) than a new source write at 1010: the source wins,
    // because the replica's provenance names kv-other, not kv-src, so it is no echo of ours.
    clock = 1_010;
    await source.setSecret('db-password', 'newer-at-kv-src', { enabled: true, tags: {} });
    const result = await run({ linkMode: 'two-way' });
    assert.equal(result.action, 'updated');
    assert.equal((await replica.getSecret('db-password')).value, 'newer-at-kv-src');
  });
});

describe('convergeSecret — owner vault names in other letter cases are ours', () => {
  const ownedAs = async (ownerSpelling: string) => {
    const written = await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    const copy = await replica.getSecret('db-password');
    // The same provenance, with the owner spelled as ARM or a user may return it.
    await replica.updateProperties('db-password', copy.version, {
      ...copy,
      tags: provenanceFrom(ownerSpelling, written.version, written.updated),
    });
    return written;
  };

  for (const spelling of ['KV-SRC', 'Kv-Src']) {
    it(`replaces a replica whose provenance names ${spelling} with the new source version`, async () => {
      await ownedAs(spelling);
      clock = 1_100;
      await source.setSecret('db-password', 'v2', { enabled: true, tags: {} });
      const result = await run();
      assert.deepEqual([result.status, result.action], ['success', 'updated']);
      assert.equal((await replica.getSecret('db-password')).value, 'v2');
    });

    it(`deletes a replica whose provenance names ${spelling} under the delete policy`, async () => {
      await ownedAs(spelling);
      await source.deleteSecret('db-password');
      const result = await run({ deletionPolicy: 'delete' });
      assert.deepEqual([result.status, result.action], ['success', 'deleted']);
      assert.ok(await replica.getDeletedSecret('db-password'));
    });
  }

  it('matches a task whose source vault is spelled in capitals against lower-case provenance', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    clock = 1_100;
    await source.setSecret('db-password', 'v2', { enabled: true, tags: {} });
    const result = await run({ source: { name: 'KV-SRC' } });
    assert.deepEqual([result.status, result.action], ['success', 'updated']);
  });

  it('drops a two-way echo whose provenance spells the replica vault in capitals', async () => {
    // kv-dst wrote first; kv-src holds our copy of it, its provenance naming "KV-DST".
    clock = 1_000;
    const original = await replica.setSecret('db-password', 'b1', { enabled: true, tags: {} });
    clock = 1_001;
    await source.setSecret('db-password', 'b1', {
      enabled: true,
      tags: provenanceFrom('KV-DST', original.version, original.updated),
    });
    const result = await run({ linkMode: 'two-way' });
    assert.equal(result.action, 'unchanged');
    assert.match(result.reason ?? '', /echo/);
    assert.equal(replica.requestCount('set'), 1, 'the echo is not written back');
  });
});
