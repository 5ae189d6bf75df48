import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { EventGridDeserializer, isSystemEvent } from '@azure/eventgrid';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  ManualClock,
  startEmulator,
  StaticTokenCredential,
  WebhookValidationError,
  type KeyVaultEmulator,
} from '../index';
import { rawRequest } from '../testing/raw-request';
import { WebhookReceiver } from '../testing/webhook-receiver';

const deserializer = new EventGridDeserializer();
const SUB = '0c0c0c0c-0000-4000-8000-00000000000c';

describe('Event Grid push to webhooks', () => {
  const clock = new ManualClock(Date.UTC(2030, 5, 1));
  let emulator: KeyVaultEmulator;
  let receiver: WebhookReceiver;
  let secrets: SecretClient;
  let counter = 0;

  before(async () => {
    emulator = await startEmulator({
      subscriptionId: SUB,
      vaults: [{ name: 'kv-events', resourceGroup: 'rg-ev' }],
      clock,
      eventGridRetry: { scheduleScale: 0.001, maxDelayMs: 40 },
      expiryCheckIntervalMs: 0,
      // The manual clock never moves during delete/recover polls: transitions must be instant.
      lifecycleDelayMs: 0,
    });
    secrets = new SecretClient(
      emulator.vaultUrl('kv-events'),
      new StaticTokenCredential(),
      emulator.clientOptions(),
    );
  });
  after(() => emulator.stop());
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    for (let i = 0; i <= counter; i += 1) emulator.eventGrid.unsubscribe(`sub-${i}`);
    counter += 1;
    await emulator.eventGrid.idle();
    await receiver.stop();
  });
  const subName = () => `sub-${counter}`;

  it('validates an EventGrid-schema webhook, then delivers SecretNewVersionCreated exactly as Azure shapes it', async () => {
    await emulator.eventGrid.subscribe({
      name: subName(),
      vault: 'kv-events',
      endpoint: receiver.url('/events?code=s3cret'),
    });
    const handshake = receiver.requests[0]!;
    assert.equal(handshake.headers['aeg-event-type'], 'SubscriptionValidation');
    const [validation] = await deserializer.deserializeEventGridEvents(handshake.body);
    assert.ok(isSystemEvent('Microsoft.EventGrid.SubscriptionValidationEvent', validation!));

    const expiresOn = new Date(Date.UTC(2031, 0, 1));
    const created = await secrets.setSecret('app-key', 'v', { expiresOn });
    await receiver.waitForNotifications(1);
    const delivery = receiver.notifications()[0]!;
    assert.equal(
      delivery.url,
      '/events?code=s3cret',
      'the query-string secret is sent on every delivery',
    );
    assert.equal(delivery.headers['aeg-subscription-name'], subName().toUpperCase());
    assert.equal(delivery.headers['aeg-delivery-count'], '0');
    assert.equal(delivery.headers['aeg-data-version'], '1');
    assert.equal(delivery.headers['aeg-metadata-version'], '1');
    assert.match(String(delivery.headers['content-type']), /^application\/json/);
    assert.ok(Array.isArray(JSON.parse(delivery.body)));
    const [event] = await deserializer.deserializeEventGridEvents(delivery.body);
    assert.ok(isSystemEvent('Microsoft.KeyVault.SecretNewVersionCreated', event!));
    assert.equal(
      event!.topic,
      `/subscriptions/${SUB}/resourceGroups/rg-ev/providers/Microsoft.KeyVault/vaults/kv-events`,
    );
    assert.equal(event!.subject, 'app-key');
    assert.equal(event!.dataVersion, '1');
    assert.deepEqual(event!.data, {
      Id: created.properties.id,
      VaultName: 'kv-events',
      ObjectType: 'Secret',
      ObjectName: 'app-key',
      Version: created.properties.version,
      NBF: null,
      EXP: expiresOn.getTime() / 1000,
    });
  });

  it('sends nothing for PATCH, delete, recover or purge', async () => {
    const created = await secrets.setSecret('quiet', 'v');
    await emulator.eventGrid.subscribe({
      name: subName(),
      vault: 'kv-events',
      endpoint: receiver.url(),
    });
    await secrets.updateSecretProperties('quiet', created.properties.version!, {
      tags: { a: 'b' },
    });
    await (await secrets.beginDeleteSecret('quiet')).pollUntilDone();
    await (await secrets.beginRecoverDeletedSecret('quiet')).pollUntilDone();
    await (await secrets.beginDeleteSecret('quiet')).pollUntilDone();
    await secrets.purgeDeletedSecret('quiet');
    await secrets.setSecret('marker', 'v');
    await receiver.waitForNotifications(1);
    await emulator.eventGrid.idle();
    const subjects = (
      await Promise.all(
        receiver.notifications().map((n) => deserializer.deserializeEventGridEvents(n.body)),
      )
    )
      .flat()
      .map((e) => e.subject);
    assert.deepEqual(subjects, ['marker']);
  });

  it('does the CloudEvents OPTIONS handshake and delivers CloudEvents 1.0 with a bearer token', async () => {
    await emulator.eventGrid.subscribe({
      name: subName(),
      vault: 'kv-events',
      endpoint: receiver.url('/cloud'),
      schema: 'CloudEventSchemaV1_0',
      bearerToken: 'webhook-token',
    });
    assert.equal(receiver.requests[0]!.method, 'OPTIONS');
    assert.equal(receiver.requests[0]!.headers['webhook-request-origin'], 'eventgrid.azure.net');
    const created = await secrets.setSecret('cloudy', 'v');
    await receiver.waitForNotifications(1);
    const delivery = receiver.notifications()[0]!;
    assert.equal(delivery.headers.authorization, 'Bearer webhook-token');
    assert.match(String(delivery.headers['content-type']), /^application\/cloudevents\+json/);
    const [event] = await deserializer.deserializeCloudEvents(delivery.body);
    assert.equal(event!.type, 'Microsoft.KeyVault.SecretNewVersionCreated');
    assert.equal(
      event!.source,
      `/subscriptions/${SUB}/resourceGroups/rg-ev/providers/Microsoft.KeyVault/vaults/kv-events`,
    );
    assert.equal(event!.subject, 'cloudy');
    assert.equal((event!.data as { Version: string }).Version, created.properties.version);
  });

  it('refuses a subscription whose webhook fails validation', async () => {
    receiver.acceptValidation = false;
    await assert.rejects(
      emulator.eventGrid.subscribe({
        name: subName(),
        vault: 'kv-events',
        endpoint: receiver.url(),
      }),
      WebhookValidationError,
    );
    await assert.rejects(
      emulator.eventGrid.subscribe({
        name: `${subName()}-ce`,
        vault: 'kv-events',
        endpoint: receiver.url(),
        schema: 'CloudEventSchemaV1_0',
      }),
      WebhookValidationError,
    );
    await secrets.setSecret('unheard', 'v');
    await emulator.eventGrid.idle();
    assert.equal(receiver.notifications().length, 0);
  });

  it('retries failed deliveries with backoff and an increasing aeg-delivery-count, but not 400s', async () => {
    receiver.respond = (index) => (index < 2 ? 503 : index === 3 ? 400 : 200);
    await emulator.eventGrid.subscribe({
      name: subName(),
      vault: 'kv-events',
      endpoint: receiver.url(),
    });
    await secrets.setSecret('flaky', 'v');
    await receiver.waitForNotifications(3);
    await emulator.eventGrid.idle();
    assert.deepEqual(
      receiver.notifications().map((n) => n.headers['aeg-delivery-count']),
      ['0', '1', '2'],
    );
    await secrets.setSecret('rejected', 'v');
    await receiver.waitForNotifications(4);
    await emulator.eventGrid.idle();
    assert.equal(receiver.notifications().length, 4, 'a 400 is not retried');
  });

  it('gives up after the bounded number of attempts', async () => {
    receiver.respond = () => 500;
    await emulator.eventGrid.subscribe({
      name: subName(),
      vault: 'kv-events',
      endpoint: receiver.url(),
      retry: { maxAttempts: 3 },
    });
    await secrets.setSecret('doomed-event', 'v');
    await receiver.waitForNotifications(3);
    await emulator.eventGrid.idle();
    assert.equal(receiver.notifications().length, 3);
  });

  it('injects duplicates and reordering on request', async () => {
    await emulator.eventGrid.subscribe({
      name: subName(),
      vault: 'kv-events',
      endpoint: receiver.url(),
      chaos: { duplicateRate: 1 },
    });
    await secrets.setSecret('twice', 'v');
    await receiver.waitForNotifications(2);
    const ids = (
      await Promise.all(
        receiver.notifications().map((n) => deserializer.deserializeEventGridEvents(n.body)),
      )
    )
      .flat()
      .map((e) => e.id);
    assert.equal(ids[0], ids[1], 'the same event id arrives twice');

    emulator.eventGrid.unsubscribe(subName());
    const reordering = `${subName()}-reorder`;
    await emulator.eventGrid.subscribe({
      name: reordering,
      vault: 'kv-events',
      endpoint: receiver.url('/r'),
      chaos: { reorderWindowMs: 100 },
    });
    const first = await secrets.setSecret('ordered', 'one');
    const second = await secrets.setSecret('ordered', 'two');
    await receiver.waitForNotifications(4);
    const versions = receiver
      .notifications()
      .filter((n) => n.url === '/r')
      .map((n) => (JSON.parse(n.body) as [{ data: { Version: string } }])[0].data.Version);
    assert.deepEqual(versions, [second.properties.version, first.properties.version]);
    emulator.eventGrid.unsubscribe(reordering);
  });

  it('publishes SecretNearExpiry 30 days before exp and SecretExpired at exp, once each, for the current version', async () => {
    await emulator.eventGrid.subscribe({
      name: subName(),
      vault: 'kv-events',
      endpoint: receiver.url(),
      includedEventTypes: [
        'Microsoft.KeyVault.SecretNearExpiry',
        'Microsoft.KeyVault.SecretExpired',
      ],
    });
    const exp = clock.now() + 40 * 86_400_000;
    await secrets.setSecret('expiring', 'v', { expiresOn: new Date(exp) });
    emulator.checkExpiry();
    clock.advance(9 * 86_400_000);
    emulator.checkExpiry();
    await emulator.eventGrid.idle();
    assert.equal(receiver.notifications().length, 0, 'not yet within 30 days');
    clock.advance(2 * 86_400_000);
    emulator.checkExpiry();
    emulator.checkExpiry();
    await receiver.waitForNotifications(1);
    clock.advance(30 * 86_400_000);
    emulator.checkExpiry();
    emulator.checkExpiry();
    await receiver.waitForNotifications(2);
    await emulator.eventGrid.idle();
    const events = (
      await Promise.all(
        receiver.notifications().map((n) => deserializer.deserializeEventGridEvents(n.body)),
      )
    ).flat();
    assert.deepEqual(
      events.filter((e) => e.subject === 'expiring').map((e) => e.eventType),
      ['Microsoft.KeyVault.SecretNearExpiry', 'Microsoft.KeyVault.SecretExpired'],
    );
    assert.ok(events.every((e) => (e.data as { EXP: number }).EXP !== null));
  });

  it('can be subscribed through the HTTPS admin endpoint', async () => {
    const response = await rawRequest(`${emulator.armEndpoint}/admin/eventgrid/subscriptions`, {
      ca: emulator.ca,
      method: 'POST',
      body: {
        name: subName(),
        vault: 'kv-events',
        endpoint: receiver.url('/admin'),
        schema: 'CloudEventSchemaV1_0',
      },
    });
    assert.equal(response.status, 200);
    await secrets.setSecret('via-admin', 'v');
    await receiver.waitForNotifications(1);
    assert.equal(receiver.notifications()[0]!.url, '/admin');
    const bad = await rawRequest(`${emulator.armEndpoint}/admin/eventgrid/subscriptions`, {
      ca: emulator.ca,
      method: 'POST',
      body: { name: 'x', vault: 'no-such-vault', endpoint: receiver.url() },
    });
    assert.equal(bad.status, 400);
  });

  it('stops promptly even while a webhook hangs on a delivery', async () => {
    const other = await startEmulator({ vaults: [{ name: 'kv-hang' }] });
    receiver.respond = () => null;
    await other.eventGrid.subscribe({ name: 'hang', vault: 'kv-hang', endpoint: receiver.url() });
    const client = new SecretClient(
      other.vaultUrl('kv-hang'),
      new StaticTokenCredential(),
      other.clientOptions(),
    );
    await client.setSecret('s', 'v');
    await receiver.waitForNotifications(1);
    const started = Date.now();
    await other.stop();
    // Without the abort, stop() would wait for the hung delivery's WEBHOOK_TIMEOUT_MS (30 s,
    // webhook-client.ts). 15 s is half of that: generous for a loaded machine, and still
    // impossible to meet unless the in-flight request was aborted.
    assert.ok(
      Date.now() - started < 15_000,
      'the in-flight delivery is aborted, not awaited for 30 s',
    );
  });
});
