import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { MemoryLogger } from '@akv-replicator/core';
import { createDeliveryAuthenticator } from '../auth/delivery-auth';
import type { Refusal, RefusalReporter } from '../auth/refusal-reporter';
import { cloudEvent, eventGridEvent, keyVaultData } from '../testing/event-fixtures';
import { RecordingPublisher } from '../testing/recording-publisher';
import { createIngressServer } from './ingress-server';

/**
 * The webhook's own rules behind the authentication (tested on its own in auth-guard.test.ts
 * and delivery-auth.test.ts): the CloudEvents abuse-protection handshake
 * (https://learn.microsoft.com/azure/event-grid/webhook-event-delivery, CloudEvents "HTTP 1.1
 * Web Hooks" 4.1) and what a delivery is answered.
 */
let publisher: RecordingPublisher;
let refused: Refusal[];
let app: FastifyInstance;
let logger: MemoryLogger;

beforeEach(async () => {
  publisher = new RecordingPublisher();
  refused = [];
  logger = new MemoryLogger();
  const refusals: RefusalReporter = {
    refused: (refusal) => refused.push(refusal),
    flush: async () => undefined,
  };
  app = createIngressServer({
    publisher,
    deliveryAuth: createDeliveryAuthenticator({ sharedSecret: 'hook' }),
    resyncAuth: createDeliveryAuthenticator({}),
    maxBodyBytes: 64 * 1024,
    refusals,
    logger,
  });
  await app.ready();
});
afterEach(() => app.close());

const handshake = (origin?: string) =>
  app.inject({
    method: 'OPTIONS',
    url: '/eventgrid?code=hook',
    headers: origin === undefined ? {} : { 'webhook-request-origin': origin },
  });

describe('the CloudEvents handshake (OPTIONS)', () => {
  it('allows the requesting origin at any rate', async () => {
    const response = await handshake('eventgrid.azure.net');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['webhook-allowed-origin'], 'eventgrid.azure.net');
    assert.equal(response.headers['webhook-allowed-rate'], '*');
  });

  it('echoes an origin of up to 255 printable characters, nothing longer or with spaces', async () => {
    const longest = 'a'.repeat(255);
    assert.equal((await handshake(longest)).headers['webhook-allowed-origin'], longest);
    for (const origin of ['', 'a'.repeat(256), 'two words', 'tab\there']) {
      const response = await handshake(origin);
      assert.equal(response.statusCode, 400, JSON.stringify(origin));
      assert.equal(response.headers['webhook-allowed-origin'], undefined);
      assert.deepEqual(response.json(), {
        error: {
          code: 'BadRequest',
          message: 'WebHook-Request-Origin header missing or not a host name',
          details: ['WebHook-Request-Origin header missing or not a host name'],
        },
      });
    }
  });

  it('refuses a handshake without an origin', async () => {
    const response = await handshake();
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers['webhook-allowed-origin'], undefined);
  });
});

describe('a delivery', () => {
  const post = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/eventgrid?code=hook',
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    });

  it('answers with what reached the bus, and carries a valid traceparent onto it', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const response = await post(
      JSON.stringify([
        eventGridEvent('e1'),
        eventGridEvent('e2', keyVaultData('other')),
        eventGridEvent('e3', {}, 'Microsoft.KeyVault.VaultAccessPolicyChanged'),
      ]),
      { traceparent },
    );
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { published: 2, duplicates: 0, ignored: 1 });
    assert.deepEqual(
      publisher.published.map((p) => [p.envelope.id, p.envelope.traceparent]),
      [
        ['e1', traceparent],
        ['e2', traceparent],
      ],
    );
    assert.deepEqual(refused, []);
  });

  it('logs each accepted delivery with its schema and what reached the bus', async () => {
    await post(JSON.stringify([eventGridEvent('e1'), eventGridEvent('e2', keyVaultData('other'))]));
    await post(JSON.stringify(cloudEvent('c1')), {
      'content-type': 'application/cloudevents+json',
    });
    assert.deepEqual(
      logger.lines
        .filter((l) => l.message === 'event grid delivery accepted')
        .map((l) => [l.level, l.fields]),
      [
        ['info', { schema: 'eventgrid', published: 2, duplicates: 0, ignored: 0 }],
        ['info', { schema: 'cloudevents', published: 1, duplicates: 0, ignored: 0 }],
      ],
    );
  });

  it('logs that the EventGrid subscription was validated, publishing nothing', async () => {
    const response = await post(
      JSON.stringify([
        {
          id: 'v',
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          eventTime: '2026-11-23T12:00:00Z',
          data: { validationCode: 'abc-123' },
        },
      ]),
      { 'aeg-event-type': 'SubscriptionValidation' },
    );
    assert.deepEqual(response.json(), { validationResponse: 'abc-123' });
    assert.deepEqual(
      logger.lines.map((l) => [l.level, l.message]),
      [['info', 'event grid subscription validated']],
    );
    assert.deepEqual(publisher.published, []);
  });

  it('refuses a malformed body with 400 naming the reason, reports it, publishes nothing', async () => {
    const response = await post('{"not":"an event"}');
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json(), {
      error: {
        code: 'BadRequest',
        message: 'body is neither an EventGrid event array nor a CloudEvent',
        details: ['body is neither an EventGrid event array nor a CloudEvent'],
      },
    });
    assert.deepEqual(refused, [
      { endpoint: 'eventgrid', status: 400, cause: 'malformed-delivery' },
    ]);
    assert.deepEqual(publisher.published, []);
  });

  it('refuses a delivery with an invalid event the same way, with every reason', async () => {
    const bad = eventGridEvent('bad', { ...keyVaultData(), ObjectName: 'other' });
    const worse = { ...eventGridEvent('worse'), data: null };
    const response = await post(JSON.stringify([eventGridEvent('ok'), bad, worse]));
    assert.equal(response.statusCode, 400);
    const { error } = response.json() as { error: { message: string; details: string[] } };
    assert.equal(error.details.length, 2);
    assert.equal(error.message, error.details[0]);
    assert.match(error.details[0] ?? '', /bad: Id and ObjectName disagree/);
    assert.match(error.details[1] ?? '', /worse: data is missing/);
    assert.deepEqual(refused, [
      { endpoint: 'eventgrid', status: 400, cause: 'malformed-delivery' },
    ]);
    assert.deepEqual(publisher.published, []);
  });

  it('answers 503 when the bus refuses, so Event Grid retries', async () => {
    publisher.failing = true;
    const response = await post(JSON.stringify([eventGridEvent('e1')]));
    assert.equal(response.statusCode, 503);
    assert.deepEqual(refused, [], 'not a refusal: the delivery is fine');
  });
});
