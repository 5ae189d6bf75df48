import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import { readProvenance } from '@akv-replicator/core';
import { connectServiceBusBus } from '@akv-replicator/bus-servicebus';
import { brokerProvisioner } from '@akv-replicator/bus-servicebus/testing';
import { startServiceBusBroker, type ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { startLocalStack, DEMO_VAULTS, type LocalStack } from 'akv-replicator';
import { waitFor } from './wait-for';

describe('secret replication end to end over Azure Service Bus (AMQP test broker)', () => {
  let broker: ServiceBusBroker;
  let stack: LocalStack;
  const client = (vault: string) =>
    new SecretClient(
      stack.emulator.vaultUrl(vault),
      stack.credential,
      stack.emulator.clientOptions(),
    );

  before(async () => {
    broker = await startServiceBusBroker();
    const bus = connectServiceBusBus({
      connectionString: broker.connectionString,
      provisioner: brokerProvisioner(broker),
    });
    stack = await startLocalStack({
      bus,
      configOverrides: { replication: { reconcile: { suspend: true, onStart: false } } },
    });
  });
  after(async () => {
    await stack?.stop();
    await broker?.stop();
  });

  it('replicates an Event Grid-announced secret to both replica regions through Service Bus topics', async () => {
    const written = await client(DEMO_VAULTS.source.name).setSecret('over-service-bus', 'value-1');
    for (const replica of DEMO_VAULTS.replicas) {
      const copy = await waitFor(
        `${replica.name}/over-service-bus`,
        () =>
          client(replica.name)
            .getSecret('over-service-bus')
            .catch(() => undefined),
        30_000,
        50,
      );
      assert.equal(copy.value, 'value-1');
      assert.equal(readProvenance(copy.properties.tags)?.sourceVersion, written.properties.version);
    }
  });

  it('converges by resync what no event announced', async () => {
    const secret = await client(DEMO_VAULTS.source.name).getSecret('over-service-bus');
    await client(DEMO_VAULTS.source.name).updateSecretProperties(
      'over-service-bus',
      secret.properties.version!,
      { tags: { owner: 'team-sb' } },
    );
    const response = await fetch(`${stack.services.ingressUrl}/resync`, {
      method: 'POST',
      headers: { 'x-akv-replicator-key': stack.ingressSecret, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(response.status, 202);
    for (const replica of DEMO_VAULTS.replicas) {
      await waitFor(
        `${replica.name} tags`,
        async () =>
          (await client(replica.name).getSecret('over-service-bus')).properties.tags?.owner ===
          'team-sb'
            ? true
            : undefined,
        30_000,
        50,
      );
    }
  });
});
