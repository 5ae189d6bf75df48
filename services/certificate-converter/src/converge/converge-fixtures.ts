// Test fixtures shared by the converge-certificate rule tests: one task shape, one default
// policy and one full source certificate policy, so a change to the task contract is made once.
import { certificateTaskDataSchema, type CertificateTaskData } from '@akv-replicator/core';
import { PEM_CONTENT_TYPE, type CertificatePolicyModel } from '@akv-replicator/keyvault';
import type { CertificateConvergePolicy } from './converge-certificate';

/** A certificate task from kv-src to kv-dst (northeurope) for `web-tls`, with `overrides`. */
export const certificateTask = (
  overrides: Partial<CertificateTaskData> = {},
): CertificateTaskData =>
  certificateTaskDataSchema.parse({
    taskId: 't',
    link: 'l',
    source: { name: 'kv-src' },
    objectName: 'web-tls',
    replica: { name: 'kv-dst', region: 'northeurope' },
    trigger: { kind: 'event', id: 'e' },
    ...overrides,
  });

/** The default policy (ownership guard on, recover soft-deleted replicas) on the test's clock. */
export const testPolicy = (now: () => number): CertificateConvergePolicy => ({
  overwriteUnowned: false,
  softDeletedAtReplica: 'recover',
  now,
});

/**
 * An EC (P-256) source policy with every field the replica policy copies set, for PEM material:
 * a test that changes one field at the replica knows every other field is compared too.
 */
export const fullEcPolicy = (
  over: Partial<CertificatePolicyModel> = {},
): CertificatePolicyModel => ({
  issuerName: 'Self',
  subject: 'CN=web.example.test',
  subjectAlternativeNames: { dnsNames: ['web.example.test', 'www.example.test'] },
  keyType: 'EC',
  keySize: 256,
  keyCurveName: 'P-256',
  exportable: true,
  reuseKey: false,
  contentType: PEM_CONTENT_TYPE,
  validityInMonths: 12,
  keyUsage: ['digitalSignature', 'keyAgreement'],
  enhancedKeyUsage: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
  lifetimeActions: [
    { action: 'AutoRenew', lifetimePercentage: 80 },
    { action: 'EmailContacts', daysBeforeExpiry: 30 },
  ],
  ...over,
});
