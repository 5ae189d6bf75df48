/**
 * Test support, on the `@akv-replicator/bus-servicebus/testing` entry point (never the main one:
 * it imports node:assert and the test broker's types): the AMQP test broker's run-time admin as a
 * TopologyProvisioner, so the transport provisions exactly as it would through
 * ServiceBusAdministrationClient, but in the Config.json vocabulary the broker and the official
 * emulator share; and the pre-provisioned scenario the emulator and Entra tests run.
 */
import assert from 'node:assert/strict';
import { ack } from '@akv-replicator/bus';
import { eventually, outcomeEnvelope, sleep } from '@akv-replicator/bus/testing';
import type { EmulatorConfig, ServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { connectServiceBusBus } from '../connect-servicebus-bus';
import type { ServiceBusBusOptions } from '../servicebus-options';
import { preProvisionedTopology } from '../topology';
import { laneSqlFilter } from '../lane-naming';
import type { TopologyProvisioner } from '../topology';

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

/**
 * One topic as `deploy/` or the official emulator's Config.json holds it: the lane subscription
 * `replicator.westeurope` with the rule the transport itself would create. Values stay inside the
 * emulator's schema limits (subscription lock at least PT1M, window 5 s – 5 min).
 */
export const EMULATOR_TOPOLOGY: EmulatorConfig = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [],
        Topics: [
          {
            Name: 'secret-tasks',
            Properties: {
              RequiresDuplicateDetection: true,
              DuplicateDetectionHistoryTimeWindow: 'PT2M',
            },
            Subscriptions: [
              {
                Name: 'replicator.westeurope',
                Properties: { LockDuration: 'PT1M', MaxDeliveryCount: 6 },
                Rules: [
                  {
                    Name: 'lane',
                    Properties: {
                      FilterType: 'Sql',
                      SqlFilter: {
                        SqlExpression: laneSqlFilter('replicator.westeurope', 'westeurope'),
                      },
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    Logging: { Type: 'Console' },
  },
};

/**
 * The transport on EMULATOR_TOPOLOGY, wherever it is served (test broker or official emulator):
 * only the westeurope task reaches the lane, and a lane the file lacks is refused by name.
 */
export async function runPreProvisionedScenario(
  connection: Pick<
    ServiceBusBusOptions,
    'connectionString' | 'fullyQualifiedNamespace' | 'credential'
  >,
): Promise<void> {
  const bus = connectServiceBusBus({
    ...connection,
    provisioner: preProvisionedTopology({ 'secret-tasks': ['replicator.westeurope'] }),
  });
  try {
    const seen: string[] = [];
    await bus.subscribe(
      'secret-tasks',
      { subscription: 'replicator', routingKeys: ['westeurope'] },
      async (e) => {
        seen.push(e.id);
        return ack();
      },
    );
    const envelope = outcomeEnvelope();
    await bus.publish('secret-tasks', envelope, { routingKey: 'westeurope' });
    await bus.publish('secret-tasks', outcomeEnvelope(), { routingKey: 'northeurope' });
    await eventually('the westeurope task', () => seen.length === 1, 20_000);
    await sleep(200);
    assert.deepEqual(seen, [envelope.id]);
    await assert.rejects(
      bus.subscribe(
        'secret-tasks',
        { subscription: 'replicator', routingKeys: ['eastus'] },
        async () => ack(),
      ),
      /secret-tasks\/Subscriptions\/replicator\.eastus is not in the deployed topology/,
    );
  } finally {
    await bus.close();
  }
}
