import { runBusContract } from '../contract/index';
import type { Bus } from '../port/bus';
import { MemoryBroker } from './memory-broker';

runBusContract('memory', async () => {
  const broker = new MemoryBroker();
  const clients: Bus[] = [];
  return {
    connect: async (options) => {
      const bus = broker.connect(options);
      clients.push(bus);
      return bus;
    },
    publishRaw: async (topic, body, options) => {
      broker.publishRaw(topic, body, options);
    },
    dispose: async () => {
      await Promise.all(clients.map((bus) => bus.close()));
      broker.dispose();
    },
  };
});
