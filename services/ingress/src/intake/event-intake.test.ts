import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, type AnyEnvelope } from '@akv-replicator/core';
import { ack, createMemoryBus, type Bus } from '@akv-replicator/bus';
import { createDeliveryAuthenticator } from '../auth/delivery-auth';
import { parseMessageBody } from '../eventgrid/parse-delivery';
import { createIngressServer } from '../http/ingress-server';
import { cloudEvent, eventGridEvent, keyVaultData } from '../testing/event-fixtures';
import { createEventIntake } from './event-intake';

describe('parseMessageBody (one pulled message)', () => {
  const cases: [string, unknown, 'eventgrid' | 'cloudevents', number][] = [
    ['a single EventGrid event', eventGridEvent('e1'), 'eventgrid', 1],
    ['an EventGrid array', [eventGridEvent('e1'), eventGridEvent('e2')], 'eventgrid', 2],
    ['a single CloudEvent', cloudEvent('c1'), 'cloudevents', 1],
    ['a CloudEvents batch', [cloudEvent('c1'), cloudEvent('c2')], 'cloudevents', 2],
    ['JSON bytes', new TextEncoder().encode(JSON.stringify(cloudEvent('c1'))), 'cloudevents', 1],
    ['a JSON string', JSON.stringify([eventGridEvent('e1')]), 'eventgrid', 1],
  ];
  for (const [label, body, schema, count] of cases) {
    it(`reads ${label}`, () => {
      const delivery = parseMessageBody(body);
      assert.equal(delivery.kind, 'events');
      if (delivery.kind !== 'events') return;
      assert.equal(delivery.schema, schema);
      assert.equal(delivery.events.length, count);
    });
  }

  const malformed: [string, unknown, RegExp][] = [
    ['bytes that are not JSON', new TextEncoder().encode('not json {'), /not JSON/],
    ['a number', 42, /neither an event nor an array/],
    ['an empty array', [], /empty event array/],
    ['a CloudEvent without source', { ...cloudEvent('c1'), source: undefined }, /CloudEvent/],
    [
      'a validation handshake',
      {
        ...eventGridEvent('v1'),
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        data: { validationCode: 'x' },
      },
      /validation event/,
    ],
  ];
  for (const [label, body, reason] of malformed) {
    it(`refuses ${label} with a reason`, () => {
      const delivery = parseMessageBody(body);
      assert.equal(delivery.kind, 'invalid');
      if (delivery.kind === 'invalid') assert.match(delivery.reason, reason);
    });
  }
});

describe('the shared intake', () => {
  let bus: Bus;
  let received: AnyEnvelope[];
  beforeEach(async () => {
    bus = createMemoryBus();
    received = [];
    await bus.subscribe(TOPICS.vaultEvents, { subscription: 'test' }, async (envelope) => {
      received.push(envelope);
      return ack();
    });
  });
  afterEach(() => bus.close());

  /** Waits for a condition, failing after a generous 10 s (not silently giving up). */
  const until = async (predicate: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!predicate()) {
      if (Date.now() > deadline) assert.fail('timed out waiting for the bus');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  /**
   * "Nothing more was published": accept() resolves only once its publishes are on the bus (it
   * counts them), and the memory bus hands a message to its subscriber within a few event-loop
   * turns, so 50 ms after accept() a published message would have been received.
   */
  const quietly = () => new Promise((r) => setTimeout(r, 50));

  it('publishes one vault event when the same event arrives by webhook, queue and hub', async () => {
    const app = createIngressServer({
      publisher: bus,
      deliveryAuth: createDeliveryAuthenticator({}),
      resyncAuth: createDeliveryAuthenticator({}),
      maxBodyBytes: 1024 * 1024,
    });
    const webhook = await app.inject({
      method: 'POST',
      url: '/eventgrid',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify([eventGridEvent('same-id')]),
    });
    assert.equal(webhook.statusCode, 200);
    assert.deepEqual(webhook.json(), { published: 1, duplicates: 0, ignored: 0 });
    await app.close();

    const intake = createEventIntake({ publisher: bus });
    // Event Grid keeps the event id across subscriptions, whatever their schema.
    const fromQueue = await intake.accept(parseMessageBody(eventGridEvent('same-id')), {
      input: 'servicebus-queue',
    });
    const fromHub = await intake.accept(parseMessageBody(cloudEvent('same-id')), {
      input: 'eventhubs',
    });
    assert.deepEqual(fromQueue, { kind: 'accepted', published: 0, duplicates: 1, ignored: 0 });
    assert.deepEqual(fromHub, { kind: 'accepted', published: 0, duplicates: 1, ignored: 0 });
    await until(() => received.length > 0);
    await quietly();
    assert.equal(received.length, 1);
    assert.equal((received[0]?.data as { input: string }).input, 'webhook');
  });

  it('publishes nothing from a delivery with an invalid event, and names the field', async () => {
    const intake = createEventIntake({ publisher: bus });
    // Nothing names the vault: neither VaultName nor an Id to read it from.
    const { VaultName: _dropped, Id: _id, ...withoutVault } = keyVaultData('other');
    const outcome = await intake.accept(
      parseMessageBody([cloudEvent('ok'), cloudEvent('bad', withoutVault)]),
      { input: 'eventhubs' },
    );
    assert.equal(outcome.kind, 'invalid');
    if (outcome.kind === 'invalid')
      assert.match(outcome.reasons.join(), /bad: invalid vault\.name/);
    await quietly();
    assert.equal(received.length, 0);
  });

  // The event id becomes the bus message id: Service Bus refuses one over 128 characters and
  // NATS a header with a line break, on every attempt, so the Event Hubs input (which retries a
  // failed publish until it succeeds) would hold its partition for good.
  for (const [label, id] of [
    ['longer than 128 characters', 'x'.repeat(129)],
    ['with a line break', 'a\nb'],
  ] as const) {
    it(`refuses an event whose id no broker takes as a message id (${label})`, async () => {
      const intake = createEventIntake({ publisher: bus });
      const outcome = await intake.accept(parseMessageBody(eventGridEvent(id)), {
        input: 'eventhubs',
      });
      assert.equal(outcome.kind, 'invalid');
      if (outcome.kind === 'invalid') {
        assert.match(outcome.reasons.join(), /event id/);
        assert.doesNotMatch(outcome.reasons.join(), /xxxx|a\nb/);
      }
      await quietly();
      assert.equal(received.length, 0);
    });
  }

  it('takes an event id of 128 characters', async () => {
    const intake = createEventIntake({ publisher: bus });
    const outcome = await intake.accept(parseMessageBody(eventGridEvent('y'.repeat(128))), {
      input: 'eventhubs',
    });
    assert.equal(outcome.kind, 'accepted');
  });

  it('throws when the bus refuses, so the input does not acknowledge', async () => {
    const intake = createEventIntake({
      publisher: { publish: () => Promise.reject(new Error('bus down')) },
    });
    await assert.rejects(
      intake.accept(parseMessageBody(cloudEvent('x')), { input: 'servicebus-queue' }),
      /bus down/,
    );
  });
});
