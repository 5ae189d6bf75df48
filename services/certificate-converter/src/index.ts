export { createCertificateConverterApp, DEFAULT_CERTIFICATE_CONCURRENCY } from './app';
export type { CertificateConverterDeps } from './app';
