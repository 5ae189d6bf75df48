import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failedOutcome } from './testing/outcomes';
import { SECRETS, startChannelWorld } from './testing/channel-world';
import { decodeQuotedPrintable } from './testing/smtp-receiver';
import { verifyWebhookSignature } from './channels/webhook';

const WINDOW_MS = 60_000;

test('a failing replication produces one Slack, Teams, Telegram, email and webhook message', async (t) => {
  const world = await startChannelWorld({
    // The webhook only cares about the payments link: the hr-dr failure must not reach it.
    notifications: {
      webhook: {
        url: { fromEnv: 'WEBHOOK_URL' },
        signingSecret: { fromEnv: 'WEBHOOK_SECRET' },
        links: ['payments-dr'],
      },
    },
  });
  t.after(() => world.close());
  await world.app.start();
  const notifier = world.app.notifier!;
  const { slack, teams, telegram, webhook, smtp } = world.receivers;

  const failure = failedOutcome();
  await notifier.handleOutcome(failure);
  // The same failure again (a redelivery or the next reconcile): de-duplicated.
  await notifier.handleOutcome(failedOutcome({ outcomeId: 'again' }));
  // A success: onSuccess is off by default, so no channel hears of it.
  await notifier.handleOutcome(
    failedOutcome({
      status: 'success',
      action: 'created',
      objectName: 'api-key',
      reason: undefined,
      code: undefined,
    }),
  );
  // A failure on another link: every channel but the webhook (links filter).
  await notifier.handleOutcome(
    failedOutcome({
      link: 'hr-dr',
      objectName: 'ldap-bind',
      source: { name: 'kv-hr-neu', region: 'northeurope' },
      code: 'SecretSoftDeleted',
      reason: 'a deleted secret named ldap-bind exists in kv-hr-weu',
    }),
  );

  // Nothing is sent while the digest window is open...
  assert.equal(
    slack.requests.length +
      teams.requests.length +
      telegram.requests.length +
      webhook.requests.length,
    0,
  );
  world.clock.advance(WINDOW_MS);
  await notifier.idle();

  // ...then exactly one message per channel.
  assert.equal(slack.requests.length, 1, 'slack');
  assert.equal(teams.requests.length, 1, 'teams');
  assert.equal(telegram.requests.length, 1, 'telegram');
  assert.equal(webhook.requests.length, 1, 'webhook');
  assert.equal(smtp.mails.length, 1, 'email');
  assert.deepEqual(world.deadLetters.entries, []);

  // Slack: Block Kit, both distinct failures, the duplicate and the success left out.
  const slackBody = slack.json<{
    text: string;
    channel: string;
    blocks: { type: string; text?: { text: string } }[];
  }>()[0]!;
  assert.equal(slackBody.channel, '#dr-alerts');
  assert.equal(slackBody.blocks[0]?.type, 'header');
  const slackText = JSON.stringify(slackBody.blocks);
  assert.match(slackText, /2 failures/);
  assert.doesNotMatch(slackText, /success|api-key/);
  assert.match(slackText, /db-password/);
  assert.match(slackText, /kv-payments-weu \(westeurope\)/);
  assert.match(slackText, /does not have secrets\/set permission/);
  assert.match(slackText, /Next step:\* Check the identity/);
  assert.match(slackText, /ldap-bind/);

  // Teams: a Workflows message with one Adaptive Card.
  const teamsBody = teams.json<{
    type: string;
    attachments: {
      contentType: string;
      content: { type: string; version: string; body: unknown[] };
    }[];
  }>()[0]!;
  assert.equal(teamsBody.type, 'message');
  assert.equal(teamsBody.attachments.length, 1);
  assert.equal(teamsBody.attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(teamsBody.attachments[0]?.content.type, 'AdaptiveCard');
  assert.equal(teamsBody.attachments[0]?.content.version, '1.4');
  assert.match(
    JSON.stringify(teamsBody),
    /"title":"Replica vault","value":"kv-payments-weu \(westeurope\)"/,
  );

  // Telegram: sendMessage to the configured chat, HTML-formatted.
  assert.equal(telegram.requests[0]?.path, `/bot${SECRETS.telegramToken}/sendMessage`);
  const tg = telegram.json<{ chat_id: string; parse_mode: string; text: string }>()[0]!;
  assert.equal(tg.chat_id, '-1001234567890');
  assert.equal(tg.parse_mode, 'HTML');
  assert.match(tg.text, /<b>FAILURE: secret db-password → kv-payments-weu \(westeurope\)<\/b>/);

  // Email: over STARTTLS, authenticated, to the on-call list.
  const mail = smtp.mails[0]!;
  assert.equal(mail.secure, true);
  assert.equal(mail.user, 'notifier');
  assert.deepEqual(mail.to, ['oncall@example.com']);
  assert.equal(mail.from, 'akv-replicator@example.com');
  const mailText = decodeQuotedPrintable(mail.raw);
  assert.match(mailText, /Subject: akv-replicator replication digest: 2 failures/);
  assert.match(mailText, /Why: Forbidden: the caller does not have secrets\/set permission/);

  // Webhook: signed, fresh, only the payments-dr failure.
  const request = webhook.requests[0]!;
  const check = verifyWebhookSignature(
    request.body,
    {
      signature: request.headers['x-akv-replicator-signature'] as string,
      timestamp: request.headers['x-akv-replicator-timestamp'] as string,
    },
    SECRETS.webhookSigningSecret,
    { nowMs: world.clock.now() },
  );
  assert.deepEqual(check, { valid: true });
  const hook = JSON.parse(request.body) as {
    digest: { outcomes: { outcomeId: string; link: string; nextStep: string }[]; counts: unknown };
  };
  assert.deepEqual(
    hook.digest.outcomes.map((o) => o.outcomeId),
    [failure.outcomeId],
  );
  assert.deepEqual(hook.digest.counts, { success: 0, warning: 0, failure: 1 });
  assert.match(hook.digest.outcomes[0]!.nextStep, /Key Vault Secrets Officer/);
});

test('outcomes of one resync arrive as one digest, apart from the outcomes around it', async (t) => {
  const world = await startChannelWorld();
  t.after(() => world.close());
  await world.app.start();
  const notifier = world.app.notifier!;
  const { slack } = world.receivers;
  const resync = { kind: 'resync' as const, id: 'resync-42' };

  await notifier.handleOutcome(failedOutcome({ objectName: 'a', trigger: resync }));
  world.clock.advance(40_000);
  await notifier.handleOutcome(
    failedOutcome({
      objectName: 'b',
      trigger: resync,
      status: 'warning',
      code: 'ReplicaVaultMissing',
      reason: 'replica vault kv-x does not exist',
    }),
  );
  await notifier.handleOutcome(failedOutcome({ objectName: 'unrelated' }));
  world.clock.advance(59_000);
  await notifier.idle();
  // +99 s: the resync is still busy (its last outcome came at +40 s), the window (opened at
  // +40 s) still open.
  assert.equal(slack.requests.length, 0);
  world.clock.advance(1_000);
  await notifier.idle();
  // +100 s: a whole window without news from the resync: its digest goes out on its own,
  // and the window digest with the unrelated failure separately.
  assert.equal(slack.requests.length, 2);
  const bodies = slack.requests.map((request) => request.body);
  const resyncBody = bodies.find((body) => body.includes('resync resync-42'));
  assert.ok(resyncBody, 'a message for the resync');
  assert.match(resyncBody, /resync resync-42: 1 failure, 1 warning/);
  assert.doesNotMatch(resyncBody, /unrelated/);
  const otherBody = bodies.find((body) => body !== resyncBody)!;
  assert.match(otherBody, /unrelated/);
  assert.doesNotMatch(otherBody, /secret a |secret b /);
});

test('a long resync is sent at the latest ten windows after it began', async (t) => {
  const world = await startChannelWorld({ notifications: { digestWindowSeconds: 10 } });
  t.after(() => world.close());
  await world.app.start();
  const notifier = world.app.notifier!;
  const resync = { kind: 'resync' as const, id: 'resync-big' };
  // An outcome every 5 s keeps the resync busy, but the digest must not wait forever.
  for (let i = 0; i < 25; i += 1) {
    await notifier.handleOutcome(failedOutcome({ objectName: `s${i}`, trigger: resync }));
    world.clock.advance(5_000);
  }
  await notifier.idle();
  const bodies = world.receivers.webhook.json<{ digest: { outcomes: unknown[] } }>();
  assert.deepEqual(
    bodies.map((body) => body.digest.outcomes.length),
    [20],
  );
});

test('a repeated failure is reported again after the de-duplication window, with the count held back', async (t) => {
  const world = await startChannelWorld({
    notifications: { digestWindowSeconds: 0, dedupeWindowSeconds: 600 },
  });
  t.after(() => world.close());
  await world.app.start();
  const notifier = world.app.notifier!;
  const { webhook } = world.receivers;

  for (let i = 0; i < 4; i += 1) {
    await notifier.handleOutcome(failedOutcome());
    world.clock.advance(60_000);
  }
  await notifier.idle();
  assert.equal(webhook.requests.length, 1, 'repeats inside 10 minutes are held back');
  world.clock.advance(600_000);
  await notifier.handleOutcome(failedOutcome());
  await notifier.idle();
  assert.equal(webhook.requests.length, 2);
  const second = webhook.json<{ digest: { outcomes: { suppressedRepeats: number }[] } }>()[1]!;
  assert.equal(second.digest.outcomes[0]?.suppressedRepeats, 3);
  assert.match(
    world.receivers.slack.requests[1]!.body,
    /3 identical earlier report\(s\) held back/,
  );
});
