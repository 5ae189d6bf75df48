/**
 * What the Service Bus transport adds beyond the shared contract: lock renewal for long
 * handlers, retry copies that stay in their lane, the application-property contract foreign
 * publishers rely on, a Config.json-provisioned (emulator-style) topology, and vendor errors
 * translated at the boundary.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceBusClient } from '@azure/service-bus';
import { ack, retry, type Bus } from '@akv-replicator/bus';
import { eventually, outcomeEnvelope, sleep, uniqueName } from '@akv-replicator/bus/testing';
import { startServiceBusBroker, type ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { connectServiceBusBus } from './connect-servicebus-bus';
import { ServiceBusTransportError } from './errors';
import { laneSubscriptionName } from './lane-naming';
import {
  brokerProvisioner,
  EMULATOR_TOPOLOGY,
  runPreProvisionedScenario,
} from './testing/broker-support';

/** Generous: the bound only ends a failing run; a loaded 2-core machine is many times slower. */
const WAIT_MS = 30_000;

describe('Service Bus transport on the AMQP test broker', () => {
  let broker: ServiceBusBroker;
  const buses: Bus[] = [];
  const connect = (): Bus => {
    const bus = connectServiceBusBus({
      connectionString: broker.connectionString,
      provisioner: brokerProvisioner(broker),
      operationTimeoutMs: 3_000,
    });
    buses.push(bus);
    return bus;
  };
  before(async () => {
    broker = await startServiceBusBroker();
  });
  after(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await broker.stop();
  });

  it('keeps renewing the lock while a handler runs past the lock duration: delivered once', async () => {
    const bus = connect();
    const topic = uniqueName('long');
    const deliveries: number[] = [];
    let finished = 0;
    await bus.subscribe(
      topic,
      { subscription: 'worker', ackWaitMs: 1_000 },
      async (_e, context) => {
        deliveries.push(context.deliveryCount);
        // The behaviour under test, not a wait: work that outlasts 2.6 lock durations, so the
        // lock must be renewed at least twice.
        await sleep(2_600);
        finished++;
        return ack();
      },
    );
    await bus.publish(topic, outcomeEnvelope());
    await eventually('the long task to finish', () => finished > 0, WAIT_MS);
    // Once the subscription is empty the message was completed, and nothing can be redelivered:
    // a lock lost on the way would have shown as a second delivery before it emptied.
    await eventually(
      'the message completed',
      async () =>
        (await messagesIn(broker, topic, laneSubscriptionName('worker', undefined))) === 0,
      WAIT_MS,
    );
    assert.deepEqual(deliveries, [1], 'no redelivery while the handler held the lock');
  });

  it('sends a retry copy only to the lane that asked for it', async () => {
    const bus = connect();
    const topic = uniqueName('retry');
    const replicator: number[] = [];
    const notifier: number[] = [];
    await bus.subscribe(
      topic,
      { subscription: 'replicator', routingKeys: ['westeurope'] },
      async (_e, c) => {
        replicator.push(c.deliveryCount);
        return c.deliveryCount === 1 ? retry(200, 'throttled') : ack();
      },
    );
    await bus.subscribe(topic, { subscription: 'notifier' }, async (_e, c) => {
      notifier.push(c.deliveryCount);
      return ack();
    });
    await bus.publish(topic, outcomeEnvelope(), { routingKey: 'westeurope' });
    await eventually('the retried delivery', () => replicator.length === 2, WAIT_MS);
    // A marker published after the retry copy reached the replicator: a copy sent to the whole
    // topic would sit ahead of it in the notifier's subscription, so once the marker is in, the
    // notifier has been handed everything it would ever see of the first message.
    const marker = outcomeEnvelope();
    await bus.publish(topic, marker, { routingKey: 'eastus' });
    await eventually('the marker at the notifier', () => notifier.length >= 2, WAIT_MS);
    assert.deepEqual(replicator, [1, 2]);
    assert.deepEqual(notifier, [1, 1], 'the notifier saw the first message once, then the marker');
  });

  it('routes a foreign publisher by the akvRoutingKey application property, and names lanes topic/subscription.key', async () => {
    const bus = connect();
    const topic = uniqueName('foreign');
    const seen: string[] = [];
    await bus.subscribe(
      topic,
      { subscription: 'replicator', routingKeys: ['eastus', 'westus'] },
      async (e, c) => {
        seen.push(`${c.routingKey}:${e.id}`);
        return ack();
      },
    );
    assert.deepEqual((await broker.admin.listSubscriptions(topic)).sort(), [
      'replicator.eastus',
      'replicator.westus',
    ]);
    const client = new ServiceBusClient(broker.connectionString);
    const envelope = outcomeEnvelope();
    await client.createSender(topic).sendMessages({
      messageId: envelope.id,
      body: Buffer.from(JSON.stringify(envelope)),
      applicationProperties: { akvRoutingKey: 'westus' },
    });
    await client.close();
    await eventually('the foreign message', () => seen.length === 1, WAIT_MS);
    assert.deepEqual(seen, [`westus:${envelope.id}`]);
  });

  it('translates a refused token into a non-retryable ServiceBusTransportError without waiting out the publish timeout', async () => {
    const refusing = await startServiceBusBroker({ acceptToken: () => false });
    const bus = connectServiceBusBus({
      connectionString: refusing.connectionString,
      provisioner: brokerProvisioner(refusing),
    });
    try {
      // No clock needed to prove it did not wait: a publish that retried would have ended in
      // PublishTimeoutError (the publish timeout wrapping the last failure), not in this error.
      await assert.rejects(bus.publish('tasks', outcomeEnvelope()), (error: unknown) => {
        assert.ok(error instanceof ServiceBusTransportError, String(error));
        assert.equal(error.code, 'ServiceBusUnauthorizedAccess');
        assert.equal(error.retryable, false);
        assert.equal(error.fields['topic'], 'tasks');
        return true;
      });
    } finally {
      await bus.close();
      await refusing.stop();
    }
  });
});

/** Messages in a subscription, locked ones included (a fresh receiver: peeks go on from the last). */
async function messagesIn(
  broker: ServiceBusBroker,
  topic: string,
  subscription: string,
): Promise<number> {
  const client = new ServiceBusClient(broker.connectionString);
  try {
    return (await client.createReceiver(topic, subscription).peekMessages(10)).length;
  } finally {
    await client.close();
  }
}

describe('Service Bus transport on a Config.json topology (the official emulator way)', () => {
  it('publishes and consumes on pre-provisioned entities, and refuses a lane the file lacks', async () => {
    const broker = await startServiceBusBroker({ config: EMULATOR_TOPOLOGY });
    try {
      await runPreProvisionedScenario({ connectionString: broker.connectionString });
    } finally {
      await broker.stop();
    }
  });
});
