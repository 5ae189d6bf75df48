import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventGridDeserializer } from '@azure/eventgrid';
import { createKeyVaultEvent, toCloudEvent, toEventGridSchema, vaultTopic } from './event-shapes';

const vault = {
  name: 'kv',
  region: 'westeurope',
  subscriptionId: 'sub',
  resourceGroup: 'rg',
  tenantId: 't',
};
const data = {
  Id: 'https://127.0.0.1:1/secrets/s/v',
  VaultName: 'kv',
  ObjectType: 'Secret' as const,
  ObjectName: 's',
  Version: 'v',
  NBF: null,
  EXP: 1_900_000_000,
};

describe('Key Vault event shapes', () => {
  it('renders EventGrid schema events the SDK deserializer accepts', async () => {
    const event = createKeyVaultEvent(
      vault,
      'Microsoft.KeyVault.SecretNewVersionCreated',
      data,
      Date.UTC(2030, 0, 1),
    );
    const [parsed] = await new EventGridDeserializer().deserializeEventGridEvents(
      JSON.stringify([toEventGridSchema(event)]),
    );
    assert.equal(
      parsed!.topic,
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
    );
    assert.equal(parsed!.eventTime.toISOString(), '2030-01-01T00:00:00.000Z');
    assert.equal(parsed!.dataVersion, '1');
    assert.equal(toEventGridSchema(event)['metadataVersion'], '1');
    assert.deepEqual(parsed!.data, data);
  });

  it('renders CloudEvents 1.0 with the vault as source', async () => {
    const event = createKeyVaultEvent(vault, 'Microsoft.KeyVault.SecretExpired', data, 0);
    const [parsed] = await new EventGridDeserializer().deserializeCloudEvents(
      JSON.stringify(toCloudEvent(event)),
    );
    assert.equal(parsed!.source, vaultTopic(vault));
    assert.equal(toCloudEvent(event)['specversion'], '1.0');
    assert.equal(parsed!.type, 'Microsoft.KeyVault.SecretExpired');
    assert.equal(parsed!.subject, 's');
  });
});
