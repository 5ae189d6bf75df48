import { pacedListing } from '../pacing/paced-secret-store';
import type { VaultPacer } from '../pacing/vault-pacer';
import type { CertificateStore } from './certificate-store';

/** A CertificateStore whose every request goes through the vault's pacer. */
export class PacedCertificateStore implements CertificateStore {
  constructor(
    private readonly inner: CertificateStore,
    private readonly pacer: VaultPacer,
  ) {}

  get vaultName(): string {
    return this.inner.vaultName;
  }

  listCertificates() {
    return pacedListing(this.pacer, this.inner.listCertificates());
  }

  getCertificate(name: string) {
    return this.pacer.run('read', () => this.inner.getCertificate(name));
  }
  getCertificateSecret(name: string, version?: string) {
    return this.pacer.run('read', () => this.inner.getCertificateSecret(name, version));
  }
  importCertificate(...args: Parameters<CertificateStore['importCertificate']>) {
    // An import writes a certificate, its key and its secret: count it as a create.
    return this.pacer.run('create', () => this.inner.importCertificate(...args));
  }
  updateProperties(...args: Parameters<CertificateStore['updateProperties']>) {
    return this.pacer.run('write', () => this.inner.updateProperties(...args));
  }
  getPolicy(name: string) {
    return this.pacer.run('read', () => this.inner.getPolicy(name));
  }
  updatePolicy(...args: Parameters<CertificateStore['updatePolicy']>) {
    return this.pacer.run('write', () => this.inner.updatePolicy(...args));
  }
  deleteCertificate(name: string) {
    return this.pacer.run('write', () => this.inner.deleteCertificate(name));
  }
  recoverDeletedCertificate(name: string) {
    return this.pacer.run('write', () => this.inner.recoverDeletedCertificate(name));
  }
  getDeletedCertificate(name: string) {
    return this.pacer.run('read', () => this.inner.getDeletedCertificate(name));
  }
}
