import type { SecretStore } from '../secret-store';
import type { VaultPacer } from './vault-pacer';

/** Listings come in pages of this many items; each page is one transaction. */
export const LIST_PAGE_SIZE = 25;

/**
 * A listing whose page fetches go through the pacer: the inner iterator fetches a page when
 * its buffer runs dry, so each page-sized step is paced as one read.
 */
export async function* pacedListing<T>(
  pacer: VaultPacer,
  listing: AsyncIterable<T>,
): AsyncGenerator<T, void> {
  const iterator = listing[Symbol.asyncIterator]();
  for (let index = 0; ; index++) {
    const next =
      index % LIST_PAGE_SIZE === 0
        ? await pacer.run('read', () => iterator.next())
        : await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}

/** A SecretStore whose every request goes through the vault's pacer. */
export class PacedSecretStore implements SecretStore {
  constructor(
    private readonly inner: SecretStore,
    private readonly pacer: VaultPacer,
  ) {}

  get vaultName(): string {
    return this.inner.vaultName;
  }

  listSecrets() {
    return pacedListing(this.pacer, this.inner.listSecrets());
  }

  getSecret(name: string, version?: string) {
    return this.pacer.run('read', () => this.inner.getSecret(name, version));
  }
  listSecretVersions(name: string) {
    return pacedListing(this.pacer, this.inner.listSecretVersions(name));
  }
  getLatestProperties(name: string) {
    return this.pacer.run('read', () => this.inner.getLatestProperties(name));
  }
  setSecret(...args: Parameters<SecretStore['setSecret']>) {
    return this.pacer.run('create', () => this.inner.setSecret(...args));
  }
  updateProperties(...args: Parameters<SecretStore['updateProperties']>) {
    return this.pacer.run('write', () => this.inner.updateProperties(...args));
  }
  deleteSecret(name: string) {
    return this.pacer.run('write', () => this.inner.deleteSecret(name));
  }
  recoverDeletedSecret(name: string) {
    return this.pacer.run('write', () => this.inner.recoverDeletedSecret(name));
  }
  getDeletedSecret(name: string) {
    return this.pacer.run('read', () => this.inner.getDeletedSecret(name));
  }
}
