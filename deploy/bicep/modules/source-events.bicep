// One source vault's events: an Event Grid system topic (with its own identity), a subscription
// delivering to the ingress with retries and a dead-letter container, and an alert on dead letters.

param vaultName string

@allowed(['webhook', 'serviceBusQueue'])
param eventDelivery string

param ingressUrl string = ''

@secure()
param webhookSecret string = ''

@description('Resource id of the Service Bus queue (eventDelivery serviceBusQueue).')
param queueId string = ''

param deadLetterStorageId string
param deadLetterContainerName string
param alertActionGroupId string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

// A system topic lives in its source's region.
resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: '${vaultName}-events'
  location: vault.location
  identity: { type: 'SystemAssigned' }
  properties: {
    source: vault.id
    topicType: 'Microsoft.KeyVault.vaults'
  }
}

var webhookEndpoint = empty(webhookSecret) ? '${ingressUrl}/eventgrid' : '${ingressUrl}/eventgrid?code=${webhookSecret}'

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'akv-replicator'
  properties: union(
    eventDelivery == 'webhook'
      ? {
          destination: {
            endpointType: 'WebHook'
            properties: { endpointUrl: webhookEndpoint, maxEventsPerBatch: 1, preferredBatchSizeInKilobytes: 64 }
          }
        }
      : {
          deliveryWithResourceIdentity: {
            identity: { type: 'SystemAssigned' }
            destination: { endpointType: 'ServiceBusQueue', properties: { resourceId: queueId } }
          }
        },
    {
      eventDeliverySchema: 'CloudEventSchemaV1_0'
      filter: {
        includedEventTypes: [
          'Microsoft.KeyVault.SecretNewVersionCreated'
          'Microsoft.KeyVault.CertificateNewVersionCreated'
        ]
      }
      // Event Grid's maximum: 30 attempts over 24 h; then the event is dead-lettered, not lost
      // (https://learn.microsoft.com/azure/event-grid/delivery-and-retry).
      retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
      deadLetterWithResourceIdentity: {
        identity: { type: 'SystemAssigned' }
        deadLetterDestination: {
          endpointType: 'StorageBlob'
          properties: { resourceId: deadLetterStorageId, blobContainerName: deadLetterContainerName }
        }
      }
    }
  )
}

resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${vaultName}-events-dead-lettered'
  location: 'global'
  properties: {
    description: 'Key Vault events of ${vaultName} Event Grid gave up delivering to the akv-replicator ingress: run a resync of the vault'
    severity: 2
    enabled: true
    scopes: [topic.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered-events'
          // https://learn.microsoft.com/azure/event-grid/monitor-push-reference (DeadLetteredCount)
          metricName: 'DeadLetteredCount'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: empty(alertActionGroupId) ? [] : [{ actionGroupId: alertActionGroupId }]
  }
}

output topicPrincipalId string = topic.identity.principalId
