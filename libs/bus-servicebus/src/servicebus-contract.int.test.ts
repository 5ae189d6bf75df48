/**
 * The shared bus contract on the Service Bus transport, against the AMQP test broker driven by the
 * unmodified @azure/service-bus SDK. One broker for the file; every test uses fresh topic names.
 */
import { after, before } from 'node:test';
import { runBusContract } from '@akv-replicator/bus/testing';
import { startServiceBusBroker, type ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { connectServiceBusBus } from './connect-servicebus-bus';
import type { ServiceBusBus } from './servicebus-bus';
import { brokerProvisioner } from './testing/broker-support';

let broker: ServiceBusBroker;
before(async () => {
  broker = await startServiceBusBroker();
});
after(async () => {
  await broker?.stop();
});

runBusContract('servicebus', async () => {
  const clients: ServiceBusBus[] = [];
  const connect = async (options = {}): Promise<ServiceBusBus> => {
    const bus = connectServiceBusBus({
      connectionString: broker.connectionString,
      provisioner: brokerProvisioner(broker),
      // The deployed topology of the contract's topics: a catch-all "worker" subscription
      // exists from the start, so messages published before a consumer attaches wait in it.
      // Its lock (1 s) is what a message whose ack died with the broker waits before redelivery.
      declaredSubscriptions: () => [{ subscription: 'worker', ackWaitMs: 1_000 }],
      // A send in flight when the broker is killed waits this long before the SDK retries it.
      operationTimeoutMs: 3_000,
      ...options,
    });
    clients.push(bus);
    return bus;
  };
  const raw = await connect();
  return {
    connect,
    publishRaw: async (topic, body, options) => {
      await raw.publishRaw(topic, body, options);
    },
    broker: { kill: () => broker.kill(), restart: () => broker.restart() },
    dispose: async () => {
      await Promise.all(clients.map((bus) => bus.close()));
    },
  };
});
