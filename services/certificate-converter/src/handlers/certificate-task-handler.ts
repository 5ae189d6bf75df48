import type { CertificateStore } from '@akv-replicator/keyvault';
import {
  createConvergeTaskHandler,
  type ConvergeTaskHandlerDeps,
} from '@akv-replicator/replication';
import { CERTIFICATE_KIND } from '../converge/certificate-kind';

export const CERTIFICATE_CONVERTER_SOURCE = '/akv-replicator/certificate-converter';
export const CERTIFICATE_CONVERTER_SERVICE = 'certificate-converter';
export type CertificateTaskHandlerDeps = ConvergeTaskHandlerDeps<CertificateStore>;

/**
 * Runs one certificate task through the worker skeleton it shares with the replicator
 * (createConvergeTaskHandler with the certificate kind): converge under a per-object lock,
 * publish the outcome, retry what is retryable, dead-letter the rest. Warnings (a
 * non-exportable key, protected material) are final and acked.
 */
export function createCertificateTaskHandler(deps: CertificateTaskHandlerDeps) {
  return createConvergeTaskHandler({
    ...deps,
    service: CERTIFICATE_CONVERTER_SERVICE,
    source: CERTIFICATE_CONVERTER_SOURCE,
    kind: CERTIFICATE_KIND,
  });
}
