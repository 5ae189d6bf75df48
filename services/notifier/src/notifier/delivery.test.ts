import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLogger } from '@akv-replicator/core';
import { ManualClock } from '../clock';
import { DeliveryError } from '../errors';
import { failedOutcome } from '../testing/outcomes';
import type { Channel } from '../channels/channel';
import { MemoryDeadLetterStore } from './dead-letter';
import { backoffDelay, DEFAULT_RETRY_POLICY, retryPolicy } from './delivery';
import { Notifier } from './notifier';

test('backoff doubles from the base, with ±20 % jitter, and never exceeds the cap', () => {
  const policy = retryPolicy({ baseDelayMs: 1_000, maxDelayMs: 10_000 });
  assert.equal(
    backoffDelay(policy, 1, () => 0.5),
    1_000,
  );
  assert.equal(
    backoffDelay(policy, 2, () => 0.5),
    2_000,
  );
  assert.equal(
    backoffDelay(policy, 3, () => 0),
    3_200,
  );
  assert.equal(
    backoffDelay(policy, 3, () => 1),
    4_800,
  );
  assert.equal(
    backoffDelay(policy, 10, () => 1),
    10_000,
  );
});

test('retry policies are validated and default to 5 attempts from 1 s up to 60 s', () => {
  assert.deepEqual(retryPolicy(), { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 });
  assert.equal(DEFAULT_RETRY_POLICY.attempts, 5);
  assert.throws(() => retryPolicy({ attempts: 0 }), /retry attempts must be an integer >= 1/);
  assert.throws(() => retryPolicy({ baseDelayMs: -1 }), /retry baseDelayMs must be >= 0/);
});

test('stop() dead-letters a message still waiting for its next retry, naming the shutdown', async () => {
  // A channel that always fails retryably; its retries wait on a clock that never moves.
  let attempts = 0;
  const flaky: Channel = {
    name: 'slack',
    send() {
      attempts += 1;
      return Promise.reject(
        new DeliveryError('slack', 'HTTP 503', { retryable: true, status: 503 }),
      );
    },
  };
  const deadLetters = new MemoryDeadLetterStore();
  const notifier = new Notifier({
    channels: [{ channel: flaky, accepts: () => true }],
    digestWindowSeconds: 0,
    dedupeWindowSeconds: 0,
    retry: retryPolicy({ attempts: 5 }),
    clock: new ManualClock(),
    logger: new MemoryLogger(),
    deadLetters,
  });
  await notifier.handleOutcome(failedOutcome());
  await notifier.stop(20);
  assert.equal(attempts, 1);
  assert.equal(deadLetters.entries.length, 1);
  assert.match(deadLetters.entries[0]!.reason, /^slack: HTTP 503; notifier stopped/);
  await assert.rejects(notifier.handleOutcome(failedOutcome()), /notifier is stopped/);
});

test('stop() sends what the open digests hold before returning', async () => {
  const sent: number[] = [];
  const channel: Channel = {
    name: 'webhook',
    send(digest) {
      sent.push(digest.items.length);
      return Promise.resolve();
    },
  };
  const notifier = new Notifier({
    channels: [{ channel, accepts: () => true }],
    digestWindowSeconds: 3600,
    dedupeWindowSeconds: 0,
    retry: retryPolicy(),
    clock: new ManualClock(),
    logger: new MemoryLogger(),
    deadLetters: new MemoryDeadLetterStore(),
  });
  await notifier.handleOutcome(failedOutcome({ objectName: 'a' }));
  await notifier.handleOutcome(failedOutcome({ objectName: 'b' }));
  assert.equal(notifier.openDigests, 1);
  await notifier.stop();
  assert.deepEqual(sent, [2]);
});
