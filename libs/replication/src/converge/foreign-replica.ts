import {
  convergeSuccess,
  convergeWarning,
  readProvenance,
  type ConvergeResult,
} from '@akv-replicator/core';
import type { ConvergePolicy, ObjectTask, ObjectVersionView, ReplicatedKind } from './kind-adapter';

/** Two-way conflict rule: newest `updated` wins; on a tie the lexically smaller vault name. */
export function replicaWriteWins(
  replica: { updated: number; vault: string },
  source: { updated: number; vault: string },
): boolean {
  if (replica.updated !== source.updated) return replica.updated > source.updated;
  return replica.vault.toLowerCase() < source.vault.toLowerCase();
}

/**
 * A replica without our provenance. On a two-way link both vaults take writes: the source may
 * hold an echo of this very replica version, or the replica the newer write; either way it is
 * left alone. On a one-way link it is someone else's object (the ownership guard) unless
 * `overwriteUnowned` says to take it over. Undefined: converge it like our own.
 */
export function foreignReplica(
  task: ObjectTask,
  kind: ReplicatedKind,
  source: ObjectVersionView,
  replica: ObjectVersionView,
  policy: ConvergePolicy,
  replicaName: string,
): ConvergeResult | undefined {
  const sourceVersion = source.version;
  if (task.linkMode === 'two-way') {
    const echo = readProvenance(source.tags);
    if (
      echo?.sourceVault.toLowerCase() === task.replica.name.toLowerCase() &&
      echo.sourceVersion === replica.version
    )
      return convergeSuccess('unchanged', {
        reason: 'echo: the source holds this replica’s own write',
        sourceVersion,
      });
    if (
      replicaWriteWins(
        { updated: replica.updated, vault: task.replica.name },
        { updated: source.updated, vault: task.source.name },
      )
    )
      return convergeSuccess('unchanged', {
        reason: 'the replica holds a newer write; it replicates the other way',
        sourceVersion,
      });
    return undefined;
  }
  if (policy.overwriteUnowned) return undefined;
  return convergeWarning(
    'skipped',
    `replica ${kind} ${replicaName} in ${task.replica.name} has no provenance from ${task.source.name}; it is not overwritten (set replication.overwriteUnowned to take it over)`,
    'ReplicaNotOwned',
    { sourceVersion },
  );
}
