import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLogger, NOTIFICATION_DELIVERY_RETRY } from '@akv-replicator/core';
import { ManualClock } from '@akv-replicator/core/testing';
import type { Channel } from '../channels/channel';
import type { Digest } from './digest';
import { failedOutcome } from '../testing/outcomes';
import { MemoryDeadLetterStore } from './dead-letter';
import { Notifier } from './notifier';

/** A channel that holds each send until the test releases it, recording concurrency. */
function gatedChannel() {
  const started: string[] = [];
  const releases: (() => void)[] = [];
  let active = 0;
  let maxActive = 0;
  const channel: Channel = {
    name: 'slack',
    send(digest: Digest) {
      started.push(digest.items.map((item) => item.outcome.objectName).join(','));
      active += 1;
      maxActive = Math.max(maxActive, active);
      return new Promise<void>((resolve) =>
        releases.push(() => {
          active -= 1;
          resolve();
        }),
      );
    },
  };
  return { channel, started, releases, maxActive: () => maxActive };
}

test('one channel gets its messages one at a time, in order; beyond the queue bound they are dead-lettered', async () => {
  const gate = gatedChannel();
  const deadLetters = new MemoryDeadLetterStore();
  const notifier = new Notifier({
    channels: [{ channel: gate.channel, accepts: () => true }],
    digestWindowSeconds: 0,
    dedupeWindowSeconds: 0,
    retry: NOTIFICATION_DELIVERY_RETRY,
    clock: new ManualClock(Date.UTC(2026, 0, 1)),
    logger: new MemoryLogger(),
    deadLetters,
    maxQueuedPerChannel: 2,
  });
  for (const name of ['a', 'b', 'c', 'd'])
    await notifier.handleOutcome(failedOutcome({ objectName: name }));
  // 'a' is being sent, 'b' and 'c' wait, 'd' finds the queue full.
  assert.deepEqual(gate.started, ['a']);
  assert.deepEqual(notifier.queuedMessages(), { slack: 2 });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(deadLetters.entries.length, 1);
  assert.equal(deadLetters.entries[0]?.digest.items[0]?.outcome.objectName, 'd');
  assert.equal(
    deadLetters.entries[0]?.reason,
    'slack: 2 messages already waiting for this channel; not queued',
  );
  while (gate.started.length < 3 || gate.releases.length > 0) {
    gate.releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await notifier.idle();
  assert.deepEqual(gate.started, ['a', 'b', 'c']);
  assert.equal(gate.maxActive(), 1);
});
