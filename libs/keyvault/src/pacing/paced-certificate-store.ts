import type { CertificateStore } from '../certificates/certificate-store';
import { pacedStore, type PacingPlan } from './paced-store';
import type { VaultPacer } from './vault-pacer';

/** How each CertificateStore request counts against the vault's budget. */
export const CERTIFICATE_STORE_PACING: PacingPlan<CertificateStore> = {
  listCertificates: 'listing',
  getCertificate: 'read',
  getCertificateSecret: 'read',
  // An import writes a certificate, its key and its secret: count it as a create.
  importCertificate: 'create',
  updateProperties: 'write',
  getPolicy: 'read',
  updatePolicy: 'write',
  deleteCertificate: 'write',
  recoverDeletedCertificate: 'write',
  getDeletedCertificate: 'read',
};

/** A CertificateStore whose every request goes through the vault's pacer. */
export const pacedCertificateStore = (
  inner: CertificateStore,
  pacer: VaultPacer,
): CertificateStore => pacedStore(inner, pacer, CERTIFICATE_STORE_PACING);
