export {
  createCertificateConverterApp,
  DEFAULT_CERTIFICATE_CONCURRENCY,
  DEFAULT_CERTIFICATE_RETRY_DELAYS_MS,
} from './app';
export type {
  CertificateConverterApp,
  CertificateConverterDeps,
  CertificateConverterOptions,
} from './app';
export { convergeCertificate } from './converge/converge-certificate';
export type {
  CertificateConvergePolicy,
  CertificateConvergeStores,
} from './converge/converge-certificate';
export type { CertificateConvergeResult, CertificateAction } from './converge/converge-result';
export { replicaPolicyOf, policyDifferences, REPLICA_ISSUER } from './converge/replica-policy';
export {
  createCertificateTaskHandler,
  CERTIFICATE_CONVERTER_SOURCE,
  CERTIFICATE_CONVERTER_SERVICE,
} from './handlers/certificate-task-handler';
export type { CertificateTaskHandlerDeps } from './handlers/certificate-task-handler';
