import { randomBytes } from 'node:crypto';
import type {
  DeletedSecretInfo,
  SecretItem,
  SecretVersionInfo,
  SecretWithValue,
  SecretWrite,
} from '../model';
import type { SecretStore } from '../secret-store';
import { MemoryObjects, type MemoryStoreOptions } from './memory-objects';

interface StoredVersion extends SecretVersionInfo {
  readonly value: string;
}

export type MemorySecretStoreOptions = MemoryStoreOptions;

/** A version as the port shows it: its properties, without the value. */
const propertiesOf = ({ value: _value, ...properties }: StoredVersion): SecretVersionInfo =>
  properties;

/**
 * A real in-memory vault with Key Vault's semantics for the operations workers use: versions,
 * disabled secrets refusing reads, soft delete blocking the name until recovered or purged,
 * optionally asynchronous delete/recover/purge, Key Vault's limits on tags and values (the
 * mechanisms shared with the certificate store live in MemoryObjects). The store contract suite
 * (`@akv-replicator/keyvault/testing`) holds it to the Azure adapter's behaviour against the
 * emulator. Counts requests per operation, so tests can assert that a no-op reconcile only lists.
 */
export class MemorySecretStore extends MemoryObjects<StoredVersion> implements SecretStore {
  constructor(vaultName: string, options: MemorySecretStoreOptions = {}) {
    super(vaultName, 'Secret', options);
  }

  listSecrets(): AsyncIterable<SecretItem> {
    return this.requestListing(({ value: _value, version: _version, ...item }) => item);
  }

  async getSecret(name: string, version?: string): Promise<SecretWithValue> {
    this.request('get', name);
    return this.readable(name, version);
  }

  async *listSecretVersions(name: string): AsyncIterable<SecretVersionInfo> {
    this.request('listVersions', name);
    for (const version of this.live(name).versions) yield propertiesOf(version);
  }

  async getLatestProperties(name: string): Promise<SecretVersionInfo> {
    this.request('getProperties', name);
    return propertiesOf(this.versionOf(name));
  }

  async setSecret(name: string, value: string, write: SecretWrite): Promise<SecretVersionInfo> {
    this.request('set', name, { write, value, action: 'create' });
    const now = this.now();
    const version = this.addVersion(
      name,
      (storedName) => ({
        ...write,
        tags: { ...write.tags },
        name: storedName,
        version: randomBytes(16).toString('hex'),
        value,
        created: now,
        updated: now,
        managed: false,
      }),
      (first) => ({ versions: [first] }),
    );
    return propertiesOf(version);
  }

  async updateProperties(
    name: string,
    version: string,
    write: SecretWrite,
  ): Promise<SecretVersionInfo> {
    this.request('update', name, { write, action: 'write' });
    // Key Vault's PATCH keeps what it is not sent: the SDK leaves out an unset notBefore or
    // expires, so they cannot be cleared by an update (a new version can).
    const updated = this.updateVersion(name, version, (current) => ({
      ...current,
      enabled: write.enabled,
      notBefore: write.notBefore ?? current.notBefore,
      expires: write.expires ?? current.expires,
      contentType: write.contentType || undefined,
      tags: { ...write.tags },
      updated: this.now(),
    }));
    return propertiesOf(updated);
  }

  deleteSecret(name: string): Promise<void> {
    return this.requestDelete(name);
  }

  recoverDeletedSecret(name: string): Promise<void> {
    return this.requestRecover(name);
  }

  getDeletedSecret(name: string): Promise<DeletedSecretInfo | undefined> {
    return this.requestDeleted(name, (stored, deleted) => ({
      name: stored.versions[0]?.name ?? name,
      ...deleted,
    }));
  }
}
