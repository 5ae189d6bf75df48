import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEnvelope, type Envelope, type OutcomeData } from '@akv-replicator/core';
import type { HandlerContext, Publisher } from '@akv-replicator/bus';
import { MemorySecretStore, translateError, type SecretStore } from '@akv-replicator/keyvault';
import { createSecretTaskHandler } from './secret-task-handler';

// The replicator's reaction to a harsh Key Vault: a name still being deleted or purged at the
// replica is retry-later (the bus redelivers), a 403 is a final failure naming vault, identity
// and role.
const envelope = createEnvelope(
  'akv.secret.task.v1',
  {
    taskId: 'task-1',
    link: 'l',
    source: { name: 'kv-src' },
    objectName: 'db',
    replica: { name: 'kv-dst', region: 'northeurope' },
    trigger: { kind: 'event', id: 'e' },
  },
  { source: '/test' },
) as Envelope<'akv.secret.task.v1'>;
const context = (deliveryCount: number) =>
  ({ deliveryCount, topic: 'secret-tasks', subscription: 's' }) as HandlerContext;

function world(replica: SecretStore, source = new MemorySecretStore('kv-src')) {
  const outcomes: OutcomeData[] = [];
  const publisher: Publisher = {
    publish: async (_topic, published) => {
      outcomes.push(published.data as OutcomeData);
      return { id: published.id, duplicate: false } as Awaited<ReturnType<Publisher['publish']>>;
    },
  };
  const handle = createSecretTaskHandler({
    stores: (vault) => (vault.name === 'kv-src' ? source : replica),
    publisher,
    policy: { overwriteUnowned: true, softDeletedAtReplica: 'recover' },
    maxDeliveries: 5,
    retryDelaysMs: [250],
  });
  return { handle, outcomes, source };
}

describe('replicator against a harsh Key Vault', () => {
  it('retries, not fails, while the replica name is being deleted, purged or recovered, then converges', async () => {
    let nowMs = 1_000_000;
    const replica = new MemorySecretStore('kv-dst', {
      lifecycleDelayMs: 5_000,
      nowMs: () => nowMs,
    });
    const { handle, outcomes, source } = world(replica);
    await source.setSecret('db', 'v1', { enabled: true, tags: {} });
    // Someone deletes the replica and purges it; the purge is still running.
    await replica.setSecret('db', 'old', { enabled: true, tags: {} });
    await replica.deleteSecret('db');
    assert.deepEqual(await handle(envelope, context(1)), {
      kind: 'retry',
      delayMs: 250,
      reason: 'kv-dst/db: Secret db is currently being deleted.',
    });
    nowMs += 5_000;
    replica.purge('db');
    const during = await handle(envelope, context(2));
    assert.equal(during.kind, 'retry', 'being purged: retry later');
    assert.equal(outcomes.length, 0, 'no failure outcome for a transient conflict');
    nowMs += 5_000;
    assert.equal((await handle(envelope, context(3))).kind, 'ack');
    assert.deepEqual([outcomes[0]?.status, outcomes[0]?.action], ['success', 'created']);
    assert.equal((await replica.getSecret('db')).value, 'v1');
  });

  it('recovers a soft-deleted replica only once the delete finished, retrying meanwhile', async () => {
    let nowMs = 0;
    const replica = new MemorySecretStore('kv-dst', {
      lifecycleDelayMs: 2_000,
      nowMs: () => nowMs,
    });
    const { handle, outcomes, source } = world(replica);
    await source.setSecret('db', 'v2', { enabled: true, tags: {} });
    await replica.setSecret('db', 'v1', { enabled: true, tags: {} });
    await replica.deleteSecret('db');
    assert.equal((await handle(envelope, context(1))).kind, 'retry');
    nowMs += 2_000; // deleted: recover, which itself takes 2 s
    assert.equal((await handle(envelope, context(2))).kind, 'retry', 'being recovered');
    nowMs += 2_000;
    assert.equal((await handle(envelope, context(3))).kind, 'ack');
    assert.deepEqual([outcomes.at(-1)?.status, outcomes.at(-1)?.action], ['success', 'updated']);
    assert.equal((await replica.getSecret('db')).value, 'v2');
  });

  it('reports a 403 as a failure naming the vault, the identity and the missing role, without retrying', async () => {
    const replica = new MemorySecretStore('kv-dst', {
      beforeRequest: (operation, name) => {
        if (operation !== 'set') return;
        // Key Vault's RBAC refusal, translated as the Azure adapter does.
        throw translateError(
          Object.assign(new Error('Caller is not authorized to perform action on resource.'), {
            statusCode: 403,
            code: 'Forbidden',
            details: { error: { code: 'Forbidden', innererror: { code: 'ForbiddenByRbac' } } },
          }),
          'kv-dst',
          name,
          {
            operation: 'secrets/set',
            identity: { clientId: 'replicator-app', tenantId: 'tenant-1' },
          },
        );
      },
    });
    const { handle, outcomes, source } = world(replica);
    await source.setSecret('db', 'v1', { enabled: true, tags: {} });
    assert.equal((await handle(envelope, context(1))).kind, 'ack', 'final: not retried');
    const outcome = outcomes[0];
    assert.equal(outcome?.status, 'failure');
    assert.equal(outcome?.code, 'ForbiddenByRbac');
    assert.match(outcome?.reason ?? '', /kv-dst\/db: permission denied/);
    assert.match(outcome?.reason ?? '', /appid=replicator-app, tenant tenant-1/);
    assert.match(outcome?.reason ?? '', /needs the Key Vault Secrets Officer role on vault kv-dst/);
  });
});
