// Converge rules the first mutation run found unstated (issue #25, docs/mutation-testing.md):
// provenance follows every source update, a new disabled source version never claims a value
// that could not be read, nothing to delete is no warning, and a stale echo is not an echo.
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

let clock = 1_000;
let source: MemorySecretStore;
let replica: MemorySecretStore;
const policy: ConvergePolicy = testPolicy(() => clock * 1000);
const task = secretTask;
const run = (overrides: Partial<SecretTaskData> = {}) =>
  convergeSecret(task(overrides), { source, replica }, policy);

beforeEach(() => {
  clock = 1_000;
  source = new MemorySecretStore('kv-src', { now: () => clock });
  replica = new MemorySecretStore('kv-dst', { now: () => clock });
});

describe('convergeSecret — provenance follows the source', () => {
  it('refreshes the provenance time after a source update that changed nothing visible', async () => {
    // The reconcile diff compares provenance with the source's `updated`: a stale time would
    // show as drift on every reconcile, for ever.
    const v = await source.setSecret('db-password', 'v1', { enabled: true, tags: { a: '1' } });
    await run();
    clock = 1_500;
    await source.updateProperties('db-password', v.version, { enabled: true, tags: { a: '1' } });
    const result = await run();
    assert.equal(result.action, 'properties-updated');
    const copy = await replica.getLatestProperties('db-password');
    assert.equal(readProvenance(copy.tags)?.sourceUpdated, 1_500);
    assert.equal((await run()).action, 'unchanged', 'and then it is in sync');
  });
});

describe('convergeSecret — a new disabled source version', () => {
  it('disables the replica but keeps the provenance of the version it really holds', async () => {
    const v1 = await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    clock = 1_100;
    await source.setSecret('db-password', 'v2', { enabled: false, tags: {} });
    const result = await run();
    assert.deepEqual([result.status, result.action], ['success', 'disabled']);
    const copy = await replica.getLatestProperties('db-password');
    assert.equal(copy.enabled, false);
    assert.equal(readProvenance(copy.tags)?.sourceVersion, v1.version, 'v2 was never read');
    assert.equal(replica.requestCount('set'), 1, 'no new replica version');
    assert.equal((await run()).action, 'unchanged', 'both disabled: nothing more to do');
  });
});

describe('convergeSecret — nothing to delete', () => {
  it('reports success, not a warning, when the source and the replica are both gone', async () => {
    const result = await run({ deletionPolicy: 'delete' });
    assert.deepEqual(
      [result.status, result.action, result.code],
      ['success', 'unchanged', undefined],
    );
    assert.equal(replica.requestCount('delete'), 0);
  });
});

describe('convergeSecret — a stale echo is not an echo', () => {
  it('lets the newer replica write stand, for that reason, when the source holds an older copy of it', async () => {
    // kv-dst wrote r1, kv-src holds our copy of r1 (its provenance names kv-dst and r1); then
    // kv-dst wrote r2. The source is no echo of the replica's current version.
    const r1 = await replica.setSecret('db-password', 'r1', { enabled: true, tags: {} });
    clock = 1_001;
    await source.setSecret('db-password', 'r1', {
      enabled: true,
      tags: {
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: 'kv-dst',
          sourceVersion: r1.version,
          sourceUpdated: r1.updated,
        }),
      },
    });
    clock = 1_002;
    await replica.setSecret('db-password', 'r2', { enabled: true, tags: {} });
    const result = await run({ linkMode: 'two-way' });
    assert.equal(result.action, 'unchanged');
    assert.match(result.reason ?? '', /newer write/);
    assert.doesNotMatch(result.reason ?? '', /echo/);
    assert.equal((await replica.getSecret('db-password')).value, 'r2');
  });
});
