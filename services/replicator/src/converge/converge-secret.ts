import type { ConvergeResult, SecretTaskData } from '@akv-replicator/core';
import type { SecretStore } from '@akv-replicator/keyvault';
import { convergeObject, type ConvergePolicy, type TaskStores } from '@akv-replicator/replication';
import { secretKind } from './secret-kind';

export type { ConvergePolicy } from '@akv-replicator/replication';
export type ConvergeStores = TaskStores<SecretStore>;

/**
 * Makes one replica secret match its source through the shared pipeline (convergeObject with
 * the secret kind): the ownership, two-way, deletion and recover decisions are made there.
 * Throws VaultError for failures the bus should retry (throttling, unavailable vaults).
 */
export function convergeSecret(
  task: SecretTaskData,
  stores: ConvergeStores,
  policy: ConvergePolicy,
): Promise<ConvergeResult> {
  return convergeObject(task, secretKind(stores), policy);
}
