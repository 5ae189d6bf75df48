import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventHubConsumerClient, earliestEventPosition } from '@azure/event-hubs';
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEventHubsBroker, type EventHubsBroker } from '@akv-replicator/eventhubs-broker';
import { startServiceBusBroker, type ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { startEmulator, StaticTokenCredential, type KeyVaultEmulator } from '../index';

const HUB = 'kv-events';
const QUEUE = 'kv-events';

/** Generous: the bound only ends a failing run; a loaded 2-core machine is many times slower. */
const WAIT_MS = 30_000;

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Event Grid push to Event Hubs and Service Bus queues', () => {
  let emulator: KeyVaultEmulator;
  let hubs: EventHubsBroker;
  let queues: ServiceBusBroker;
  let secrets: SecretClient;

  before(async () => {
    [emulator, hubs, queues] = await Promise.all([
      startEmulator({
        vaults: [{ name: 'kv-push' }],
        eventGridRetry: { scheduleScale: 0.001, maxDelayMs: 40 },
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
    ]);
    secrets = new SecretClient(
      emulator.vaultUrl('kv-push'),
      new StaticTokenCredential(),
      emulator.clientOptions(),
    );
  });
  after(async () => {
    await emulator.stop();
    await Promise.all([hubs.stop(), queues.stop()]);
  });

  it('delivers one event per Event Hubs event, EventGrid schema and CloudEvents side by side', async () => {
    await emulator.eventGrid.subscribe({
      name: 'to-hub-eg',
      vault: 'kv-push',
      eventHub: { connectionString: hubs.connectionString(), eventHubName: HUB },
    });
    await emulator.eventGrid.subscribe({
      name: 'to-hub-ce',
      vault: 'kv-push',
      eventHub: { connectionString: hubs.connectionString(), eventHubName: HUB },
      schema: 'CloudEventSchemaV1_0',
    });
    const created = await secrets.setSecret('hub-secret', 'v');
    await emulator.eventGrid.idle();
    emulator.eventGrid.unsubscribe('to-hub-eg');
    emulator.eventGrid.unsubscribe('to-hub-ce');

    const consumer = new EventHubConsumerClient('$Default', hubs.connectionString(HUB));
    // Every delivery is done (idle above): the hub's own counts say how many events to read.
    let inHub = 0;
    for (const id of await consumer.getPartitionIds()) {
      const partition = await consumer.getPartitionProperties(id);
      if (!partition.isEmpty)
        inHub += partition.lastEnqueuedSequenceNumber - partition.beginningSequenceNumber + 1;
    }
    assert.equal(inHub, 2, 'one event per subscription in the hub');
    const bodies: { body: Record<string, unknown>; properties: Record<string, unknown> }[] = [];
    const subscription = consumer.subscribe(
      {
        processEvents: async (events) => {
          for (const e of events)
            bodies.push({
              body: e.body as Record<string, unknown>,
              properties: e.properties ?? {},
            });
        },
        processError: async () => {},
      },
      { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 0.2 },
    );
    await until('the events in the hub read', () => bodies.length >= inHub);
    await subscription.close();
    await consumer.close();

    assert.equal(bodies.length, 2);
    const eventGrid = bodies.find((b) => 'eventType' in b.body)!;
    const cloud = bodies.find((b) => 'specversion' in b.body)!;
    assert.equal(eventGrid.body['eventType'], 'Microsoft.KeyVault.SecretNewVersionCreated');
    assert.equal((eventGrid.body['data'] as { ObjectName: string }).ObjectName, 'hub-secret');
    assert.equal((eventGrid.body['data'] as { Id: string }).Id, created.properties.id);
    assert.equal(eventGrid.properties['aeg-subscription-name'], 'TO-HUB-EG');
    assert.equal(cloud.body['type'], 'Microsoft.KeyVault.SecretNewVersionCreated');
    assert.equal(cloud.body['id'], eventGrid.body['id'], 'one event, one id, whatever the schema');
    assert.equal(cloud.properties['aeg-event-type'], 'Notification');
  });

  it('delivers one message per event to a Service Bus queue, message id = event id', async () => {
    await emulator.eventGrid.subscribe({
      name: 'to-queue',
      vault: 'kv-push',
      serviceBusQueue: { connectionString: queues.connectionString, queueName: QUEUE },
      schema: 'CloudEventSchemaV1_0',
    });
    await secrets.setSecret('queue-secret', 'v1');
    await secrets.setSecret('queue-secret', 'v2');
    await emulator.eventGrid.idle();
    emulator.eventGrid.unsubscribe('to-queue');

    const client = new ServiceBusClient(queues.connectionString);
    const receiver = client.createReceiver(QUEUE, { receiveMode: 'receiveAndDelete' });
    // Whatever batches the receiver hands out on a slow machine; every delivery is done (idle
    // above), so what is left in the queue after two is a duplicate.
    const messages: ServiceBusReceivedMessage[] = [];
    const deadline = Date.now() + WAIT_MS;
    while (messages.length < 2 && Date.now() < deadline)
      messages.push(...(await receiver.receiveMessages(10, { maxWaitTimeInMs: 1_000 })));
    const left = await client.createReceiver(QUEUE).peekMessages(10);
    await client.close();
    assert.equal(messages.length, 2);
    assert.equal(left.length, 0, 'nothing more in the queue');
    for (const message of messages) {
      const body = message.body as Record<string, unknown>;
      assert.equal(body['specversion'], '1.0');
      assert.equal(message.messageId, body['id']);
      assert.equal((body['data'] as { ObjectName: string }).ObjectName, 'queue-secret');
    }
    assert.notEqual(messages[0]!.messageId, messages[1]!.messageId);
  });

  it('refuses a subscription whose destination does not exist, and subscribes nothing', async () => {
    await assert.rejects(
      emulator.eventGrid.subscribe({
        name: 'to-nowhere',
        vault: 'kv-push',
        eventHub: { connectionString: hubs.connectionString(), eventHubName: 'missing' },
      }),
      /to-nowhere: destination unreachable/,
    );
    await assert.rejects(
      emulator.eventGrid.subscribe({
        name: 'two-destinations',
        vault: 'kv-push',
        endpoint: 'https://127.0.0.1:1/x',
        serviceBusQueue: { connectionString: queues.connectionString, queueName: QUEUE },
      }),
      /exactly one of endpoint, eventHub or serviceBusQueue/,
    );
  });
});
