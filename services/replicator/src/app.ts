import {
  SUBSCRIPTIONS,
  TOPICS,
  silentLogger,
  type Config,
  type Logger,
} from '@akv-replicator/core';
import type { Bus, Subscription } from '@akv-replicator/bus';
import { DEFAULT_TASK_RETRY_DELAYS_MS, subscribeRegionalTasks } from '@akv-replicator/replication';
import type { SecretStore, VaultAddress } from '@akv-replicator/keyvault';
import { createSecretTaskHandler } from './handlers/secret-task-handler';

/** Default handlers in flight per region: enough to keep a vault near its pace, not more. */
export const DEFAULT_REPLICATOR_CONCURRENCY = 16;
export const DEFAULT_RETRY_DELAYS_MS = DEFAULT_TASK_RETRY_DELAYS_MS;

export interface ReplicatorDeps {
  readonly bus: Bus;
  readonly stores: (vault: VaultAddress) => SecretStore;
  readonly logger?: Logger;
}

export interface ReplicatorOptions {
  /** The regions this pool serves (DESIGN principle 6): one lane per region. */
  readonly regions: readonly string[];
  readonly concurrency?: number;
  readonly retryDelaysMs?: readonly number[];
}

export interface ReplicatorApp {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Composition root of the replicator: one durable subscription per region it serves. */
export function createReplicatorApp(
  config: Config,
  options: ReplicatorOptions,
  deps: ReplicatorDeps,
): ReplicatorApp {
  if (options.regions.length === 0)
    throw new RangeError('the replicator needs at least one region to serve');
  const log = (deps.logger ?? silentLogger).child({ service: 'replicator' });
  const handle = createSecretTaskHandler({
    stores: deps.stores,
    publisher: deps.bus,
    policy: {
      overwriteUnowned: config.replication.overwriteUnowned,
      softDeletedAtReplica: config.replication.softDeletedAtReplica,
    },
    maxDeliveries: config.bus.maxDeliveries,
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    logger: log,
  });
  const subscriptions: Subscription[] = [];
  return {
    async start() {
      subscriptions.push(
        ...(await subscribeRegionalTasks(
          deps.bus,
          {
            topic: TOPICS.secretTasks,
            type: 'akv.secret.task.v1',
            regions: options.regions,
            subscriptionFor: SUBSCRIPTIONS.replicator,
            concurrency: options.concurrency ?? DEFAULT_REPLICATOR_CONCURRENCY,
            maxDeliveries: config.bus.maxDeliveries,
          },
          handle,
        )),
      );
      log.info('replicator started', { regions: options.regions.join(',') });
    },
    async stop() {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      log.info('replicator stopped');
    },
  };
}
