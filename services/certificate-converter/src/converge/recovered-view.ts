import type {
  CertificateStore,
  CertificateWithPolicy,
  DeletedCertificateInfo,
} from '@akv-replicator/keyvault';

/** Thrown when a dry run's plan would write through the view: a defect, never a silent write. */
export class DryRunWriteError extends Error {
  override readonly name = 'DryRunWriteError';
}

/**
 * A read-only view of a replica vault in which one soft-deleted certificate appears as it would
 * be after a recover (Key Vault brings back the latest version with its tags and policy). A dry
 * run converges against it to say what the real run would do after recovering; every write
 * throws, so the plan can never touch the vault.
 */
export class RecoveredView implements CertificateStore {
  private readonly recovered: CertificateWithPolicy;

  constructor(
    private readonly inner: CertificateStore,
    private readonly name: string,
    deleted: DeletedCertificateInfo,
  ) {
    const { deletedOn: _d, scheduledPurge: _s, ...certificate } = deleted;
    this.recovered = certificate;
  }

  get vaultName(): string {
    return this.inner.vaultName;
  }

  listCertificates() {
    return this.inner.listCertificates();
  }
  async getCertificate(name: string) {
    return this.isRecovered(name) ? this.recovered : this.inner.getCertificate(name);
  }
  getCertificateSecret(name: string, version?: string) {
    return this.inner.getCertificateSecret(name, version);
  }
  async getPolicy(name: string) {
    return this.isRecovered(name) ? this.recovered.policy : this.inner.getPolicy(name);
  }
  async getDeletedCertificate(name: string) {
    return this.isRecovered(name) ? undefined : this.inner.getDeletedCertificate(name);
  }
  importCertificate(): never {
    return this.refuse('import');
  }
  updateProperties(): never {
    return this.refuse('updateProperties');
  }
  updatePolicy(): never {
    return this.refuse('updatePolicy');
  }
  deleteCertificate(): never {
    return this.refuse('delete');
  }
  recoverDeletedCertificate(): never {
    return this.refuse('recover');
  }

  private isRecovered(name: string): boolean {
    return name.toLowerCase() === this.name.toLowerCase();
  }

  private refuse(operation: string): never {
    throw new DryRunWriteError(
      `dry run: ${operation} of ${this.name} in ${this.inner.vaultName} refused (a dry run writes nothing)`,
    );
  }
}
