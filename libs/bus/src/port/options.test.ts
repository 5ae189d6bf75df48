import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusOptionsError } from './errors';
import { retry } from './handler-result';
import {
  DEFAULT_ACK_WAIT_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_RETRY_BACKOFF_MS,
  redeliveryDelayMs,
  resolveSubscribeOptions,
} from './options';

describe('subscribe options', () => {
  it('applies the named defaults and freezes the result', () => {
    const resolved = resolveSubscribeOptions({ subscription: 'replicator' });
    assert.equal(resolved.concurrency, DEFAULT_CONCURRENCY);
    assert.equal(resolved.maxDeliveries, DEFAULT_MAX_DELIVERIES);
    assert.equal(resolved.ackWaitMs, DEFAULT_ACK_WAIT_MS);
    assert.deepEqual(resolved.retryBackoffMs, DEFAULT_RETRY_BACKOFF_MS);
    assert.equal(resolved.routingKeys, undefined);
    assert.ok(Object.isFrozen(resolved));
  });

  it('names the offending key before anything touches a broker', () => {
    const cases: Array<[Parameters<typeof resolveSubscribeOptions>[0], RegExp]> = [
      [{ subscription: 'a.b' }, /subscription/],
      [{ subscription: 'w', concurrency: 0 }, /concurrency/],
      [{ subscription: 'w', maxDeliveries: 1.5 }, /maxDeliveries/],
      [{ subscription: 'w', ackWaitMs: 50 }, /ackWaitMs: must be an integer >= 100/],
      [{ subscription: 'w', routingKeys: [] }, /routingKeys/],
      [{ subscription: 'w', routingKeys: ['west us'] }, /routingKeys\[0\]/],
      [{ subscription: 'w', retryBackoffMs: [-1] }, /retryBackoffMs/],
      [{ subscription: 'dlq' }, /reserved/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => resolveSubscribeOptions(options),
        (error: unknown) => {
          assert.ok(error instanceof BusOptionsError);
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });

  it('de-duplicates routing keys, each one a lane', () => {
    const resolved = resolveSubscribeOptions({
      subscription: 'w',
      routingKeys: ['eastus', 'westus', 'eastus'],
    });
    assert.deepEqual(resolved.routingKeys, ['eastus', 'westus']);
  });

  it('picks the backoff by delivery count and repeats the last step', () => {
    const resolved = resolveSubscribeOptions({
      subscription: 'w',
      retryBackoffMs: [100, 1_000, 5_000],
    });
    assert.deepEqual(
      [1, 2, 3, 4, 9].map((count) => redeliveryDelayMs(resolved, count)),
      [100, 1_000, 5_000, 5_000, 5_000],
    );
  });

  it('redelivers after 1 s, 5 s, 30 s, then every 2 min by default', () => {
    const resolved = resolveSubscribeOptions({ subscription: 'w' });
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((count) => redeliveryDelayMs(resolved, count)),
      [1_000, 5_000, 30_000, 120_000, 120_000],
    );
  });

  it('refuses a negative retry delay', () => {
    assert.throws(() => retry(-5, 'x'), RangeError);
    assert.deepEqual(retry(10.4, 'busy'), { kind: 'retry', delayMs: 10, reason: 'busy' });
  });
});
