import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEnvelope, type Envelope, type OutcomeData } from '@akv-replicator/core';
import type { HandlerContext, Publisher } from '@akv-replicator/bus';
import {
  MemoryCertificateStore,
  PKCS12_CONTENT_TYPE,
  translateError,
  type CertificateStore,
} from '@akv-replicator/keyvault';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import { createCertificateTaskHandler } from './certificate-task-handler';

// The certificate-converter's reaction to a harsh Key Vault: a replica name still being
// deleted, purged or recovered is retry-later; a 403 is a final failure naming vault, identity
// and role.
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
const pfx = createTestCertificate({ subject: 'CN=web', format: 'pfx' });

function world(replica: CertificateStore) {
  const outcomes: OutcomeData[] = [];
  const publisher: Publisher = {
    publish: async (_topic, published) => {
      outcomes.push(published.data as OutcomeData);
      return { id: published.id, duplicate: false } as Awaited<ReturnType<Publisher['publish']>>;
    },
  };
  const source = new MemoryCertificateStore('kv-src');
  source.seed('web-tls', {
    value: pfx.value,
    contentType: pfx.contentType,
    policy: { subject: 'CN=web', exportable: true, lifetimeActions: [] },
  });
  const handle = createCertificateTaskHandler({
    stores: (vault) => (vault.name === 'kv-src' ? source : replica),
    publisher,
    policy: { overwriteUnowned: true, softDeletedAtReplica: 'recover' },
    maxDeliveries: 5,
    retryDelaysMs: [250],
  });
  return { handle, outcomes };
}

describe('certificate-converter against a harsh Key Vault', () => {
  it('retries while the replica certificate is being deleted, then purged, then imports', async () => {
    let nowMs = 0;
    const replica = new MemoryCertificateStore('kv-dst', {
      lifecycleDelayMs: 3_000,
      nowMs: () => nowMs,
    });
    const { handle, outcomes } = world(replica);
    await replica.importCertificate('web-tls', {
      value: pfx.value,
      contentType: PKCS12_CONTENT_TYPE,
      enabled: true,
      tags: {},
    });
    await replica.deleteCertificate('web-tls');
    const first = await handle(envelope, context(1));
    assert.equal(first.kind, 'retry', 'being deleted: retry later');
    nowMs += 3_000;
    replica.purge('web-tls');
    assert.equal((await handle(envelope, context(2))).kind, 'retry', 'being purged');
    assert.equal(outcomes.length, 0, 'no failure outcome for a transient conflict');
    nowMs += 3_000;
    assert.deepEqual(await handle(envelope, context(3)), { kind: 'ack' });
    assert.deepEqual([outcomes[0]?.status, outcomes[0]?.action], ['success', 'created']);
    assert.equal((await replica.getCertificate('web-tls')).x5t, pfx.x5t);
  });

  it('reports a 403 as a failure naming the vault, the identity and the missing role', async () => {
    const replica = new MemoryCertificateStore('kv-dst', {
      beforeRequest: (operation, name) => {
        if (operation !== 'import') return;
        throw translateError(
          Object.assign(new Error('Caller is not authorized to perform action on resource.'), {
            statusCode: 403,
            code: 'Forbidden',
            details: { error: { code: 'Forbidden', innererror: { code: 'ForbiddenByRbac' } } },
          }),
          'kv-dst',
          name,
          { operation: 'certificates/import', identity: { clientId: 'converter-app' } },
        );
      },
    });
    const { handle, outcomes } = world(replica);
    assert.deepEqual(await handle(envelope, context(1)), { kind: 'ack' }, 'final: not retried');
    assert.equal(outcomes[0]?.status, 'failure');
    assert.match(outcomes[0]?.reason ?? '', /kv-dst\/web-tls: permission denied/);
    assert.match(outcomes[0]?.reason ?? '', /appid=converter-app/);
    assert.match(
      outcomes[0]?.reason ?? '',
      /needs the Key Vault Certificates Officer role on vault kv-dst/,
    );
  });
});
