import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretClient } from '@azure/keyvault-secrets';
import { readProvenance } from '@akv-replicator/core';
import type { Bus } from '@akv-replicator/bus';
import { connectNatsBus } from '@akv-replicator/bus-nats';
import { connectServiceBusBus } from '@akv-replicator/bus-servicebus';
import { brokerProvisioner } from '@akv-replicator/bus-servicebus/testing';
import { startServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { startNats } from '@akv-replicator/test-kit';
import { startLocalStack, DEMO_VAULTS, type LocalStack } from 'akv-replicator';
import { waitFor } from './wait-for';

/** Each production transport with its real (or test) broker; the bus closes with the stack. */
const TRANSPORTS: { name: string; start(): Promise<{ bus: Bus; stop(): Promise<void> }> }[] = [
  {
    name: 'NATS JetStream (spawned nats-server)',
    async start() {
      const nats = await startNats();
      return {
        bus: await connectNatsBus({
          servers: nats.url,
          prefix: `e2e${randomBytes(4).toString('hex')}`,
        }),
        stop: () => nats.stop(),
      };
    },
  },
  {
    name: 'Azure Service Bus (AMQP test broker)',
    async start() {
      const broker = await startServiceBusBroker();
      return {
        bus: connectServiceBusBus({
          connectionString: broker.connectionString,
          provisioner: brokerProvisioner(broker),
        }),
        stop: () => broker.stop(),
      };
    },
  },
];

for (const transport of TRANSPORTS) {
  describe(`secret replication end to end over ${transport.name}`, () => {
    let broker: { stop(): Promise<void> };
    let stack: LocalStack;
    const client = (vault: string) =>
      new SecretClient(
        stack.emulator.vaultUrl(vault),
        stack.credential,
        stack.emulator.clientOptions(),
      );

    before(async () => {
      const started = await transport.start();
      broker = started;
      stack = await startLocalStack({
        bus: started.bus,
        configOverrides: { replication: { reconcile: { suspend: true, onStart: false } } },
      });
    });
    after(async () => {
      await stack?.stop();
      await broker?.stop();
    });

    it('replicates an Event Grid-announced secret to both replica regions', async () => {
      const written = await client(DEMO_VAULTS.source.name).setSecret('over-the-broker', 'value-1');
      for (const replica of DEMO_VAULTS.replicas) {
        const copy = await waitFor(
          `${replica.name}/over-the-broker`,
          () =>
            client(replica.name)
              .getSecret('over-the-broker')
              .catch(() => undefined),
          30_000,
          50,
        );
        assert.equal(copy.value, 'value-1');
        assert.equal(
          readProvenance(copy.properties.tags)?.sourceVersion,
          written.properties.version,
        );
      }
    });

    it('converges by resync what no event announced', async () => {
      const secret = await client(DEMO_VAULTS.source.name).getSecret('over-the-broker');
      await client(DEMO_VAULTS.source.name).updateSecretProperties(
        'over-the-broker',
        secret.properties.version!,
        { tags: { owner: 'team-broker' } },
      );
      const response = await fetch(`${stack.services.ingressUrl}/resync`, {
        method: 'POST',
        headers: {
          'x-akv-replicator-key': stack.resyncToken,
          'content-type': 'application/json',
        },
        body: '{}',
      });
      assert.equal(response.status, 202);
      for (const replica of DEMO_VAULTS.replicas) {
        await waitFor(
          `${replica.name} tags`,
          async () =>
            (await client(replica.name).getSecret('over-the-broker')).properties.tags?.owner ===
            'team-broker'
              ? true
              : undefined,
          30_000,
          50,
        );
      }
    });
  });
}
