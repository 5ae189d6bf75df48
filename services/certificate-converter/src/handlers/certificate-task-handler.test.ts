import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEnvelope, type Envelope, type OutcomeData } from '@akv-replicator/core';
import type { HandlerContext, Publisher } from '@akv-replicator/bus';
import {
  MemoryCertificateStore,
  VaultError,
  type CertificateStore,
} from '@akv-replicator/keyvault';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import { createCertificateTaskHandler } from './certificate-task-handler';

const envelope = createEnvelope(
  'akv.certificate.task.v1',
  {
    taskId: 'task-1',
    link: 'l',
    source: { name: 'kv-src' },
    objectName: 'web-tls',
    replica: { name: 'kv-dst', region: 'northeurope' },
    trigger: { kind: 'event', id: 'e' },
  },
  { source: '/test' },
) as Envelope<'akv.certificate.task.v1'>;

const context = (deliveryCount: number) =>
  ({ deliveryCount, topic: 'certificate-tasks', subscription: 's' }) as HandlerContext;

function world(replica: CertificateStore) {
  const outcomes: OutcomeData[] = [];
  const publisher: Publisher = {
    publish: async (_topic, published) => {
      outcomes.push(published.data as OutcomeData);
      return { id: published.id, duplicate: false } as Awaited<ReturnType<Publisher['publish']>>;
    },
  };
  const source = new MemoryCertificateStore('kv-src');
  const pem = createTestCertificate({ subject: 'CN=web', keyType: 'EC', format: 'pem' });
  source.seed('web-tls', {
    value: pem.value,
    contentType: pem.contentType,
    policy: { subject: 'CN=web', exportable: true, lifetimeActions: [] },
  });
  const handle = createCertificateTaskHandler({
    stores: (vault) => (vault.name === 'kv-src' ? source : replica),
    publisher,
    policy: { overwriteUnowned: false, softDeletedAtReplica: 'recover' },
    maxDeliveries: 3,
    retryDelaysMs: [100, 200],
  });
  return { handle, outcomes };
}

const unavailable = new MemoryCertificateStore('kv-dst', {
  beforeRequest: () => {
    throw new VaultError('unavailable', 'connect ECONNREFUSED', { vault: 'kv-dst' });
  },
});

describe('certificate task handler', () => {
  it('acks and publishes a certificate outcome for a converged task', async () => {
    const { handle, outcomes } = world(new MemoryCertificateStore('kv-dst'));
    assert.deepEqual(await handle(envelope, context(1)), { kind: 'ack' });
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.action, o.service, o.objectKind, o.taskId]),
      [['success', 'created', 'certificate-converter', 'certificate', 'task-1']],
    );
  });

  it('retries an unreachable replica with the configured delays, publishing nothing yet', async () => {
    const { handle, outcomes } = world(unavailable);
    assert.deepEqual(await handle(envelope, context(1)), {
      kind: 'retry',
      delayMs: 100,
      reason: 'kv-dst: connect ECONNREFUSED',
    });
    assert.equal((await handle(envelope, context(2))).kind, 'retry');
    assert.equal(outcomes.length, 0);
  });

  it('on the last delivery publishes a failure outcome and dead-letters the task', async () => {
    const { handle, outcomes } = world(unavailable);
    const result = await handle(envelope, context(3));
    assert.equal(result.kind, 'reject');
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.code]),
      [['failure', 'unavailable']],
    );
  });
});
