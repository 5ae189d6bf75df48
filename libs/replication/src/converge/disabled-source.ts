import {
  convergeSuccess,
  convergeWarning,
  convergeWouldDo,
  type ConvergeResult,
} from '@akv-replicator/core';
import type { ConvergeState, DeletedView, KindAdapter, ObjectVersionView } from './kind-adapter';

/** What a disabled source's version withholds: a secret's value, a certificate's key. */
const WITHHELD = { secret: 'value', certificate: 'key' } as const;

/**
 * A disabled source whose version the replica does not hold: the version's content is not
 * readable while it is disabled, so no replica is created and an existing one is only switched
 * off, keeping the provenance of the version it holds.
 */
export async function convergeDisabledSource<S, R extends ObjectVersionView, D extends DeletedView>(
  state: ConvergeState<S, R>,
  kind: KindAdapter<S, R, D>,
  sourceVersion: string,
): Promise<ConvergeResult> {
  const { task, replica, replicaName } = state;
  if (!replica)
    return convergeWarning(
      'skipped',
      `source ${kind.kind} ${task.objectName} in ${task.source.name} is disabled, so its ${WITHHELD[kind.kind]} cannot be read; no replica was created`,
      'SourceDisabled',
      { sourceVersion },
    );
  if (!replica.enabled)
    return convergeSuccess('unchanged', {
      reason: 'source and replica are both disabled',
      sourceVersion,
    });
  if (task.dryRun)
    return convergeWouldDo('disabled', `${replicaName} in ${task.replica.name}`, {
      sourceVersion,
    });
  await kind.disableReplica(state, replica);
  return convergeSuccess('disabled', {
    reason: `source ${kind.kind} is disabled`,
    sourceVersion,
  });
}
