import type { CertificatePolicyModel } from '@akv-replicator/keyvault';

/**
 * Issuer of every replica: "Unknown" tells Key Vault the certificate is issued elsewhere, so
 * the replica never asks a CA (or itself, for Self) for a certificate of its own.
 */
export const REPLICA_ISSUER = 'Unknown';

/**
 * The policy a replica should carry: the source policy's meaningful parts (subject, SANs, key
 * type/size/curve, exportability, content type, validity, usages) with issuer Unknown and
 * only EmailContacts lifetime actions — never AutoRenew (DESIGN: replicas must not renew).
 */
export function replicaPolicyOf(source: CertificatePolicyModel): CertificatePolicyModel {
  return {
    issuerName: REPLICA_ISSUER,
    subject: source.subject,
    subjectAlternativeNames: source.subjectAlternativeNames,
    keyType: source.keyType,
    keySize: source.keySize,
    keyCurveName: source.keyCurveName,
    exportable: source.exportable,
    reuseKey: source.reuseKey,
    contentType: source.contentType,
    validityInMonths: source.validityInMonths,
    keyUsage: source.keyUsage,
    enhancedKeyUsage: source.enhancedKeyUsage,
    lifetimeActions: source.lifetimeActions.filter((action) => action.action === 'EmailContacts'),
  };
}

type PolicyField = Exclude<keyof CertificatePolicyModel, 'subjectAlternativeNames'>;
const SCALAR_FIELDS: readonly PolicyField[] = [
  'issuerName',
  'subject',
  'keyType',
  'keySize',
  'keyCurveName',
  'exportable',
  'reuseKey',
  'contentType',
  'validityInMonths',
  'keyUsage',
  'enhancedKeyUsage',
];

const canonical = (value: unknown) =>
  JSON.stringify(Array.isArray(value) ? [...(value as unknown[])].map(String).sort() : value);

/**
 * The fields where the replica's policy differs from the desired one. Fields the desired policy
 * leaves unset are the vault's to default and are not compared (else every check would
 * rewrite them); lifetime actions are always compared, an empty list meaning none.
 */
export function policyDifferences(
  replica: CertificatePolicyModel,
  desired: CertificatePolicyModel,
): string[] {
  const differences: string[] = [];
  for (const field of SCALAR_FIELDS) {
    const want = desired[field];
    if (want === undefined) continue;
    if (canonical(want) !== canonical(replica[field])) differences.push(field);
  }
  const wantNames = desired.subjectAlternativeNames ?? {};
  const haveNames = replica.subjectAlternativeNames ?? {};
  for (const [kind, names] of Object.entries(wantNames)) {
    if (names === undefined) continue;
    if (canonical(names) !== canonical(haveNames[kind as keyof typeof haveNames] ?? []))
      differences.push(`subjectAlternativeNames.${kind}`);
  }
  const actions = (policy: CertificatePolicyModel) =>
    JSON.stringify(
      policy.lifetimeActions.map((a) => [
        a.action,
        a.lifetimePercentage ?? null,
        a.daysBeforeExpiry ?? null,
      ]),
    );
  if (actions(replica) !== actions(desired)) differences.push('lifetimeActions');
  return differences;
}
