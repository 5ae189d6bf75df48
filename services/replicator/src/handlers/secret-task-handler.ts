import type { Logger } from '@akv-replicator/core';
import { createConvergeTaskHandler, type Publisher } from '@akv-replicator/bus';
import type { SecretStore, VaultAddress } from '@akv-replicator/keyvault';
import { convergeSecret, type ConvergePolicy } from '../converge/converge-secret';

export const REPLICATOR_SOURCE = '/akv-replicator/replicator';

export interface SecretTaskHandlerDeps {
  readonly stores: (vault: VaultAddress) => SecretStore;
  readonly publisher: Publisher;
  readonly policy: Omit<ConvergePolicy, 'now'>;
  /** Deliveries after which a retryable failure is final (the bus then dead-letters). */
  readonly maxDeliveries: number;
  /** Delay before retrying a retryable failure, by delivery count (last repeats). */
  readonly retryDelaysMs: readonly number[];
  readonly now?: () => number;
  readonly logger?: Logger;
}

/**
 * Runs one secret task through the shared worker skeleton (createConvergeTaskHandler): converge
 * under a per-object lock, publish the outcome, retry what is retryable, dead-letter the rest.
 */
export function createSecretTaskHandler(deps: SecretTaskHandlerDeps) {
  return createConvergeTaskHandler<'akv.secret.task.v1'>({
    service: 'replicator',
    source: REPLICATOR_SOURCE,
    objectKind: 'secret',
    converge: (task, now) =>
      convergeSecret(
        task,
        { source: deps.stores(task.source), replica: deps.stores(task.replica) },
        { ...deps.policy, now },
      ),
    publisher: deps.publisher,
    maxDeliveries: deps.maxDeliveries,
    retryDelaysMs: deps.retryDelaysMs,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
}
