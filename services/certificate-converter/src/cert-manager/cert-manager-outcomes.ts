import { randomUUID } from 'node:crypto';
import { TOPICS, createEnvelope, type Logger, type OutcomeData } from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';
import {
  CERTIFICATE_CONVERTER_SERVICE,
  CERTIFICATE_CONVERTER_SOURCE,
} from '../handlers/certificate-task-handler';
import type { CertManagerResult } from './cert-manager-push';

/**
 * Publishes each cert-manager push decision as an outcome, like every task's: the notifier
 * reports imports, skips and failed attempts, and the task metrics count them. The target vault
 * is named as the outcome's source: the imported certificate is then replicated from there.
 * A bus that refuses the outcome costs the report, never the import.
 */
export function certManagerOutcomePublisher(
  publisher: Publisher,
  vault: string,
  log: Logger,
): (secret: string, result: CertManagerResult) => void {
  return (secret, result) => {
    const data: OutcomeData = {
      outcomeId: randomUUID(),
      status: result.status,
      action: result.action,
      service: CERTIFICATE_CONVERTER_SERVICE,
      objectKind: 'certificate',
      ...(result.certificateName ? { objectName: result.certificateName } : {}),
      source: { name: vault },
      reason: `from Kubernetes Secret ${secret}${result.reason ? `: ${result.reason}` : ''}`,
      ...(result.code ? { code: result.code } : {}),
      dryRun: result.dryRun === true,
      at: new Date().toISOString(),
    };
    publisher
      .publish(
        TOPICS.outcomes,
        createEnvelope('akv.outcome.v1', data, {
          id: data.outcomeId,
          source: CERTIFICATE_CONVERTER_SOURCE,
        }),
      )
      .catch((error: unknown) =>
        log.warn('cert-manager outcome not published', {
          secret,
          reason: (error as Error).message,
        }),
      );
  };
}
