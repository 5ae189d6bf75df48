// Key Vault events → Event Grid system topic → the ingress webhook (reachable from Azure).
// The shared secret travels as ?code=… (ingress.auth.sharedSecret); for Entra-protected
// delivery set aadTenantId + aadApplicationIdOrUri instead (ingress.auth.entra).
//
//   az deployment group create -g <rg> -f keyvault-events-webhook.bicep \
//     -p keyVaultName=<vault> ingressUrl=https://ingress.example.com webhookSecret=<secret>

@description('Source Key Vault whose events are delivered.')
param keyVaultName string

param location string = resourceGroup().location

@description('Event Grid system topic of the vault (created here).')
param systemTopicName string = '${keyVaultName}-events'

@description('Public base URL of the ingress, without /eventgrid.')
param ingressUrl string

@secure()
@description('Shared secret sent as ?code=…; leave empty with Entra delivery authentication.')
param webhookSecret string = ''

@description('Entra tenant of the ingress app registration (Entra-protected delivery).')
param aadTenantId string = ''

@description('Application id or URI the delivery token is issued for (ingress.auth.entra.audience).')
param aadApplicationIdOrUri string = ''

@allowed(['CloudEventSchemaV1_0', 'EventGridSchema'])
param eventDeliverySchema string = 'CloudEventSchemaV1_0'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: systemTopicName
  location: location
  properties: {
    source: vault.id
    topicType: 'Microsoft.KeyVault.vaults'
  }
}

var endpoint = empty(webhookSecret)
  ? '${ingressUrl}/eventgrid'
  : '${ingressUrl}/eventgrid?code=${webhookSecret}'

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'akv-replicator-webhook'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: union(
        { endpointUrl: endpoint, maxEventsPerBatch: 1, preferredBatchSizeInKilobytes: 64 },
        empty(aadTenantId)
          ? {}
          : {
              azureActiveDirectoryTenantId: aadTenantId
              azureActiveDirectoryApplicationIdOrUri: aadApplicationIdOrUri
            }
      )
    }
    eventDeliverySchema: eventDeliverySchema
    filter: {
      includedEventTypes: [
        'Microsoft.KeyVault.SecretNewVersionCreated'
        'Microsoft.KeyVault.CertificateNewVersionCreated'
      ]
    }
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
  }
}
