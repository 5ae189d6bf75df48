import { createHash } from 'node:crypto';

/** What makes two tasks "the same work": broker de-duplication drops the second. */
export interface TaskIdentity {
  readonly kind: 'secret' | 'certificate';
  readonly sourceVault: string;
  readonly objectName: string;
  readonly replicaVault: string;
  /**
   * Which state of the source the task converges to: the version from an event, the `updated`
   * time from a listing (`updated:1700000000`), or `deleted:<time>` for deletions.
   */
  readonly revision: string;
}

/**
 * A stable message id for a task. The same change seen twice (Event Grid retry, event and
 * reconcile together) yields the same id, so the broker's duplicate detection drops it; any
 * change of state yields a new id. Vault and object names are case-insensitive in Key Vault.
 */
export function taskIdempotencyKey(task: TaskIdentity): string {
  const canonical = [
    task.kind,
    task.sourceVault.toLowerCase(),
    task.objectName.toLowerCase(),
    task.replicaVault.toLowerCase(),
    task.revision,
  ].join('\n');
  return `task-${createHash('sha256').update(canonical).digest('hex').slice(0, 40)}`;
}
