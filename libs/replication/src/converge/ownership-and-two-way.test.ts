// The ownership guard and the two-way rules, stated one per test on the record kind. Azure
// resource names (vault names among them) are case-insensitive:
// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { convergeObject } from './converge-object';
import { replicaWriteWins } from './foreign-replica';
import type { ConvergePolicy, ObjectTask } from './kind-adapter';
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
const run = (task: Partial<ObjectTask> = {}, policy: Partial<ConvergePolicy> = {}) =>
  convergeObject(recordTask(task), recordKind(source, replica), { ...recordPolicy, ...policy });
const twoWay = (names: { source?: string; replica?: string } = {}) => ({
  linkMode: 'two-way' as const,
  source: { name: names.source ?? 'kv-src' },
  replica: { name: names.replica ?? 'kv-dst', region: 'northeurope' },
});

describe('ownership-and-two-way', () => {
  beforeEach(() => {
    source = new RecordVault('kv-src');
    replica = new RecordVault('kv-dst');
  });

  describe('ownership guard', () => {
    it('a replica whose provenance names another source vault is not ours: not overwritten, and the refusal names the source version', async () => {
      const held = source.put('db', { updated: 200 });
      const foreign = replica.put('db', {
        updated: 100,
        tags: provenanceTags('kv-other', OLDER_VERSION),
      });
      const result = await run();
      assert.deepEqual(
        [result.status, result.code, result.sourceVersion],
        ['warning', 'ReplicaNotOwned', held.version],
      );
      assert.equal(
        result.reason,
        'replica secret db in kv-dst has no provenance from kv-src; it is not overwritten (set replication.overwriteUnowned to take it over)',
      );
      assert.equal(replica.live.get('db'), foreign);
      assert.equal(replica.writes, 0);
    });

    it('owner names compare case-insensitively: provenance naming the source in capitals is ours', async () => {
      const held = source.put('db', { updated: 200 });
      replica.put('db', { updated: 200, tags: provenanceTags('KV-SRC', held.version) });
      assert.equal((await run()).action, 'unchanged');
      assert.equal(replica.writes, 0);
    });
  });

  describe('two-way links', () => {
    it('the newer write wins whichever side holds it', () => {
      assert.equal(
        replicaWriteWins({ updated: 2, vault: 'kv-b' }, { updated: 1, vault: 'kv-a' }),
        true,
      );
      assert.equal(
        replicaWriteWins({ updated: 1, vault: 'kv-a' }, { updated: 2, vault: 'kv-b' }),
        false,
      );
    });

    it('on a tie the alphabetically smaller vault wins, on either side', () => {
      assert.equal(
        replicaWriteWins({ updated: 5, vault: 'kv-a' }, { updated: 5, vault: 'kv-b' }),
        true,
      );
      assert.equal(
        replicaWriteWins({ updated: 5, vault: 'kv-b' }, { updated: 5, vault: 'kv-a' }),
        false,
      );
    });

    it('on a tie vault names compare case-insensitively', () => {
      assert.equal(
        replicaWriteWins({ updated: 5, vault: 'KV-B' }, { updated: 5, vault: 'kv-a' }),
        false,
      );
      assert.equal(
        replicaWriteWins({ updated: 5, vault: 'kv-b' }, { updated: 5, vault: 'KV-A' }),
        false,
      );
      assert.equal(
        replicaWriteWins({ updated: 5, vault: 'KV-A' }, { updated: 5, vault: 'kv-b' }),
        true,
      );
    });

    it('on a tie where the source vault is the smaller name, the source’s write replaces the replica', async () => {
      replica.put('db', { updated: 100 });
      const held = source.put('db', { updated: 100 });
      const result = await run(twoWay({ source: 'kv-a', replica: 'KV-B' }));
      assert.deepEqual([result.action, result.sourceVersion], ['updated', held.version]);
    });

    it('a replica holding the newer write is left alone and says it replicates the other way', async () => {
      replica.put('db', { updated: 300 });
      const held = source.put('db', { updated: 200 });
      const result = await run(twoWay());
      assert.deepEqual(
        [result.action, result.reason, result.sourceVersion],
        ['unchanged', 'the replica holds a newer write; it replicates the other way', held.version],
      );
      assert.equal(replica.writes, 0);
    });

    it('an echo is the replica’s own version coming back: the same version named by a third vault is not one', async () => {
      const own = replica.put('db', { updated: 100 });
      source.put('db', { updated: 150, tags: provenanceTags('kv-other', own.version) });
      assert.equal((await run(twoWay())).action, 'updated');
    });

    it('an echo of an older replica version is not one: the replica wrote since, and that write replicates the other way', async () => {
      const first = replica.put('db', { updated: 100 });
      source.put('db', { updated: 150, tags: provenanceTags('kv-dst', first.version) });
      replica.put('db', { updated: 300 });
      const result = await run(twoWay());
      assert.deepEqual(
        [result.action, result.reason],
        ['unchanged', 'the replica holds a newer write; it replicates the other way'],
      );
    });

    it('an echo names the replica vault in any case', async () => {
      const own = replica.put('db', { updated: 100 });
      const held = source.put('db', { updated: 150, tags: provenanceTags('KV-DST', own.version) });
      const result = await run(twoWay());
      assert.deepEqual(
        [result.action, result.reason, result.sourceVersion],
        ['unchanged', 'echo: the source holds this replica’s own write', held.version],
      );
    });
  });
});
