import { randomBytes } from 'node:crypto';
import { VaultError } from '../errors';
import type {
  DeletedSecretInfo,
  SecretItem,
  SecretVersionInfo,
  SecretWithValue,
  SecretWrite,
} from '../model';
import type { SecretStore } from '../secret-store';

interface StoredVersion extends SecretVersionInfo {
  readonly value: string;
}

interface StoredSecret {
  versions: StoredVersion[];
  deletedOn?: number;
}

export interface MemorySecretStoreOptions {
  /** Unix seconds; injectable so tests control `created`/`updated`. */
  now?: () => number;
  /** Called before every operation; throw a VaultError from it to inject faults. */
  beforeRequest?: (operation: string, name?: string) => void;
}

/**
 * A real in-memory vault with Key Vault's semantics for the operations workers use: versions,
 * disabled secrets refusing reads, soft delete blocking the name until recovered or purged.
 * Counts requests per operation, so tests can assert that a no-op reconcile only lists.
 */
export class MemorySecretStore implements SecretStore {
  readonly requests = new Map<string, number>();
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly now: () => number;

  constructor(
    readonly vaultName: string,
    private readonly options: MemorySecretStoreOptions = {},
  ) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Total requests of the given operations (all when none given). */
  requestCount(...operations: string[]): number {
    let total = 0;
    for (const [operation, count] of this.requests) {
      if (operations.length === 0 || operations.includes(operation)) total += count;
    }
    return total;
  }

  async *listSecrets(): AsyncIterable<SecretItem> {
    this.count('list');
    for (const [, secret] of [...this.secrets].sort(([a], [b]) => a.localeCompare(b))) {
      const latest = secret.versions.at(-1);
      if (!latest || secret.deletedOn !== undefined) continue;
      const { value: _value, version: _version, ...item } = latest;
      yield item;
    }
  }

  async getSecret(name: string, version?: string): Promise<SecretWithValue> {
    this.count('get', name);
    const latest =
      version === undefined
        ? this.latest(name)
        : this.live(name).versions.find((v) => v.version === version);
    if (!latest) throw this.notFound(name);
    if (!latest.enabled)
      throw new VaultError('disabled', 'Operation get is not allowed on a disabled secret.', {
        vault: this.vaultName,
        objectName: name,
        status: 403,
        serviceCode: 'Forbidden',
      });
    return latest;
  }

  async *listSecretVersions(name: string): AsyncIterable<SecretVersionInfo> {
    this.count('listVersions', name);
    for (const { value: _value, ...properties } of this.live(name).versions) yield properties;
  }

  async getLatestProperties(name: string): Promise<SecretVersionInfo> {
    this.count('getProperties', name);
    const { value: _value, ...properties } = this.latest(name);
    return properties;
  }

  async setSecret(name: string, value: string, write: SecretWrite): Promise<SecretVersionInfo> {
    this.count('set', name);
    const key = name.toLowerCase();
    const existing = this.secrets.get(key);
    if (existing?.deletedOn !== undefined) {
      throw new VaultError(
        'deleted-recoverable',
        `Secret ${name} is currently in a deleted but recoverable state.`,
        {
          vault: this.vaultName,
          objectName: name,
          status: 409,
          serviceCode: 'ObjectIsDeletedButRecoverable',
        },
      );
    }
    const now = this.now();
    const version: StoredVersion = {
      ...write,
      tags: { ...write.tags },
      name: existing?.versions[0]?.name ?? name,
      version: randomBytes(16).toString('hex'),
      value,
      created: now,
      updated: now,
      managed: false,
    };
    if (existing) existing.versions.push(version);
    else this.secrets.set(key, { versions: [version] });
    const { value: _value, ...properties } = version;
    return properties;
  }

  async updateProperties(
    name: string,
    version: string,
    write: SecretWrite,
  ): Promise<SecretVersionInfo> {
    this.count('update', name);
    const secret = this.live(name);
    const index = secret.versions.findIndex((v) => v.version === version);
    const current = secret.versions[index];
    if (!current) throw this.notFound(name);
    const updated: StoredVersion = {
      ...current,
      ...write,
      tags: { ...write.tags },
      updated: this.now(),
    };
    secret.versions[index] = updated;
    const { value: _value, ...properties } = updated;
    return properties;
  }

  async deleteSecret(name: string): Promise<void> {
    this.count('delete', name);
    this.live(name).deletedOn = this.now();
  }

  async recoverDeletedSecret(name: string): Promise<void> {
    this.count('recover', name);
    const secret = this.secrets.get(name.toLowerCase());
    if (secret?.deletedOn === undefined) throw this.notFound(name);
    delete secret.deletedOn;
  }

  async getDeletedSecret(name: string): Promise<DeletedSecretInfo | undefined> {
    this.count('getDeleted', name);
    const secret = this.secrets.get(name.toLowerCase());
    if (secret?.deletedOn === undefined) return undefined;
    return { name: secret.versions[0]?.name ?? name, deletedOn: secret.deletedOn };
  }

  /** Test helper: permanently removes a soft-deleted secret. */
  purge(name: string): void {
    this.secrets.delete(name.toLowerCase());
  }

  private latest(name: string): StoredVersion {
    const latest = this.live(name).versions.at(-1);
    if (!latest) throw this.notFound(name);
    return latest;
  }

  private live(name: string): StoredSecret {
    const secret = this.secrets.get(name.toLowerCase());
    if (!secret || secret.deletedOn !== undefined) throw this.notFound(name);
    return secret;
  }

  private notFound(name: string): VaultError {
    return new VaultError(
      'not-found',
      `A secret with (name/id) ${name} was not found in this key vault.`,
      { vault: this.vaultName, objectName: name, status: 404, serviceCode: 'SecretNotFound' },
    );
  }

  private count(operation: string, name?: string): void {
    this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
    this.options.beforeRequest?.(operation, name);
  }
}
