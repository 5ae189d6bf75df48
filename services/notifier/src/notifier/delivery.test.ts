import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLogger, NOTIFICATION_DELIVERY_RETRY } from '@akv-replicator/core';
import { ManualClock } from '@akv-replicator/core/testing';
import { DeliveryError } from '../errors';
import { failedOutcome } from '../testing/outcomes';
import type { Channel } from '../channels/channel';
import { MemoryDeadLetterStore } from './dead-letter';
import { Notifier } from './notifier';

/** A channel that always fails retryably, and a notifier delivering to it on a manual clock. */
function failingWorld(retryAfterMs?: number) {
  let attempts = 0;
  const flaky: Channel = {
    name: 'slack',
    send() {
      attempts += 1;
      return Promise.reject(
        new DeliveryError('slack', 'HTTP 503', {
          retryable: true,
          status: 503,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        }),
      );
    },
  };
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const logger = new MemoryLogger();
  const deadLetters = new MemoryDeadLetterStore();
  const notifier = new Notifier({
    channels: [{ channel: flaky, accepts: () => true }],
    digestWindowSeconds: 0,
    dedupeWindowSeconds: 0,
    retry: NOTIFICATION_DELIVERY_RETRY,
    clock,
    logger,
    deadLetters,
    random: () => 0.5,
  });
  const delays = () =>
    logger.lines
      .filter((line) => line.message === 'notification delivery failed, retrying')
      .map((line) => line.fields.delayMs);
  return { notifier, clock, deadLetters, delays, attempts: () => attempts };
}

test('a failing channel is tried 5 times, 1 s doubling between attempts, then dead-lettered', async () => {
  const world = failingWorld();
  await world.notifier.handleOutcome(failedOutcome());
  while (world.deadLetters.entries.length === 0) await world.clock.advanceAsync(1_000);
  assert.equal(world.attempts(), 5);
  assert.deepEqual(world.delays(), [1_000, 2_000, 4_000, 8_000]);
  assert.match(world.deadLetters.entries[0]!.reason, /gave up after 5 attempts/);
  await world.notifier.stop();
});

test("a peer's Retry-After lengthens the wait, up to the 60 s cap", async () => {
  const world = failingWorld(600_000);
  await world.notifier.handleOutcome(failedOutcome());
  while (world.deadLetters.entries.length === 0) await world.clock.advanceAsync(60_000);
  assert.deepEqual(world.delays(), [60_000, 60_000, 60_000, 60_000]);
  await world.notifier.stop();
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
    retry: NOTIFICATION_DELIVERY_RETRY,
    clock: new ManualClock(Date.UTC(2026, 0, 1)),
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
    retry: NOTIFICATION_DELIVERY_RETRY,
    clock: new ManualClock(Date.UTC(2026, 0, 1)),
    logger: new MemoryLogger(),
    deadLetters: new MemoryDeadLetterStore(),
  });
  await notifier.handleOutcome(failedOutcome({ objectName: 'a' }));
  await notifier.handleOutcome(failedOutcome({ objectName: 'b' }));
  assert.equal(notifier.openDigests, 1);
  await notifier.stop();
  assert.deepEqual(sent, [2]);
});
