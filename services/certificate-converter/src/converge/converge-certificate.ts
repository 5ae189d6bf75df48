import {
  PROVENANCE_TAG,
  compileFilter,
  convergeWouldDo,
  readProvenance,
  replicaTags,
  withoutProvenance,
  type CertificateTaskData,
  type Provenance,
} from '@akv-replicator/core';
import type { CertificateStore, CertificateWithPolicy } from '@akv-replicator/keyvault';
import { readCertificate } from './certificate-state';
import { success, warning, type CertificateConvergeResult } from './converge-result';
import { importVersion } from './import-version';
import { policyDifferences, replicaPolicyOf } from './replica-policy';

export interface CertificateConvergePolicy {
  /** Take over a replica certificate that carries no provenance from this source. */
  readonly overwriteUnowned: boolean;
  readonly softDeletedAtReplica: 'recover' | 'fail';
  /** Milliseconds since the epoch (injectable for lag figures in tests). */
  readonly now: () => number;
}

export interface CertificateConvergeStores {
  readonly source: CertificateStore;
  readonly replica: CertificateStore;
}

/**
 * Converges one certificate in one replica from current state (level-triggered, like
 * secrets): imports the source's latest version with its exportable key when the replica's
 * provenance does not name it (or the thumbprints differ), then keeps the replica's policy
 * (without auto-renew), enabled state and tags in line. Non-exportable keys and protected
 * material are warnings. Throws VaultError for failures the bus should retry.
 */
export async function convergeCertificate(
  task: CertificateTaskData,
  stores: CertificateConvergeStores,
  policy: CertificateConvergePolicy,
): Promise<CertificateConvergeResult> {
  const replicaName = task.replicaObjectName ?? task.objectName;
  const source = await readCertificate(stores.source, task.objectName);
  if (source && task.filters) {
    const decision = compileFilter(task.filters).decide({
      name: source.name,
      contentType: source.policy.contentType,
      tags: source.tags,
    });
    if (!decision.replicate) return success('skipped', { reason: `filtered: ${decision.reason}` });
  }
  const replica = await readCertificate(stores.replica, replicaName);
  const provenance = readProvenance(replica?.tags);
  const ours = provenance?.sourceVault.toLowerCase() === task.source.name.toLowerCase();
  if (!source)
    return convergeDeletion(task, stores.replica, replicaName, replica !== undefined, ours);
  const sourceVersion = source.version;
  if (replica && !ours) {
    const keep = foreignReplica(task, source, replica, policy, replicaName);
    if (keep) return keep;
  }
  const target: Provenance = {
    sourceVault: task.source.name,
    sourceVersion,
    sourceUpdated: source.updated,
  };
  const tags = replicaTags(source.tags, target);
  if (!tags.ok)
    return { status: 'failure', action: 'skipped', reason: tags.reason, code: 'TooManyTags' };
  const desiredPolicy = replicaPolicyOf(source.policy);
  if (
    replica &&
    ours &&
    provenance!.sourceVersion === sourceVersion &&
    replica.x5t === source.x5t
  ) {
    return convergeInPlace(task, stores.replica, replicaName, source, replica, tags.tags);
  }
  if (!source.enabled)
    return convergeDisabledSource(task, stores.replica, replicaName, replica, ours);
  return importVersion(
    task,
    stores,
    { replicaName, source, tags: tags.tags, desiredPolicy, existed: replica !== undefined },
    policy,
    convergeCertificate,
  );
}

/** Same key material at the replica: only policy, enabled state and tags may need work. */
async function convergeInPlace(
  task: CertificateTaskData,
  replicaStore: CertificateStore,
  replicaName: string,
  source: CertificateWithPolicy,
  replica: CertificateWithPolicy,
  tags: Record<string, string>,
): Promise<CertificateConvergeResult> {
  const desiredPolicy = replicaPolicyOf(source.policy);
  const policyDrift = policyDifferences(replica.policy, desiredPolicy);
  const propertiesDrift = replica.enabled !== source.enabled || !sameTags(replica.tags, tags);
  const ids = { sourceVersion: source.version, replicaVersion: replica.version };
  if (policyDrift.length === 0 && !propertiesDrift) return success('unchanged', ids);
  const what = [
    ...policyDrift.map((field) => `policy.${field}`),
    ...(propertiesDrift ? ['enabled/tags'] : []),
  ];
  if (task.dryRun)
    return convergeWouldDo(
      !source.enabled && replica.enabled ? 'disabled' : 'properties-updated',
      `${replicaName} in ${task.replica.name} (${what.join(', ')})`,
      ids,
    );
  if (policyDrift.length > 0) await replicaStore.updatePolicy(replicaName, desiredPolicy);
  if (propertiesDrift)
    await replicaStore.updateProperties(replicaName, replica.version, {
      enabled: source.enabled,
      tags,
    });
  return success(!source.enabled && replica.enabled ? 'disabled' : 'properties-updated', {
    ...ids,
    reason: `converged ${what.join(', ')}`,
  });
}

/** A replica without our provenance: two-way rules, or the ownership guard. */
function foreignReplica(
  task: CertificateTaskData,
  source: CertificateWithPolicy,
  replica: CertificateWithPolicy,
  policy: CertificateConvergePolicy,
  replicaName: string,
): CertificateConvergeResult | undefined {
  const sourceVersion = source.version;
  if (task.linkMode === 'two-way') {
    const echo = readProvenance(source.tags);
    if (
      echo?.sourceVault.toLowerCase() === task.replica.name.toLowerCase() &&
      echo.sourceVersion === replica.version
    )
      return success('unchanged', {
        reason: 'echo: the source holds this replica’s own import',
        sourceVersion,
      });
    const replicaNewer =
      replica.updated !== source.updated
        ? replica.updated > source.updated
        : task.replica.name.toLowerCase() < task.source.name.toLowerCase();
    if (replicaNewer)
      return success('unchanged', {
        reason: 'the replica holds a newer version; it replicates the other way',
        sourceVersion,
      });
    return undefined;
  }
  if (policy.overwriteUnowned) return undefined;
  return warning(
    'skipped',
    `replica certificate ${replicaName} in ${task.replica.name} has no provenance from ${task.source.name}; it is not overwritten (set replication.overwriteUnowned to take it over)`,
    'ReplicaNotOwned',
    { sourceVersion },
  );
}

/** A disabled source: its key material cannot be read, so the replica is only switched off. */
async function convergeDisabledSource(
  task: CertificateTaskData,
  replicaStore: CertificateStore,
  replicaName: string,
  replica: CertificateWithPolicy | undefined,
  ours: boolean,
): Promise<CertificateConvergeResult> {
  if (!replica)
    return warning(
      'skipped',
      `source certificate ${task.objectName} in ${task.source.name} is disabled, so its key cannot be read; no replica was created`,
      'SourceDisabled',
    );
  if (!replica.enabled || !ours)
    return success('unchanged', { reason: 'source is disabled; the replica is left as it is' });
  if (task.dryRun) return convergeWouldDo('disabled', `${replicaName} in ${task.replica.name}`);
  // Keep the replica's own provenance: it still names the version it holds.
  await replicaStore.updateProperties(replicaName, replica.version, {
    enabled: false,
    tags: replica.tags,
  });
  return success('disabled', { reason: 'source certificate is disabled' });
}

/** Deleted at the source (found by reconcile): keep, or soft-delete our replica. */
async function convergeDeletion(
  task: CertificateTaskData,
  replicaStore: CertificateStore,
  replicaName: string,
  replicaExists: boolean,
  ours: boolean,
): Promise<CertificateConvergeResult> {
  if (!replicaExists)
    return success('unchanged', { reason: 'absent at the source and at the replica' });
  if (task.deletionPolicy === 'keep')
    return success('unchanged', {
      reason: 'deleted at the source; deletion policy keep leaves the replica',
    });
  if (!ours)
    return warning(
      'skipped',
      `deleted at the source, but ${replicaName} in ${task.replica.name} has no provenance from ${task.source.name}: not deleted`,
      'ReplicaNotOwned',
    );
  if (task.dryRun)
    return convergeWouldDo(
      'deleted',
      `${replicaName} in ${task.replica.name} (soft delete; deleted at the source)`,
    );
  await replicaStore.deleteCertificate(replicaName);
  return success('deleted', {
    reason: 'deleted at the source; soft-deleted at the replica (recoverable)',
  });
}

function sameTags(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ta = withoutProvenance(a);
  const tb = withoutProvenance(b);
  return (
    a[PROVENANCE_TAG] === b[PROVENANCE_TAG] &&
    Object.keys(ta).length === Object.keys(tb).length &&
    Object.keys(ta).every((key) => ta[key] === tb[key])
  );
}
