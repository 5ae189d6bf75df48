import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { taskIdempotencyKey, type TaskIdentity } from './idempotency-key';

const base: TaskIdentity = {
  kind: 'secret',
  sourceVault: 'kv-a',
  objectName: 'db-password',
  replicaVault: 'kv-b',
  revision: '0123456789abcdef0123456789abcdef',
};

describe('taskIdempotencyKey', () => {
  it('is stable and ignores the case of names, as Key Vault does', () => {
    const upper = { ...base, sourceVault: 'KV-A', objectName: 'DB-Password', replicaVault: 'Kv-B' };
    assert.equal(taskIdempotencyKey(upper), taskIdempotencyKey(base));
    assert.match(taskIdempotencyKey(base), /^task-[0-9a-f]{40}$/);
  });

  const changes: Array<[string, Partial<TaskIdentity>]> = [
    ['kind', { kind: 'certificate' }],
    ['source vault', { sourceVault: 'kv-c' }],
    ['object', { objectName: 'api-key' }],
    ['replica', { replicaVault: 'kv-c' }],
    ['revision', { revision: 'updated:1700000000' }],
  ];
  for (const [field, change] of changes) {
    it(`changes when the ${field} changes`, () => {
      assert.notEqual(taskIdempotencyKey({ ...base, ...change }), taskIdempotencyKey(base));
    });
  }

  it('cannot be forged by shifting text between fields', () => {
    const a = taskIdempotencyKey({ ...base, sourceVault: 'kv-a', objectName: 'b' });
    const b = taskIdempotencyKey({ ...base, sourceVault: 'kv-a\nb', objectName: '' });
    assert.notEqual(a, b);
  });
});
