import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeDataSchema, silentLogger, type Envelope } from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import { certManagerOutcomePublisher } from './cert-manager-outcomes';

describe('certManagerOutcomePublisher', () => {
  it('marks a dry run’s plan as dryRun, and a real push as not', async () => {
    const sent: Envelope[] = [];
    const publisher: Publisher = {
      publish: async (_topic, envelope) => {
        sent.push(envelope);
        return { duplicate: false };
      },
    };
    const publish = certManagerOutcomePublisher(publisher, 'kv-src', silentLogger);
    publish('shop/web-tls', {
      status: 'success',
      action: 'would-create',
      reason: 'dry run: would create shop/web-tls → kv-src/shop--web-tls',
      certificateName: 'shop--web-tls',
      dryRun: true,
    });
    publish('shop/web-tls', {
      status: 'success',
      action: 'created',
      certificateName: 'shop--web-tls',
    });
    await new Promise((resolve) => setImmediate(resolve));
    const outcomes = sent.map((envelope) => outcomeDataSchema.parse(envelope.data));
    assert.deepEqual(
      outcomes.map((o) => [o.action, o.dryRun, o.objectName, o.reason]),
      [
        [
          'would-create',
          true,
          'shop--web-tls',
          'from Kubernetes Secret shop/web-tls: dry run: would create shop/web-tls → kv-src/shop--web-tls',
        ],
        ['created', false, 'shop--web-tls', 'from Kubernetes Secret shop/web-tls'],
      ],
    );
  });
});
