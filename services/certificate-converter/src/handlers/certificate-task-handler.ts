import type { Logger } from '@akv-replicator/core';
import { createConvergeTaskHandler, type Publisher } from '@akv-replicator/bus';
import type { CertificateStore, VaultAddress } from '@akv-replicator/keyvault';
import {
  convergeCertificate,
  type CertificateConvergePolicy,
} from '../converge/converge-certificate';

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
 * Runs one certificate task through the worker skeleton it shares with the replicator
 * (createConvergeTaskHandler): converge under a per-object lock, publish the outcome, retry what
 * is retryable, dead-letter the rest. Warnings (a non-exportable key, protected material) are
 * final and acked.
 */
export function createCertificateTaskHandler(deps: CertificateTaskHandlerDeps) {
  return createConvergeTaskHandler<'akv.certificate.task.v1'>({
    service: CERTIFICATE_CONVERTER_SERVICE,
    source: CERTIFICATE_CONVERTER_SOURCE,
    objectKind: 'certificate',
    converge: (task, now) =>
      convergeCertificate(
        task,
        { source: deps.stores(task.source), replica: deps.stores(task.replica) },
        { ...deps.policy, now },
      ),
    publisher: deps.publisher,
    maxDeliveries: deps.maxDeliveries,
    retryDelaysMs: deps.retryDelaysMs,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
}
