// Key Vault events → Event Grid system topic → Service Bus queue, for an ingress that cannot be
// reached by a webhook (private clusters). The ingress pulls with ingress.inputs.serviceBusQueues[]
// (peek-lock; malformed messages land in the queue's dead-letter sub-queue with a reason).
//
//   az deployment group create -g <rg> -f keyvault-events-servicebus-queue.bicep \
//     -p keyVaultName=<vault> serviceBusNamespaceName=<ns> ingressPrincipalId=<objectId>

@description('Source Key Vault whose events are delivered.')
param keyVaultName string

param location string = resourceGroup().location

@description('Event Grid system topic of the vault (created here).')
param systemTopicName string = '${keyVaultName}-events'

@description('Service Bus namespace (created here). Standard or Premium; Premium for private endpoints.')
param serviceBusNamespaceName string

@allowed(['Standard', 'Premium'])
param serviceBusSku string = 'Standard'

param queueName string = 'keyvault-events'

@description('Object id of the ingress identity (workload identity or managed identity).')
param ingressPrincipalId string

@allowed(['CloudEventSchemaV1_0', 'EventGridSchema'])
param eventDeliverySchema string = 'CloudEventSchemaV1_0'

var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var serviceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: serviceBusNamespaceName
  location: location
  sku: { name: serviceBusSku, tier: serviceBusSku }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: queueName
  properties: {
    // Event Grid sets the message id to the event id: its retries are dropped as duplicates.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    lockDuration: 'PT1M'
    maxDeliveryCount: 10 // a bus outage longer than this dead-letters; reconcile still catches up
    defaultMessageTimeToLive: 'P7D'
    deadLetteringOnMessageExpiration: true
    requiresSession: false // Event Grid cannot deliver to session-enabled queues
  }
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

resource topicSendsToQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: queue
  name: guid(queue.id, topic.id, serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource ingressReadsQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: queue
  name: guid(queue.id, ingressPrincipalId, serviceBusDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
    principalId: ingressPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'akv-replicator-servicebus-queue'
  dependsOn: [topicSendsToQueue]
  properties: {
    deliveryWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      destination: {
        endpointType: 'ServiceBusQueue'
        properties: { resourceId: queue.id }
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

@description('Paste into ingress.inputs.serviceBusQueues[] of the akv-replicator configuration.')
output ingressInput object = {
  fullyQualifiedNamespace: '${namespace.name}.servicebus.windows.net'
  queueName: queue.name
}
