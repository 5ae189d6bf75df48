import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema, MemoryLogger, systemClock } from '@akv-replicator/core';
import { createNotifierApp } from './app';
import { failedOutcome } from './testing/outcomes';
import { SECRETS, startChannelWorld } from './testing/channel-world';
import { decodeQuotedPrintable } from './testing/smtp-receiver';

// Outcomes carry a reason written by a worker. It must reach people unchanged...
const REASON_CANARY = 'reason-canary-8d1f: replica write refused';

function assertNoSecret(text: string, where: string): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    assert.ok(!text.includes(value), `${where} contains the ${name}`);
    assert.ok(!text.includes(encodeURIComponent(value)), `${where} contains the encoded ${name}`);
  }
}

test('reasons reach every channel, credentials reach none of them', async (t) => {
  const world = await startChannelWorld({
    notifications: { digestWindowSeconds: 0 },
    deps: { clock: systemClock },
  });
  t.after(() => world.close());
  await world.app.start();
  await world.app.notifier!.handleOutcome(failedOutcome({ reason: REASON_CANARY }));
  await world.app.notifier!.idle();

  const { slack, teams, telegram, webhook, smtp } = world.receivers;
  const bodies = {
    slack: slack.requests[0]?.body ?? '',
    teams: teams.requests[0]?.body ?? '',
    telegram: telegram.requests[0]?.body ?? '',
    webhook: webhook.requests[0]?.body ?? '',
    email: decodeQuotedPrintable(smtp.mails[0]?.raw ?? ''),
  };
  for (const [channel, body] of Object.entries(bodies)) {
    assert.ok(body.includes(REASON_CANARY), `${channel} message carries the reason`);
    assertNoSecret(body, `${channel} message`);
  }
  // The webhook signature is an HMAC, not the key; headers carry nothing else secret.
  assertNoSecret(JSON.stringify(webhook.requests[0]?.headers), 'webhook headers');
  assertNoSecret(world.logger.text(), 'the log');
});

test('peers that echo the URL or token back do not get it into errors, logs or dead letters', async (t) => {
  const world = await startChannelWorld({
    notifications: { digestWindowSeconds: 0 },
    deps: { clock: systemClock },
  });
  t.after(() => world.close());
  const echo = (request: { path: string }): string => `no such hook: ${request.path}`;
  world.receivers.slack.respondWith([{ status: 404, body: echo }]);
  world.receivers.teams.respondWith([{ status: 500, body: echo }]);
  world.receivers.webhook.respondWith([{ status: 403, body: echo }]);
  world.receivers.telegram.respondWith([
    {
      status: 401,
      body: (request) =>
        JSON.stringify({ ok: false, description: `Unauthorized: ${request.path}` }),
    },
  ]);
  await world.app.start();
  await world.app.notifier!.handleOutcome(failedOutcome({ reason: REASON_CANARY }));
  await world.app.notifier!.idle();

  const entries = world.deadLetters.entries;
  assert.deepEqual(entries.map((entry) => entry.channel).sort(), [
    'slack',
    'teams',
    'telegram',
    'webhook',
  ]);
  for (const entry of entries) {
    assert.match(
      entry.reason,
      /\[redacted\]/,
      `${entry.channel}: the echoed credential was replaced`,
    );
    assertNoSecret(JSON.stringify(entry), `${entry.channel} dead letter`);
  }
  assertNoSecret(world.logger.text(), 'the log');
});

test('a webhook URL with user:password in it stays out of the error fetch raises about it', async (t) => {
  const world = await startChannelWorld({
    notifications: { digestWindowSeconds: 0 },
    deps: { clock: systemClock },
  });
  t.after(() => world.close());
  // fetch refuses URLs with credentials, quoting the URL in its TypeError.
  world.env.SLACK_URL = world.env.SLACK_URL!.replace(
    'http://',
    `http://ops:${SECRETS.smtpPassword}@`,
  );
  await world.app.start();
  await world.app.notifier!.handleOutcome(failedOutcome());
  await world.app.notifier!.idle();
  const entry = world.deadLetters.entries.find((e) => e.channel === 'slack');
  assert.ok(entry, 'dead-lettered');
  assertNoSecret(JSON.stringify(entry), 'the slack dead letter');
  assertNoSecret(world.logger.text(), 'the log');
});

test('a secret reference that does not resolve fails start naming the key path and variable, not a value', async () => {
  const config = configSchema.parse({
    notifications: { enabled: true, slack: { webhookUrl: { fromEnv: 'SLACK_WEBHOOK_URL' } } },
  });
  const app = createNotifierApp(config, {
    bus: null,
    secretSource: {
      env: { OTHER: SECRETS.slackPath },
      readFile: () => Promise.reject(new Error('none')),
    },
    logger: new MemoryLogger(),
  });
  await assert.rejects(app.start(), (error: Error) => {
    assert.match(
      error.message,
      /notifications\.slack\.webhookUrl: environment variable SLACK_WEBHOOK_URL is not set/,
    );
    assertNoSecret(error.message, 'the start error');
    return true;
  });
});
