import {
  convergeFailure,
  convergeSuccess,
  convergeWarning,
  type ConvergeResult,
} from '@akv-replicator/core';
import {
  CertificateMaterialError,
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
  isVaultError,
  type CertificateStore,
  type CertificateWithPolicy,
} from '@akv-replicator/keyvault';
import type { ConvergeState, PreparedWrite, TaskStores } from '@akv-replicator/replication';
import { hasExportableKey } from './key-check';
import { replicaPolicyOf } from './replica-policy';

/**
 * Reads the source version's backing secret and checks it carries a usable private key; the
 * write then imports it into the replica and sets the replica's policy explicitly (the JS SDK
 * drops the import policy, and Key Vault would otherwise give the replica an auto-renewing
 * default). Non-exportable keys and protected material are warnings, also in a dry run.
 */
export async function prepareImport(
  state: ConvergeState<CertificateWithPolicy, CertificateWithPolicy>,
  stores: TaskStores<CertificateStore>,
): Promise<PreparedWrite | ConvergeResult> {
  const { task, source, replicaName } = state;
  const sourceVersion = source.version;
  const notExportable = convergeWarning(
    'skipped',
    `certificate ${task.objectName} in ${task.source.name} has a non-exportable key; only certificates with exportable keys can be replicated (re-issue it with exportable: true, or create it in each region)`,
    'KeyNotExportable',
    { sourceVersion },
  );
  if (source.policy.exportable === false) return notExportable;
  let secret;
  try {
    secret = await stores.source.getCertificateSecret(task.objectName, sourceVersion);
  } catch (error) {
    if (isVaultError(error, 'disabled'))
      return convergeWarning(
        'skipped',
        `source certificate ${task.objectName} was disabled while being read`,
        'SourceDisabled',
        { sourceVersion },
      );
    throw error;
  }
  try {
    if (!hasExportableKey(secret.value, secret.contentType)) return notExportable;
  } catch (error) {
    if (!(error instanceof CertificateMaterialError)) throw error;
    return convergeWarning(
      'skipped',
      `certificate ${task.objectName} in ${task.source.name}: ${error.message}; it cannot be replicated`,
      error.code,
      { sourceVersion },
    );
  }
  const action = state.replica ? 'updated' : 'created';
  const write = async (): Promise<ConvergeResult> => {
    const lagMs = Math.max(0, state.policy.now() - source.created * 1000);
    const imported = await stores.replica.importCertificate(replicaName, {
      value: secret.value,
      contentType: secret.contentType === PEM_CONTENT_TYPE ? PEM_CONTENT_TYPE : PKCS12_CONTENT_TYPE,
      enabled: source.enabled,
      tags: state.tags,
    });
    await stores.replica.updatePolicy(replicaName, replicaPolicyOf(source.policy));
    if (imported.x5t !== source.x5t)
      return convergeFailure(
        action,
        `imported ${replicaName} into ${task.replica.name} but its thumbprint differs from the source's`,
        'ThumbprintMismatch',
        { sourceVersion, replicaVersion: imported.version },
      );
    return convergeSuccess(action, { sourceVersion, replicaVersion: imported.version, lagMs });
  };
  return { write };
}
