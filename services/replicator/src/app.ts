import { SUBSCRIPTIONS, TOPICS, type Config, type ServiceApp } from '@akv-replicator/core';
import type { SecretStore } from '@akv-replicator/keyvault';
import { createWorkerApp, type WorkerAppDeps } from '@akv-replicator/replication';
import { REPLICATOR_SERVICE, createSecretTaskHandler } from './handlers/secret-task-handler';

/** Default handlers in flight per region: enough to keep a vault near its pace, not more. */
export const DEFAULT_REPLICATOR_CONCURRENCY = 16;

/** The bus, the secret stores, the regions served and the retry delays (see WorkerAppDeps). */
export type ReplicatorDeps = WorkerAppDeps<SecretStore>;

/** Composition root of the replicator: one durable subscription per region it serves. */
export function createReplicatorApp(config: Config, deps: ReplicatorDeps): ServiceApp {
  return createWorkerApp(config, deps, {
    service: REPLICATOR_SERVICE,
    taskType: 'akv.secret.task.v1',
    createHandler: createSecretTaskHandler,
    topic: TOPICS.secretTasks,
    subscriptionFor: SUBSCRIPTIONS.replicator,
    defaultConcurrency: DEFAULT_REPLICATOR_CONCURRENCY,
  });
}
