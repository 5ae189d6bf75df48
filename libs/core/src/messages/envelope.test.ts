import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEnvelope, encodeEnvelope, parseEnvelope } from './envelope';
import { MessageValidationError } from '../errors/errors';

const task = {
  taskId: 't-1',
  link: 'payments',
  source: { name: 'kv-pay-weu' },
  objectName: 'db-password',
  replica: { name: 'kv-pay-neu', region: 'northeurope' },
  trigger: { kind: 'event', id: 'evt-1' },
} as const;

describe('message envelope', () => {
  it('round-trips a secret task through the wire format with defaults applied', () => {
    const envelope = createEnvelope('akv.secret.task.v1', task, {
      id: 'stable-id',
      source: '/akv-replicator/discovery',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const parsed = parseEnvelope(encodeEnvelope(envelope));
    assert.equal(parsed.type, 'akv.secret.task.v1');
    assert.equal(parsed.id, 'stable-id');
    assert.equal(parsed.traceparent, envelope.traceparent);
    assert.deepEqual(parsed.data, {
      ...task,
      drift: 'unknown',
      linkMode: 'one-way',
      deletionPolicy: 'keep',
      historyVersions: 0,
      dryRun: false,
    });
  });

  it('refuses to build a task with an invalid replica region', () => {
    assert.throws(
      () =>
        createEnvelope(
          'akv.secret.task.v1',
          { ...task, replica: { name: 'kv-pay-neu', region: '' } },
          {
            source: '/test',
          },
        ),
      (error: unknown) =>
        error instanceof MessageValidationError && /replica\.region/.test(error.message),
    );
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['non-JSON bytes', new TextEncoder().encode('{nope'), /not JSON/],
    [
      'missing specversion',
      { id: 'x', source: 's', type: 'akv.outcome.v1', data: {} },
      /specversion/,
    ],
    [
      'unknown type',
      { specversion: '1.0', id: 'x', source: 's', type: 'other', data: {} },
      /unknown message type/,
    ],
    [
      'bad data',
      {
        specversion: '1.0',
        id: 'x',
        source: 's',
        type: 'akv.resync.command.v1',
        data: { resyncId: 'r', objectName: 'a', requestedAt: '2026-01-01T00:00:00Z' },
      },
      /objectName requires vault/,
    ],
    [
      'malformed traceparent',
      {
        specversion: '1.0',
        id: 'x',
        source: 's',
        type: 'akv.outcome.v1',
        traceparent: 'abc',
        data: {},
      },
      /traceparent/,
    ],
  ];
  for (const [label, raw, reason] of invalid) {
    it(`rejects ${label} with a reason`, () => {
      assert.throws(
        () => parseEnvelope(raw),
        (error: unknown) => {
          assert.ok(error instanceof MessageValidationError);
          assert.match(error.message, reason);
          assert.equal(error.retryable, false);
          return true;
        },
      );
    });
  }

  it('never echoes data values in validation errors', () => {
    const canary = 'CANARY-s3cr3t-value';
    try {
      parseEnvelope({
        specversion: '1.0',
        id: 'x',
        source: 's',
        type: 'akv.secret.task.v1',
        data: { ...task, objectName: canary + '!' },
      });
      assert.fail('expected a validation error');
    } catch (error) {
      assert.ok(error instanceof MessageValidationError);
      assert.ok(!error.message.includes(canary), error.message);
    }
  });
});
