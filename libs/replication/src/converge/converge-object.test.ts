// The decisions convergeObject makes once for every object kind, on a minimal record kind:
// ownership (provenance names this source vault, compared case-insensitively as Azure names are:
// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules),
// two-way echoes and newest-wins, deletion, disabled sources and soft-deleted replicas.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROVENANCE_TAG, encodeProvenance, readProvenance } from '@akv-replicator/core';
import { convergeObject } from './converge-object';
import type { ConvergePolicy, ObjectTask } from './kind-adapter';
import { RecordVault, recordKind, recordPolicy, recordTask } from './record-kind.fixture';

const OLD = 'a'.repeat(32);
let source: RecordVault;
let replica: RecordVault;
const run = (task: Partial<ObjectTask> = {}, policy: Partial<ConvergePolicy> = {}) =>
  convergeObject(recordTask(task), recordKind(source, replica), { ...recordPolicy, ...policy });
const provenance = (sourceVault: string, sourceVersion: string, sourceUpdated = 100) => ({
  [PROVENANCE_TAG]: encodeProvenance({ sourceVault, sourceVersion, sourceUpdated }),
});

describe('converge-object', () => {
  beforeEach(() => {
    source = new RecordVault('kv-src');
    replica = new RecordVault('kv-dst');
  });

  describe('convergeObject — ownership', () => {
    it('leaves a replica without our provenance alone unless overwriteUnowned takes it over', async () => {
      source.put('db', { updated: 200 });
      replica.put('db', { updated: 100 });
      const guarded = await run();
      assert.deepEqual([guarded.status, guarded.code], ['warning', 'ReplicaNotOwned']);
      assert.match(
        guarded.reason ?? '',
        /replica secret db in kv-dst has no provenance from kv-src/,
      );
      assert.equal(replica.writes, 0);
      assert.equal((await run({}, { overwriteUnowned: true })).action, 'updated');
    });

    it('counts provenance naming the source vault in another case as ours', async () => {
      const held = source.put('db', { updated: 200 });
      replica.put('db', { updated: 100, tags: provenance('KV-SRC', OLD) });
      assert.equal((await run()).action, 'updated');
      assert.equal(readProvenance(replica.live.get('db')!.tags)?.sourceVersion, held.version);
    });
  });

  describe('convergeObject — two-way', () => {
    it('drops the echo of the replica’s own write, lets a newer replica stand, takes a newer source', async () => {
      const own = replica.put('db', { updated: 100 });
      source.put('db', { updated: 150, tags: provenance('kv-dst', own.version) });
      const echo = await run({ linkMode: 'two-way' });
      assert.deepEqual(
        [echo.action, echo.reason],
        ['unchanged', 'echo: the source holds this replica’s own write'],
      );
      source.put('db', { updated: 90 });
      assert.match((await run({ linkMode: 'two-way' })).reason ?? '', /newer write/);
      source.put('db', { updated: 300 });
      assert.equal((await run({ linkMode: 'two-way' })).action, 'updated');
    });

    it('breaks a tie on updated by the lexically smaller vault name', async () => {
      replica.put('db', { updated: 100 });
      source.put('db', { updated: 100 });
      // kv-dst < kv-src: the replica's write wins the tie.
      assert.equal((await run({ linkMode: 'two-way' })).action, 'unchanged');
    });
  });

  describe('convergeObject — deletion at the source', () => {
    it('keeps, refuses a foreign replica, plans, then soft-deletes our replica', async () => {
      replica.put('db', { updated: 100 });
      assert.equal((await run({ deletionPolicy: 'keep' })).action, 'unchanged');
      assert.equal((await run({ deletionPolicy: 'delete' })).code, 'ReplicaNotOwned');
      replica.put('db', { updated: 100, tags: provenance('kv-src', OLD) });
      const dry = await run({ deletionPolicy: 'delete', dryRun: true });
      assert.match(dry.reason ?? '', /^dry run: would delete db in kv-dst \(soft delete/);
      assert.equal(replica.writes, 0);
      assert.equal((await run({ deletionPolicy: 'delete' })).action, 'deleted');
      assert.ok(replica.deleted.has('db'), 'soft-deleted, recoverable');
    });
  });

  describe('convergeObject — disabled source', () => {
    it('creates nothing, disables our enabled replica once, and plans it in a dry run', async () => {
      source.put('db', { updated: 200, enabled: false });
      assert.equal((await run()).code, 'SourceDisabled');
      replica.put('db', { updated: 100, tags: provenance('kv-src', OLD) });
      assert.equal((await run({ dryRun: true })).action, 'would-disable');
      assert.equal((await run()).action, 'disabled');
      assert.equal(replica.live.get('db')?.enabled, false);
      assert.equal((await run()).action, 'unchanged');
    });
  });

  describe('convergeObject — soft-deleted replica name', () => {
    it('recovers then converges, refuses with softDeletedAtReplica fail, and plans the recover', async () => {
      source.put('db', { updated: 200 });
      replica.deleted.set('db', {
        name: 'db',
        version: OLD,
        enabled: true,
        created: 1,
        updated: 1,
        tags: provenance('kv-src', OLD),
      });
      const refused = await run({}, { softDeletedAtReplica: 'fail' });
      assert.deepEqual([refused.status, refused.code], ['failure', 'ReplicaSoftDeleted']);
      assert.equal((await run({ dryRun: true })).action, 'would-recover-and-update');
      assert.equal(replica.writes, 0);
      assert.equal((await run()).action, 'recovered-and-updated');
      assert.ok(replica.live.has('db') && !replica.deleted.has('db'));
    });
  });
});
