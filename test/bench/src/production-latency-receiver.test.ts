import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startReplicaEventReceiver } from './production-latency-receiver';

const post = (url: string, events: unknown[]) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });

const created = (vault: string, name: string, eventTime: string, eventType?: string) => ({
  eventType: eventType ?? 'Microsoft.KeyVault.SecretNewVersionCreated',
  eventTime,
  data: { VaultName: vault, ObjectName: name },
});

describe('replica event receiver', () => {
  it('answers the Event Grid validation handshake with the code it was sent', async () => {
    const receiver = await startReplicaEventReceiver();
    try {
      const response = await post(receiver.url, [
        {
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          data: { validationCode: 'code-123' },
        },
      ]);
      assert.deepEqual(await response.json(), { validationResponse: 'code-123' });
      assert.equal(receiver.createdAt.size, 0);
    } finally {
      await receiver.close();
    }
  });

  it('keeps the first creation time per replica secret: a redelivery is not a second write', async () => {
    const receiver = await startReplicaEventReceiver();
    try {
      await post(receiver.url, [created('kv-a-neu', 's-1', '2026-01-01T00:00:00.120Z')]);
      await post(receiver.url, [created('kv-a-neu', 's-1', '2026-01-01T00:00:09.000Z')]);
      await post(receiver.url, [created('kv-a-eus', 's-1', '2026-01-01T00:00:00.250Z')]);
      await post(receiver.url, [
        created(
          'kv-a-eus',
          's-2',
          '2026-01-01T00:00:01.000Z',
          'Microsoft.KeyVault.SecretNearExpiry',
        ),
      ]);
      assert.deepEqual(
        [...receiver.createdAt],
        [
          ['kv-a-neu/s-1', Date.parse('2026-01-01T00:00:00.120Z')],
          ['kv-a-eus/s-1', Date.parse('2026-01-01T00:00:00.250Z')],
        ],
      );
    } finally {
      await receiver.close();
    }
  });
});
