// Writing the source's version, and a replica name that is soft-deleted: recover first (or
// refuse with softDeletedAtReplica fail), and in a dry run plan the same from reads only.
// A soft-deleted name blocks a new object of that name until it is recovered or purged:
// https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readProvenance } from '@akv-replicator/core';
import { VaultError } from '@akv-replicator/keyvault';
import { convergeObject } from './converge-object';
import type { ConvergePolicy, ObjectTask } from './kind-adapter';
import {
  OLDER_VERSION,
  RecordVault,
  provenanceTags,
  recordKind,
  recordPolicy,
  recordTask,
  type RecordKindOptions,
  type TestRecord,
} from './record-kind.fixture';

const REFUSAL =
  'db is soft-deleted in kv-dst; recover or purge it there, or set replication.softDeletedAtReplica: recover';
let source: RecordVault;
let replica: RecordVault;
const run = (
  task: Partial<ObjectTask> = {},
  policy: Partial<ConvergePolicy> = {},
  options: RecordKindOptions = {},
) =>
  convergeObject(recordTask(task), recordKind(source, replica, options), {
    ...recordPolicy,
    ...policy,
  });
/** The replica name soft-deleted, holding `sourceVault`'s `sourceVersion`. */
const softDeleted = (sourceVault: string, sourceVersion: string): TestRecord => {
  const record: TestRecord = {
    name: 'db',
    version: 'b'.repeat(32),
    enabled: true,
    created: 1,
    updated: 1,
    tags: provenanceTags(sourceVault, sourceVersion),
  };
  replica.deleted.set('db', record);
  return record;
};

describe('write-or-recover', () => {
  beforeEach(() => {
    source = new RecordVault('kv-src');
    replica = new RecordVault('kv-dst');
  });

  describe('writing the source’s version', () => {
    it('a write failing for another reason than a soft-deleted name is thrown for the bus to retry', async () => {
      source.put('db', { updated: 200 });
      const throttled = new VaultError('throttled', 'busy', { vault: 'kv-dst' });
      replica.failNextWrite = throttled;
      await assert.rejects(run(), (error) => error === throttled);
      assert.equal(replica.writes, 0);
    });

    it('dry run writes nothing and says would create, naming the replica, its vault, the kind’s detail and the source version', async () => {
      const held = source.put('db', { updated: 200 });
      const result = await run({ dryRun: true }, {}, { detail: ' with 3 older versions' });
      assert.deepEqual(
        [result.action, result.reason, result.sourceVersion],
        ['would-create', 'dry run: would create db in kv-dst with 3 older versions', held.version],
      );
      assert.equal(replica.writes, 0);
    });

    it('dry run on a replica we hold says would update', async () => {
      replica.put('db', { updated: 100, tags: provenanceTags('kv-src', OLDER_VERSION) });
      source.put('db', { updated: 200 });
      const result = await run({ dryRun: true });
      assert.deepEqual(
        [result.action, result.reason],
        ['would-update', 'dry run: would update db in kv-dst'],
      );
      assert.equal(replica.writes, 0);
    });
  });

  describe('a soft-deleted replica name', () => {
    it('with softDeletedAtReplica fail the write is refused, saying how to unblock it', async () => {
      source.put('db', { updated: 200 });
      softDeleted('kv-src', OLDER_VERSION);
      const result = await run({}, { softDeletedAtReplica: 'fail' });
      assert.deepEqual(
        [result.status, result.code, result.reason],
        ['failure', 'ReplicaSoftDeleted', REFUSAL],
      );
      assert.ok(replica.deleted.has('db'));
      assert.equal(replica.writes, 0);
    });

    it('with softDeletedAtReplica fail a dry run refuses as the real run would', async () => {
      source.put('db', { updated: 200 });
      softDeleted('kv-src', OLDER_VERSION);
      const result = await run({ dryRun: true }, { softDeletedAtReplica: 'fail' });
      assert.deepEqual(
        [result.status, result.code, result.reason],
        ['failure', 'ReplicaSoftDeleted', REFUSAL],
      );
    });

    it('a dry run where the kind cannot show the deleted object says the name is soft-deleted there', async () => {
      source.put('db', { updated: 200 });
      softDeleted('kv-src', OLDER_VERSION);
      const result = await run({ dryRun: true });
      assert.deepEqual(
        [result.action, result.reason],
        [
          'would-recover-and-update',
          'dry run: would recover and update db in kv-dst: the name is soft-deleted there',
        ],
      );
    });

    it('recovering a replica that holds the current version says it was current and writes nothing more', async () => {
      const held = source.put('db', { updated: 200 });
      softDeleted('kv-src', held.version);
      const result = await run();
      assert.deepEqual(
        [result.action, result.reason],
        ['recovered', 'recovered the soft-deleted replica; it was current'],
      );
      assert.equal(replica.writes, 1, 'the recover only');
    });

    it('a recovered replica that is not ours is left as recovered, not overwritten, and reported as not owned', async () => {
      source.put('db', { updated: 200 });
      const foreign = softDeleted('kv-other', OLDER_VERSION);
      const result = await run();
      assert.deepEqual(
        [result.status, result.action, result.code],
        ['warning', 'skipped', 'ReplicaNotOwned'],
      );
      assert.equal(replica.live.get('db'), foreign);
    });
  });

  describe('a soft-deleted replica name, dry run where the kind shows the deleted object', () => {
    const shows: RecordKindOptions = { showsDeleted: true };

    it('a current one: would recover, naming the version it holds, and writes nothing', async () => {
      const held = source.put('db', { updated: 200 });
      const deleted = softDeleted('kv-src', held.version);
      const result = await run({ dryRun: true }, {}, shows);
      assert.deepEqual(
        [result.action, result.reason, result.sourceVersion, result.replicaVersion],
        [
          'would-recover',
          'dry run: would recover db in kv-dst: the name is soft-deleted there and holds the current version',
          held.version,
          deleted.version,
        ],
      );
      assert.ok(replica.deleted.has('db'));
      assert.equal(replica.writes, 0);
    });

    it('a stale one: would recover and then update', async () => {
      const held = source.put('db', { updated: 200 });
      softDeleted('kv-src', OLDER_VERSION);
      const result = await run({ dryRun: true }, {}, shows);
      assert.deepEqual(
        [result.action, result.reason, result.sourceVersion],
        [
          'would-recover-and-update',
          'dry run: would recover and update db in kv-dst: the name is soft-deleted there; then would update db in kv-dst',
          held.version,
        ],
      );
      assert.equal(replica.writes, 0);
    });

    it('one that is not ours: the refusal the real run gives after recovering', async () => {
      source.put('db', { updated: 200 });
      softDeleted('kv-other', OLDER_VERSION);
      const result = await run({ dryRun: true }, {}, shows);
      assert.deepEqual([result.status, result.code], ['warning', 'ReplicaNotOwned']);
      assert.match(
        result.reason ?? '',
        /^dry run: would recover db in kv-dst: the name is soft-deleted there, then: replica secret db in kv-dst has no provenance from kv-src/,
      );
      assert.ok(replica.deleted.has('db'));
    });
  });

  describe('after a recover', () => {
    it('converges again from the recovered state and keeps our provenance current', async () => {
      const held = source.put('db', { updated: 200 });
      softDeleted('kv-src', OLDER_VERSION);
      assert.equal((await run()).action, 'recovered-and-updated');
      assert.equal(readProvenance(replica.live.get('db')!.tags)?.sourceVersion, held.version);
    });
  });
});
