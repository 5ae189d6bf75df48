/** Content types of a certificate's backing secret. */
export const PKCS12_CONTENT_TYPE = 'application/x-pkcs12';
export const PEM_CONTENT_TYPE = 'application/x-pem-file';
export type CertificateContentType = typeof PKCS12_CONTENT_TYPE | typeof PEM_CONTENT_TYPE;

/** One lifetime action of a policy: Key Vault renews (AutoRenew) or mails contacts. */
export interface CertificateLifetimeAction {
  readonly action: 'AutoRenew' | 'EmailContacts';
  readonly lifetimePercentage?: number | undefined;
  readonly daysBeforeExpiry?: number | undefined;
}

/** Subject alternative names as Key Vault keeps them in a policy. */
export interface SubjectAlternativeNames {
  readonly dnsNames?: readonly string[] | undefined;
  readonly emails?: readonly string[] | undefined;
  readonly userPrincipalNames?: readonly string[] | undefined;
  readonly ipAddresses?: readonly string[] | undefined;
  readonly uniformResourceIdentifiers?: readonly string[] | undefined;
}

/** The parts of a certificate policy the workers read and write. */
export interface CertificatePolicyModel {
  readonly issuerName?: string | undefined;
  readonly subject?: string | undefined;
  readonly subjectAlternativeNames?: SubjectAlternativeNames | undefined;
  /** `RSA`, `RSA-HSM`, `EC`, `EC-HSM`. */
  readonly keyType?: string | undefined;
  readonly keySize?: number | undefined;
  /** `P-256`, `P-384`, `P-521`, `P-256K`. */
  readonly keyCurveName?: string | undefined;
  readonly exportable?: boolean | undefined;
  readonly reuseKey?: boolean | undefined;
  readonly contentType?: string | undefined;
  readonly validityInMonths?: number | undefined;
  readonly keyUsage?: readonly string[] | undefined;
  readonly enhancedKeyUsage?: readonly string[] | undefined;
  readonly lifetimeActions: readonly CertificateLifetimeAction[];
}

/** What a listing returns for one certificate (latest version): no key material, no version. */
export interface CertificateItem {
  readonly name: string;
  readonly enabled: boolean;
  /** Unix seconds, from the X.509 validity. */
  readonly notBefore?: number | undefined;
  readonly expires?: number | undefined;
  readonly created: number;
  readonly updated: number;
  readonly tags: Readonly<Record<string, string>>;
  /** SHA-1 thumbprint (`x5t`), base64url. */
  readonly x5t: string;
}

/** One version's properties. */
export interface CertificateVersionInfo extends CertificateItem {
  readonly version: string;
}

/** The latest version with its policy and public certificate (DER). */
export interface CertificateWithPolicy extends CertificateVersionInfo {
  readonly cer: Uint8Array;
  readonly policy: CertificatePolicyModel;
}

/**
 * A soft-deleted certificate as `getDeletedCertificate` shows it: the latest version with the
 * policy and tags it comes back with when recovered, plus when it was deleted and will be purged
 * (Unix seconds). Key Vault answers Get Deleted Certificate with the whole certificate bundle,
 * https://learn.microsoft.com/rest/api/keyvault/certificates/get-deleted-certificate/get-deleted-certificate
 */
export interface DeletedCertificateInfo extends CertificateWithPolicy {
  readonly deletedOn?: number | undefined;
  readonly scheduledPurge?: number | undefined;
}

/** The backing secret: the exportable key material, PFX (base64) or PEM text. */
export interface CertificateSecret {
  readonly version: string;
  readonly value: string;
  readonly contentType: string;
}

/**
 * What an import sends. No policy: the JS SDK 4.10.x drops the import policy, so callers set
 * it afterwards with `updatePolicy`.
 */
export interface CertificateImport {
  readonly value: string;
  readonly contentType: CertificateContentType;
  readonly password?: string | undefined;
  readonly enabled: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/** What a properties update sets (no new version). */
export interface CertificatePropertiesWrite {
  readonly enabled: boolean;
  readonly tags: Readonly<Record<string, string>>;
}
