import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isVaultError } from '../errors';
import { MemorySecretStore } from './memory-secret-store';

const write = { enabled: true, tags: { env: 'prod' } };

describe('MemorySecretStore', () => {
  it('keeps versions, lists without values, and counts requests', async () => {
    let now = 100;
    const store = new MemorySecretStore('kv-a', { now: () => now });
    const v1 = await store.setSecret('db', 'one', write);
    now = 200;
    const v2 = await store.setSecret('db', 'two', { ...write, contentType: 'text/plain' });
    assert.notEqual(v1.version, v2.version);
    assert.equal((await store.getSecret('DB')).value, 'two');
    const listed = [];
    for await (const item of store.listSecrets()) listed.push(item);
    assert.deepEqual(listed, [
      {
        name: 'db',
        enabled: true,
        tags: { env: 'prod' },
        contentType: 'text/plain',
        created: 200,
        updated: 200,
        managed: false,
      },
    ]);
    assert.equal(store.requestCount('set'), 2);
    assert.equal(store.requestCount('list'), 1);
  });

  it('lists every version without values and reads a given version', async () => {
    let now = 100;
    const store = new MemorySecretStore('kv-a', { now: () => now });
    const v1 = await store.setSecret('db', 'one', write);
    now = 200;
    const v2 = await store.setSecret('db', 'two', { ...write, enabled: false });
    const versions = [];
    for await (const v of store.listSecretVersions('db')) versions.push(v);
    assert.deepEqual(
      versions.map((v) => [v.version, v.created, v.enabled, 'value' in v]),
      [
        [v1.version, 100, true, false],
        [v2.version, 200, false, false],
      ],
    );
    assert.equal((await store.getSecret('db', v1.version)).value, 'one');
    await assert.rejects(store.getSecret('db', v2.version), (e: unknown) =>
      isVaultError(e, 'disabled'),
    );
    await assert.rejects(store.getSecret('db', '0'.repeat(32)), (e: unknown) =>
      isVaultError(e, 'not-found'),
    );
  });

  it('refuses to read a disabled secret but shows its properties', async () => {
    const store = new MemorySecretStore('kv-a');
    await store.setSecret('db', 'x', { ...write, enabled: false });
    await assert.rejects(
      store.getSecret('db'),
      (e: unknown) => isVaultError(e, 'disabled') && e.status === 403,
    );
    assert.equal((await store.getLatestProperties('db')).enabled, false);
  });

  it('blocks a soft-deleted name until it is recovered', async () => {
    const store = new MemorySecretStore('kv-a');
    await store.setSecret('db', 'x', write);
    await store.deleteSecret('db');
    await assert.rejects(store.getSecret('db'), (e: unknown) => isVaultError(e, 'not-found'));
    await assert.rejects(
      store.setSecret('db', 'y', write),
      (e: unknown) =>
        isVaultError(e, 'deleted-recoverable') && e.code === 'ObjectIsDeletedButRecoverable',
    );
    assert.equal((await store.getDeletedSecret('db'))?.name, 'db');
    await store.recoverDeletedSecret('db');
    assert.equal((await store.getSecret('db')).value, 'x');
    assert.equal(await store.getDeletedSecret('db'), undefined);
  });
});
