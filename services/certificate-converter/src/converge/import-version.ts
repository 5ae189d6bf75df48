import { convergeWouldDo, type CertificateTaskData } from '@akv-replicator/core';
import {
  CertificateMaterialError,
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
  isVaultError,
  type CertificatePolicyModel,
  type CertificateWithPolicy,
} from '@akv-replicator/keyvault';
import type { CertificateConvergePolicy, CertificateConvergeStores } from './converge-certificate';
import { failure, success, warning, type CertificateConvergeResult } from './converge-result';
import { hasExportableKey } from './key-check';
import { RecoveredView } from './recovered-view';

export interface ImportPlan {
  readonly replicaName: string;
  readonly source: CertificateWithPolicy;
  readonly tags: Record<string, string>;
  readonly desiredPolicy: CertificatePolicyModel;
  readonly existed: boolean;
}

type Converge = (
  task: CertificateTaskData,
  stores: CertificateConvergeStores,
  policy: CertificateConvergePolicy,
) => Promise<CertificateConvergeResult>;

/**
 * Reads the source version's backing secret, checks it carries a usable private key, imports
 * it into the replica and then sets the replica's policy explicitly (the JS SDK drops the
 * import policy, and Key Vault would otherwise give the replica an auto-renewing default).
 */
export async function importVersion(
  task: CertificateTaskData,
  stores: CertificateConvergeStores,
  plan: ImportPlan,
  policy: CertificateConvergePolicy,
  again: Converge,
): Promise<CertificateConvergeResult> {
  const { source, replicaName } = plan;
  const sourceVersion = source.version;
  const notExportable = warning(
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
      return warning(
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
    return warning(
      'skipped',
      `certificate ${task.objectName} in ${task.source.name}: ${error.message}; it cannot be replicated`,
      error.code,
      { sourceVersion },
    );
  }
  const action = plan.existed ? 'updated' : 'created';
  if (task.dryRun) return planImport(task, stores, plan, policy, again);
  const lagMs = Math.max(0, policy.now() - source.created * 1000);
  let imported;
  try {
    imported = await stores.replica.importCertificate(replicaName, {
      value: secret.value,
      contentType: secret.contentType === PEM_CONTENT_TYPE ? PEM_CONTENT_TYPE : PKCS12_CONTENT_TYPE,
      enabled: source.enabled,
      tags: plan.tags,
    });
  } catch (error) {
    if (!isVaultError(error, 'deleted-recoverable')) throw error;
    if (policy.softDeletedAtReplica === 'fail') return softDeletedRefusal(task, replicaName);
    await stores.replica.recoverDeletedCertificate(replicaName);
    // The recovered certificate may be foreign or stale: converge again from its real state.
    const result = await again(task, stores, { ...policy, softDeletedAtReplica: 'fail' });
    if (result.status !== 'success') return result;
    return result.action === 'unchanged'
      ? {
          ...result,
          action: 'recovered',
          reason: 'recovered the soft-deleted replica; it was current',
        }
      : { ...result, action: 'recovered-and-updated' };
  }
  await stores.replica.updatePolicy(replicaName, plan.desiredPolicy);
  if (imported.x5t !== source.x5t)
    return failure(
      action,
      `imported ${replicaName} into ${task.replica.name} but its thumbprint differs from the source's`,
      'ThumbprintMismatch',
      { sourceVersion, replicaVersion: imported.version },
    );
  return success(action, { sourceVersion, replicaVersion: imported.version, lagMs });
}

/**
 * Dry run: what the import above would do, from reads only. A name soft-deleted at the replica
 * would be recovered and converged again: the plan converges against the deleted certificate as
 * the recover would bring it back (RecoveredView), so it says `would-recover` when that version
 * is already current, `would-recover-and-update` otherwise, or the refusal the real run gives.
 */
async function planImport(
  task: CertificateTaskData,
  stores: CertificateConvergeStores,
  plan: ImportPlan,
  policy: CertificateConvergePolicy,
  again: Converge,
): Promise<CertificateConvergeResult> {
  const { replicaName } = plan;
  const ids = { sourceVersion: plan.source.version };
  const what = `${replicaName} in ${task.replica.name}`;
  if (plan.existed) return convergeWouldDo('updated', what, ids);
  const deleted = await stores.replica.getDeletedCertificate(replicaName);
  if (!deleted) return convergeWouldDo('created', what, ids);
  if (policy.softDeletedAtReplica === 'fail') return softDeletedRefusal(task, replicaName);
  const replica = new RecoveredView(stores.replica, replicaName, deleted);
  const after = await again(
    task,
    { source: stores.source, replica },
    { ...policy, softDeletedAtReplica: 'fail' },
  );
  const soft = `${what}: the name is soft-deleted there`;
  if (after.status !== 'success')
    // The real run recovers first and then reports this (e.g. the recovered one is not ours).
    return {
      ...after,
      reason: `dry run: would recover ${soft}, then: ${after.reason ?? after.action}`,
    };
  if (after.action === 'unchanged')
    return convergeWouldDo('recovered', `${soft} and holds the current version`, {
      ...ids,
      replicaVersion: deleted.version,
    });
  const then = (after.reason ?? after.action).replace(/^dry run: /, '');
  return convergeWouldDo('recovered-and-updated', `${soft}; then ${then}`, ids);
}

function softDeletedRefusal(task: CertificateTaskData, replicaName: string) {
  return failure(
    'skipped',
    `${replicaName} is soft-deleted in ${task.replica.name}; recover or purge it there, or set replication.softDeletedAtReplica: recover`,
    'ReplicaSoftDeleted',
  );
}
