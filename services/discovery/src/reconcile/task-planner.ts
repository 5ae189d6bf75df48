import {
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
}

/**
 * Publishes one task, routed by the replica's region (DESIGN principle 6), with an id derived
 * from what it converges to, so the broker drops the same work seen twice.
 * Returns false when the broker reported a duplicate.
 */
export async function publishTask(publisher: Publisher, task: PlannedTask): Promise<boolean> {
  const { link } = task;
  const id = taskIdempotencyKey({
    kind: task.objectKind,
    sourceVault: link.source.name,
    objectName: task.objectName,
    replicaVault: link.replica.name,
    revision: task.revision,
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
    },
    trigger: task.trigger,
    drift: task.drift,
    linkMode: link.mode,
    // Same shape; the schema validates it again when the envelope is built.
    filters: link.filters as SecretTaskData['filters'],
    deletionPolicy: link.deletion.policy,
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
