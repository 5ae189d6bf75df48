import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { deliveryCountOf, retryCopy, toServiceBusMessage, userProperties } from './message-codec';
import { RecentIds } from './recent-ids';

function received(fields: Partial<ServiceBusReceivedMessage>): ServiceBusReceivedMessage {
  return { body: Buffer.from('{}'), deliveryCount: 0, ...fields } as ServiceBusReceivedMessage;
}

describe('message codec', () => {
  it('puts the envelope id, routing key, properties and trace context where Service Bus shows them', () => {
    const message = toServiceBusMessage({
      id: 'e-1',
      body: new TextEncoder().encode('{"a":1}'),
      type: 'akv.secret.task.v1',
      routingKey: 'westeurope',
      properties: { link: 'prod-dr' },
      trace: { traceparent: '00-abc-def-01' },
    });
    assert.equal(message.messageId, 'e-1');
    assert.equal(message.subject, 'akv.secret.task.v1');
    assert.deepEqual(message.applicationProperties, {
      link: 'prod-dr',
      akvRoutingKey: 'westeurope',
      traceparent: '00-abc-def-01',
    });
    assert.equal(Buffer.from(message.body as Buffer).toString(), '{"a":1}');
  });

  it('counts deliveries across retry copies, from 1', () => {
    assert.equal(deliveryCountOf(received({ deliveryCount: 0 })), 1);
    assert.equal(deliveryCountOf(received({ deliveryCount: 1 })), 2);
    const copy = retryCopy(
      received({ messageId: 'e-1', deliveryCount: 0 }),
      'replicator.westeurope',
      2,
    );
    assert.equal(copy.messageId, 'e-1~retry2');
    assert.equal(
      retryCopy(received({ messageId: copy.messageId }), 'x', 3).messageId,
      'e-1~retry3',
    );
    assert.equal(
      deliveryCountOf(
        received({ applicationProperties: copy.applicationProperties, deliveryCount: 0 }),
      ),
      3,
    );
  });

  it("shows handlers only the publisher's string properties", () => {
    const props = userProperties(
      received({
        applicationProperties: {
          link: 'l1',
          akvRoutingKey: 'we',
          akvAttempt: 2,
          DeadLetterReason: 'x',
          n: 5,
        },
      }),
    );
    assert.deepEqual(props, { link: 'l1' });
  });

  it('reports a repeat of its own publish inside the window, and forgets after it', () => {
    let now = 0;
    const ids = new RecentIds(1_000, () => now);
    assert.equal(ids.seen('a'), false);
    assert.equal(ids.seen('a'), true);
    now = 1_001;
    assert.equal(ids.seen('a'), false);
  });
});
