import { randomUUID } from 'node:crypto';
import {
  TOPICS,
  createEnvelope,
  type ConvergeResult,
  type Envelope,
  type MessageData,
  type OutcomeData,
} from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import type { ReplicatedKind } from '../converge/kind-adapter';
import type { ConvergeTaskType } from './converge-task-handler';

/** Who reports an outcome: the service and its CloudEvents `source`. */
export interface OutcomeReporter {
  readonly service: string;
  readonly source: string;
  readonly objectKind: ReplicatedKind;
  readonly publisher: Publisher;
}

/**
 * Publishes what one task did (akv.outcome.v1) on the outcomes topic, carrying the task's trace
 * context so the notifier and the status board join the same trace.
 */
export async function publishOutcome<T extends ConvergeTaskType>(
  options: OutcomeReporter,
  envelope: Envelope<T>,
  result: ConvergeResult,
  durationMs: number,
): Promise<void> {
  const task = envelope.data as MessageData<ConvergeTaskType>;
  const data: OutcomeData = {
    outcomeId: randomUUID(),
    status: result.status,
    action: result.action,
    service: options.service,
    link: task.link,
    objectKind: options.objectKind,
    objectName: task.objectName,
    source: task.source,
    replica: task.replica,
    taskId: task.taskId,
    trigger: task.trigger,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.code ? { code: result.code } : {}),
    durationMs,
    ...(result.lagMs !== undefined ? { lagMs: result.lagMs } : {}),
    dryRun: task.dryRun,
    at: new Date().toISOString(),
  };
  await options.publisher.publish(
    TOPICS.outcomes,
    createEnvelope('akv.outcome.v1', data, {
      id: data.outcomeId,
      source: options.source,
      ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
    }),
  );
}
