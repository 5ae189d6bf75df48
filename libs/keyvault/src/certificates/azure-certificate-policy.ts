import type {
  CertificatePolicy,
  CertificatePolicyProperties,
  ImportCertificatePolicy,
  SubjectAlternativeNames as SdkSubjectAlternativeNames,
} from '@azure/keyvault-certificates';
import type { CertificatePolicyModel, SubjectAlternativeNames } from './certificate-model';

const listOf = (values: readonly string[] | undefined) =>
  values && values.length > 0 ? [...values] : undefined;

/** The SDK's public policy → our model (the SDK already flattened the wire shape). */
export function fromSdkPolicy(
  policy: CertificatePolicyProperties & Partial<CertificatePolicy>,
): CertificatePolicyModel {
  const names = policy.subjectAlternativeNames;
  const subjectAlternativeNames: SubjectAlternativeNames | undefined = names
    ? {
        dnsNames: listOf(names.dnsNames),
        emails: listOf(names.emails),
        userPrincipalNames: listOf(names.userPrincipalNames),
        ipAddresses: listOf(names.ipAddresses),
        uniformResourceIdentifiers: listOf(names.uniformResourceIdentifiers),
      }
    : undefined;
  return {
    issuerName: policy.issuerName,
    subject: policy.subject,
    subjectAlternativeNames,
    keyType: policy.keyType,
    keySize: policy.keySize,
    keyCurveName: policy.keyCurveName,
    exportable: policy.exportable,
    reuseKey: policy.reuseKey,
    contentType: policy.contentType,
    validityInMonths: policy.validityInMonths,
    keyUsage: policy.keyUsage,
    enhancedKeyUsage: policy.enhancedKeyUsage,
    lifetimeActions: (policy.lifetimeActions ?? []).flatMap((action) =>
      action.action
        ? [
            {
              action: action.action,
              lifetimePercentage: action.lifetimePercentage,
              daysBeforeExpiry: action.daysBeforeExpiry,
            },
          ]
        : [],
    ),
  };
}

/** Our model → the SDK's update shape. An empty action list is sent as such (clears them). */
export function toSdkPolicy(policy: CertificatePolicyModel): ImportCertificatePolicy {
  const names = policy.subjectAlternativeNames;
  const sdkNames: SdkSubjectAlternativeNames | undefined = names
    ? ({
        dnsNames: listOf(names.dnsNames),
        emails: listOf(names.emails),
        userPrincipalNames: listOf(names.userPrincipalNames),
        ipAddresses: listOf(names.ipAddresses),
        uniformResourceIdentifiers: listOf(names.uniformResourceIdentifiers),
      } as SdkSubjectAlternativeNames)
    : undefined;
  return {
    issuerName: policy.issuerName,
    subject: policy.subject,
    ...(sdkNames ? { subjectAlternativeNames: sdkNames } : {}),
    keyType: policy.keyType as CertificatePolicyProperties['keyType'],
    keySize: policy.keySize,
    keyCurveName: policy.keyCurveName as CertificatePolicyProperties['keyCurveName'],
    exportable: policy.exportable,
    reuseKey: policy.reuseKey,
    contentType: policy.contentType as CertificatePolicyProperties['contentType'],
    validityInMonths: policy.validityInMonths,
    keyUsage: policy.keyUsage ? ([...policy.keyUsage] as CertificatePolicy['keyUsage']) : undefined,
    enhancedKeyUsage: policy.enhancedKeyUsage ? [...policy.enhancedKeyUsage] : undefined,
    lifetimeActions: policy.lifetimeActions.map((action) => ({
      action: action.action,
      lifetimePercentage: action.lifetimePercentage,
      daysBeforeExpiry: action.daysBeforeExpiry,
    })),
  };
}
