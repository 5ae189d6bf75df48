import { randomUUID } from 'node:crypto';
import {
  KeyedLock,
  TOPICS,
  createEnvelope,
  isReplicatorError,
  silentLogger,
  type Envelope,
  type Logger,
  type OutcomeData,
  type SecretTaskData,
} from '@akv-replicator/core';
import {
  ack,
  reject,
  retry,
  type HandlerContext,
  type HandlerResult,
  type Publisher,
} from '@akv-replicator/bus';
import type { SecretStore, VaultAddress } from '@akv-replicator/keyvault';
import { convergeSecret, type ConvergePolicy } from '../converge/converge-secret';
import type { ConvergeResult } from '../converge/converge-result';

export const REPLICATOR_SOURCE = '/akv-replicator/replicator';

export interface SecretTaskHandlerDeps {
  readonly stores: (vault: VaultAddress) => SecretStore;
  readonly publisher: Publisher;
  readonly policy: Omit<ConvergePolicy, 'now'>;
  /** Deliveries after which a retryable failure is final (the bus then dead-letters). */
  readonly maxDeliveries: number;
  /** Delay before retrying a retryable failure, by delivery count (last repeats). */
  readonly retryDelaysMs: readonly number[];
  readonly now?: () => number;
  readonly logger?: Logger;
}

/**
 * Runs one secret task: converge, then publish the outcome. Retryable failures (throttling,
 * an unreachable vault) are retried with delay; on the last delivery they become a failure
 * outcome and the message is dead-lettered (DESIGN principle 9). Other failures are final.
 */
export function createSecretTaskHandler(deps: SecretTaskHandlerDeps) {
  const log = deps.logger ?? silentLogger;
  const lock = new KeyedLock();
  const now = deps.now ?? Date.now;
  return async (
    envelope: Envelope<'akv.secret.task.v1'>,
    context: HandlerContext,
  ): Promise<HandlerResult> => {
    const task = envelope.data;
    const started = now();
    const key = `${task.replica.name}/${task.replicaObjectName ?? task.objectName}`.toLowerCase();
    let result: ConvergeResult;
    try {
      result = await lock.run(key, () =>
        convergeSecret(
          task,
          { source: deps.stores(task.source), replica: deps.stores(task.replica) },
          { ...deps.policy, now },
        ),
      );
    } catch (error) {
      const reason = describeError(error);
      const retryable = isReplicatorError(error) ? error.retryable : true;
      if (retryable && context.deliveryCount < deps.maxDeliveries) {
        log.warn('secret task will be retried', {
          taskId: task.taskId,
          vault: task.replica.name,
          objectName: task.objectName,
          deliveryCount: context.deliveryCount,
          reason,
        });
        const delays = deps.retryDelaysMs;
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
      await publishOutcome(deps.publisher, envelope, task, result, now() - started);
      log.error('secret task failed', {
        taskId: task.taskId,
        source: task.source.name,
        replica: task.replica.name,
        objectName: task.objectName,
        reason,
      });
      return retryable
        ? reject(`gave up after ${context.deliveryCount} deliveries: ${reason}`)
        : ack();
    }
    await publishOutcome(deps.publisher, envelope, task, result, now() - started);
    log.info('secret converged', {
      taskId: task.taskId,
      source: task.source.name,
      replica: task.replica.name,
      region: task.replica.region,
      objectName: task.objectName,
      action: result.action,
      status: result.status,
    });
    return ack();
  };
}

async function publishOutcome(
  publisher: Publisher,
  envelope: Envelope<'akv.secret.task.v1'>,
  task: SecretTaskData,
  result: ConvergeResult,
  durationMs: number,
): Promise<void> {
  const data: OutcomeData = {
    outcomeId: randomUUID(),
    status: result.status,
    action: result.action,
    service: 'replicator',
    link: task.link,
    objectKind: 'secret',
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
  await publisher.publish(
    TOPICS.outcomes,
    createEnvelope('akv.outcome.v1', data, {
      id: data.outcomeId,
      source: REPLICATOR_SOURCE,
      ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
    }),
  );
}

/** Error messages name vault, object and reason; the SDK's never include secret values. */
function describeError(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
