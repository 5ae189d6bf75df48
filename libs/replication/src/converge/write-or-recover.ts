import { convergeFailure, convergeWouldDo, type ConvergeResult } from '@akv-replicator/core';
import { isVaultError } from '@akv-replicator/keyvault';
import type {
  ConvergePolicy,
  ConvergeState,
  DeletedView,
  KindAdapter,
  ObjectTask,
  ObjectVersionView,
  PreparedWrite,
} from './kind-adapter';

type Converge = <S, R extends ObjectVersionView, D extends DeletedView>(
  task: ObjectTask,
  kind: KindAdapter<S, R, D>,
  policy: ConvergePolicy,
) => Promise<ConvergeResult>;

/**
 * Writes the source's version into the replica. A name soft-deleted at the replica is
 * recovered first (or refused, with `softDeletedAtReplica: fail`); the recovered object may be
 * foreign or stale, so converge runs again from its real state. A dry run plans the same from
 * reads only.
 */
export async function writeOrRecover<S, R extends ObjectVersionView, D extends DeletedView>(
  state: ConvergeState<S, R>,
  kind: KindAdapter<S, R, D>,
  prepared: PreparedWrite,
  again: Converge,
): Promise<ConvergeResult> {
  const { task, policy, replicaName } = state;
  if (task.dryRun) return planWrite(state, kind, prepared, again);
  try {
    return await prepared.write();
  } catch (error) {
    if (!isVaultError(error, 'deleted-recoverable')) throw error;
    if (policy.softDeletedAtReplica === 'fail') return softDeletedRefusal(task, replicaName);
    await kind.recover(replicaName);
    return recovered(await again(task, kind, { ...policy, softDeletedAtReplica: 'fail' }));
  }
}

/**
 * Dry run: what the write would do. A soft-deleted name would be recovered and converged
 * again: where the kind can show the deleted object as a recover brings it back, the plan
 * converges against that view and says `would-recover` when it is current,
 * `would-recover-and-update` otherwise, or the refusal the real run gives after recovering.
 */
async function planWrite<S, R extends ObjectVersionView, D extends DeletedView>(
  state: ConvergeState<S, R>,
  kind: KindAdapter<S, R, D>,
  prepared: PreparedWrite,
  again: Converge,
): Promise<ConvergeResult> {
  const { task, policy, replicaName } = state;
  const ids = { sourceVersion: state.target.sourceVersion };
  const what = `${replicaName} in ${task.replica.name}${prepared.detail ?? ''}`;
  if (state.replica) return convergeWouldDo('updated', what, ids);
  const deleted = await kind.findDeleted(replicaName);
  if (!deleted) return convergeWouldDo('created', what, ids);
  if (policy.softDeletedAtReplica === 'fail') return softDeletedRefusal(task, replicaName);
  const soft = `${what}: the name is soft-deleted there`;
  if (!kind.recoveredView) return convergeWouldDo('recovered-and-updated', soft, ids);
  const after = await again(task, kind.recoveredView(replicaName, deleted), {
    ...policy,
    softDeletedAtReplica: 'fail',
  });
  if (after.status !== 'success')
    // The real run recovers first and then reports this (e.g. the recovered one is not ours).
    return {
      ...after,
      reason: `dry run: would recover ${soft}, then: ${after.reason ?? after.action}`,
    };
  if (after.action === 'unchanged')
    return convergeWouldDo('recovered', `${soft} and holds the current version`, {
      ...ids,
      ...(deleted.version ? { replicaVersion: deleted.version } : {}),
    });
  const then = (after.reason ?? after.action).replace(/^dry run: /, '');
  return convergeWouldDo('recovered-and-updated', `${soft}; then ${then}`, ids);
}

export function softDeletedRefusal(task: ObjectTask, replicaName: string): ConvergeResult {
  return convergeFailure(
    'skipped',
    `${replicaName} is soft-deleted in ${task.replica.name}; recover or purge it there, or set replication.softDeletedAtReplica: recover`,
    'ReplicaSoftDeleted',
  );
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
