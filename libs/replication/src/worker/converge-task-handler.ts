import { randomUUID } from 'node:crypto';
import {
  KeyedLock,
  TOPICS,
  createEnvelope,
  isReplicatorError,
  silentLogger,
  type ConvergeResult,
  type Envelope,
  type Logger,
  type MessageData,
  type OutcomeData,
} from '@akv-replicator/core';
import {
  ack,
  reject,
  retry,
  type HandlerContext,
  type HandlerResult,
  type Publisher,
  type Subscriber,
  type Subscription,
} from '@akv-replicator/bus';

/** Delays before retrying a retryable task failure, by delivery (1 s doubling to 30 s). */
export const DEFAULT_TASK_RETRY_DELAYS_MS: readonly number[] = [
  1000, 2000, 4000, 8000, 16000, 30000,
];

/** What a service's task handler takes beside its stores and policy. */
export type ConvergeTaskHandlerDeps = Pick<
  ConvergeTaskHandlerOptions<ConvergeTaskType>,
  'publisher' | 'maxDeliveries' | 'retryDelaysMs' | 'now' | 'logger'
>;

/** The task messages a converging worker takes: one object in one replica. */
export type ConvergeTaskType = 'akv.secret.task.v1' | 'akv.certificate.task.v1';

export interface ConvergeTaskHandlerOptions<T extends ConvergeTaskType> {
  /** `service` of the outcomes, e.g. `replicator`. */
  readonly service: string;
  /** CloudEvents `source` of the outcomes. */
  readonly source: string;
  readonly objectKind: 'secret' | 'certificate';
  /** Makes the replica match the source; throws a ReplicatorError (retryable or not) on failure. */
  readonly converge: (task: MessageData<T>, now: () => number) => Promise<ConvergeResult>;
  readonly publisher: Publisher;
  /** Deliveries after which a retryable failure is final (the bus then dead-letters). */
  readonly maxDeliveries: number;
  /** Delay before retrying a retryable failure, by delivery count (last repeats). */
  readonly retryDelaysMs: readonly number[];
  readonly now?: () => number;
  readonly logger?: Logger;
}

/**
 * The worker skeleton the replicator and the certificate-converter share: converge one task
 * under a per-object lock (two tasks for one replica object never interleave in this process),
 * then publish its outcome. Retryable failures (throttling, an unreachable vault) are retried
 * with delay; on the last delivery they become a failure outcome and the message is
 * dead-lettered (DESIGN principle 9). Other failures are final: a failure outcome, then ack.
 */
export function createConvergeTaskHandler<T extends ConvergeTaskType>(
  options: ConvergeTaskHandlerOptions<T>,
): (envelope: Envelope<T>, context: HandlerContext) => Promise<HandlerResult> {
  const log = options.logger ?? silentLogger;
  const lock = new KeyedLock();
  const now = options.now ?? Date.now;
  const kind = options.objectKind;
  return async (envelope, context) => {
    const task = envelope.data as MessageData<ConvergeTaskType>;
    const started = now();
    const key = `${task.replica.name}/${task.replicaObjectName ?? task.objectName}`.toLowerCase();
    const fields = {
      taskId: task.taskId,
      source: task.source.name,
      replica: task.replica.name,
      objectName: task.objectName,
    };
    let result: ConvergeResult;
    try {
      result = await lock.run(key, () => options.converge(envelope.data, now));
    } catch (error) {
      // Error messages name vault, object and reason; the SDKs' never include values.
      const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      const retryable = isReplicatorError(error) ? error.retryable : true;
      if (retryable && context.deliveryCount < options.maxDeliveries) {
        log.warn(`${kind} task will be retried`, {
          ...fields,
          deliveryCount: context.deliveryCount,
          reason,
        });
        const delays = options.retryDelaysMs;
        return retry(
          delays[Math.min(context.deliveryCount - 1, delays.length - 1)] ?? 1000,
          reason,
        );
      }
      result = {
        status: 'failure',
        action: 'skipped',
        reason,
        code: isReplicatorError(error) ? error.code : 'Unexpected',
      };
      await publishOutcome(options, envelope, result, now() - started);
      log.error(`${kind} task failed`, { ...fields, reason });
      return retryable
        ? reject(`gave up after ${context.deliveryCount} deliveries: ${reason}`)
        : ack();
    }
    await publishOutcome(options, envelope, result, now() - started);
    // A dry run's log says what it would do, like its outcome (DESIGN principle 10).
    log[result.status === 'success' ? 'info' : 'warn'](
      task.dryRun ? `dry run: ${kind} planned, nothing written` : `${kind} converged`,
      {
        ...fields,
        region: task.replica.region,
        action: result.action,
        status: result.status,
        ...(result.code ? { code: result.code } : {}),
        ...(task.dryRun && result.reason ? { reason: result.reason } : {}),
      },
    );
    return ack();
  };
}

async function publishOutcome<T extends ConvergeTaskType>(
  options: ConvergeTaskHandlerOptions<T>,
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

export interface RegionalTaskSubscription<T extends ConvergeTaskType> {
  readonly topic: string;
  /** The one message type the topic carries; anything else is dead-lettered as unexpected. */
  readonly type: T;
  /** One subscription per region (DESIGN principle 6), routed by the region as routing key. */
  readonly regions: readonly string[];
  readonly subscriptionFor: (region: string) => string;
  readonly concurrency: number;
  readonly maxDeliveries: number;
}

/** Subscribes `handle` to the task lane of every region this worker pool serves. */
export async function subscribeRegionalTasks<T extends ConvergeTaskType>(
  bus: Subscriber,
  options: RegionalTaskSubscription<T>,
  handle: (envelope: Envelope<T>, context: HandlerContext) => Promise<HandlerResult>,
): Promise<Subscription[]> {
  const subscriptions: Subscription[] = [];
  for (const region of options.regions) {
    subscriptions.push(
      await bus.subscribe(
        options.topic,
        {
          subscription: options.subscriptionFor(region),
          routingKeys: [region],
          concurrency: options.concurrency,
          maxDeliveries: options.maxDeliveries,
        },
        async (envelope, context) =>
          envelope.type === options.type
            ? handle(envelope as Envelope<T>, context)
            : reject(`unexpected ${envelope.type} on ${options.topic}`),
      ),
    );
  }
  return subscriptions;
}
