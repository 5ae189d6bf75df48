// The whole Azure side of akv-replicator on AKS, in one resource group deployment:
// - the Service Bus namespace with every topic, subscription and rule the configuration's services
//   use (the `serviceBusTopics` parameter is what `akv-replicator servicebus-topology` prints, so
//   run the services with bus.serviceBus.topology: deployed);
// - the user-assigned identity the pods run as, federated with the AKS service accounts;
// - least-privilege roles on the source and replica vaults (libs/keyvault/src/permissions);
// - per source vault: an Event Grid system topic, a subscription with retry policy and a
//   dead-letter container, and an alert on dead-lettered events.
//
//   az deployment group create -g rg-akv-replicator -f deploy/bicep/akv-replicator.bicep \
//     -p @deploy/bicep/parameters/single-vault.parameters.json \
//     -p aksOidcIssuerUrl=$(az aks show -g rg-aks -n aks-weu --query oidcIssuerProfile.issuerUrl -o tsv)

param location string = resourceGroup().location

@description('Service Bus namespace (created here); local (SAS) authentication is disabled.')
param serviceBusNamespaceName string

@allowed(['Standard', 'Premium'])
param serviceBusSku string = 'Standard'

@description('Topics → subscriptions → SQL rule: the output of `akv-replicator servicebus-topology` (UserConfig.Namespaces[0].Topics).')
param serviceBusTopics array

@description('User-assigned identity every pod runs as (workload identity).')
param identityName string = 'akv-replicator'

@description('The AKS cluster OIDC issuer URL (az aks show --query oidcIssuerProfile.issuerUrl).')
param aksOidcIssuerUrl string

@description('Kubernetes namespace of the release.')
param kubernetesNamespace string = 'akv-replicator'

@description('Service accounts of the chart: <release> and, with certManager, <release>-certificate-converter.')
param serviceAccountNames array = ['akv-replicator']

@description('Source vaults known from the configuration: [{ name, resourceGroup, subscriptionId }] (empty strings: this deployment\'s).')
param sourceVaults array

@description('Replica vaults known from the configuration, same shape as sourceVaults.')
param replicaVaults array

@description('Scopes whose vaults are chosen at run time (selection modes all / allExcept, tags): [{ resourceGroup, subscriptionId, access: \'source\' | \'replica\' | \'create\' }].')
param selectionScopes array = []

@allowed(['webhook', 'serviceBusQueue', 'none'])
@description('How Event Grid reaches the ingress: its HTTPS webhook, a queue in this namespace, or not at all (reconcile only).')
param eventDelivery string = 'webhook'

@description('Public base URL of the ingress, without /eventgrid (eventDelivery webhook).')
param ingressUrl string = ''

@secure()
@description('ingress.auth.sharedSecret, sent as ?code=… (eventDelivery webhook).')
param webhookSecret string = ''

@description('Storage account (created here) holding Event Grid\'s dead-lettered events.')
param deadLetterStorageAccountName string

@description('Action group the dead-letter alerts notify; empty: alerts fire without notifying.')
param alertActionGroupId string = ''

// Built-in role ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
var roles = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}
// The least roles the services need (libs/keyvault/src/permissions/required-role.ts): sources are
// read (Secrets User, Certificate User), replicas written (Secrets Officer, Certificates Officer).
var sourceRoles = ['4633458b-17de-408a-b874-0445c86b69e6', 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba']
var replicaRoles = ['b86a8fe4-44ce-4948-aee5-eccb2c155cd7', 'a4417e6f-fecd-4de8-b567-7b0420556985']
// autoCreate makes replica vaults through ARM: Key Vault Contributor on their resource group.
var createRoles = ['f25e0fa2-a7c8-4377-a976-54943a77a395', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7', 'a4417e6f-fecd-4de8-b567-7b0420556985']
var eventsQueueName = 'keyvault-events'
var deadLetterContainerName = 'eventgrid-dead-letters'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
}

// One federated credential per service account: AKS exchanges the pod's projected token for an
// Entra token (https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster).
@batchSize(1) // ARM refuses concurrent writes of federated credentials on one identity
resource federated 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [
  for account in serviceAccountNames: {
    parent: identity
    name: account
    properties: {
      issuer: aksOidcIssuerUrl
      subject: 'system:serviceaccount:${kubernetesNamespace}:${account}'
      audiences: ['api://AzureADTokenExchange']
    }
  }
]

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: serviceBusNamespaceName
  location: location
  sku: { name: serviceBusSku, tier: serviceBusSku }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

module topology 'modules/servicebus-topology.bicep' = {
  name: 'akvr-servicebus-topology'
  params: {
    namespaceName: namespace.name
    topics: serviceBusTopics
  }
}

// The pods publish and consume; with the topology deployed here they need no Manage rights.
resource podsSend 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: namespace
  name: guid(namespace.id, identity.id, roles.serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource podsReceive 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: namespace
  name: guid(namespace.id, identity.id, roles.serviceBusDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource eventsQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = if (eventDelivery == 'serviceBusQueue') {
  parent: namespace
  name: eventsQueueName
  properties: {
    // Event Grid sets the message id to the event id: its retries are dropped as duplicates.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
  }
}

resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: deadLetterStorageAccountName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: deadLetterStorage
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deadLetterContainerName
}

module sourceAccess 'modules/vault-roles.bicep' = [
  for (vault, i) in sourceVaults: {
    name: 'akvr-source-roles-${i}'
    scope: resourceGroup(empty(vault.subscriptionId) ? subscription().subscriptionId : vault.subscriptionId, empty(vault.resourceGroup) ? resourceGroup().name : vault.resourceGroup)
    params: { vaultName: vault.name, principalId: identity.properties.principalId, roleIds: sourceRoles }
  }
]

module replicaAccess 'modules/vault-roles.bicep' = [
  for (vault, i) in replicaVaults: {
    name: 'akvr-replica-roles-${i}'
    scope: resourceGroup(empty(vault.subscriptionId) ? subscription().subscriptionId : vault.subscriptionId, empty(vault.resourceGroup) ? resourceGroup().name : vault.resourceGroup)
    params: { vaultName: vault.name, principalId: identity.properties.principalId, roleIds: replicaRoles }
  }
]

// Vaults a selection finds at run time can only be granted where they will be: their resource
// group, or the whole subscription when the selection names none.
module selectionAccess 'modules/resource-group-roles.bicep' = [
  for (scope, i) in filter(selectionScopes, s => !empty(s.resourceGroup)): {
    name: 'akvr-selection-roles-${i}'
    scope: resourceGroup(empty(scope.subscriptionId) ? subscription().subscriptionId : scope.subscriptionId, scope.resourceGroup)
    params: {
      principalId: identity.properties.principalId
      roleIds: scope.access == 'source' ? sourceRoles : scope.access == 'create' ? createRoles : replicaRoles
    }
  }
]

module subscriptionAccess 'modules/subscription-roles.bicep' = [
  for (scope, i) in filter(selectionScopes, s => empty(s.resourceGroup)): {
    name: 'akvr-subscription-roles-${i}'
    scope: subscription(empty(scope.subscriptionId) ? subscription().subscriptionId : scope.subscriptionId)
    params: {
      principalId: identity.properties.principalId
      roleIds: scope.access == 'source' ? sourceRoles : scope.access == 'create' ? createRoles : replicaRoles
    }
  }
]

module events 'modules/source-events.bicep' = [
  for (vault, i) in (eventDelivery == 'none' ? [] : sourceVaults): {
    name: 'akvr-source-events-${i}'
    scope: resourceGroup(empty(vault.subscriptionId) ? subscription().subscriptionId : vault.subscriptionId, empty(vault.resourceGroup) ? resourceGroup().name : vault.resourceGroup)
    params: {
      vaultName: vault.name
      eventDelivery: eventDelivery
      ingressUrl: ingressUrl
      webhookSecret: webhookSecret
      queueId: eventDelivery == 'serviceBusQueue' ? eventsQueue.id : ''
      deadLetterStorageId: deadLetterStorage.id
      deadLetterContainerName: deadLetterContainer.name
      alertActionGroupId: alertActionGroupId
    }
  }
]

// Event Grid writes dead letters with each system topic's own identity (no storage keys).
resource deadLetterWriters 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (vault, i) in (eventDelivery == 'none' ? [] : sourceVaults): {
    scope: deadLetterContainer
    name: guid(deadLetterContainer.id, vault.name, roles.storageBlobDataContributor)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
      principalId: events[i].outputs.topicPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Event Grid delivers into the queue with each system topic's identity.
resource queueSenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (vault, i) in (eventDelivery == 'serviceBusQueue' ? sourceVaults : []): {
    scope: eventsQueue
    name: guid(eventsQueue.id, vault.name, roles.serviceBusDataSender)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
      principalId: events[i].outputs.topicPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Messages the services gave up on (principle 9) also raise an alert, besides the notifier's report.
resource busDeadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${serviceBusNamespaceName}-dead-lettered-messages'
  location: 'global'
  properties: {
    description: 'akv-replicator: messages dead-lettered on the bus (see the notifier and `akv-replicator status`)'
    severity: 2
    enabled: true
    scopes: [namespace.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          // https://learn.microsoft.com/azure/service-bus-messaging/monitor-service-bus-reference
          metricName: 'DeadletteredMessages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: empty(alertActionGroupId) ? [] : [{ actionGroupId: alertActionGroupId }]
  }
}

@description('clientId for the chart: config.tenants.<tenant>.auth.clientId (workload-identity).')
output clientId string = identity.properties.clientId
output tenantId string = identity.properties.tenantId
@description('config.bus.serviceBus.fullyQualifiedNamespace')
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
