// Topics, subscriptions and rules of one Service Bus namespace, as `akv-replicator
// servicebus-topology` prints them (the transport's own provisioning code writes that document).

param namespaceName string

@description('UserConfig.Namespaces[0].Topics of the servicebus-topology document.')
param topics array

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: namespaceName
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = [
  for t in topics: {
    parent: namespace
    name: t.Name
    properties: {
      requiresDuplicateDetection: t.Properties.RequiresDuplicateDetection
      duplicateDetectionHistoryTimeWindow: t.Properties.DuplicateDetectionHistoryTimeWindow
    }
  }
]

var subscriptions = flatten(map(range(0, length(topics)), i => map(topics[i].Subscriptions, s => { topicIndex: i, subscription: s })))

resource subscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = [
  for s in subscriptions: {
    parent: topic[s.topicIndex]
    name: s.subscription.Name
    properties: {
      lockDuration: s.subscription.Properties.LockDuration
      maxDeliveryCount: s.subscription.Properties.MaxDeliveryCount
      deadLetteringOnMessageExpiration: s.subscription.Properties.DeadLetteringOnMessageExpiration
    }
  }
]

// Every new subscription gets a `$Default` rule with a true filter, and rules are OR-ed
// (https://learn.microsoft.com/azure/service-bus-messaging/topic-filters): the lane's SQL filter
// must replace `$Default`, or every region's subscription would receive every region's tasks.
resource rule 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2022-10-01-preview' = [
  for (s, i) in subscriptions: {
    parent: subscription[i]
    name: '$Default'
    properties: {
      filterType: 'SqlFilter'
      sqlFilter: { sqlExpression: s.subscription.Rules[0].Properties.SqlFilter.SqlExpression }
    }
  }
]
