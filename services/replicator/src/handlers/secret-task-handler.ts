import type { SecretStore } from '@akv-replicator/keyvault';
import {
  createConvergeTaskHandler,
  type ConvergeTaskHandlerDeps,
} from '@akv-replicator/replication';
import { SECRET_KIND } from '../converge/secret-kind';

export const REPLICATOR_SERVICE = 'replicator';
export const REPLICATOR_SOURCE = '/akv-replicator/replicator';
export type SecretTaskHandlerDeps = ConvergeTaskHandlerDeps<SecretStore>;

/**
 * Runs one secret task through the shared worker skeleton (createConvergeTaskHandler with the
 * secret kind): converge under a per-object lock, publish the outcome, retry what is
 * retryable, dead-letter the rest.
 */
export function createSecretTaskHandler(deps: SecretTaskHandlerDeps) {
  return createConvergeTaskHandler({
    ...deps,
    service: REPLICATOR_SERVICE,
    source: REPLICATOR_SOURCE,
    kind: SECRET_KIND,
  });
}
