import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryObjectFamily } from './in-memory-store';
import type { VersionedRecord } from './vault-store';

const record = (
  name: string,
  version: string,
  createdMs = 0,
): VersionedRecord & { note?: string } => ({ name, version, createdMs });

describe('InMemoryObjectFamily', () => {
  it('keeps versions in creation order under a case-insensitive name', () => {
    const family = new InMemoryObjectFamily<VersionedRecord & { note?: string }>();
    family.addVersion(record('Db-Password', 'v1'));
    family.addVersion(record('db-password', 'v2'));
    assert.deepEqual(
      family.versions('DB-PASSWORD')?.map((v) => v.version),
      ['v1', 'v2'],
    );
    assert.deepEqual(family.names(), ['Db-Password']);
    family.replaceVersion({ ...record('db-password', 'v1'), note: 'patched' });
    assert.equal(family.versions('db-password')?.[0]?.note, 'patched');
    assert.throws(() => family.replaceVersion(record('db-password', 'v9')));
  });

  it('soft-deletes, recovers and purges whole objects', () => {
    const family = new InMemoryObjectFamily<VersionedRecord>();
    family.addVersion(record('a', 'v1'));
    const deleted = family.softDelete('A', 10, 20);
    assert.deepEqual(
      deleted && {
        name: deleted.name,
        deletedMs: deleted.deletedMs,
        scheduledPurgeMs: deleted.scheduledPurgeMs,
      },
      {
        name: 'a',
        deletedMs: 10,
        scheduledPurgeMs: 20,
      },
    );
    assert.equal(family.versions('a'), undefined);
    assert.deepEqual(family.deletedNames(), ['a']);
    assert.equal(family.softDelete('a', 0, 0), undefined, 'nothing live to delete');
    assert.equal(family.recover('a'), true);
    assert.equal(family.versions('a')?.length, 1);
    assert.equal(family.recover('a'), false);
    family.softDelete('a', 0, 0);
    assert.equal(family.purge('a'), true);
    assert.equal(family.deleted('a'), undefined);
    assert.equal(family.purge('a'), false);
  });
});
