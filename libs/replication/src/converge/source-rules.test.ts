// What convergeObject decides from the source alone, before it looks at ownership: a source the
// kind does not replicate, a source a link filter leaves out, a source with no room for our
// provenance tag, and a replica that already holds the source's version.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TAGS_PER_OBJECT, readProvenance } from '@akv-replicator/core';
import { convergeObject } from './converge-object';
import type { ObjectTask } from './kind-adapter';
import {
  OLDER_VERSION,
  RecordVault,
  provenanceTags,
  recordKind,
  recordPolicy,
  recordTask,
  type RecordKindOptions,
} from './record-kind.fixture';

let source: RecordVault;
let replica: RecordVault;
const run = (task: Partial<ObjectTask> = {}, options: RecordKindOptions = {}) =>
  convergeObject(recordTask(task), recordKind(source, replica, options), recordPolicy);

describe('source-rules', () => {
  beforeEach(() => {
    source = new RecordVault('kv-src');
    replica = new RecordVault('kv-dst');
  });

  describe('convergeObject — the source decides', () => {
    it('a source the kind does not replicate is skipped with the kind’s reason and writes nothing', async () => {
      source.put('db', { updated: 200 });
      const result = await run({}, { notOurs: () => 'managed by a certificate' });
      assert.deepEqual(
        [result.status, result.action, result.reason],
        ['success', 'skipped', 'managed by a certificate'],
      );
      assert.equal(replica.writes, 0);
      assert.equal(replica.live.has('db'), false);
    });

    it('a source the kind does replicate is written', async () => {
      source.put('db', { updated: 200 });
      assert.equal((await run({}, { notOurs: () => undefined })).action, 'created');
    });

    it('a source a link filter leaves out is skipped, naming the filter’s reason', async () => {
      source.put('db', { updated: 200 });
      const result = await run({ filters: { exclude: { names: ['db'] } } });
      assert.equal(result.action, 'skipped');
      assert.match(result.reason ?? '', /^filtered: excluded: /);
      assert.equal(replica.writes, 0);
    });

    it('a source a link filter lets through is written', async () => {
      source.put('db', { updated: 200 });
      assert.equal((await run({ filters: { include: { names: ['db'] } } })).action, 'created');
    });

    it('a source with as many tags as Key Vault allows is refused: the replica needs one more for provenance', async () => {
      const tags = Object.fromEntries(
        Array.from({ length: MAX_TAGS_PER_OBJECT }, (_, i) => [`t${i}`, 'v']),
      );
      source.put('db', { updated: 200, tags });
      const result = await run();
      assert.deepEqual(
        [result.status, result.action, result.code],
        ['failure', 'skipped', 'TooManyTags'],
      );
      assert.equal(replica.writes, 0);
    });

    it('a replica that holds the source’s version with the same content is converged in place, not written again', async () => {
      const held = source.put('db', { updated: 200 });
      const ours = replica.put('db', {
        updated: 200,
        tags: provenanceTags('kv-src', held.version),
      });
      const result = await run();
      assert.deepEqual([result.action, result.sourceVersion], ['unchanged', held.version]);
      assert.equal(replica.writes, 0);
      assert.equal(replica.live.get('db')?.version, ours.version);
    });

    it('a replica that holds an older source version is written with the current one', async () => {
      replica.put('db', { updated: 100, tags: provenanceTags('kv-src', OLDER_VERSION) });
      const held = source.put('db', { updated: 200 });
      assert.equal((await run()).action, 'updated');
      assert.equal(readProvenance(replica.live.get('db')!.tags)?.sourceVersion, held.version);
    });
  });
});
