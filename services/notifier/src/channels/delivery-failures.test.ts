import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '@akv-replicator/core';
import { failedOutcome } from '../testing/outcomes';
import { startChannelWorld } from '../testing/channel-world';

// Real time with millisecond backoff (5, 10, 20 ms): retries run through the real sockets.
const FAST = { notifications: { digestWindowSeconds: 0 }, deps: { clock: systemClock } } as const;

async function sendOneFailure(world: Awaited<ReturnType<typeof startChannelWorld>>): Promise<void> {
  await world.app.start();
  await world.app.notifier!.handleOutcome(failedOutcome());
  await world.app.notifier!.idle();
}

test('a channel that is briefly down is retried until it takes the message', async (t) => {
  const world = await startChannelWorld(FAST);
  t.after(() => world.close());
  world.receivers.slack.respondWith([
    { status: 503, body: 'service unavailable' },
    { status: 503 },
    { status: 200, body: 'ok' },
  ]);
  await sendOneFailure(world);
  assert.equal(world.receivers.slack.requests.length, 3);
  assert.equal(
    new Set(world.receivers.slack.requests.map((r) => r.body)).size,
    1,
    'the same message every attempt',
  );
  assert.deepEqual(world.deadLetters.entries, []);
  const retries = world.logger.lines.filter(
    (line) =>
      line.message === 'notification delivery failed, retrying' && line.fields.channel === 'slack',
  );
  assert.equal(retries.length, 2);
});

test('a channel that stays down is dead-lettered with the reason after the bounded attempts', async (t) => {
  const world = await startChannelWorld(FAST);
  t.after(() => world.close());
  world.receivers.teams.respondWith([{ status: 500, body: 'workflow failed' }]);
  await sendOneFailure(world);
  assert.equal(world.receivers.teams.requests.length, 3);
  const [entry, ...rest] = world.deadLetters.entries;
  assert.equal(rest.length, 0);
  assert.equal(entry?.channel, 'teams');
  assert.equal(entry?.attempts, 3);
  assert.equal(entry?.reason, 'teams: HTTP 500: workflow failed (gave up after 3 attempts)');
  assert.equal(entry?.digest.items[0]?.outcome.objectName, 'db-password');
  assert.ok(
    world.logger.lines.some(
      (line) =>
        line.level === 'error' &&
        line.message === 'notification dead-lettered' &&
        line.fields.channel === 'teams',
    ),
  );
});

test('a permanent refusal is dead-lettered at once, without retries', async (t) => {
  const world = await startChannelWorld(FAST);
  t.after(() => world.close());
  world.receivers.webhook.respondWith([{ status: 400, body: 'unknown event type' }]);
  await sendOneFailure(world);
  assert.equal(world.receivers.webhook.requests.length, 1);
  assert.equal(
    world.deadLetters.entries[0]?.reason,
    'webhook: HTTP 400: unknown event type (permanent, not retried)',
  );
});

test('an unreachable endpoint is retried, then dead-lettered naming the connection failure', async (t) => {
  const world = await startChannelWorld(FAST);
  t.after(() => world.close());
  await world.receivers.slack.close();
  await sendOneFailure(world);
  const entry = world.deadLetters.entries.find((e) => e.channel === 'slack');
  assert.equal(entry?.attempts, 3);
  assert.match(
    entry?.reason ?? '',
    /^slack: request failed \(.*ECONNREFUSED.*\) \(gave up after 3 attempts\)$/,
  );
});

test('Telegram flood control (429 retry_after) is waited out and the message delivered', async (t) => {
  const world = await startChannelWorld(FAST);
  t.after(() => world.close());
  world.receivers.telegram.respondWith([
    {
      status: 429,
      body: JSON.stringify({
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      }),
    },
    { status: 200, body: JSON.stringify({ ok: true, result: { message_id: 7 } }) },
  ]);
  await sendOneFailure(world);
  assert.equal(world.receivers.telegram.requests.length, 2);
  assert.deepEqual(world.deadLetters.entries, []);
  const retry = world.logger.lines.find(
    (line) =>
      line.message === 'notification delivery failed, retrying' &&
      line.fields.channel === 'telegram',
  );
  // retry_after 1 s asked for; the test policy caps any wait at 20 ms.
  assert.equal(retry?.fields.delayMs, 20);
});

test('a Telegram answer with ok=false is a permanent failure', async (t) => {
  const world = await startChannelWorld(FAST);
  t.after(() => world.close());
  world.receivers.telegram.respondWith([
    {
      status: 200,
      body: JSON.stringify({ ok: false, description: 'Bad Request: chat not found' }),
    },
  ]);
  await sendOneFailure(world);
  assert.equal(world.receivers.telegram.requests.length, 1);
  assert.equal(
    world.deadLetters.entries[0]?.reason,
    'telegram: Bot API answered ok=false: Bad Request: chat not found (permanent, not retried)',
  );
});

test('an SMTP server answering 451 is retried, then dead-lettered with its reply', async (t) => {
  const world = await startChannelWorld({
    ...FAST,
    smtp: { rejectWith: { code: 451, message: 'mailbox busy, try later' } },
  });
  t.after(() => world.close());
  await sendOneFailure(world);
  const entry = world.deadLetters.entries.find((e) => e.channel === 'email');
  assert.equal(entry?.attempts, 3);
  assert.match(
    entry?.reason ?? '',
    /^email: SMTP EMESSAGE 451: 451 mailbox busy, try later \(gave up after 3 attempts\)$/,
  );
});

test('wrong SMTP credentials are not retried', async (t) => {
  const world = await startChannelWorld({
    ...FAST,
    smtp: { password: 'the-server-expects-another' },
  });
  t.after(() => world.close());
  await sendOneFailure(world);
  assert.equal(world.receivers.smtp.authFailures.length, 1);
  const entry = world.deadLetters.entries.find((e) => e.channel === 'email');
  assert.equal(entry?.attempts, 1);
  assert.match(entry?.reason ?? '', /^email: SMTP EAUTH 535: .*\(permanent, not retried\)$/);
});

test('email goes over implicit TLS (port 465 style) with AUTH', async (t) => {
  const world = await startChannelWorld({ ...FAST, smtp: { mode: 'tls' } });
  t.after(() => world.close());
  await sendOneFailure(world);
  assert.equal(world.receivers.smtp.mails.length, 1);
  assert.equal(world.receivers.smtp.mails[0]?.secure, true);
  assert.equal(world.receivers.smtp.mails[0]?.user, 'notifier');
});

test('an SMTP server whose certificate is not trusted gets nothing', async (t) => {
  const world = await startChannelWorld({ ...FAST, deps: { ...FAST.deps, smtpTls: {} } });
  t.after(() => world.close());
  await sendOneFailure(world);
  assert.equal(world.receivers.smtp.mails.length, 0);
  assert.match(
    world.deadLetters.entries.find((e) => e.channel === 'email')?.reason ?? '',
    /self-signed certificate/i,
  );
});
