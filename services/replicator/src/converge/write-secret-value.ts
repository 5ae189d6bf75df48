import { convergeSuccess, type ConvergeResult } from '@akv-replicator/core';
import type {
  SecretStore,
  SecretVersionInfo,
  SecretWithValue,
  SecretWrite,
} from '@akv-replicator/keyvault';
import type { ConvergeState, TaskStores } from '@akv-replicator/replication';
import { copyOlderVersions } from './history';

/**
 * Writes the source's latest value (after the older versions a first sync copies) as a new
 * replica version. A soft-deleted replica name surfaces as VaultError `deleted-recoverable`
 * for the shared pipeline to recover or refuse.
 */
export async function writeSecretValue(
  state: ConvergeState<unknown, SecretVersionInfo>,
  source: SecretWithValue,
  desired: SecretWrite,
  stores: TaskStores<SecretStore>,
  older: readonly SecretVersionInfo[],
): Promise<ConvergeResult> {
  const { task, replicaName } = state;
  const lagMs = Math.max(0, state.policy.now() - source.created * 1000);
  const history = await copyOlderVersions(task, stores, replicaName, older);
  const written = await stores.replica.setSecret(replicaName, source.value, desired);
  return convergeSuccess(state.replica ? 'updated' : 'created', {
    sourceVersion: source.version,
    replicaVersion: written.version,
    lagMs,
    ...(history > 0
      ? { reason: `after ${history} older version(s) of its history, oldest first` }
      : {}),
  });
}
