// Key Vault events → Event Grid system topic → Event Hub, for an ingress that cannot be reached
// by a webhook (private clusters). The ingress pulls with ingress.inputs.eventHubs[] and keeps
// partition ownership and checkpoints in a blob container of the storage account below.
//
// Deploy once per source vault (a vault has at most one system topic), into the vault's
// resource group:
//   az deployment group create -g <rg> -f keyvault-events-eventhub.bicep \
//     -p keyVaultName=<vault> eventHubsNamespaceName=<ns> storageAccountName=<sa> ingressPrincipalId=<objectId>

@description('Source Key Vault whose events are delivered.')
param keyVaultName string

@description('Location of the new resources; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Event Grid system topic of the vault (created here).')
param systemTopicName string = '${keyVaultName}-events'

@description('Event Hubs namespace (created here, Standard tier: consumer groups beyond $Default).')
param eventHubsNamespaceName string

@description('Event hub the events land in.')
param eventHubName string = 'keyvault-events'

@description('Partitions of the hub: the most ingress replicas that read at once.')
@minValue(1)
@maxValue(32)
param partitionCount int = 2

@description('Consumer group the ingress reads with (ingress.inputs.eventHubs[].consumerGroup).')
param consumerGroupName string = 'akv-replicator'

@description('Storage account for checkpoints (created here; blob container below).')
param storageAccountName string

@description('Blob container of partition ownership and checkpoints.')
param checkpointContainerName string = 'akv-replicator-checkpoints'

@description('Object id of the ingress identity (workload identity or managed identity).')
param ingressPrincipalId string

@allowed(['CloudEventSchemaV1_0', 'EventGridSchema'])
param eventDeliverySchema string = 'CloudEventSchemaV1_0'

// Built-in role definition ids.
var eventHubsDataSender = '2b629674-e913-4c01-ae53-ef4638d8f975'
var eventHubsDataReceiver = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: eventHubsNamespaceName
  location: location
  sku: { name: 'Standard', tier: 'Standard', capacity: 1 }
  properties: {
    disableLocalAuth: true // Entra ID only: Event Grid and the ingress use managed identities
    minimumTlsVersion: '1.2'
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: 7 // a replay window longer than Event Grid's 24 h of retries
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource checkpoints 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: checkpointContainerName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: systemTopicName
  location: location
  identity: { type: 'SystemAssigned' }
  properties: {
    source: vault.id
    topicType: 'Microsoft.KeyVault.vaults'
  }
}

// Event Grid sends with the topic's own identity (works with disableLocalAuth and firewalls
// that admit trusted Microsoft services).
resource topicSendsToHub 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hub
  name: guid(hub.id, topic.id, eventHubsDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSender)
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource ingressReadsHub 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hub
  name: guid(hub.id, ingressPrincipalId, eventHubsDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataReceiver)
    principalId: ingressPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource ingressCheckpoints 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: checkpoints
  name: guid(checkpoints.id, ingressPrincipalId, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: ingressPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'akv-replicator-eventhub'
  dependsOn: [topicSendsToHub]
  properties: {
    deliveryWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      destination: {
        endpointType: 'EventHub'
        properties: { resourceId: hub.id }
      }
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

@description('Paste into ingress.inputs.eventHubs[] of the akv-replicator configuration.')
output ingressInput object = {
  fullyQualifiedNamespace: '${namespace.name}.servicebus.windows.net'
  eventHubName: hub.name
  consumerGroup: consumerGroup.name
  checkpointStore: {
    blobContainerUrl: '${storage.properties.primaryEndpoints.blob}${checkpoints.name}'
  }
}
