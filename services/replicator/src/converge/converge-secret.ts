import {
  PROVENANCE_TAG,
  compileFilter,
  convergeWouldDo,
  readProvenance,
  replicaTags,
  type Provenance,
  type SecretTaskData,
} from '@akv-replicator/core';
import {
  isVaultError,
  sameAttributes,
  type SecretStore,
  type SecretVersionInfo,
  type SecretWrite,
} from '@akv-replicator/keyvault';
import { replicaWriteWins } from './attributes';
import { failure, success, warning, type ConvergeResult } from './converge-result';
import { copyOlderVersions, olderVersionsToCopy } from './history';
import { propertiesOf, readSecretState, type SecretState } from './secret-state';

export interface ConvergePolicy {
  /** Take over replica secrets without our provenance (one-way links). */
  readonly overwriteUnowned: boolean;
  /** A soft-deleted name at the replica: recover it first, or fail. */
  readonly softDeletedAtReplica: 'recover' | 'fail';
  /** Wall clock, milliseconds (lag measurement). */
  readonly now: () => number;
}

export interface ConvergeStores {
  readonly source: SecretStore;
  readonly replica: SecretStore;
}

/**
 * Makes one replica secret match its source (DESIGN principle 1): reads both current states and
 * acts on them, never on what the task claims. Running it twice, or on a stale or duplicate task,
 * writes nothing the second time: provenance records which source version a replica holds.
 * Throws VaultError for failures the bus should retry (throttling, unavailable vaults).
 */
export async function convergeSecret(
  task: SecretTaskData,
  stores: ConvergeStores,
  policy: ConvergePolicy,
): Promise<ConvergeResult> {
  const name = task.objectName;
  const replicaName = task.replicaObjectName ?? name;
  const source = await readSecretState(stores.source, name);
  const sourceProps = propertiesOf(source);
  if (sourceProps?.managed) {
    return success('skipped', {
      reason: 'certificate-backed secret: the certificate-converter replicates its certificate',
    });
  }
  if (sourceProps && task.filters) {
    const decision = compileFilter(task.filters).decide(sourceProps);
    if (!decision.replicate) return success('skipped', { reason: `filtered: ${decision.reason}` });
  }
  const replica = await readSecretState(stores.replica, replicaName);
  const replicaProps = propertiesOf(replica);
  const provenance = readProvenance(replicaProps?.tags);
  const ours = provenance?.sourceVault.toLowerCase() === task.source.name.toLowerCase();

  if (source.kind === 'missing')
    return convergeDeletion(task, stores.replica, replicaName, replicaProps, ours);

  const sourceVersion = sourceProps!.version;
  if (replicaProps && !ours) {
    if (task.linkMode === 'two-way') {
      // Both vaults take writes. The source's value may be an echo of this very replica version.
      const echo = readProvenance(sourceProps!.tags);
      if (
        echo?.sourceVault.toLowerCase() === task.replica.name.toLowerCase() &&
        echo.sourceVersion === replicaProps.version
      ) {
        return success('unchanged', {
          reason: 'echo: the source holds this replica’s own write',
          sourceVersion,
        });
      }
      if (
        replicaWriteWins(
          { updated: replicaProps.updated, vault: task.replica.name },
          { updated: sourceProps!.updated, vault: task.source.name },
        )
      ) {
        return success('unchanged', {
          reason: 'the replica holds a newer write; it replicates the other way',
          sourceVersion,
        });
      }
    } else if (!policy.overwriteUnowned) {
      return warning(
        'skipped',
        `replica secret ${replicaName} in ${task.replica.name} has no provenance from ${task.source.name}; it is not overwritten (set replication.overwriteUnowned to take it over)`,
        'ReplicaNotOwned',
        { sourceVersion },
      );
    }
  }

  const target: Provenance = {
    sourceVault: task.source.name,
    sourceVersion,
    sourceUpdated: sourceProps!.updated,
  };
  const tags = replicaTags(sourceProps!.tags, target);
  if (!tags.ok) return failure('skipped', tags.reason, 'TooManyTags');
  const desired: SecretWrite = {
    enabled: sourceProps!.enabled,
    notBefore: sourceProps!.notBefore,
    expires: sourceProps!.expires,
    contentType: sourceProps!.contentType,
    tags: tags.tags,
  };

  if (replicaProps && ours && provenance!.sourceVersion === sourceVersion) {
    // Same value: at most the attributes changed (on either side).
    if (
      sameAttributes(replicaProps, desired) &&
      provenance!.sourceUpdated === target.sourceUpdated
    ) {
      return success('unchanged', { sourceVersion, replicaVersion: replicaProps.version });
    }
    if (task.dryRun)
      return convergeWouldDo(
        source.kind === 'disabled' ? 'disabled' : 'properties-updated',
        `${replicaName} in ${task.replica.name}`,
        { sourceVersion, replicaVersion: replicaProps.version },
      );
    const updated = await stores.replica.updateProperties(
      replicaName,
      replicaProps.version,
      desired,
    );
    return success(source.kind === 'disabled' ? 'disabled' : 'properties-updated', {
      sourceVersion,
      replicaVersion: updated.version,
    });
  }

  if (source.kind === 'disabled')
    return convergeDisabledSource(
      task,
      stores.replica,
      replicaName,
      replicaProps,
      desired,
      sourceVersion,
    );
  const older = await olderVersionsToCopy(
    task,
    stores.source,
    sourceVersion,
    ours ? provenance : undefined,
  );
  if (task.dryRun)
    return planWrite(task, stores.replica, replicaName, replicaProps !== undefined, {
      sourceVersion,
      older: older.length,
      policy,
    });
  return writeValue(task, stores, replicaName, source, desired, replicaProps !== undefined, {
    ...policy,
    older,
  });
}

/** Dry run: what writeValue would do, from reads only (a soft-deleted name would be recovered). */
async function planWrite(
  task: SecretTaskData,
  replica: SecretStore,
  replicaName: string,
  existed: boolean,
  plan: { readonly sourceVersion: string; readonly older: number; readonly policy: ConvergePolicy },
): Promise<ConvergeResult> {
  const ids = { sourceVersion: plan.sourceVersion };
  const what = `${replicaName} in ${task.replica.name}${plan.older ? ` (after ${plan.older} older version(s) of its history)` : ''}`;
  if (existed) return convergeWouldDo('updated', what, ids);
  if (!(await replica.getDeletedSecret(replicaName))) return convergeWouldDo('created', what, ids);
  if (plan.policy.softDeletedAtReplica === 'fail')
    return failure(
      'skipped',
      `${replicaName} is soft-deleted in ${task.replica.name}; recover or purge it there, or set replication.softDeletedAtReplica: recover`,
      'ReplicaSoftDeleted',
    );
  return convergeWouldDo('recovered-and-updated', `${what}: the name is soft-deleted there`, ids);
}

async function writeValue(
  task: SecretTaskData,
  stores: ConvergeStores,
  replicaName: string,
  source: Extract<SecretState, { kind: 'enabled' }>,
  desired: SecretWrite,
  existed: boolean,
  policy: ConvergePolicy & { readonly older: readonly SecretVersionInfo[] },
): Promise<ConvergeResult> {
  const sourceVersion = source.secret.version;
  const lagMs = Math.max(0, policy.now() - source.secret.created * 1000);
  try {
    const history = await copyOlderVersions(task, stores, replicaName, policy.older);
    const written = await stores.replica.setSecret(replicaName, source.secret.value, desired);
    return success(existed ? 'updated' : 'created', {
      sourceVersion,
      replicaVersion: written.version,
      lagMs,
      ...(history > 0
        ? { reason: `after ${history} older version(s) of its history, oldest first` }
        : {}),
    });
  } catch (error) {
    if (!isVaultError(error, 'deleted-recoverable')) throw error;
    if (policy.softDeletedAtReplica === 'fail') {
      return failure(
        'skipped',
        `${replicaName} is soft-deleted in ${task.replica.name}; recover or purge it there, or set replication.softDeletedAtReplica: recover`,
        'ReplicaSoftDeleted',
      );
    }
    await stores.replica.recoverDeletedSecret(replicaName);
    // The recovered secret may be foreign or stale: converge again from its real state.
    const again = await convergeSecret(task, stores, { ...policy, softDeletedAtReplica: 'fail' });
    return recovered(again);
  }
}

async function convergeDisabledSource(
  task: SecretTaskData,
  replica: SecretStore,
  replicaName: string,
  replicaProps: SecretVersionInfo | undefined,
  desired: SecretWrite,
  sourceVersion: string,
): Promise<ConvergeResult> {
  if (!replicaProps) {
    return warning(
      'skipped',
      `source secret ${task.objectName} in ${task.source.name} is disabled, so its value cannot be read; no replica was created`,
      'SourceDisabled',
      { sourceVersion },
    );
  }
  if (!replicaProps.enabled)
    return success('unchanged', { reason: 'source and replica are both disabled', sourceVersion });
  if (task.dryRun)
    return convergeWouldDo('disabled', `${replicaName} in ${task.replica.name}`, { sourceVersion });
  // Keep the replica's own value and provenance version; only switch it off.
  const keep = readProvenance(replicaProps.tags);
  const tags = keep ? { ...desired.tags, ...pickProvenanceTag(replicaProps.tags) } : desired.tags;
  await replica.updateProperties(replicaName, replicaProps.version, {
    ...desired,
    enabled: false,
    tags,
  });
  return success('disabled', { reason: 'source secret is disabled', sourceVersion });
}

function pickProvenanceTag(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => key === PROVENANCE_TAG));
}

async function convergeDeletion(
  task: SecretTaskData,
  replica: SecretStore,
  replicaName: string,
  replicaProps: SecretVersionInfo | undefined,
  ours: boolean,
): Promise<ConvergeResult> {
  if (!replicaProps)
    return success('unchanged', { reason: 'deleted at the source and absent at the replica' });
  if (task.deletionPolicy === 'keep')
    return success('unchanged', {
      reason: 'deleted at the source; deletion policy keep leaves the replica',
    });
  if (!ours) {
    return warning(
      'skipped',
      `deleted at the source, but ${replicaName} in ${task.replica.name} has no provenance from ${task.source.name}: not deleted`,
      'ReplicaNotOwned',
    );
  }
  if (task.dryRun)
    return convergeWouldDo(
      'deleted',
      `${replicaName} in ${task.replica.name} (soft delete; deleted at the source)`,
    );
  await replica.deleteSecret(replicaName);
  return success('deleted', {
    reason: 'deleted at the source; soft-deleted at the replica (recoverable)',
  });
}

/** After recovering a soft-deleted replica: say so, also when it then needed nothing else. */
function recovered(again: ConvergeResult): ConvergeResult {
  if (again.status !== 'success') return again;
  return again.action === 'unchanged'
    ? {
        ...again,
        action: 'recovered',
        reason: 'recovered the soft-deleted replica; it was current',
      }
    : { ...again, action: 'recovered-and-updated' };
}
