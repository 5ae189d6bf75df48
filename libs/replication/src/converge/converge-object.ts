import {
  compileFilter,
  convergeFailure,
  convergeSuccess,
  readProvenance,
  replicaTags,
  type ConvergeResult,
  type Provenance,
} from '@akv-replicator/core';
import { convergeDeletion } from './deletion';
import { convergeDisabledSource } from './disabled-source';
import { foreignReplica } from './foreign-replica';
import type {
  ConvergePolicy,
  ConvergeState,
  DeletedView,
  KindAdapter,
  ObjectTask,
  ObjectVersionView,
} from './kind-adapter';
import { writeOrRecover } from './write-or-recover';

/**
 * Makes one replica object match its source (DESIGN principle 1), for any object kind: reads
 * both current states and acts on them, never on what the task claims. Running it twice, or on
 * a stale or duplicate task, writes nothing the second time: provenance records which source
 * version a replica holds. Throws VaultError for failures the bus should retry (throttling,
 * unavailable vaults).
 */
export async function convergeObject<S, R extends ObjectVersionView, D extends DeletedView>(
  task: ObjectTask,
  kind: KindAdapter<S, R, D>,
  policy: ConvergePolicy,
): Promise<ConvergeResult> {
  const replicaName = task.replicaObjectName ?? task.objectName;
  const source = await kind.readSource(task.objectName);
  if (source !== undefined) {
    const notOurs = kind.notOurs?.(source);
    if (notOurs) return convergeSuccess('skipped', { reason: notOurs });
    if (task.filters) {
      const decision = compileFilter(task.filters).decide(kind.filterFields(source));
      if (!decision.replicate)
        return convergeSuccess('skipped', { reason: `filtered: ${decision.reason}` });
    }
  }
  const replica = await kind.readReplica(replicaName);
  const provenance = readProvenance(replica?.tags);
  // Vault names are case-insensitive in Azure; provenance keeps whatever case was configured.
  const ours = provenance?.sourceVault.toLowerCase() === task.source.name.toLowerCase();
  if (source === undefined) return convergeDeletion(task, kind, replicaName, replica, ours);

  const sourceVersion = kind.versionOf(source);
  if (replica && !ours) {
    const keep = foreignReplica(task, kind.kind, sourceVersion, replica, policy, replicaName);
    if (keep) return keep;
  }
  const target: Provenance = {
    sourceVault: task.source.name,
    sourceVersion: sourceVersion.version,
    sourceUpdated: sourceVersion.updated,
  };
  const tags = replicaTags(sourceVersion.tags, target);
  if (!tags.ok) return convergeFailure('skipped', tags.reason, 'TooManyTags');
  const state: ConvergeState<S, R> = {
    task,
    policy,
    replicaName,
    source,
    replica,
    ours,
    target,
    tags: tags.tags,
  };
  if (
    replica &&
    ours &&
    provenance!.sourceVersion === sourceVersion.version &&
    kind.sameContent(source, replica)
  )
    return kind.convergeInPlace(state);
  if (!sourceVersion.enabled) return convergeDisabledSource(state, kind, sourceVersion.version);
  const prepared = await kind.prepareWrite(state);
  if (!('write' in prepared)) return prepared;
  return writeOrRecover(state, kind, prepared, convergeObject);
}
