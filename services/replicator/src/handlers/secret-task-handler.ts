import {
  createConvergeTaskHandler,
  type ConvergeTaskHandlerDeps,
} from '@akv-replicator/replication';
import type { SecretStore, VaultAddress } from '@akv-replicator/keyvault';
import { convergeSecret, type ConvergePolicy } from '../converge/converge-secret';

export const REPLICATOR_SOURCE = '/akv-replicator/replicator';

export interface SecretTaskHandlerDeps extends ConvergeTaskHandlerDeps {
  readonly stores: (vault: VaultAddress) => SecretStore;
  readonly policy: Omit<ConvergePolicy, 'now'>;
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
