import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually } from '@akv-replicator/bus/testing';
import { connectNatsBus } from '@akv-replicator/bus-nats';
import {
  configSchema,
  createEnvelope,
  MemoryLogger,
  TOPICS,
  systemClock,
} from '@akv-replicator/core';
import { startNats } from '@akv-replicator/test-kit';
import { createNotifierApp } from './app';
import { HttpReceiver } from './testing/http-receiver';
import { failedOutcome } from './testing/outcomes';

test('over NATS JetStream: outcomes published by a worker reach the channel once, stray types are dead-lettered', async (t) => {
  const nats = await startNats();
  t.after(() => nats.stop());
  const slack = await HttpReceiver.start();
  t.after(() => slack.close());
  const config = configSchema.parse({
    bus: { transport: 'nats', nats: { servers: [nats.url], prefix: 'notifier-it' } },
    notifications: {
      enabled: true,
      digestWindowSeconds: 0,
      slack: { webhookUrl: { fromEnv: 'SLACK_URL' } },
    },
  });
  // The bus is opened by whoever starts the notifier (the CLI's openBus), and closed by it.
  const bus = await connectNatsBus({ servers: nats.url, prefix: 'notifier-it' });
  t.after(() => bus.close());
  const app = createNotifierApp(config, {
    bus,
    secretSource: {
      env: { SLACK_URL: `${slack.origin}/services/x` },
      readFile: () => Promise.reject(new Error('no files')),
    },
    logger: new MemoryLogger(),
    clock: systemClock,
  });
  await app.start();
  t.after(() => app.stop());
  const worker = await connectNatsBus({ servers: nats.url, prefix: 'notifier-it' });
  t.after(() => worker.close());

  const envelope = createEnvelope('akv.outcome.v1', failedOutcome({ objectName: 'via-nats' }), {
    source: '/akv-replicator/replicator',
  });
  await worker.publish(TOPICS.outcomes, envelope);
  // The same envelope again (a publisher retry): the broker de-duplicates by id.
  await worker.publish(TOPICS.outcomes, envelope);
  await worker.publish(
    TOPICS.outcomes,
    createEnvelope(
      'akv.resync.command.v1',
      { resyncId: 'r1', requestedAt: '2026-01-01T00:00:00Z' },
      { source: '/elsewhere' },
    ),
  );
  await slack.waitFor(1);
  assert.match(slack.requests[0]!.body, /via-nats/);

  const dead = await eventually(
    'the stray message dead-lettered',
    async () => {
      const letters = await worker.deadLetters(TOPICS.outcomes);
      return letters.length > 0 && letters;
    },
    30_000,
  );
  assert.equal(dead.length, 1);
  assert.equal(dead[0]?.reason, 'notifier handles akv.outcome.v1 only, got akv.resync.command.v1');
  // JetStream drops the duplicate at publish (same Nats-Msg-Id). The stray message was published
  // after it and is now dead-lettered: the consumer has read past where a duplicate would sit.
  assert.equal(slack.requests.length, 1, 'one message for the duplicated outcome');
});
