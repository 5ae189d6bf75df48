/**
 * Topology provisioning: Service Bus has no implicit entities, so topics and the subscription
 * behind every lane must exist before messages flow. Where they come from differs by deployment,
 * so the transport takes a provisioner:
 *
 * - `administrationClientProvisioner` — creates them at run time through
 *   ServiceBusAdministrationClient (needs the "Azure Service Bus Data Owner" role or Manage rights);
 * - `preProvisionedTopology` — they were deployed beforehand (Bicep in `deploy/`, or the official
 *   emulator's Config.json, which cannot change at run time): nothing is created, and a lane the
 *   deployment lacks fails at subscribe with a message naming it;
 * - any object with the same three methods (the integration tests adapt the test broker's admin).
 */
import type { ServiceBusAdministrationClient } from '@azure/service-bus';
import { BusOptionsError } from '@akv-replicator/bus';

/** What a topic needs: duplicate detection on message id over the bus's dedup window. */
export interface TopicSpec {
  readonly topic: string;
  readonly duplicateDetectionWindowMs: number;
}

/** What one lane's subscription needs. */
export interface SubscriptionSpec {
  readonly topic: string;
  /** The Service Bus subscription name (see laneSubscriptionName). */
  readonly name: string;
  readonly routingKey: string | undefined;
  /** The single rule of the subscription (it replaces `$Default`). */
  readonly sqlFilter: string;
  readonly lockDurationMs: number;
  /** Broker-side safety net; the consumer dead-letters with its own reason before this. */
  readonly maxDeliveryCount: number;
}

/** Creates (or checks) topics and subscriptions; every method is idempotent. */
export interface TopologyProvisioner {
  ensureTopic(spec: TopicSpec): Promise<void>;
  ensureSubscription(spec: SubscriptionSpec): Promise<void>;
  /** Names of the topic's subscriptions (for listing dead letters). */
  listSubscriptions(topic: string): Promise<readonly string[]>;
}

/** Azure's limits: lock 5 s – 5 min, duplicate detection window 20 s – 7 days. */
export const AZURE_MIN_LOCK_MS = 5_000;
export const AZURE_MAX_LOCK_MS = 5 * 60_000;
export const AZURE_MIN_DEDUP_WINDOW_MS = 20_000;

function isoSeconds(ms: number): string {
  return `PT${Math.ceil(ms / 1000)}S`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function alreadyExists(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: string } | null;
  return e?.statusCode === 409 || e?.code === 'MessageEntityAlreadyExistsError';
}

/** Creates missing entities with ServiceBusAdministrationClient (existing ones are left alone). */
export function administrationClientProvisioner(
  admin: ServiceBusAdministrationClient,
): TopologyProvisioner {
  return {
    async ensureTopic(spec) {
      if (await admin.topicExists(spec.topic)) return;
      await admin
        .createTopic(spec.topic, {
          requiresDuplicateDetection: true,
          duplicateDetectionHistoryTimeWindow: isoSeconds(
            Math.max(AZURE_MIN_DEDUP_WINDOW_MS, spec.duplicateDetectionWindowMs),
          ),
        })
        .catch((error: unknown) => {
          if (!alreadyExists(error)) throw error;
        });
    },
    async ensureSubscription(spec) {
      if (await admin.subscriptionExists(spec.topic, spec.name)) return;
      await admin
        .createSubscription(spec.topic, spec.name, {
          lockDuration: isoSeconds(
            clamp(spec.lockDurationMs, AZURE_MIN_LOCK_MS, AZURE_MAX_LOCK_MS),
          ),
          maxDeliveryCount: spec.maxDeliveryCount,
          deadLetteringOnMessageExpiration: true,
          defaultRuleOptions: { name: 'lane', filter: { sqlExpression: spec.sqlFilter } },
        })
        .catch((error: unknown) => {
          if (!alreadyExists(error)) throw error;
        });
    },
    async listSubscriptions(topic) {
      const names: string[] = [];
      for await (const sub of admin.listSubscriptions(topic)) names.push(sub.subscriptionName);
      return names;
    },
  };
}

/**
 * Topology deployed ahead of time: `subscriptions` lists, per topic, the Service Bus
 * subscription names that exist (lane names: `subscription` or `subscription.routingKey`).
 */
export function preProvisionedTopology(
  subscriptions: Readonly<Record<string, readonly string[]>>,
): TopologyProvisioner {
  return {
    async ensureTopic(spec) {
      if (!(spec.topic in subscriptions)) {
        throw new BusOptionsError(
          'topology',
          `topic ${spec.topic} is not in the deployed topology`,
        );
      }
    },
    async ensureSubscription(spec) {
      if (!subscriptions[spec.topic]?.includes(spec.name)) {
        throw new BusOptionsError(
          'topology',
          `subscription ${spec.topic}/Subscriptions/${spec.name} is not in the deployed topology`,
        );
      }
    },
    async listSubscriptions(topic) {
      return subscriptions[topic] ?? [];
    },
  };
}
