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
import {
  brokerProvisioner,
  EMULATOR_TOPOLOGY,
  runPreProvisionedScenario,
} from './testing/broker-support';

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
    await bus.subscribe(
      topic,
      { subscription: 'worker', ackWaitMs: 1_000 },
      async (_e, context) => {
        deliveries.push(context.deliveryCount);
        await sleep(2_600); // 2.6 lock durations
        return ack();
      },
    );
    await bus.publish(topic, outcomeEnvelope());
    await eventually('the long task to start', () => deliveries.length === 1);
    await sleep(3_500);
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
    await eventually('the retried delivery', () => replicator.length === 2);
    await sleep(300);
    assert.deepEqual(replicator, [1, 2]);
    assert.deepEqual(notifier, [1], 'the notifier never saw the retry copy');
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
    await eventually('the foreign message', () => seen.length === 1);
    assert.deepEqual(seen, [`westus:${envelope.id}`]);
  });

  it('translates a refused token into a non-retryable ServiceBusTransportError without waiting out the publish timeout', async () => {
    const refusing = await startServiceBusBroker({ acceptToken: () => false });
    const bus = connectServiceBusBus({
      connectionString: refusing.connectionString,
      provisioner: brokerProvisioner(refusing),
    });
    try {
      const started = Date.now();
      await assert.rejects(bus.publish('tasks', outcomeEnvelope()), (error: unknown) => {
        assert.ok(error instanceof ServiceBusTransportError, String(error));
        assert.equal(error.code, 'ServiceBusUnauthorizedAccess');
        assert.equal(error.retryable, false);
        assert.equal(error.fields['topic'], 'tasks');
        return true;
      });
      assert.ok(Date.now() - started < 10_000);
    } finally {
      await bus.close();
      await refusing.stop();
    }
  });
});

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
