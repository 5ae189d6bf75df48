import { ServiceBusClient } from '@azure/service-bus';
import type { DeclaredSubscription, ServiceBusBusOptions } from './servicebus-options';
import { resolveServiceBusBusOptions } from './servicebus-options';
import { ServiceBusBus } from './servicebus-bus';
import { laneSubscriptionName } from './lane-naming';
import { preProvisionedTopology, type TopologyProvisioner } from './topology';

/** Subscriptions per topic, as the services of one configuration subscribe (DeclaredSubscription). */
export type DeclaredTopology = Readonly<Record<string, readonly DeclaredSubscription[]>>;

/** The parts of Microsoft's Service Bus emulator `Config.json` this transport writes. */
export interface EmulatorTopologyDocument {
  UserConfig: {
    Namespaces: {
      Name: string;
      Queues: never[];
      Topics: {
        Name: string;
        Properties: Record<string, string | number | boolean>;
        Subscriptions: {
          Name: string;
          Properties: Record<string, string | number | boolean>;
          Rules: {
            Name: string;
            Properties: { FilterType: 'Sql'; SqlFilter: { SqlExpression: string } };
          }[];
        }[];
      }[];
    }[];
    Logging: { Type: string };
  };
}

/** The emulator's schema limits: subscription locks of at least a minute, windows of 5 s – 5 min. */
const EMULATOR_MIN_LOCK_MS = 60_000;
const EMULATOR_DEDUP_WINDOW_MS = { min: 5_000, max: 300_000 };
const iso = (ms: number) => `PT${Math.ceil(ms / 1000)}S`;
/** A well-formed emulator connection string: the client is never connected. */
const UNCONNECTED =
  'Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=x;SharedAccessKey=x;UseDevelopmentEmulator=true';

/**
 * The emulator `Config.json` for a deployed topology (the official emulator cannot create
 * entities at run time, nor can a namespace whose identity lacks Manage rights). Written by the
 * transport's own provisioning code through a recording provisioner, so lane names, SQL filters,
 * lock durations and delivery counts are exactly what the transport would create.
 */
export async function emulatorTopologyFor(
  declared: DeclaredTopology,
  options: Pick<ServiceBusBusOptions, 'dedupWindowMs' | 'minLockDurationMs'> = {},
  namespace = 'sbemulatorns',
): Promise<EmulatorTopologyDocument> {
  const topics: EmulatorTopologyDocument['UserConfig']['Namespaces'][number]['Topics'] = [];
  const recorder: TopologyProvisioner = {
    async ensureTopic(spec) {
      const window = Math.min(
        EMULATOR_DEDUP_WINDOW_MS.max,
        Math.max(EMULATOR_DEDUP_WINDOW_MS.min, spec.duplicateDetectionWindowMs),
      );
      topics.push({
        Name: spec.topic,
        Properties: {
          RequiresDuplicateDetection: true,
          DuplicateDetectionHistoryTimeWindow: iso(window),
        },
        Subscriptions: [],
      });
    },
    async ensureSubscription(spec) {
      topics
        .find((topic) => topic.Name === spec.topic)
        ?.Subscriptions.push({
          Name: spec.name,
          Properties: {
            LockDuration: iso(Math.max(EMULATOR_MIN_LOCK_MS, spec.lockDurationMs)),
            MaxDeliveryCount: spec.maxDeliveryCount,
            DeadLetteringOnMessageExpiration: true,
          },
          Rules: [
            {
              Name: 'lane',
              Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: spec.sqlFilter } },
            },
          ],
        });
    },
    listSubscriptions: async () => [],
  };
  const client = new ServiceBusClient(UNCONNECTED);
  const bus = new ServiceBusBus(
    client,
    recorder,
    resolveServiceBusBusOptions({
      client,
      provisioner: recorder,
      declaredSubscriptions: (topic) => declared[topic] ?? [],
      ...options,
    }),
    true,
  );
  try {
    for (const topic of Object.keys(declared)) await bus.ensureTopic(topic);
  } finally {
    await bus.close();
  }
  return {
    UserConfig: {
      Namespaces: [{ Name: namespace, Queues: [], Topics: topics }],
      Logging: { Type: 'File' },
    },
  };
}

/**
 * A provisioner for a topology deployed beforehand (Bicep, or the emulator's Config.json from
 * emulatorTopologyFor): it creates nothing, and a lane outside the declared topology fails at
 * subscribe with a message naming it.
 */
export function deployedTopology(declared: DeclaredTopology): TopologyProvisioner {
  return preProvisionedTopology(
    Object.fromEntries(
      Object.entries(declared).map(([topic, subscriptions]) => [
        topic,
        subscriptions.flatMap((s) =>
          (s.routingKeys ?? [undefined]).map((key) => laneSubscriptionName(s.subscription, key)),
        ),
      ]),
    ),
  );
}
