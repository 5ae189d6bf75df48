import { after, before } from 'node:test';
import { randomUUID } from 'node:crypto';
import { startNats } from '@akv-replicator/test-kit';
import type { NatsServer } from '@akv-replicator/test-kit';
import { runBusContract } from '@akv-replicator/bus/testing';
import type { NatsBus } from './nats-bus';
import { connectNatsBus } from './connect-nats-bus';

let server: NatsServer;
before(async () => {
  server = await startNats();
});
after(async () => {
  await server?.stop();
});

runBusContract('nats', async () => {
  // A fresh prefix per test: its own streams and dead-letter stream on the shared server.
  const prefix = `c${randomUUID().slice(0, 8)}`;
  const clients: NatsBus[] = [];
  const connect = async (options = {}): Promise<NatsBus> => {
    const bus = await connectNatsBus({ servers: server.url, prefix, ...options });
    clients.push(bus);
    return bus;
  };
  const raw = await connect();
  return {
    connect,
    publishRaw: async (topic, body, options) => {
      await raw.publishRaw(topic, body, options);
    },
    ...(server.controllable
      ? { broker: { kill: () => server.kill(), restart: () => server.restart() } }
      : {}),
    dispose: async () => {
      await Promise.all(clients.map((bus) => bus.close()));
    },
  };
});
