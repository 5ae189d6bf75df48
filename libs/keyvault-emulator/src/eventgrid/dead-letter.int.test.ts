import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  ManualClock,
  startEmulator,
  StaticTokenCredential,
  type KeyVaultEmulator,
  type WebhookSubscriptionOptions,
} from '../index';
import { WebhookReceiver } from '../testing/webhook-receiver';

/**
 * Event Grid's documented delivery rules, driven through the unmodified Key Vault SDK: what
 * counts as delivered, what is never retried, the retry limits and the dead-letter record
 * (https://learn.microsoft.com/azure/event-grid/delivery-and-retry).
 */
describe('Event Grid delivery outcomes and dead-lettering', () => {
  const clock = new ManualClock(Date.UTC(2030, 5, 1, 10, 30));
  let emulator: KeyVaultEmulator;
  let secrets: SecretClient;
  let receiver: WebhookReceiver;
  let deadLetterDir: string;
  let n = 0;

  before(async () => {
    emulator = await startEmulator({
      vaults: [{ name: 'kv-dl' }],
      clock,
      // 10 s → 10 ms, 30 s → 30 ms, 1 min → 60 ms, …
      eventGridRetry: { scheduleScale: 0.001 },
      expiryCheckIntervalMs: 0,
      lifecycleDelayMs: 0,
    });
    secrets = new SecretClient(
      emulator.vaultUrl('kv-dl'),
      new StaticTokenCredential(),
      emulator.clientOptions(),
    );
    deadLetterDir = await mkdtemp(join(tmpdir(), 'akvr-deadletter-'));
  });
  after(async () => {
    await emulator.stop();
    await rm(deadLetterDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    n += 1;
  });
  afterEach(async () => {
    emulator.eventGrid.unsubscribe(`dl-${n}`);
    await emulator.eventGrid.idle();
    await receiver.stop();
  });

  const subscribe = (options: Partial<WebhookSubscriptionOptions> = {}) =>
    emulator.eventGrid.subscribe({
      name: `dl-${n}`,
      vault: 'kv-dl',
      endpoint: receiver.url(),
      deadLetter: { directory: deadLetterDir },
      ...options,
    });
  const deadLettersOfThisTest = () =>
    emulator.eventGrid.deadLetters().filter((d) => d.subscription === `dl-${n}`);
  const attemptsOfThisTest = () =>
    emulator.eventGrid.attempts().filter((a) => a.subscription === `dl-${n}`);

  it('sends validationUrl and dataVersion "1" in the validation event', async () => {
    await subscribe();
    const [validation] = JSON.parse(receiver.requests[0]!.body) as [
      { dataVersion: string; data: { validationCode: string; validationUrl: string } },
    ];
    assert.equal(validation.dataVersion, '1');
    const url = new URL(validation.data.validationUrl);
    assert.equal(url.searchParams.get('id'), validation.data.validationCode);
    assert.match(url.pathname, new RegExp(`/eventsubscriptions/dl-${n}/validate$`));
    assert.ok(url.hostname.endsWith('.localhost'), 'never a host outside this machine');
  });

  for (const status of [201, 202, 203, 204])
    it(`counts ${status} as delivered`, async () => {
      receiver.respond = () => status;
      await subscribe();
      await secrets.setSecret(`ok-${status}`, 'v');
      await receiver.waitForNotifications(1);
      await emulator.eventGrid.idle();
      assert.equal(attemptsOfThisTest().length, 1);
      assert.deepEqual(deadLettersOfThisTest(), []);
    });

  it('retries a 205 (success is 200-204 only)', async () => {
    receiver.respond = (i) => (i === 0 ? 205 : 200);
    await subscribe();
    await secrets.setSecret('reset-content', 'v');
    await receiver.waitForNotifications(2);
    await emulator.eventGrid.idle();
    assert.deepEqual(
      attemptsOfThisTest().map((a) => a.status),
      [205, 200],
    );
  });

  for (const status of [400, 401, 403, 413])
    it(`dead-letters a ${status} at once, without retrying, in the documented shape`, async () => {
      receiver.respond = () => status;
      await subscribe();
      const created = await secrets.setSecret(`refused-${status}`, 'v');
      await receiver.waitForNotifications(1);
      await emulator.eventGrid.idle();
      assert.equal(receiver.notifications().length, 1, 'not retried');
      const [dead] = deadLettersOfThisTest();
      assert.equal(dead?.deadLetterReason, 'UndeliverableDueToClientError');
      assert.equal(dead?.deliveryAttempts, 1);
      assert.equal(dead?.lastHttpStatusCode, status);
      // Written where the subscription said, as a JSON array of the event plus its properties.
      assert.match(dead?.file ?? '', new RegExp(`DL-${n}/2030/06/01/10/`));
      const [written] = JSON.parse(await readFile(dead!.file!, 'utf8')) as [
        Record<string, unknown>,
      ];
      assert.equal(written.eventType, 'Microsoft.KeyVault.SecretNewVersionCreated');
      assert.equal((written.data as { Version: string }).Version, created.properties.version);
      assert.equal(written.deadLetterReason, 'UndeliverableDueToClientError');
      assert.equal(written.deliveryAttempts, 1);
      assert.equal(written.lastHttpStatusCode, status);
      assert.equal(typeof written.lastDeliveryOutcome, 'string');
      assert.equal(written.publishTime, new Date(clock.now()).toISOString());
    });

  it('dead-letters after the maximum number of attempts', async () => {
    receiver.respond = () => 500;
    await subscribe({ retry: { maxAttempts: 3 } });
    await secrets.setSecret('always-failing', 'v');
    await receiver.waitForNotifications(3);
    await emulator.eventGrid.idle();
    assert.equal(receiver.notifications().length, 3);
    const [dead] = deadLettersOfThisTest();
    assert.deepEqual(
      [dead?.deadLetterReason, dead?.deliveryAttempts, dead?.lastHttpStatusCode],
      ['MaxDeliveryAttemptsExceeded', 3, 500],
    );
    assert.equal(dead?.lastDeliveryOutcome, 'InternalServerError');
  });

  it('dead-letters when the next retry would fall after the time to live', async () => {
    receiver.respond = () => 503;
    // TTL 1 min × 0.001 = 60 ms: attempts at 0, +10 and +40 ms; the next (+60 ms → 100) is past it.
    await subscribe({ retry: { maxAttempts: 30, eventTimeToLiveMinutes: 1 } });
    await secrets.setSecret('short-lived', 'v');
    await receiver.waitForNotifications(3);
    await emulator.eventGrid.idle();
    assert.equal(receiver.notifications().length, 3);
    const [dead] = deadLettersOfThisTest();
    assert.deepEqual(
      [dead?.deadLetterReason, dead?.deliveryAttempts, dead?.lastHttpStatusCode],
      ['TimeToLiveExceeded', 3, 503],
    );
  });

  it('caps each delay at retry.maxDelayMs', async () => {
    receiver.respond = () => 500;
    // Unscaled, the two retries would wait 10 s and 30 s; capped, 20 ms each.
    await subscribe({ retry: { maxAttempts: 3, scheduleScale: 1, maxDelayMs: 20 } });
    await secrets.setSecret('capped', 'v');
    const within = 8_000; // far below the 40 s of the uncapped schedule
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      receiver.waitForNotifications(3),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`3 attempts not within ${within} ms`)), within);
      }),
    ]).finally(() => clearTimeout(timer));
    await emulator.eventGrid.idle();
    assert.equal(deadLettersOfThisTest()[0]?.deadLetterReason, 'MaxDeliveryAttemptsExceeded');
  });

  it('keeps a record but writes nothing without a dead-letter destination (Azure drops it)', async () => {
    receiver.respond = () => 400;
    await subscribe({ deadLetter: undefined });
    await secrets.setSecret('dropped', 'v');
    await receiver.waitForNotifications(1);
    await emulator.eventGrid.idle();
    assert.equal(deadLettersOfThisTest()[0]?.file, undefined);
  });

  it('dead-letters CloudEvents with the lower-case property names', async () => {
    receiver.respond = () => 403;
    await subscribe({ schema: 'CloudEventSchemaV1_0' });
    await secrets.setSecret('cloud-refused', 'v');
    await receiver.waitForNotifications(1);
    await emulator.eventGrid.idle();
    const body = deadLettersOfThisTest()[0]?.body ?? {};
    assert.equal(body.specversion, '1.0');
    assert.equal(body.deadletterreason, 'UndeliverableDueToClientError');
    assert.equal(body.lasthttpstatuscode, 403);
  });
});

describe('Key Vault event payload styles per subscription', () => {
  let emulator: KeyVaultEmulator;
  let secrets: SecretClient;
  let receiver: WebhookReceiver;
  before(async () => {
    emulator = await startEmulator({ vaults: [{ name: 'kv-style' }], expiryCheckIntervalMs: 0 });
    secrets = new SecretClient(
      emulator.vaultUrl('kv-style'),
      new StaticTokenCredential(),
      emulator.clientOptions(),
    );
    receiver = await WebhookReceiver.start();
  });
  after(async () => {
    await emulator.stop();
    await receiver.stop();
  });

  it('writes NBF/EXP as numbers, strings, nulls, or exactly as the documentation example', async () => {
    for (const style of ['numbers', 'strings', 'nulls', 'documented-example'] as const)
      await emulator.eventGrid.subscribe({
        name: style,
        vault: 'kv-style',
        endpoint: receiver.url(`/${style}`),
        payloadStyle: style,
      });
    const notBefore = new Date(Date.UTC(2029, 0, 1));
    const expiresOn = new Date(Date.UTC(2031, 0, 1));
    const created = await secrets.setSecret('styled', 'v', { notBefore, expiresOn });
    await receiver.waitForNotifications(4);
    const dataAt = (path: string) =>
      (
        JSON.parse(receiver.notifications().find((r) => r.url === path)!.body) as [
          { data: Record<string, unknown> },
        ]
      )[0].data;
    const [nbf, exp] = [notBefore.getTime() / 1000, expiresOn.getTime() / 1000];
    assert.deepEqual([dataAt('/numbers').NBF, dataAt('/numbers').EXP], [nbf, exp]);
    assert.deepEqual([dataAt('/strings').NBF, dataAt('/strings').EXP], [String(nbf), String(exp)]);
    assert.deepEqual([dataAt('/nulls').NBF, dataAt('/nulls').EXP], [null, null]);
    const documented = dataAt('/documented-example');
    assert.equal(documented['ObjectName '], 'styled');
    assert.equal(documented.ObjectName, undefined);
    assert.equal(documented.Version, ` ${created.properties.version}`);
    assert.equal(documented.NBF, String(nbf));
  });
});
