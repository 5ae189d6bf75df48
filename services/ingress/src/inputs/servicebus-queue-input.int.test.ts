import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceBusClient } from '@azure/service-bus';
import type { MemoryLogger, AnyEnvelope } from '@akv-replicator/core';
import type { Bus, Publisher } from '@akv-replicator/bus';
import { startServiceBusBroker, type ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { createEventIntake } from '../intake/event-intake';
import { cloudEvent, eventGridEvent, keyVaultData } from '../testing/event-fixtures';
import {
  captureVaultEvents,
  holdPublishes,
  stopStaysBlocked,
  until,
} from '../testing/input-harness';
import { MALFORMED_EVENT_REASON, ServiceBusQueueInput } from './servicebus-queue-input';

const QUEUE = 'keyvault-events';

let broker: ServiceBusBroker;
let client: ServiceBusClient;
before(async () => {
  broker = await startServiceBusBroker({
    config: {
      UserConfig: {
        Namespaces: [
          {
            Name: 'sbemulatorns',
            Queues: [{ Name: QUEUE, Properties: { LockDuration: 'PT5S', MaxDeliveryCount: 5 } }],
            Topics: [],
          },
        ],
        Logging: { Type: 'Console' },
      },
    },
  });
  client = new ServiceBusClient(broker.connectionString);
});
after(async () => {
  await client.close();
  await broker.stop();
});

/** Everything left in the queue and its dead-letter sub-queue, removed as read. */
async function drainQueue(subQueue?: 'deadLetter') {
  const receiver = client.createReceiver(QUEUE, {
    receiveMode: 'receiveAndDelete',
    ...(subQueue ? { subQueueType: subQueue } : {}),
  });
  const messages = await receiver.receiveMessages(50, { maxWaitTimeInMs: 300 });
  await receiver.close();
  return messages;
}

describe('Service Bus queue input', () => {
  let bus: Bus;
  let logger: MemoryLogger;
  let received: AnyEnvelope[];
  let input: ServiceBusQueueInput | undefined;
  beforeEach(async () => {
    ({ bus, logger, received } = await captureVaultEvents());
  });
  afterEach(async () => {
    await input?.stop();
    input = undefined;
    await bus.close();
    await drainQueue();
    await drainQueue('deadLetter');
  });

  const startInput = async (publisher: Publisher = bus) => {
    input = new ServiceBusQueueInput({
      connection: { connectionString: broker.connectionString },
      queueName: QUEUE,
      intake: createEventIntake({ publisher }),
      logger,
    });
    await input.start();
    return input;
  };

  it('publishes EventGrid and CloudEvents bodies, single and batched, and completes them', async () => {
    // Event Grid sets the message id to the event id; every message here has one too.
    const sender = client.createSender(QUEUE);
    await sender.sendMessages([
      { body: eventGridEvent('eg-1', keyVaultData('one')), messageId: 'eg-1' },
      { body: cloudEvent('ce-1', keyVaultData('two')), messageId: 'ce-1' },
      {
        body: [
          eventGridEvent('eg-2', keyVaultData('three')),
          eventGridEvent('eg-3', keyVaultData('four')),
        ],
        messageId: 'eg-batch',
      },
    ]);
    await sender.close();
    await startInput();
    await until(() => received.length === 4, 'four vault events');
    assert.deepEqual(received.map((e) => (e.data as { objectName: string }).objectName).sort(), [
      'four',
      'one',
      'three',
      'two',
    ]);
    assert.ok(received.every((e) => (e.data as { input: string }).input === 'servicebus-queue'));
    await input!.stop();
    assert.equal((await drainQueue()).length, 0, 'every message was completed');
  });

  it('takes messages without a message id too (senders other than Event Grid)', async () => {
    const sender = client.createSender(QUEUE);
    await sender.sendMessages({ body: cloudEvent('no-id', keyVaultData('no-id')) });
    await sender.close();
    await startInput();
    await until(() => received.length === 1, 'the event of the id-less message');
    await input!.stop();
    assert.equal((await drainQueue()).length, 0, 'completed');
  });

  it('dead-letters a malformed body with a reason, logs it, and goes on with the next', async () => {
    const sender = client.createSender(QUEUE);
    await sender.sendMessages([
      { body: 'not json {', messageId: 'broken' },
      { body: cloudEvent('after-broken', keyVaultData('after')), messageId: 'after-broken' },
    ]);
    await sender.close();
    await startInput();
    await until(() => received.length === 1, 'the event after the malformed one');
    await input!.stop();
    const dead = await drainQueue('deadLetter');
    assert.equal(dead.length, 1);
    assert.equal(dead[0]?.messageId, 'broken');
    assert.equal(dead[0]?.deadLetterReason, MALFORMED_EVENT_REASON);
    assert.match(String(dead[0]?.deadLetterErrorDescription), /not JSON/);
    assert.ok(
      logger.lines.some(
        (entry) =>
          entry.message === 'malformed event delivery dead-lettered' &&
          /not JSON/.test(String(entry.fields['reason'])),
      ),
      'the reason is logged',
    );
  });

  it('abandons while the bus is down and publishes once it is back (nothing lost)', async () => {
    // The bus is down for the first two attempts and back from the third, decided inside the
    // publish itself: a poll that flips it races the redeliveries into the queue's max delivery count.
    const failedAttempts = 2;
    let attempts = 0;
    const flaky: Publisher = {
      publish: (topic, envelope, options) =>
        ++attempts <= failedAttempts
          ? Promise.reject(new Error('bus down'))
          : bus.publish(topic, envelope, options),
    };
    const sender = client.createSender(QUEUE);
    await sender.sendMessages({
      body: cloudEvent('retried', keyVaultData('retried')),
      messageId: 'retried',
    });
    await sender.close();
    await startInput(flaky);
    await until(() => received.length === 1, 'the event once the bus is back');
    await input!.stop();
    assert.equal(attempts, failedAttempts + 1, 'abandoned twice, then published once');
    assert.equal((await drainQueue()).length, 0);
    assert.equal((await drainQueue('deadLetter')).length, 0);
  });

  it('drains on stop: an in-flight message is published and completed before the receiver closes', async () => {
    const held = holdPublishes(bus);
    const sender = client.createSender(QUEUE);
    await sender.sendMessages({
      body: cloudEvent('in-flight', keyVaultData('in-flight')),
      messageId: 'in-flight',
    });
    await sender.close();
    await startInput(held.publisher);
    await until(() => held.entered, 'the message in flight');
    const stopped = input!.stop();
    await stopStaysBlocked(stopped, 'the message in flight is published');
    held.release();
    await stopped;
    await until(() => received.length === 1, 'the in-flight event on the bus');
    assert.equal((await drainQueue()).length, 0, 'completed, not left for redelivery');
  });
});
