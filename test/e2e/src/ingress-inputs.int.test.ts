import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { EventHubProducerClient } from '@azure/event-hubs';
import { ServiceBusClient } from '@azure/service-bus';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  MemoryLogger,
  TOPICS,
  loadConfigText,
  readProvenance,
  type AnyEnvelope,
} from '@akv-replicator/core';
import { ack, createMemoryBus, type MemoryBus } from '@akv-replicator/bus';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { startEventHubsBroker, type EventHubsBroker } from '@akv-replicator/eventhubs-broker';
import { startServiceBusBroker, type ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { startAzuriteBlob, type AzuriteBlob } from '@akv-replicator/test-kit';
import { startServices, type RunningStack } from 'akv-replicator';
import { quietPeriod, waitFor } from './wait-for';

const HUB = 'keyvault-events';
const QUEUE = 'keyvault-events';
/**
 * How long a "once" check watches after the copies arrived and every event was delivered to the
 * hub or queue (eventGrid.idle()). A duplicate there reaches the ingress within one Event Hubs
 * batch wait (DEFAULT_EVENTHUBS_MAX_WAIT_SECONDS, 1 s; the queue input is pushed at once), then
 * crosses the memory bus and the replicator in tens of milliseconds: 3 s covers that with room
 * for a loaded machine.
 */
const DUPLICATE_WINDOW_MS = 3_000;

/**
 * A private network: Event Grid cannot reach a webhook, so it delivers Key Vault events into an
 * Event Hub (vault kv-eh-src) and a Service Bus queue (vault kv-sb-src), and the ingress pulls
 * them from there. Every service in this process over the memory bus; the Event Hubs and Service
 * Bus test brokers and Azurite are real network peers on loopback.
 */
describe('ingress inputs end to end: Event Grid → Event Hub / Service Bus queue → replicas', () => {
  let emulator: KeyVaultEmulator;
  let hubs: EventHubsBroker;
  let queues: ServiceBusBroker;
  let azurite: AzuriteBlob;
  let bus: MemoryBus;
  let services: RunningStack;
  const logger = new MemoryLogger();
  const credential = new StaticTokenCredential('inputs-token');
  const client = (vault: string) =>
    new SecretClient(emulator.vaultUrl(vault), credential, emulator.clientOptions());

  before(async () => {
    [emulator, hubs, queues, azurite] = await Promise.all([
      startEmulator({
        vaults: [
          { name: 'kv-eh-src', region: 'westeurope' },
          { name: 'kv-sb-src', region: 'westeurope' },
          { name: 'kv-eh-neu', region: 'northeurope' },
          { name: 'kv-sb-neu', region: 'northeurope' },
          { name: 'kv-eh-eus', region: 'eastus' },
        ],
        expiryCheckIntervalMs: 0,
      }),
      startEventHubsBroker({ hubs: [{ name: HUB, partitionCount: 2 }] }),
      startServiceBusBroker({
        config: {
          UserConfig: {
            Namespaces: [{ Name: 'sbemulatorns', Queues: [{ Name: QUEUE }], Topics: [] }],
            Logging: { Type: 'Console' },
          },
        },
      }),
      startAzuriteBlob(),
    ]);
    await azurite.createContainer('checkpoints');
    const sub = emulator.subscriptionId;
    const loaded = loadConfigText(
      stringify({
        tenants: { default: { tenantId: emulator.tenantId } },
        azure: { armEndpoint: emulator.armEndpoint, sourceSubscriptionId: sub },
        links: [
          {
            name: 'via-hub',
            source: { vault: 'kv-eh-src', region: 'westeurope', subscriptionId: sub },
            replicas: [
              { vault: 'kv-eh-neu', region: 'northeurope', subscriptionId: sub },
              { vault: 'kv-eh-eus', region: 'eastus', subscriptionId: sub },
            ],
          },
          {
            name: 'via-queue',
            source: { vault: 'kv-sb-src', region: 'westeurope', subscriptionId: sub },
            replicas: [{ vault: 'kv-sb-neu', region: 'northeurope', subscriptionId: sub }],
          },
        ],
        replication: { reconcile: { suspend: true, onStart: false } },
        ingress: {
          host: '127.0.0.1',
          port: 0,
          inputs: {
            webhook: { enabled: false },
            eventHubs: [
              {
                connectionString: { fromEnv: 'EH_CONNECTION' },
                eventHubName: HUB,
                loadBalancing: { updateIntervalSeconds: 0.2, ownershipExpirationSeconds: 2 },
                checkpointStore: {
                  connectionString: { fromEnv: 'STORAGE_CONNECTION' },
                  containerName: 'checkpoints',
                },
              },
            ],
            serviceBusQueues: [
              { connectionString: { fromEnv: 'SB_CONNECTION' }, queueName: QUEUE },
            ],
          },
        },
      }),
      { env: {} },
    );
    bus = createMemoryBus();
    services = await startServices(
      loaded,
      {
        services: ['replicator', 'discovery', 'ingress'],
        ingress: { host: '127.0.0.1', port: 0 },
      },
      {
        bus,
        credentialFor: () => credential,
        secrets: {
          env: {
            EH_CONNECTION: hubs.connectionString(),
            SB_CONNECTION: queues.connectionString,
            STORAGE_CONNECTION: azurite.connectionString,
          },
          readFile: () => Promise.reject(new Error('no secret files here')),
        },
        secretClientOptions: emulator.clientOptions(),
        armClientOptions: { tlsOptions: { ca: emulator.ca } },
        logger,
      },
    );
    await emulator.eventGrid.subscribe({
      name: 'to-hub',
      vault: 'kv-eh-src',
      eventHub: { connectionString: hubs.connectionString(), eventHubName: HUB },
      schema: 'CloudEventSchemaV1_0',
    });
    await emulator.eventGrid.subscribe({
      name: 'to-queue',
      vault: 'kv-sb-src',
      serviceBusQueue: { connectionString: queues.connectionString, queueName: QUEUE },
    });
  });
  after(async () => {
    await services?.stop();
    await bus?.close();
    await emulator?.stop();
    await Promise.all([hubs?.stop(), queues?.stop(), azurite?.stop()]);
  });

  const replicated = (vault: string, name: string) =>
    waitFor(
      `${vault}/${name}`,
      async () =>
        (await client(vault)
          .getSecret(name)
          .catch(() => undefined)) ?? undefined,
      20_000,
      50,
    );
  const versionsOf = async (vault: string, name: string) => {
    const versions: string[] = [];
    for await (const v of client(vault).listPropertiesOfSecretVersions(name))
      versions.push(v.version!);
    return versions;
  };

  it('a secret written in the source vault reaches every replica through the Event Hub, once', async () => {
    const written = await client('kv-eh-src').setSecret('via-hub', 'hub-value');
    for (const replica of ['kv-eh-neu', 'kv-eh-eus']) {
      const copy = await replicated(replica, 'via-hub');
      assert.equal(copy.value, 'hub-value');
      assert.equal(readProvenance(copy.properties.tags)?.sourceVersion, written.properties.version);
    }
    await emulator.eventGrid.idle();
    await quietPeriod(DUPLICATE_WINDOW_MS); // a duplicate delivery would have written by now
    for (const replica of ['kv-eh-neu', 'kv-eh-eus'])
      assert.equal((await versionsOf(replica, 'via-hub')).length, 1);
    const vaultEvent = logger.lines.find(
      (l) => l.message === 'vault event fanned out' && l.fields['objectName'] === 'via-hub',
    );
    assert.ok(vaultEvent, 'discovery fanned the event out');
  });

  it('a secret written in the source vault reaches its replica through the Service Bus queue, once', async () => {
    await client('kv-sb-src').setSecret('via-queue', 'queue-value');
    const copy = await replicated('kv-sb-neu', 'via-queue');
    assert.equal(copy.value, 'queue-value');
    await emulator.eventGrid.idle();
    await quietPeriod(DUPLICATE_WINDOW_MS); // a duplicate delivery would have written by now
    assert.equal((await versionsOf('kv-sb-neu', 'via-queue')).length, 1);
  });

  it('an event delivered by both inputs yields one vault event and one task per replica', async () => {
    // A second subscription on the same vault: every event now also goes to the queue.
    await emulator.eventGrid.subscribe({
      name: 'to-queue-too',
      vault: 'kv-eh-src',
      serviceBusQueue: { connectionString: queues.connectionString, queueName: QUEUE },
      schema: 'CloudEventSchemaV1_0',
    });
    const seen: { topic: string; envelope: AnyEnvelope }[] = [];
    for (const topic of [TOPICS.vaultEvents, TOPICS.secretTasks])
      await bus.subscribe(topic, { subscription: `dedupe-${topic}` }, async (envelope) => {
        seen.push({ topic, envelope });
        return ack();
      });
    try {
      await client('kv-eh-src').setSecret('twice-delivered', 'v');
      await emulator.eventGrid.idle();
      await replicated('kv-eh-neu', 'twice-delivered');
      await replicated('kv-eh-eus', 'twice-delivered');
      await waitFor('both inputs to take the event in', async () =>
        logger.lines.filter(
          (l) => l.message === 'events taken in' && Number(l.fields['duplicates']) > 0,
        ).length > 0
          ? true
          : undefined,
      );
    } finally {
      emulator.eventGrid.unsubscribe('to-queue-too');
    }
    // Both inputs took the event in (the marker above); a second vault event or task would
    // have been published by now.
    await quietPeriod(DUPLICATE_WINDOW_MS);
    const about = (topic: string) =>
      seen.filter(
        (s) =>
          s.topic === topic &&
          JSON.stringify(s.envelope.data).includes('"objectName":"twice-delivered"'),
      );
    assert.equal(about(TOPICS.vaultEvents).length, 1, 'one vault event');
    assert.equal(about(TOPICS.secretTasks).length, 2, 'one task per replica');
    for (const replica of ['kv-eh-neu', 'kv-eh-eus'])
      assert.equal((await versionsOf(replica, 'twice-delivered')).length, 1);
  });

  it('a malformed body is skipped with a logged reason and never blocks the partition', async () => {
    // Both partitions get garbage first; the next Key Vault event lands behind it on one of them.
    const producer = new EventHubProducerClient(hubs.connectionString(HUB));
    for (const partitionId of ['0', '1'])
      await producer.sendBatch([{ body: 'definitely not an event' }], { partitionId });
    await producer.close();
    const sender = new ServiceBusClient(queues.connectionString);
    await sender.createSender(QUEUE).sendMessages({ body: { hello: 'world' }, messageId: 'junk' });

    await client('kv-eh-src').setSecret('after-garbage', 'v');
    await client('kv-sb-src').setSecret('after-junk', 'v');
    await replicated('kv-eh-neu', 'after-garbage');
    await replicated('kv-eh-eus', 'after-garbage');
    await replicated('kv-sb-neu', 'after-junk');

    // The secret after the garbage went through one partition; the other partition's garbage
    // is waited for, not assumed read by now.
    const skippedLines = () =>
      logger.lines.filter((l) => l.message === 'malformed event delivery skipped');
    await waitFor('a skip on both partitions', async () =>
      skippedLines().length >= 2 ? true : undefined,
    );
    const skipped = skippedLines();
    assert.equal(skipped.length, 2, 'one per partition');
    assert.ok(skipped.every((l) => /not JSON/.test(String(l.fields['reason']))));
    const deadLettered = await sender
      .createReceiver(QUEUE, { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' })
      // Returns 1 s after the first message (the SDK's batching wait); the bound ends a failure.
      .receiveMessages(5, { maxWaitTimeInMs: 15_000 });
    await sender.close();
    assert.deepEqual(
      deadLettered.map((m) => [m.messageId, m.deadLetterReason]),
      [['junk', 'MalformedEventGridDelivery']],
    );
    assert.ok(
      logger.lines.some(
        (l) =>
          l.message === 'malformed event delivery dead-lettered' &&
          /event has no type/.test(String(l.fields['reason'])),
      ),
    );
  });
});
