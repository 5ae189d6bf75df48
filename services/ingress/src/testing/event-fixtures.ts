/** Event Grid deliveries of Key Vault events as Azure shapes them, for the ingress's tests. */
export const FIXTURE_VERSION = 'a'.repeat(32);

export const keyVaultData = (
  name = 'db-password',
  vault = 'kv-src',
  version = FIXTURE_VERSION,
) => ({
  Id: `https://${vault}.vault.azure.net/secrets/${name}/${version}`,
  VaultName: vault,
  ObjectType: 'Secret',
  ObjectName: name,
  Version: version,
  NBF: null,
  EXP: 1_900_000_000,
});

const TOPIC = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-src';

export const eventGridEvent = (
  id: string,
  data: object = keyVaultData(),
  eventType = 'Microsoft.KeyVault.SecretNewVersionCreated',
) => ({
  id,
  topic: TOPIC,
  subject: 'db-password',
  eventType,
  eventTime: '2026-11-23T12:00:00Z',
  data,
  dataVersion: '1',
  metadataVersion: '1',
});

export const cloudEvent = (id: string, data: object = keyVaultData()) => ({
  specversion: '1.0',
  id,
  source: TOPIC,
  type: 'Microsoft.KeyVault.SecretNewVersionCreated',
  subject: 'db-password',
  time: '2026-11-23T12:00:00Z',
  data,
});
