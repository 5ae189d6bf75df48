import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROVENANCE_TAG, readProvenance, type SecretTaskData } from '@akv-replicator/core';
import { MemorySecretStore, VaultError, isVaultError } from '@akv-replicator/keyvault';
import { convergeSecret, type ConvergePolicy } from './converge-secret';
import { secretTask, testPolicy } from './converge-fixtures';

const CANARY = 'CANARY-value-4f1d2c';
let clock = 1_000;
let source: MemorySecretStore;
let replica: MemorySecretStore;
const policy: ConvergePolicy = testPolicy(() => clock * 1000);

const task = secretTask;
const run = (overrides: Partial<SecretTaskData> = {}, p: Partial<ConvergePolicy> = {}) =>
  convergeSecret(task(overrides), { source, replica }, { ...policy, ...p });
const versionsAt = async (store: MemorySecretStore) => store.requestCount('set');

beforeEach(() => {
  clock = 1_000;
  source = new MemorySecretStore('kv-src', { now: () => clock });
  replica = new MemorySecretStore('kv-dst', { now: () => clock });
});

describe('convergeSecret — one-way', () => {
  it('creates a missing replica with value, attributes, tags and provenance', async () => {
    const written = await source.setSecret('db-password', CANARY, {
      enabled: true,
      contentType: 'text/plain',
      notBefore: 900,
      expires: 5_000,
      tags: { env: 'prod' },
    });
    clock = 1_003;
    const result = await run();
    assert.equal(result.action, 'created');
    assert.equal(result.lagMs, 3_000);
    const copy = await replica.getSecret('db-password');
    assert.equal(copy.value, CANARY);
    assert.deepEqual(
      [copy.enabled, copy.contentType, copy.notBefore, copy.expires, copy.tags.env],
      [true, 'text/plain', 900, 5_000, 'prod'],
    );
    assert.deepEqual(readProvenance(copy.tags), {
      sourceVault: 'kv-src',
      sourceVersion: written.version,
      sourceUpdated: 1_000,
    });
    assert.ok(!JSON.stringify(result).includes(CANARY), 'results never carry the value');
  });

  it('is idempotent: duplicates and redeliveries write nothing more (one source version → one replica version)', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    for (let i = 0; i < 3; i++) assert.equal((await run()).action, 'unchanged');
    assert.equal(await versionsAt(replica), 1);
    assert.equal(replica.requestCount('update'), 0);
  });

  it('writes a new version only when the source version changed', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    clock = 2_000;
    await source.setSecret('db-password', 'v2', { enabled: true, tags: {} });
    assert.equal((await run()).action, 'updated');
    assert.equal((await replica.getSecret('db-password')).value, 'v2');
    assert.equal(await versionsAt(replica), 2);
  });

  it('patches attribute and tag changes without a new version, on either side', async () => {
    const v = await source.setSecret('db-password', 'v1', { enabled: true, tags: { env: 'prod' } });
    await run();
    clock = 1_500;
    await source.updateProperties('db-password', v.version, {
      enabled: true,
      contentType: 'application/json',
      expires: 9_000,
      tags: { env: 'prod', owner: 'team-a' },
    });
    assert.equal((await run()).action, 'properties-updated');
    let copy = await replica.getSecret('db-password');
    assert.deepEqual(
      [copy.contentType, copy.expires, copy.tags.owner],
      ['application/json', 9_000, 'team-a'],
    );
    // Someone edits the replica by hand: reconcile puts it back.
    await replica.updateProperties('db-password', copy.version, {
      ...copy,
      tags: { ...copy.tags, env: 'tampered' },
    });
    assert.equal((await run()).action, 'properties-updated');
    copy = await replica.getSecret('db-password');
    assert.equal(copy.tags.env, 'prod');
    assert.equal(await versionsAt(replica), 1);
  });

  it('skips certificate-backed (managed) secrets', async () => {
    await source.setSecret('tls-cert', 'pfx', { enabled: true, tags: {} });
    const managed = new MemorySecretStore('kv-src');
    Object.assign(managed, {
      getSecret: async () => ({ ...(await source.getSecret('tls-cert')), managed: true }),
    });
    const result = await convergeSecret(
      task({ objectName: 'tls-cert' }),
      { source: managed, replica },
      policy,
    );
    assert.deepEqual([result.status, result.action], ['success', 'skipped']);
    assert.equal(await versionsAt(replica), 0);
  });

  it('disables the replica of a disabled source, and warns when there is no replica to disable', async () => {
    const v = await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    clock = 1_100;
    await source.updateProperties('db-password', v.version, { enabled: false, tags: {} });
    assert.equal((await run()).action, 'disabled');
    assert.equal((await replica.getLatestProperties('db-password')).enabled, false);
    assert.equal((await run()).action, 'unchanged');

    await source.setSecret('other', 'x', { enabled: false, tags: {} });
    const missing = await run({ objectName: 'other' });
    assert.deepEqual([missing.status, missing.code], ['warning', 'SourceDisabled']);
  });

  it('never overwrites a replica secret without our provenance, unless told to', async () => {
    await source.setSecret('db-password', 'from-source', { enabled: true, tags: {} });
    await replica.setSecret('db-password', 'hand-made', { enabled: true, tags: {} });
    const refused = await run();
    assert.deepEqual([refused.status, refused.code], ['warning', 'ReplicaNotOwned']);
    assert.equal((await replica.getSecret('db-password')).value, 'hand-made');
    assert.equal((await run({}, { overwriteUnowned: true })).action, 'updated');
    assert.equal((await replica.getSecret('db-password')).value, 'from-source');
  });

  it('recovers a soft-deleted replica name, then converges', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    clock = 1_200;
    await source.setSecret('db-password', 'v2', { enabled: true, tags: {} });
    await replica.deleteSecret('db-password');
    const result = await run();
    assert.equal(result.action, 'recovered-and-updated');
    assert.equal((await replica.getSecret('db-password')).value, 'v2');
  });

  it('reports the recovery of a replica deleted by hand that was current', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    await replica.deleteSecret('db-password');
    assert.equal((await run()).action, 'recovered');
    assert.equal((await replica.getSecret('db-password')).value, 'v1');
    assert.equal(await versionsAt(replica), 2, 'one version, plus the refused write');
  });

  it('fails with a clear reason on a soft-deleted replica name when recovery is off', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await replica.setSecret('db-password', 'old', { enabled: true, tags: {} });
    await replica.deleteSecret('db-password');
    const result = await run({}, { softDeletedAtReplica: 'fail' });
    assert.deepEqual([result.status, result.code], ['failure', 'ReplicaSoftDeleted']);
    assert.match(result.reason ?? '', /db-password is soft-deleted in kv-dst/);
  });

  it('fails, without writing, when the source has no room for the provenance tag', async () => {
    const tags = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`t${i}`, 'v']));
    await source.setSecret('db-password', 'v1', { enabled: true, tags });
    const result = await run();
    assert.deepEqual([result.status, result.code], ['failure', 'TooManyTags']);
    assert.equal(await versionsAt(replica), 0);
  });

  it('re-checks the link filters against the real tags (events carry none)', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: { replicate: 'false' } });
    const result = await run({ filters: { exclude: { tags: { replicate: 'false' } } } });
    assert.deepEqual(
      [result.action, result.reason],
      ['skipped', 'filtered: excluded: tag replicate=false'],
    );
    assert.equal(await versionsAt(replica), 0);
  });

  it('writes nothing in dry run but reports what it would do', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    const result = await run({ dryRun: true });
    assert.equal(result.action, 'would-create');
    assert.equal(result.reason, 'dry run: would create db-password in kv-dst');
    assert.equal(await versionsAt(replica), 0);
  });

  it('lets throttling and outages surface as retryable errors for the bus to retry', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    const flaky = new MemorySecretStore('kv-dst', {
      beforeRequest: () => {
        throw new VaultError('unavailable', 'connect ECONNREFUSED', { vault: 'kv-dst' });
      },
    });
    await assert.rejects(
      convergeSecret(task(), { source, replica: flaky }, policy),
      (e: unknown) => isVaultError(e, 'unavailable') && e.retryable,
    );
  });
});

describe('convergeSecret — deletion', () => {
  beforeEach(async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    await source.deleteSecret('db-password');
  });

  it('keeps the replica under the default policy', async () => {
    assert.equal((await run({ deletionPolicy: 'keep' })).action, 'unchanged');
    assert.equal((await replica.getSecret('db-password')).value, 'v1');
  });

  it('soft-deletes an owned replica under the delete policy', async () => {
    assert.equal((await run({ deletionPolicy: 'delete' })).action, 'deleted');
    assert.ok(await replica.getDeletedSecret('db-password'), 'soft-deleted, so recoverable');
  });

  it('never deletes a replica secret that is not ours', async () => {
    await replica.deleteSecret('db-password');
    replica.purge('db-password');
    await replica.setSecret('db-password', 'theirs', {
      enabled: true,
      tags: { [PROVENANCE_TAG]: 'not-ours' },
    });
    const result = await run({ deletionPolicy: 'delete' });
    assert.deepEqual([result.status, result.code], ['warning', 'ReplicaNotOwned']);
    assert.equal((await replica.getSecret('db-password')).value, 'theirs');
  });
});

describe('convergeSecret — two-way', () => {
  const forward = () => convergeSecret(task({ linkMode: 'two-way' }), { source, replica }, policy);
  const backward = () =>
    convergeSecret(
      task({
        linkMode: 'two-way',
        source: { name: 'kv-dst' },
        replica: { name: 'kv-src', region: 'westeurope' },
      }),
      { source: replica, replica: source },
      policy,
    );

  it('drops the echo of its own write instead of looping', async () => {
    await source.setSecret('db-password', 'a1', { enabled: true, tags: {} });
    clock = 1_001;
    assert.equal((await forward()).action, 'created');
    clock = 1_002;
    const echo = await backward();
    assert.equal(echo.action, 'unchanged');
    assert.match(echo.reason ?? '', /echo/);
    assert.equal(await versionsAt(source), 1);
  });

  it('converges both vaults to the newest write', async () => {
    await source.setSecret('db-password', 'a1', { enabled: true, tags: {} });
    clock = 1_001;
    await forward();
    clock = 1_010;
    await replica.setSecret('db-password', 'b2', { enabled: true, tags: {} });
    clock = 1_011;
    assert.match(
      (await forward()).reason ?? '',
      /newer write/,
      'the older side does not overwrite',
    );
    assert.equal((await backward()).action, 'updated');
    assert.equal((await source.getSecret('db-password')).value, 'b2');
    clock = 1_012;
    assert.equal((await forward()).action, 'unchanged');
    assert.equal((await backward()).action, 'unchanged');
  });

  it('breaks ties in updated time by vault name', async () => {
    clock = 2_000;
    await source.setSecret('db-password', 'from-src', { enabled: true, tags: {} });
    await replica.setSecret('db-password', 'from-dst', { enabled: true, tags: {} });
    // kv-dst < kv-src, so kv-dst's write wins in both directions.
    assert.equal((await forward()).action, 'unchanged');
    assert.equal((await backward()).action, 'updated');
    assert.equal((await source.getSecret('db-password')).value, 'from-dst');
  });
});
