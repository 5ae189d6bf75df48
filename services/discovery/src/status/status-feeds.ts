import {
  SUBSCRIPTIONS,
  TOPICS,
  type Envelope,
  type ObjectKind,
  type SecretTaskData,
} from '@akv-replicator/core';
import { ack, type Publisher, type Subscriber, type Subscription } from '@akv-replicator/bus';
import type { StatusBoard } from './status-board';

const TASK_TOPICS: Readonly<Record<string, ObjectKind>> = {
  [TOPICS.secretTasks]: 'secret',
  [TOPICS.certificateTasks]: 'certificate',
};

/**
 * The publisher discovery plans with, telling the board of each task the broker accepted (not
 * duplicates, not dry runs): the object is `pending` until the task's outcome arrives.
 * Publishing is unchanged; the board never throws into it.
 */
export function tapPlannedTasks(publisher: Publisher, board: StatusBoard): Publisher {
  return {
    async publish(topic, envelope, options) {
      const receipt = await publisher.publish(topic, envelope, options);
      const kind = TASK_TOPICS[topic];
      if (kind && !receipt.duplicate) {
        // Both task schemas share this shape (objectTaskShape).
        const task = envelope.data as SecretTaskData;
        if (!task.dryRun)
          board.taskPlanned({
            kind,
            objectName: task.objectName,
            link: task.link,
            sourceVault: task.source.name,
            replicaVault: task.replica.name,
            replicaRegion: task.replica.region,
            taskId: task.taskId,
            ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
          });
      }
      return receipt;
    },
  };
}

/**
 * The board's own subscription on `outcomes` (SUBSCRIPTIONS.discoveryStatus): every outcome is
 * acknowledged once noted; the board is memory only, so a lost outcome is corrected by the
 * next listing.
 */
export function followOutcomes(bus: Subscriber, board: StatusBoard): Promise<Subscription> {
  return bus.subscribe(
    TOPICS.outcomes,
    { subscription: SUBSCRIPTIONS.discoveryStatus },
    async (envelope, context) => {
      if (envelope.type === 'akv.outcome.v1')
        board.outcomeReceived(
          (envelope as Envelope<'akv.outcome.v1'>).data,
          envelope.traceparent ?? context.traceContext.traceparent,
        );
      return ack();
    },
  );
}
