import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretClient } from '@azure/keyvault-secrets';
import { readProvenance } from '@akv-replicator/core';
import { connectNatsBus } from '@akv-replicator/bus';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { startLocalStack, DEMO_VAULTS, type LocalStack } from 'akv-replicator';
import { waitFor } from './wait-for';

describe('secret replication end to end over NATS JetStream', () => {
  let nats: NatsServer;
  let stack: LocalStack;
  const client = (vault: string) =>
    new SecretClient(
      stack.emulator.vaultUrl(vault),
      stack.credential,
      stack.emulator.clientOptions(),
    );

  before(async () => {
    nats = await startNats();
    const bus = await connectNatsBus({
      servers: nats.url,
      prefix: `e2e${randomBytes(4).toString('hex')}`,
    });
    stack = await startLocalStack({
      bus,
      configOverrides: { replication: { reconcile: { suspend: true, onStart: false } } },
    });
  });
  after(async () => {
    await stack?.stop();
    await nats?.stop();
  });

  it('replicates an Event Grid-announced secret to both replica regions through JetStream', async () => {
    const written = await client(DEMO_VAULTS.source.name).setSecret('over-nats', 'value-1');
    for (const replica of DEMO_VAULTS.replicas) {
      const copy = await waitFor(`${replica.name}/over-nats`, () =>
        client(replica.name)
          .getSecret('over-nats')
          .catch(() => undefined),
      );
      assert.equal(copy.value, 'value-1');
      assert.equal(readProvenance(copy.properties.tags)?.sourceVersion, written.properties.version);
    }
  });

  it('converges by resync what no event announced', async () => {
    const secret = await client(DEMO_VAULTS.source.name).getSecret('over-nats');
    await client(DEMO_VAULTS.source.name).updateSecretProperties(
      'over-nats',
      secret.properties.version!,
      { tags: { owner: 'team-nats' } },
    );
    const response = await fetch(`${stack.services.ingressUrl}/resync`, {
      method: 'POST',
      headers: { 'x-akv-replicator-key': stack.ingressSecret, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(response.status, 202);
    for (const replica of DEMO_VAULTS.replicas) {
      await waitFor(`${replica.name} tags`, async () =>
        (await client(replica.name).getSecret('over-nats')).properties.tags?.owner === 'team-nats'
          ? true
          : undefined,
      );
    }
  });
});
