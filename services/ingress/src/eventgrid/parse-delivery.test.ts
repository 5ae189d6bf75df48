import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloudEvent, eventGridEvent, keyVaultData } from '../testing/event-fixtures';
import { MAX_VALIDATION_CODE_LENGTH, parseDelivery, parseMessageBody } from './parse-delivery';
import { EVENTGRID_VALIDATION_EVENT } from './normalise';

/**
 * What a webhook delivery is (https://learn.microsoft.com/azure/event-grid/webhook-event-delivery):
 * CloudEvents in any mode, or an EventGrid-schema array that may be the subscription
 * validation handshake.
 */
const json = { 'content-type': 'application/json' };
const deliver = (body: unknown, headers: Record<string, string> = json) =>
  parseDelivery(JSON.stringify(body), headers);
const validation = (code: unknown, id = 'v1') => ({
  ...eventGridEvent(id, { validationCode: code }, EVENTGRID_VALIDATION_EVENT),
});

describe('parseDelivery: which schema', () => {
  it('reads an EventGrid array as the eventgrid schema, mapping eventType and eventTime', () => {
    const data = keyVaultData('one');
    assert.deepEqual(deliver([eventGridEvent('e1', data)]), {
      kind: 'events',
      schema: 'eventgrid',
      events: [
        {
          id: 'e1',
          type: 'Microsoft.KeyVault.SecretNewVersionCreated',
          time: '2026-11-23T12:00:00Z',
          data,
        },
      ],
    });
  });

  it('reads CloudEvents by content type, in any letter case and with parameters', () => {
    for (const type of [
      'application/cloudevents+json',
      'Application/CloudEvents+JSON; charset=utf-8',
      'application/cloudevents-batch+json',
    ]) {
      const body = type.includes('batch') ? [cloudEvent('c1')] : cloudEvent('c1');
      const delivery = deliver(body, { 'content-type': type });
      assert.equal(delivery.kind === 'events' && delivery.schema, 'cloudevents', type);
    }
  });

  it('reads CloudEvents by their specversion when the content type is plain JSON', () => {
    const single = deliver(cloudEvent('c1'));
    assert.equal(single.kind === 'events' && single.schema, 'cloudevents');
    const batch = deliver([cloudEvent('c1'), cloudEvent('c2')]);
    assert.equal(batch.kind === 'events' && batch.schema, 'cloudevents');
    assert.equal(batch.kind === 'events' && batch.events.length, 2);
  });

  it('reads binary-mode CloudEvents by their ce-specversion header', () => {
    const delivery = deliver(keyVaultData(), {
      ...json,
      'ce-specversion': '1.0',
      'ce-id': 'b1',
      'ce-type': 'Microsoft.KeyVault.SecretNewVersionCreated',
      'ce-source': '/vaults/kv-src',
    });
    assert.equal(delivery.kind === 'events' && delivery.events[0]?.id, 'b1');
  });

  it('judges a body sent with a CloudEvents content type as CloudEvents: a missing specversion is named, not read as EventGrid', () => {
    const { specversion: _dropped, ...withoutSpecversion } = cloudEvent('c1');
    for (const type of [
      'application/cloudevents+json',
      'Application/CloudEvents+JSON; charset=utf-8',
    ])
      assert.deepEqual(
        deliver(withoutSpecversion, { 'content-type': type }),
        { kind: 'invalid', reason: 'invalid CloudEvent: specversion missing' },
        type,
      );
    // Without the content type this array would be a (malformed) EventGrid delivery.
    assert.deepEqual(
      deliver([cloudEvent('c1'), eventGridEvent('e1')], {
        'content-type': 'application/cloudevents-batch+json',
      }),
      { kind: 'invalid', reason: 'invalid CloudEvent: source, specversion, type missing' },
    );
  });

  it('reads a mixed array (not every entry a CloudEvent) as EventGrid, not as a batch', () => {
    const delivery = deliver([cloudEvent('c1'), eventGridEvent('e1')]);
    assert.equal(delivery.kind === 'events' && delivery.schema, 'eventgrid');
  });

  it('keeps an odd entry of an EventGrid array as an event without fields (judged later)', () => {
    const delivery = deliver([eventGridEvent('e1'), null]);
    assert.deepEqual(delivery.kind === 'events' && delivery.events[1], {
      id: undefined,
      type: undefined,
      time: undefined,
      data: undefined,
    });
  });

  it('reads an EventGrid array whose first entry is null, a number, a string or a boolean without failing: each is judged later', () => {
    for (const odd of [null, 42, 'text', true]) {
      const delivery = deliver([odd, eventGridEvent('e1')]);
      assert.equal(delivery.kind === 'events' && delivery.schema, 'eventgrid', JSON.stringify(odd));
      assert.deepEqual(delivery.kind === 'events' && delivery.events.map((e) => e.id), [
        undefined,
        'e1',
      ]);
    }
  });

  it('refuses what is neither: not JSON, an empty array, an object without specversion', () => {
    assert.deepEqual(parseDelivery('[{"id":', json), {
      kind: 'invalid',
      reason: 'body is not JSON',
    });
    assert.deepEqual(deliver([]), { kind: 'invalid', reason: 'empty event array' });
    for (const body of [{ hello: 'world' }, eventGridEvent('e1'), 'string', 42, null])
      assert.deepEqual(
        deliver(body),
        {
          kind: 'invalid',
          reason: 'body is neither an EventGrid event array nor a CloudEvent',
        },
        JSON.stringify(body),
      );
  });
});

describe('parseDelivery: the EventGrid validation handshake', () => {
  it('answers a validation event alone with its code', () => {
    const guid = '512d38b6-c7b8-40c8-89fe-f46f9e9622b6';
    assert.deepEqual(deliver([validation(guid)]), {
      kind: 'eventgrid-validation',
      validationCode: guid,
    });
    assert.deepEqual(deliver([validation('first'), validation('second', 'v2')]), {
      kind: 'eventgrid-validation',
      validationCode: 'first',
    });
  });

  it('echoes only a printable code of at most 128 characters', () => {
    assert.equal(MAX_VALIDATION_CODE_LENGTH, 128);
    const longest = 'x'.repeat(MAX_VALIDATION_CODE_LENGTH);
    assert.equal(deliver([validation(longest)]).kind, 'eventgrid-validation');
    for (const code of [longest + 'x', 'two words', 'tab\there', 'é', '', 42, null, undefined])
      assert.deepEqual(
        deliver([validation(code)]),
        {
          kind: 'invalid',
          reason: 'validation event without a validationCode of at most 128 printable characters',
        },
        JSON.stringify(code),
      );
    const noData = { ...validation('x'), data: undefined };
    assert.equal(deliver([noData]).kind, 'invalid');
  });

  it('keeps the other events of a delivery that carries a validation event too', () => {
    const delivery = deliver([validation('abc'), eventGridEvent('e1')]);
    assert.equal(delivery.kind, 'events');
    if (delivery.kind !== 'events') return;
    assert.equal(delivery.validationCode, 'abc');
    assert.equal(delivery.schema, 'eventgrid');
    assert.deepEqual(
      delivery.events.map((e) => e.id),
      ['v1', 'e1'],
    );
  });
});

describe('parseMessageBody: one message pulled from an Event Hub or a queue', () => {
  it('reads an event alone or in an array, as a string, bytes or decoded JSON', () => {
    const event = eventGridEvent('e1');
    for (const body of [
      event,
      [event],
      JSON.stringify(event),
      new TextEncoder().encode(JSON.stringify([event])),
    ]) {
      const delivery = parseMessageBody(body);
      assert.equal(delivery.kind === 'events' && delivery.events[0]?.id, 'e1');
    }
  });

  it('refuses a validation handshake: it only exists for webhooks', () => {
    assert.deepEqual(parseMessageBody(validation('abc')), {
      kind: 'invalid',
      reason: 'subscription validation event in a message',
    });
  });

  it('refuses what is no event', () => {
    assert.deepEqual(parseMessageBody('not json {'), {
      kind: 'invalid',
      reason: 'body is not JSON',
    });
    for (const body of [null, 42, 'null', true])
      assert.deepEqual(
        parseMessageBody(body),
        { kind: 'invalid', reason: 'body is neither an event nor an array of events' },
        JSON.stringify(body),
      );
    assert.deepEqual(parseMessageBody([]), { kind: 'invalid', reason: 'empty event array' });
  });
});
