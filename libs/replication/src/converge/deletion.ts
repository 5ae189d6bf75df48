import {
  convergeSuccess,
  convergeWarning,
  convergeWouldDo,
  type ConvergeResult,
} from '@akv-replicator/core';
import type { DeletedView, KindAdapter, ObjectTask, ObjectVersionView } from './kind-adapter';

/**
 * Deleted at the source (found by reconcile or an event): deletion policy `keep` leaves the
 * replica; `delete` soft-deletes it, and only when it is ours — a replica without our
 * provenance is never deleted. A dry run says what it would delete.
 */
export async function convergeDeletion<S, R extends ObjectVersionView, D extends DeletedView>(
  task: ObjectTask,
  kind: KindAdapter<S, R, D>,
  replicaName: string,
  replica: R | undefined,
  ours: boolean,
): Promise<ConvergeResult> {
  if (!replica)
    return convergeSuccess('unchanged', {
      reason: 'deleted at the source and absent at the replica',
    });
  if (task.deletionPolicy === 'keep')
    return convergeSuccess('unchanged', {
      reason: 'deleted at the source; deletion policy keep leaves the replica',
    });
  if (!ours)
    return convergeWarning(
      'skipped',
      `deleted at the source, but ${replicaName} in ${task.replica.name} has no provenance from ${task.source.name}: not deleted`,
      'ReplicaNotOwned',
    );
  if (task.dryRun)
    return convergeWouldDo(
      'deleted',
      `${replicaName} in ${task.replica.name} (soft delete; deleted at the source)`,
    );
  await kind.delete(replicaName);
  return convergeSuccess('deleted', {
    reason: 'deleted at the source; soft-deleted at the replica (recoverable)',
  });
}
