import type {
  CertificateImport,
  CertificateItem,
  CertificatePolicyModel,
  CertificatePropertiesWrite,
  CertificateSecret,
  CertificateVersionInfo,
  DeletedCertificateInfo,
  CertificateWithPolicy,
} from './certificate-model';

/**
 * The Key Vault certificate operations the certificate-converter needs, for one vault.
 * Implementations translate service failures into VaultError (`not-found`, `disabled`,
 * `deleted-recoverable`, `throttled`, …) as the SecretStore does.
 */
export interface CertificateStore {
  readonly vaultName: string;
  /** Pages through the vault's certificates (latest versions, no key material). */
  listCertificates(): AsyncIterable<CertificateItem>;
  /** The latest version with its policy, also for a disabled certificate. */
  getCertificate(name: string): Promise<CertificateWithPolicy>;
  /**
   * The backing secret of one version (the latest when omitted). A disabled certificate's
   * secret → VaultError `disabled`.
   */
  getCertificateSecret(name: string, version?: string): Promise<CertificateSecret>;
  /** Imports a new version. A soft-deleted name → VaultError `deleted-recoverable`. */
  importCertificate(name: string, input: CertificateImport): Promise<CertificateVersionInfo>;
  /** Updates one version's enabled state and tags (no new version). */
  updateProperties(
    name: string,
    version: string,
    write: CertificatePropertiesWrite,
  ): Promise<CertificateVersionInfo>;
  getPolicy(name: string): Promise<CertificatePolicyModel>;
  /** Replaces the policy (read it back with `getPolicy`). */
  updatePolicy(name: string, policy: CertificatePolicyModel): Promise<void>;
  /** Soft-deletes the certificate with its key and secret (recoverable). */
  deleteCertificate(name: string): Promise<void>;
  /** Undoes a soft delete (certificate, key and secret) and resolves once it is readable. */
  recoverDeletedCertificate(name: string): Promise<void>;
  /**
   * The soft-deleted certificate (read only), or undefined when the name is not soft-deleted
   * (also while its delete is still running): a dry run tells a recover from a create with it.
   */
  getDeletedCertificate(name: string): Promise<DeletedCertificateInfo | undefined>;
}
