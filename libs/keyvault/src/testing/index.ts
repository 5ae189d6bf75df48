// Test kit of @akv-replicator/keyvault: the store contract suites and test certificates.
// Production code never imports this entry point (it imports node:test and runs openssl); the
// lint rule in eslint.config.js enforces that.
export { runSecretStoreContract } from './secret-store-contract';
export type {
  SecretStoreContractFactory,
  SecretStoreContractHarness,
} from './secret-store-contract';
export {
  eventually,
  whenSettled,
  failureKind,
  collect,
  CONTRACT_TIMEOUT_MS,
} from './contract-helpers';
export { runCertificateStoreContract } from './certificate-store-contract';
export type {
  CertificateStoreContractFactory,
  CertificateStoreContractHarness,
} from './certificate-store-contract';
export { createTestCertificate } from './test-certificates';
export type { TestCertificate, TestCertificateRequest } from './test-certificates';
