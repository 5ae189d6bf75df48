// Deletion at the source and a disabled source, one rule per test on the record kind: each
// outcome's reason is what an operator reads in the notification, so its words are the rule.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readProvenance } from '@akv-replicator/core';
import { convergeObject } from './converge-object';
import type { ObjectTask } from './kind-adapter';
import {
  OLDER_VERSION,
  RecordVault,
  provenanceTags,
  recordKind,
  recordPolicy,
  recordTask,
} from './record-kind.fixture';

let source: RecordVault;
let replica: RecordVault;
const run = (task: Partial<ObjectTask> = {}) =>
  convergeObject(recordTask(task), recordKind(source, replica), recordPolicy);
const ownReplica = (fields: { enabled?: boolean } = {}) =>
  replica.put('db', { updated: 100, tags: provenanceTags('kv-src', OLDER_VERSION), ...fields });

describe('deletion-and-disabled', () => {
  beforeEach(() => {
    source = new RecordVault('kv-src');
    replica = new RecordVault('kv-dst');
  });

  describe('deleted at the source', () => {
    it('with no replica either there is nothing to delete, and it says so', async () => {
      const result = await run({ deletionPolicy: 'delete' });
      assert.deepEqual(
        [result.status, result.action, result.reason],
        ['success', 'unchanged', 'deleted at the source and absent at the replica'],
      );
    });

    it('deletion policy keep leaves our replica and says why', async () => {
      ownReplica();
      const result = await run({ deletionPolicy: 'keep' });
      assert.deepEqual(
        [result.action, result.reason],
        ['unchanged', 'deleted at the source; deletion policy keep leaves the replica'],
      );
      assert.ok(replica.live.has('db'));
    });

    it('a deletion only touches owned replicas: provenance from another source vault is refused', async () => {
      replica.put('db', { updated: 100, tags: provenanceTags('kv-other', OLDER_VERSION) });
      const result = await run({ deletionPolicy: 'delete' });
      assert.deepEqual([result.status, result.code], ['warning', 'ReplicaNotOwned']);
      assert.equal(
        result.reason,
        'deleted at the source, but db in kv-dst has no provenance from kv-src: not deleted',
      );
      assert.ok(replica.live.has('db'));
      assert.equal(replica.writes, 0);
    });

    it('owner names compare case-insensitively for deletions too', async () => {
      replica.put('db', { updated: 100, tags: provenanceTags('KV-SRC', OLDER_VERSION) });
      assert.equal((await run({ deletionPolicy: 'delete' })).action, 'deleted');
    });

    it('our replica is soft-deleted, and the outcome says it can be recovered', async () => {
      ownReplica();
      const result = await run({ deletionPolicy: 'delete' });
      assert.deepEqual(
        [result.action, result.reason],
        ['deleted', 'deleted at the source; soft-deleted at the replica (recoverable)'],
      );
      assert.ok(replica.deleted.has('db') && !replica.live.has('db'));
    });
  });

  describe('a disabled source', () => {
    it('creates no replica and says the source’s value cannot be read', async () => {
      const held = source.put('db', { updated: 200, enabled: false });
      const result = await run();
      assert.deepEqual(
        [result.status, result.code, result.sourceVersion],
        ['warning', 'SourceDisabled', held.version],
      );
      assert.equal(
        result.reason,
        'source secret db in kv-src is disabled, so its value cannot be read; no replica was created',
      );
      assert.equal(replica.live.has('db'), false);
    });

    it('with our replica disabled as well there is nothing to do', async () => {
      const held = source.put('db', { updated: 200, enabled: false });
      ownReplica({ enabled: false });
      const result = await run();
      assert.deepEqual(
        [result.action, result.reason, result.sourceVersion],
        ['unchanged', 'source and replica are both disabled', held.version],
      );
      assert.equal(replica.writes, 0);
    });

    it('dry run writes nothing and says would disable, naming the replica and its vault', async () => {
      const held = source.put('db', { updated: 200, enabled: false });
      ownReplica();
      const result = await run({ dryRun: true });
      assert.deepEqual(
        [result.action, result.reason, result.sourceVersion],
        ['would-disable', 'dry run: would disable db in kv-dst', held.version],
      );
      assert.equal(replica.writes, 0);
      assert.equal(replica.live.get('db')?.enabled, true);
    });

    it('our enabled replica is switched off, keeping the provenance of the version it holds', async () => {
      const held = source.put('db', { updated: 200, enabled: false });
      ownReplica();
      const result = await run();
      assert.deepEqual(
        [result.action, result.reason, result.sourceVersion],
        ['disabled', 'source secret is disabled', held.version],
      );
      const after = replica.live.get('db')!;
      assert.equal(after.enabled, false);
      assert.equal(readProvenance(after.tags)?.sourceVersion, OLDER_VERSION);
    });
  });
});
