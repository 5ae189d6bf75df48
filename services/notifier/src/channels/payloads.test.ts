import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Digest } from '../notifier/digest';
import { failedOutcome } from '../testing/outcomes';
import { emailHtml, emailText } from './email';
import { slackPayload } from './slack';
import { teamsPayload } from './teams';
import { telegramText } from './telegram';
import { signBody, verifyWebhookSignature, webhookPayload } from './webhook';

function digestOf(count: number, overrides: Parameters<typeof failedOutcome>[0] = {}): Digest {
  return {
    id: 'digest-1',
    kind: 'window',
    items: Array.from({ length: count }, (_, i) => ({
      outcome: failedOutcome({ objectName: `secret-${i}`, ...overrides }),
      suppressedRepeats: 0,
    })),
    openedAt: '2026-01-01T00:00:00.000Z',
    closedAt: '2026-01-01T00:01:00.000Z',
  };
}

const HOSTILE_REASON = 'write refused: <script>alert(1)</script> & <b>bold</b> *stars* _under_';

test('Slack: markup in reasons is escaped and a big digest stays within Block Kit limits', () => {
  const payload = slackPayload(digestOf(120, { reason: HOSTILE_REASON })) as {
    blocks: { type: string; text?: { text: string } }[];
    text: string;
  };
  assert.ok(payload.blocks.length <= 50, `${payload.blocks.length} blocks`);
  const header = payload.blocks[0]!;
  assert.ok(header.text!.text.length <= 150);
  const json = JSON.stringify(payload.blocks);
  assert.doesNotMatch(json, /<script>/);
  assert.match(json, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &lt;b&gt;/);
  assert.match(json, /…and 100 more not listed here\./);
  assert.match(payload.text, /120 failures/);
});

test('Telegram: HTML is escaped and a big digest is cut at whole outcomes under 4096 characters', () => {
  const text = telegramText(digestOf(120, { reason: HOSTILE_REASON }));
  assert.ok(text.length < 4096, `${text.length} characters`);
  assert.doesNotMatch(text, /<script>|<b>bold/);
  assert.match(text, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &lt;b&gt;bold&lt;\/b&gt;/);
  const listed = (text.match(/<b>FAILURE: /g) ?? []).length;
  assert.ok(listed >= 3, `${listed} listed`);
  assert.match(text, new RegExp(`…and ${120 - listed} more not listed here\\.$`));
  // Only the tags we write remain: every < starts one of them.
  for (const tag of text.match(/<[^>]*>/g) ?? []) assert.match(tag, /^<\/?(b|i|code)>$/);
});

test('Teams: one Adaptive Card whose facts name link, vaults and object', () => {
  const payload = teamsPayload(digestOf(1)) as {
    attachments: {
      content: {
        body: {
          type: string;
          items?: { type: string; facts?: { title: string; value: string }[] }[];
        }[];
      };
    }[];
  };
  const container = payload.attachments[0]!.content.body.find(
    (element) => element.type === 'Container',
  )!;
  const facts = container.items!.find((item) => item.type === 'FactSet')!.facts!;
  const byTitle = Object.fromEntries(facts.map((fact) => [fact.title, fact.value]));
  assert.equal(byTitle['Link'], 'payments-dr');
  assert.equal(byTitle['Source vault'], 'kv-payments-neu (northeurope)');
  assert.equal(byTitle['Replica vault'], 'kv-payments-weu (westeurope)');
  assert.equal(byTitle['Object'], 'secret secret-0');
  assert.equal(byTitle['Code'], 'Forbidden');
});

test('Teams: a digest of many long failures stays under the message size limit', () => {
  const digest = digestOf(120, { reason: 'x'.repeat(5_000) });
  const payload = teamsPayload(digest);
  assert.ok(Buffer.byteLength(JSON.stringify(payload)) < 28_000);
  assert.match(JSON.stringify(payload), /…and \d+ more not listed here\./);
});

test('email: the text body says what happened, why and what to do; the HTML body is escaped', () => {
  const digest = digestOf(1, { reason: HOSTILE_REASON, code: 'SecretSoftDeleted' });
  const text = emailText(digest);
  assert.match(text, /^akv-replicator failure: secret secret-0 → kv-payments-weu \(westeurope\)/);
  assert.match(text, /Why: write refused/);
  assert.match(
    text,
    /Next step: An object named secret-0 is soft-deleted in the replica vault: recover or purge it/,
  );
  const html = emailHtml(digest);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&lt;script&gt;/);
});

test('next steps follow the failure: throttling, ownership, unknown codes', () => {
  const advice = (overrides: Parameters<typeof failedOutcome>[0]) =>
    emailText(digestOf(1, overrides));
  assert.match(
    advice({ code: 'VaultThrottled', reason: '429' }),
    /Next step: Key Vault is throttling/,
  );
  assert.match(
    advice({ code: 'ReplicaNotOwned', reason: 'no provenance tag' }),
    /Next step: The replica object was not written by akv-replicator/,
  );
  assert.match(
    advice({ code: 'Weird', reason: 'something odd', taskId: 't-77' }),
    /Next step: Look up this failure in the replicator logs \(task t-77\), fix the cause, then request a resync of secret secret-0 in vault kv-payments-neu\./,
  );
  assert.doesNotMatch(
    advice({ status: 'success', code: undefined, reason: undefined }),
    /Next step/,
  );
});

test('webhook: a large digest lists failures first, up to the cap, and counts everything', () => {
  const successes = digestOf(400, { status: 'success', code: undefined, reason: undefined });
  const failures = digestOf(50);
  const digest = { ...successes, items: [...successes.items, ...failures.items] };
  const payload = webhookPayload(digest, { deliveryId: 'd', timestamp: 0 }) as {
    digest: { counts: unknown; omitted: number; outcomes: { status: string }[] };
  };
  assert.deepEqual(payload.digest.counts, { success: 400, warning: 0, failure: 50 });
  assert.equal(payload.digest.outcomes.length, 200);
  assert.equal(payload.digest.omitted, 250);
  assert.ok(payload.digest.outcomes.slice(0, 50).every((o) => o.status === 'failure'));
  assert.ok(payload.digest.outcomes.slice(50).every((o) => o.status === 'success'));
});

test('webhook signatures: valid, tampered, replayed and mismatched timestamps', () => {
  const secret = 'signing-key-123';
  const now = Date.parse('2026-01-01T00:10:00Z');
  const timestamp = Math.floor(now / 1000);
  const body = JSON.stringify(webhookPayload(digestOf(1), { deliveryId: 'd1', timestamp }));
  const signature = signBody(body, secret);
  assert.match(signature, /^sha256=[0-9a-f]{64}$/);
  const headers = { signature, timestamp: String(timestamp) };
  assert.deepEqual(verifyWebhookSignature(body, headers, secret, { nowMs: now }), { valid: true });
  assert.deepEqual(
    verifyWebhookSignature(body.replace('secret-0', 'secret-9'), headers, secret, { nowMs: now }),
    { valid: false, reason: 'signature mismatch' },
  );
  assert.deepEqual(verifyWebhookSignature(body, headers, 'other-key', { nowMs: now }), {
    valid: false,
    reason: 'signature mismatch',
  });
  assert.deepEqual(verifyWebhookSignature(body, headers, secret, { nowMs: now + 3_600_000 }), {
    valid: false,
    reason: 'timestamp is 3600 s away from now',
  });
  assert.deepEqual(
    verifyWebhookSignature(body, { ...headers, timestamp: String(timestamp + 3600) }, secret, {
      nowMs: now + 3_600_000,
    }),
    {
      valid: false,
      reason: 'timestamp header does not match the signed body',
    },
  );
  assert.deepEqual(verifyWebhookSignature(body, { timestamp: headers.timestamp }, secret), {
    valid: false,
    reason: 'missing signature or timestamp header',
  });
});
