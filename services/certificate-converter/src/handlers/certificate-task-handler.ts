import {
  createConvergeTaskHandler,
  type ConvergeTaskHandlerDeps,
} from '@akv-replicator/replication';
import type { CertificateStore, VaultAddress } from '@akv-replicator/keyvault';
import {
  convergeCertificate,
  type CertificateConvergePolicy,
} from '../converge/converge-certificate';

export const CERTIFICATE_CONVERTER_SOURCE = '/akv-replicator/certificate-converter';
export const CERTIFICATE_CONVERTER_SERVICE = 'certificate-converter';

export interface CertificateTaskHandlerDeps extends ConvergeTaskHandlerDeps {
  readonly stores: (vault: VaultAddress) => CertificateStore;
  readonly policy: Omit<CertificateConvergePolicy, 'now'>;
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
