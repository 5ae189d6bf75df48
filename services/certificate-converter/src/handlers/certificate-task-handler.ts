import { randomUUID } from 'node:crypto';
import {
  KeyedLock,
  TOPICS,
  createEnvelope,
  isReplicatorError,
  silentLogger,
  type CertificateTaskData,
  type Envelope,
  type Logger,
  type OutcomeData,
} from '@akv-replicator/core';
import {
  ack,
  reject,
  retry,
  type HandlerContext,
  type HandlerResult,
  type Publisher,
} from '@akv-replicator/bus';
import type { CertificateStore, VaultAddress } from '@akv-replicator/keyvault';
import {
  convergeCertificate,
  type CertificateConvergePolicy,
} from '../converge/converge-certificate';
import type { CertificateConvergeResult } from '../converge/converge-result';

export const CERTIFICATE_CONVERTER_SOURCE = '/akv-replicator/certificate-converter';
export const CERTIFICATE_CONVERTER_SERVICE = 'certificate-converter';

export interface CertificateTaskHandlerDeps {
  readonly stores: (vault: VaultAddress) => CertificateStore;
  readonly publisher: Publisher;
  readonly policy: Omit<CertificateConvergePolicy, 'now'>;
  /** Deliveries after which a retryable failure is final (the bus then dead-letters). */
  readonly maxDeliveries: number;
  /** Delay before retrying a retryable failure, by delivery count (last repeats). */
  readonly retryDelaysMs: readonly number[];
  readonly now?: () => number;
  readonly logger?: Logger;
}

/**
 * Runs one certificate task: converge, then publish the outcome. Retryable failures
 * (throttling, an unreachable vault) are retried with delay; on the last delivery they become a
 * failure outcome and the message is dead-lettered (DESIGN principle 9). Warnings (a
 * non-exportable key, protected material) and other failures are final and acked.
 */
export function createCertificateTaskHandler(deps: CertificateTaskHandlerDeps) {
  const log = deps.logger ?? silentLogger;
  const lock = new KeyedLock();
  const now = deps.now ?? Date.now;
  return async (
    envelope: Envelope<'akv.certificate.task.v1'>,
    context: HandlerContext,
  ): Promise<HandlerResult> => {
    const task = envelope.data;
    const started = now();
    const key = `${task.replica.name}/${task.replicaObjectName ?? task.objectName}`.toLowerCase();
    const fields = {
      taskId: task.taskId,
      source: task.source.name,
      replica: task.replica.name,
      objectName: task.objectName,
    };
    let result: CertificateConvergeResult;
    try {
      result = await lock.run(key, () =>
        convergeCertificate(
          task,
          { source: deps.stores(task.source), replica: deps.stores(task.replica) },
          { ...deps.policy, now },
        ),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      const retryable = isReplicatorError(error) ? error.retryable : true;
      if (retryable && context.deliveryCount < deps.maxDeliveries) {
        log.warn('certificate task will be retried', {
          ...fields,
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
      await publishOutcome(deps.publisher, envelope, result, now() - started);
      log.error('certificate task failed', { ...fields, reason });
      return retryable
        ? reject(`gave up after ${context.deliveryCount} deliveries: ${reason}`)
        : ack();
    }
    await publishOutcome(deps.publisher, envelope, result, now() - started);
    const level = result.status === 'success' ? 'info' : 'warn';
    log[level]('certificate converged', {
      ...fields,
      region: task.replica.region,
      action: result.action,
      status: result.status,
      ...(result.code ? { code: result.code } : {}),
    });
    return ack();
  };
}

async function publishOutcome(
  publisher: Publisher,
  envelope: Envelope<'akv.certificate.task.v1'>,
  result: CertificateConvergeResult,
  durationMs: number,
): Promise<void> {
  const task: CertificateTaskData = envelope.data;
  const data: OutcomeData = {
    outcomeId: randomUUID(),
    status: result.status,
    action: result.action,
    service: CERTIFICATE_CONVERTER_SERVICE,
    link: task.link,
    objectKind: 'certificate',
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
      source: CERTIFICATE_CONVERTER_SOURCE,
      ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
    }),
  );
}
