/**
 * Test support (not exported): the AMQP test broker's run-time admin as a TopologyProvisioner, so
 * the transport provisions exactly as it would through ServiceBusAdministrationClient, but in
 * the Config.json vocabulary the broker and the official emulator share.
 */
import type { ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import type { TopologyProvisioner } from './topology';

function isoDuration(ms: number): string {
  return `PT${ms / 1000}S`;
}

export function brokerProvisioner(broker: ServiceBusBroker): TopologyProvisioner {
  return {
    async ensureTopic(spec) {
      await broker.admin.ensureTopic(spec.topic, {
        RequiresDuplicateDetection: true,
        DuplicateDetectionHistoryTimeWindow: isoDuration(spec.duplicateDetectionWindowMs),
      });
    },
    async ensureSubscription(spec) {
      await broker.admin.ensureSubscription(spec.topic, spec.name, {
        properties: {
          LockDuration: isoDuration(spec.lockDurationMs),
          MaxDeliveryCount: spec.maxDeliveryCount,
          DeadLetteringOnMessageExpiration: true,
        },
        rules: [
          {
            Name: 'lane',
            Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: spec.sqlFilter } },
          },
        ],
      });
    },
    listSubscriptions: (topic) => broker.admin.listSubscriptions(topic),
  };
}
