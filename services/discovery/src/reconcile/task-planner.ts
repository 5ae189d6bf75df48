import {
  DEFAULT_HISTORY_MAX_VERSIONS,
  TOPICS,
  createEnvelope,
  taskIdempotencyKey,
  type SecretTaskData,
  type Trigger,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import type { DirectedLink } from '../topology/directed-link';
import type { Drift } from './diff-listings';

export const DISCOVERY_SOURCE = '/akv-replicator/discovery';

export interface PlannedTask {
  readonly link: DirectedLink;
  readonly objectKind: 'secret' | 'certificate';
  readonly objectName: string;
  readonly drift: Drift;
  /** Source state the task converges to (see taskIdempotencyKey). */
  readonly revision: string;
  readonly sourceVersion?: string;
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly traceparent?: string;
  /**
   * `replication.historyMaxVersions`: how many older versions a secret's first sync copies when
   * the link says `history: enabledVersions` (ignored otherwise, and for certificates).
   */
  readonly historyMaxVersions?: number;
}

/**
 * What makes a task "the same work" for the broker. An event's task is identified by what the
 * event announces (the version), so Event Grid's redeliveries de-duplicate. A reconcile or
 * resync run repairs what it finds *now* — also state an earlier run or an event already
 * converged once and that changed since without a new source revision (a replica deleted by
 * hand): its tasks are new work per run, de-duplicated only within the run (a redelivered
 * resync command re-publishes the same ids). Duplicates across runs are harmless: the worker
 * converges from current state (DESIGN principle 1).
 */
export function taskRevision(task: Pick<PlannedTask, 'revision' | 'trigger'>): string {
  return task.trigger.kind === 'event'
    ? task.revision
    : `${task.revision}\n${task.trigger.kind}:${task.trigger.id}`;
}

/**
 * Publishes one task, routed by the replica's region (DESIGN principle 6), with an id derived
 * from what it converges to and, for reconcile and resync runs, from the run (taskRevision),
 * so the broker drops the same work seen twice but never a later run's repair.
 * Returns false when the broker reported a duplicate.
 */
export async function publishTask(publisher: Publisher, task: PlannedTask): Promise<boolean> {
  const { link } = task;
  const id = taskIdempotencyKey({
    kind: task.objectKind,
    sourceVault: link.source.name,
    objectName: task.objectName,
    replicaVault: link.replica.name,
    revision: taskRevision(task),
  });
  const data = {
    taskId: id,
    link: link.name,
    source: {
      name: link.source.name,
      uri: link.source.uri,
      ...(link.source.region ? { region: link.source.region } : {}),
      ...(link.source.subscriptionId ? { subscriptionId: link.source.subscriptionId } : {}),
      tenant: link.source.tenant,
    },
    objectName: task.objectName,
    ...(task.sourceVersion ? { sourceVersion: task.sourceVersion } : {}),
    replica: {
      name: link.replica.name,
      uri: link.replica.uri,
      region: link.replica.region,
      ...(link.replica.subscriptionId ? { subscriptionId: link.replica.subscriptionId } : {}),
      tenant: link.replica.tenant,
      // The worker's pacer gives it the replica share only with this (issue #21).
      ...(link.replica.replicationOnly ? { replicationOnly: link.replica.replicationOnly } : {}),
    },
    trigger: task.trigger,
    drift: task.drift,
    linkMode: link.mode,
    // Same shape; the schema validates it again when the envelope is built.
    filters: link.filters as SecretTaskData['filters'],
    deletionPolicy: link.deletion.policy,
    historyVersions:
      task.objectKind === 'secret' && link.history === 'enabledVersions'
        ? (task.historyMaxVersions ?? DEFAULT_HISTORY_MAX_VERSIONS)
        : 0,
    dryRun: task.dryRun,
  };
  const options = {
    id,
    source: DISCOVERY_SOURCE,
    subject: `${link.replica.name}/${task.objectKind}s/${task.objectName}`,
    ...(task.traceparent ? { traceparent: task.traceparent } : {}),
  };
  const envelope =
    task.objectKind === 'secret'
      ? createEnvelope('akv.secret.task.v1', data, options)
      : createEnvelope('akv.certificate.task.v1', data, options);
  const topic = task.objectKind === 'secret' ? TOPICS.secretTasks : TOPICS.certificateTasks;
  const receipt = await publisher.publish(topic, envelope, { routingKey: link.replica.region });
  return !receipt.duplicate;
}
