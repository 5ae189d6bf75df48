import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryBus } from '@akv-replicator/bus';
import { eventually } from '@akv-replicator/bus/testing';
import { createEnvelope, TOPICS, systemClock } from '@akv-replicator/core';
import { failedOutcome } from '../testing/outcomes';
import { startChannelWorld } from '../testing/channel-world';

test('an outcome published on the bus reaches the channels; a stray message type is dead-lettered', async (t) => {
  const bus = createMemoryBus();
  const world = await startChannelWorld({
    notifications: { digestWindowSeconds: 0 },
    deps: { clock: systemClock, bus },
  });
  t.after(async () => {
    await world.close();
    await bus.close();
  });
  await world.app.start();

  const outcome = failedOutcome({ objectName: 'from-the-bus' });
  await bus.publish(
    TOPICS.outcomes,
    createEnvelope('akv.outcome.v1', outcome, { source: '/akv-replicator/replicator' }),
  );
  await world.receivers.slack.waitFor(1);
  assert.match(world.receivers.slack.requests[0]!.body, /from-the-bus/);

  await bus.publish(
    TOPICS.outcomes,
    createEnvelope(
      'akv.resync.command.v1',
      { resyncId: 'r1', requestedAt: '2026-01-01T00:00:00Z' },
      { source: '/somewhere/else' },
    ),
  );
  const dead = await eventually(
    'the stray message dead-lettered',
    async () => {
      const letters = await bus.deadLetters(TOPICS.outcomes);
      return letters.length > 0 && letters;
    },
    30_000,
  );
  assert.equal(dead.length, 1);
  assert.equal(dead[0]?.reason, 'notifier handles akv.outcome.v1 only, got akv.resync.command.v1');
  assert.equal(world.receivers.slack.requests.length, 1, 'the stray message notified no one');
});

test('after stop, outcomes are left on the bus for the next notifier', async (t) => {
  const bus = createMemoryBus();
  const world = await startChannelWorld({
    notifications: { digestWindowSeconds: 0 },
    deps: { clock: systemClock, bus },
  });
  t.after(async () => {
    await world.close();
    await bus.close();
  });
  await world.app.start();
  await world.app.stop();
  await bus.publish(
    TOPICS.outcomes,
    createEnvelope('akv.outcome.v1', failedOutcome({ objectName: 'left-on-the-bus' }), {
      source: '/akv-replicator/replicator',
    }),
  );
  // The stopped notifier takes nothing: a next notifier on the same bus gets the outcome.
  const next = await startChannelWorld({
    notifications: { digestWindowSeconds: 0 },
    deps: { clock: systemClock, bus },
  });
  t.after(async () => next.close());
  await next.app.start();
  await next.receivers.slack.waitFor(1);
  assert.match(next.receivers.slack.requests[0]!.body, /left-on-the-bus/);
  assert.equal(world.receivers.slack.requests.length, 0, 'nothing reached the stopped one');
  assert.deepEqual(await bus.deadLetters(TOPICS.outcomes), []);
});
