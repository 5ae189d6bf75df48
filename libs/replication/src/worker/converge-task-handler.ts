import {
  CONVERGE_TASK_RETRY,
  KeyedLock,
  isReplicatorError,
  retryDelayMs,
  steppedBackoff,
  silentLogger,
  type ConvergeResult,
  type Envelope,
  type Logger,
  type MessageData,
} from '@akv-replicator/core';
import {
  ack,
  reject,
  retry,
  type HandlerContext,
  type HandlerResult,
  type Publisher,
} from '@akv-replicator/bus';
import type { VaultAddress } from '@akv-replicator/keyvault';
import { convergeObject } from '../converge/converge-object';
import type { ConvergePolicy } from '../converge/kind-adapter';
import type { ObjectKindSpec } from './object-kind-spec';
import { publishOutcome } from './publish-outcome';

/** The task messages a converging worker takes: one object in one replica. */
export type ConvergeTaskType = 'akv.secret.task.v1' | 'akv.certificate.task.v1';

export interface ConvergeTaskHandlerOptions<T extends ConvergeTaskType, Store> {
  /** `service` of the outcomes, e.g. `replicator`. */
  readonly service: string;
  /** CloudEvents `source` of the outcomes. */
  readonly source: string;
  /** The object kind this worker converges: its task type and its kind adapter. */
  readonly kind: ObjectKindSpec<T, Store>;
  /** The store of a vault (pacing and identity chosen by the caller). */
  readonly stores: (vault: VaultAddress) => Store;
  readonly policy: Omit<ConvergePolicy, 'now'>;
  readonly publisher: Publisher;
  /** Deliveries after which a retryable failure is final (the bus then dead-letters). */
  readonly maxDeliveries: number;
  /**
   * Delays before retrying a retryable failure, by delivery count (the last repeats); a test
   * knob. Default: CONVERGE_TASK_RETRY of @akv-replicator/core (1 s doubling to 30 s).
   */
  readonly retryDelaysMs?: readonly number[];
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** What a service's task handler takes beside its service name and object kind. */
export type ConvergeTaskHandlerDeps<Store> = Omit<
  ConvergeTaskHandlerOptions<ConvergeTaskType, Store>,
  'service' | 'source' | 'kind'
>;

/** A task handler as the bus runs it. */
export type ConvergeTaskHandler<T extends ConvergeTaskType> = (
  envelope: Envelope<T>,
  context: HandlerContext,
) => Promise<HandlerResult>;

/**
 * The worker skeleton the replicator and the certificate-converter share: converge one task
 * under a per-object lock (two tasks for one replica object never interleave in this process),
 * then publish its outcome. Retryable failures (throttling, an unreachable vault) are retried
 * with delay; on the last delivery they become a failure outcome and the message is
 * dead-lettered (DESIGN principle 9). Other failures are final: a failure outcome, then ack.
 */
export function createConvergeTaskHandler<T extends ConvergeTaskType, Store>(
  options: ConvergeTaskHandlerOptions<T, Store>,
): ConvergeTaskHandler<T> {
  const log = options.logger ?? silentLogger;
  const lock = new KeyedLock();
  const now = options.now ?? Date.now;
  const kind = options.kind.objectKind;
  const retryPolicy = options.retryDelaysMs
    ? steppedBackoff({ name: CONVERGE_TASK_RETRY.name, delaysMs: options.retryDelaysMs })
    : CONVERGE_TASK_RETRY;
  const reporter = { ...options, objectKind: kind };
  const converge = (task: MessageData<T>): Promise<ConvergeResult> => {
    const stores = { source: options.stores(task.source), replica: options.stores(task.replica) };
    return convergeObject(task, options.kind.adapter(stores), { ...options.policy, now });
  };
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
      result = await lock.run(key, () => converge(envelope.data));
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
        return retry(retryDelayMs(retryPolicy, context.deliveryCount), reason);
      }
      result = {
        status: 'failure',
        action: 'skipped',
        reason,
        code: isReplicatorError(error) ? error.code : 'Unexpected',
      };
      await publishOutcome(reporter, envelope, result, now() - started);
      log.error(`${kind} task failed`, { ...fields, reason });
      return retryable
        ? reject(`gave up after ${context.deliveryCount} deliveries: ${reason}`)
        : ack();
    }
    await publishOutcome(reporter, envelope, result, now() - started);
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
