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
import { MemoryLifecycle } from './memory-lifecycle';
import { validateWrite } from './memory-validation';

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
  /**
   * How long a delete, recover or purge takes to finish (Key Vault does them in the
   * background, answering 409 meanwhile); default 0: instant.
   */
  lifecycleDelayMs?: number;
  /** Milliseconds clock for `lifecycleDelayMs`; default `Date.now`. */
  nowMs?: () => number;
}

/** Key Vault's default soft-delete retention: a deleted secret is purged 90 days later. */
const RETENTION_SECONDS = 90 * 86_400;

/**
 * A real in-memory vault with Key Vault's semantics for the operations workers use: versions,
 * disabled secrets refusing reads, soft delete blocking the name until recovered or purged,
 * optionally asynchronous delete/recover/purge, Key Vault's limits on tags and values. The
 * store contract suite (`@akv-replicator/keyvault/testing`) holds it to the Azure adapter's
 * behaviour against the emulator. Counts requests per operation, so tests can assert that a
 * no-op reconcile only lists.
 */
export class MemorySecretStore implements SecretStore {
  readonly requests = new Map<string, number>();
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly now: () => number;
  private readonly lifecycle: MemoryLifecycle;

  constructor(
    readonly vaultName: string,
    private readonly options: MemorySecretStoreOptions = {},
  ) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.lifecycle = new MemoryLifecycle(options.lifecycleDelayMs ?? 0, options.nowMs ?? Date.now);
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
    for (const [key, secret] of [...this.secrets].sort(([a], [b]) => a.localeCompare(b))) {
      const latest = secret.versions.at(-1);
      if (!latest || secret.deletedOn !== undefined) continue;
      if (this.lifecycle.pending(key) === 'recovering') continue;
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
    validateWrite(this.vaultName, name, write, value);
    this.lifecycle.assertSettled(this.vaultName, 'Secret', name, 'create');
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
    validateWrite(this.vaultName, name, write);
    this.lifecycle.assertSettled(this.vaultName, 'Secret', name, 'write');
    const secret = this.live(name);
    const index = secret.versions.findIndex((v) => v.version === version);
    const current = secret.versions[index];
    if (!current) throw this.notFound(name);
    // Key Vault's PATCH keeps what it is not sent: the SDK leaves out an unset notBefore or
    // expires, so they cannot be cleared by an update (a new version can).
    const updated: StoredVersion = {
      ...current,
      enabled: write.enabled,
      notBefore: write.notBefore ?? current.notBefore,
      expires: write.expires ?? current.expires,
      contentType: write.contentType || undefined,
      tags: { ...write.tags },
      updated: this.now(),
    };
    secret.versions[index] = updated;
    const { value: _value, ...properties } = updated;
    return properties;
  }

  async deleteSecret(name: string): Promise<void> {
    this.count('delete', name);
    this.lifecycle.assertSettled(this.vaultName, 'Secret', name, 'delete');
    this.live(name).deletedOn = this.now();
    this.lifecycle.start(name, 'deleting');
  }

  async recoverDeletedSecret(name: string): Promise<void> {
    this.count('recover', name);
    this.lifecycle.assertSettled(this.vaultName, 'Secret', name, 'recover');
    const secret = this.deleted(name);
    delete secret.deletedOn;
    this.lifecycle.start(name, 'recovering');
  }

  async getDeletedSecret(name: string): Promise<DeletedSecretInfo | undefined> {
    this.count('getDeleted', name);
    const secret = this.secrets.get(name.toLowerCase());
    if (secret?.deletedOn === undefined || this.lifecycle.pending(name) === 'deleting')
      return undefined;
    return {
      name: secret.versions[0]?.name ?? name,
      deletedOn: secret.deletedOn,
      scheduledPurge: secret.deletedOn + RETENTION_SECONDS,
    };
  }

  /**
   * Permanently removes a soft-deleted secret (Key Vault's purge; not on the port: workers never
   * purge). Not soft-deleted → `not-found`; still being deleted → `being-deleted`.
   */
  purge(name: string): void {
    this.lifecycle.assertSettled(this.vaultName, 'Secret', name, 'purge');
    this.deleted(name);
    this.secrets.delete(name.toLowerCase());
    this.lifecycle.start(name, 'purging');
  }

  private deleted(name: string): StoredSecret {
    const secret = this.secrets.get(name.toLowerCase());
    if (secret?.deletedOn === undefined || this.lifecycle.pending(name) === 'deleting')
      throw new VaultError('not-found', `Deleted Secret not found: ${name}`, {
        vault: this.vaultName,
        objectName: name,
        status: 404,
        serviceCode: 'SecretNotFound',
      });
    return secret;
  }

  private latest(name: string): StoredVersion {
    const latest = this.live(name).versions.at(-1);
    if (!latest) throw this.notFound(name);
    return latest;
  }

  private live(name: string): StoredSecret {
    const secret = this.secrets.get(name.toLowerCase());
    if (!secret || secret.deletedOn !== undefined || this.lifecycle.pending(name) === 'recovering')
      throw this.notFound(name);
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
