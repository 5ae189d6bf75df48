/**
 * Key Vault event payloads copied verbatim from Microsoft's documentation, for the ingress to
 * take as Azure may send them. Source: "Azure Key Vault as Event Grid source",
 * https://learn.microsoft.com/azure/event-grid/event-schema-key-vault (MicrosoftDocs/azure-docs,
 * articles/event-grid/event-schema-key-vault.md). Kept as raw text: the examples' oddities —
 * NBF/EXP as strings, the key `"ObjectName "` with a trailing space, a version with a leading
 * space — are the point, so the text is kept exactly as the page shows it.
 */

/** "Event Grid event schema" tab (page revision of 2021-02-11 and later). */
export const DOCS_EVENTGRID_SCHEMA_EXAMPLE = `[
   {
      "id":"00eccf70-95a7-4e7c-8299-2eb17ee9ad64",
      "topic":"/subscriptions/{subscription-id}/resourceGroups/sample-rg/providers/Microsoft.KeyVault/vaults/sample-kv",
      "subject":"newsecret",
      "eventType":"Microsoft.KeyVault.SecretNewVersionCreated",
      "eventTime":"2019-07-25T01:08:33.1036736Z",
      "data":{
         "Id":"https://sample-kv.vault.azure.net/secrets/newsecret/ee059b2bb5bc48398a53b168c6cdcb10",
         "VaultName":"sample-kv",
         "ObjectType":"Secret",
         "ObjectName ":"newsecret",
         "Version":" ee059b2bb5bc48398a53b168c6cdcb10",
         "NBF":"1559081980",
         "EXP":"1559082102"
      },
      "dataVersion":"1",
      "metadataVersion":"1"
   }
]`;

/** "Cloud event schema" tab (same revision): an array of CloudEvents, i.e. a batch. */
export const DOCS_CLOUDEVENTS_SCHEMA_EXAMPLE = `[
   {
      "id":"00eccf70-95a7-4e7c-8299-2eb17ee9ad64",
      "source":"/subscriptions/{subscription-id}/resourceGroups/sample-rg/providers/Microsoft.KeyVault/vaults/sample-kv",
      "subject":"newsecret",
      "type":"Microsoft.KeyVault.SecretNewVersionCreated",
      "time":"2019-07-25T01:08:33.1036736Z",
      "data":{
         "Id":"https://sample-kv.vault.azure.net/secrets/newsecret/ee059b2bb5bc48398a53b168c6cdcb10",
         "VaultName":"sample-kv",
         "ObjectType":"Secret",
         "ObjectName ":"newsecret",
         "Version":" ee059b2bb5bc48398a53b168c6cdcb10",
         "NBF":"1559081980",
         "EXP":"1559082102"
      },
      "specversion":"1.0"
   }
]`;

/** The page's 2020-04-09 revision: the same event with camelCase data keys. */
export const DOCS_EVENTGRID_SCHEMA_EXAMPLE_2020 = `[
   {
      "id":"00eccf70-95a7-4e7c-8299-2eb17ee9ad64",
      "topic":"/subscriptions/{subscription-id}/resourceGroups/sample-rg/providers/Microsoft.KeyVault/vaults/sample-kv",
      "subject":"newsecret",
      "eventType":"Microsoft.KeyVault.SecretNewVersionCreated",
      "eventTime":"2019-07-25T01:08:33.1036736Z",
      "data":{
         "Id":"https://sample-kv.vault.azure.net/secrets/newsecret/ee059b2bb5bc48398a53b168c6cdcb10",
         "vaultName":"sample-kv",
         "objectType":"Secret",
         "objectName ":"newsecret",
         "version":" ee059b2bb5bc48398a53b168c6cdcb10",
         "nbf":"1559081980",
         "exp":"1559082102"
      },
      "dataVersion":"1",
      "metadataVersion":"1"
   }
]`;

/** What every one of the examples above means, as the ingress publishes it. */
export const DOCS_EXAMPLE_VAULT_EVENT = {
  eventId: '00eccf70-95a7-4e7c-8299-2eb17ee9ad64',
  kind: 'SecretNewVersionCreated',
  objectKind: 'secret',
  vault: { name: 'sample-kv', uri: 'https://sample-kv.vault.azure.net' },
  objectName: 'newsecret',
  version: 'ee059b2bb5bc48398a53b168c6cdcb10',
  notBefore: 1559081980,
  expires: 1559082102,
  eventTime: '2019-07-25T01:08:33.1036736Z',
} as const;
