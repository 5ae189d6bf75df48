import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { secretTaskDataSchema, type SecretTaskData } from '@akv-replicator/core';
import { MemorySecretStore } from '@akv-replicator/keyvault';
import { convergeSecret, type ConvergePolicy } from './converge-secret';

let clock = 1_000;
let source: MemorySecretStore;
let replica: MemorySecretStore;
const policy: ConvergePolicy = {
  overwriteUnowned: false,
  softDeletedAtReplica: 'recover',
  now: () => clock * 1000,
};
const run = (overrides: Partial<SecretTaskData> = {}, p: Partial<ConvergePolicy> = {}) =>
  convergeSecret(
    secretTaskDataSchema.parse({
      taskId: 't',
      link: 'l',
      source: { name: 'kv-src' },
      objectName: 'db',
      replica: { name: 'kv-dst', region: 'northeurope' },
      trigger: { kind: 'resync', id: 'r' },
      ...overrides,
    }),
    { source, replica },
    { ...policy, ...p },
  );
const writes = (store: MemorySecretStore) =>
  store.requestCount('set', 'update', 'delete', 'recover');
const write = { enabled: true, tags: {} };

beforeEach(() => {
  clock = 1_000;
  source = new MemorySecretStore('kv-src', { now: () => clock });
  replica = new MemorySecretStore('kv-dst', { now: () => clock });
});

describe('convergeSecret — dry run writes nothing and says what it would do', () => {
  it('would update a stale replica, update changed properties, disable and delete', async () => {
    const v1 = await source.setSecret('db', 'v1', write);
    await run();
    clock = 2_000;
    await source.setSecret('db', 'v2', write);
    const before = writes(replica);
    const stale = await run({ dryRun: true });
    assert.deepEqual(
      [stale.action, stale.reason],
      ['would-update', 'dry run: would update db in kv-dst'],
    );
    await run();
    clock = 3_000;
    const latest = await source.getSecret('db');
    await source.updateProperties('db', latest.version, { ...write, tags: { team: 'a' } });
    assert.equal((await run({ dryRun: true })).action, 'would-update-properties');
    await source.updateProperties('db', latest.version, { ...write, enabled: false });
    assert.equal((await run({ dryRun: true })).action, 'would-disable');
    await source.deleteSecret('db');
    const gone = await run({ dryRun: true, deletionPolicy: 'delete' });
    assert.equal(gone.action, 'would-delete');
    assert.match(gone.reason ?? '', /^dry run: would delete db in kv-dst/);
    assert.equal(writes(replica), before + 1, 'only the one real run in between wrote');
    assert.notEqual(v1.version, latest.version);
  });

  it('would recover a soft-deleted replica name, or reports the refusal the real run would give', async () => {
    await source.setSecret('db', 'v1', write);
    await run();
    await replica.deleteSecret('db');
    const before = writes(replica);
    assert.equal((await run({ dryRun: true })).action, 'would-recover-and-update');
    const refused = await run({ dryRun: true }, { softDeletedAtReplica: 'fail' });
    assert.deepEqual([refused.status, refused.code], ['failure', 'ReplicaSoftDeleted']);
    assert.equal(writes(replica), before);
  });

  it('would copy the history first, reading no value', async () => {
    for (const value of ['a', 'b', 'c']) {
      clock++;
      await source.setSecret('db', value, write);
    }
    const result = await run({ dryRun: true, historyVersions: 5 });
    assert.equal(
      result.reason,
      'dry run: would create db in kv-dst (after 2 older version(s) of its history)',
    );
    assert.equal(source.requestCount('get'), 1, 'only the latest value is read (to compare)');
    assert.equal(writes(replica), 0);
  });
});
