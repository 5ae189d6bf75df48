import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  deadLetteredEvent,
  deliveryOutcome,
  documentedRetryDelayMs,
  isDelivered,
  isNotRetried,
} from './delivery-policy';
import { resolveSubscription } from './subscription-options';

describe('Event Grid delivery policy (delivery-and-retry)', () => {
  it('counts 200-204 as delivered and nothing else', () => {
    assert.deepEqual(
      [199, 200, 201, 202, 203, 204, 205, 206, 299, 302].filter(isDelivered),
      [200, 201, 202, 203, 204],
    );
  });

  it('never retries 400, 401, 403, 413 at a webhook; 400, 403, 413 at an Azure resource', () => {
    const statuses = [0, 400, 401, 403, 404, 408, 413, 429, 500, 503];
    assert.deepEqual(
      statuses.filter((s) => isNotRetried(s, 'webhook')),
      [400, 401, 403, 413],
    );
    assert.deepEqual(
      statuses.filter((s) => isNotRetried(s, 'resource')),
      [400, 403, 413],
    );
  });

  it('retries on the documented schedule, then every 12 hours, scaled', () => {
    const minutes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(
      (attempt) => documentedRetryDelayMs(attempt, 1) / 60_000,
    );
    assert.deepEqual(minutes, [1 / 6, 0.5, 1, 5, 10, 30, 60, 180, 360, 720, 720]);
    assert.equal(documentedRetryDelayMs(1, 0.001), 10);
  });

  it('names the last outcome as the documentation writes it', () => {
    assert.equal(deliveryOutcome(404), 'NotFound');
    assert.equal(deliveryOutcome(401), 'Unauthorized');
    assert.equal(deliveryOutcome(0), 'TimedOut');
  });

  it('puts the dead-letter properties beside the event, lower-case in CloudEvents', () => {
    const properties = {
      deadLetterReason: 'MaxDeliveryAttemptsExceeded' as const,
      deliveryAttempts: 3,
      lastDeliveryOutcome: 'InternalServerError',
      lastHttpStatusCode: 500,
      publishTime: '2030-06-01T00:00:00.000Z',
      lastDeliveryAttemptTime: '2030-06-01T00:00:01.000Z',
    };
    const eg = deadLetteredEvent({ id: 'e' }, properties, 'EventGridSchema');
    assert.equal(eg.deadLetterReason, 'MaxDeliveryAttemptsExceeded');
    assert.equal(eg.lastHttpStatusCode, 500);
    const ce = deadLetteredEvent({ id: 'e' }, properties, 'CloudEventSchemaV1_0');
    assert.equal(ce.deadletterreason, 'MaxDeliveryAttemptsExceeded');
    assert.equal(ce.deliveryattempts, 3);
    assert.equal(ce.lasthttpstatuscode, 500);
  });

  it("keeps Azure's bounds on the retry policy", () => {
    const sub = (retry: object) =>
      resolveSubscription({ name: 's', vault: 'v', endpoint: 'http://127.0.0.1/', retry });
    assert.throws(() => sub({ maxAttempts: 31 }), /1 to 30/);
    assert.throws(() => sub({ maxAttempts: 0 }), /1 to 30/);
    assert.throws(() => sub({ eventTimeToLiveMinutes: 1441 }), /1 to 1440/);
    assert.throws(() => sub({ scheduleScale: 0 }), /scheduleScale/);
    assert.deepEqual(sub({}).retry, {
      maxAttempts: 5,
      eventTimeToLiveMinutes: 1440,
      scheduleScale: 0.01,
      maxDelayMs: 2_000,
    });
  });
});
