import { VaultError } from '../errors';
import { MemoryLifecycle, type LifecycleAction } from './memory-lifecycle';
import { validateWrite } from './memory-validation';

export interface MemoryStoreOptions {
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

/** What every stored version has, whatever the object kind. */
export interface StoredVersionBase {
  readonly name: string;
  readonly version: string;
  readonly enabled: boolean;
}

/** One object: its versions, oldest first, and its soft delete. */
export interface StoredObject<Version> {
  versions: Version[];
  /** Unix seconds of the soft delete, while soft-deleted. */
  deletedOn?: number;
}

/**
 * Key Vault's default soft-delete retention: a deleted object is purged 90 days later
 * (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview).
 */
export const RETENTION_SECONDS = 90 * 86_400;

/**
 * What the memory stores of every object kind share: names compared case-insensitively,
 * versions, soft delete blocking the name until recovered or purged, the asynchronous
 * lifecycle (MemoryLifecycle), Key Vault's write limits, disabled versions refusing reads, and
 * request counting with fault injection. A store adds its kind's shapes and operations.
 */
export abstract class MemoryObjects<
  Version extends StoredVersionBase,
  Stored extends StoredObject<Version> = StoredObject<Version>,
> {
  readonly requests = new Map<string, number>();
  protected readonly objects = new Map<string, Stored>();
  protected readonly lifecycle: MemoryLifecycle;

  protected constructor(
    readonly vaultName: string,
    private readonly kind: 'Secret' | 'Certificate',
    private readonly memoryOptions: MemoryStoreOptions,
  ) {
    this.lifecycle = new MemoryLifecycle(
      memoryOptions.lifecycleDelayMs ?? 0,
      memoryOptions.nowMs ?? Date.now,
    );
  }

  /** Total requests of the given operations (all when none given). */
  requestCount(...operations: string[]): number {
    let total = 0;
    for (const [operation, count] of this.requests)
      if (operations.length === 0 || operations.includes(operation)) total += count;
    return total;
  }

  /**
   * Permanently removes a soft-deleted object (Key Vault's purge; not on the ports: workers
   * never purge). Not soft-deleted → `not-found`; still being deleted → `being-deleted`.
   */
  purge(name: string): void {
    this.lifecycle.assertSettled(this.vaultName, this.kind, name, 'purge');
    this.softDeleted(name);
    this.objects.delete(name.toLowerCase());
    this.lifecycle.start(name, 'purging');
  }

  /** Counts a request, then refuses what Key Vault refuses: over-limit writes, 409s mid-lifecycle. */
  protected request(
    operation: string,
    name?: string,
    check: {
      action?: LifecycleAction;
      write?: Parameters<typeof validateWrite>[2];
      value?: string;
    } = {},
  ): void {
    this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
    this.memoryOptions.beforeRequest?.(operation, name);
    if (name === undefined) return;
    if (check.write) validateWrite(this.vaultName, name, check.write, check.value);
    if (check.action) this.lifecycle.assertSettled(this.vaultName, this.kind, name, check.action);
  }

  protected now(): number {
    return this.memoryOptions.now?.() ?? Math.floor(Date.now() / 1000);
  }

  /** The port's listing: the latest version of every live object, by name, as `toItem` shows it. */
  protected async *requestListing<Item>(toItem: (latest: Version) => Item): AsyncGenerator<Item> {
    this.request('list');
    for (const [key, stored] of [...this.objects].sort(([a], [b]) => a.localeCompare(b))) {
      const latest = stored.versions.at(-1);
      if (!latest || stored.deletedOn !== undefined) continue;
      if (this.lifecycle.pending(key) === 'recovering') continue;
      yield toItem(latest);
    }
  }

  protected live(name: string): Stored {
    const stored = this.objects.get(name.toLowerCase());
    if (!stored || stored.deletedOn !== undefined || this.lifecycle.pending(name) === 'recovering')
      throw this.notFound(name);
    return stored;
  }

  /** A version (the latest when none named) of a live object. */
  protected versionOf(name: string, version?: string): Version {
    const versions = this.live(name).versions;
    const found =
      version === undefined ? versions.at(-1) : versions.find((v) => v.version === version);
    if (!found) throw this.notFound(name);
    return found;
  }

  /** A version whose value may be read: Key Vault refuses reads of a disabled one with 403. */
  protected readable(name: string, version?: string): Version {
    const found = this.versionOf(name, version);
    if (!found.enabled)
      throw new VaultError('disabled', 'Operation get is not allowed on a disabled secret.', {
        vault: this.vaultName,
        objectName: name,
        status: 403,
        serviceCode: 'Forbidden',
      });
    return found;
  }

  /** Adds a version; a soft-deleted name is blocked (409) until recovered or purged. */
  protected addVersion(
    name: string,
    build: (storedName: string) => Version,
    created: (first: Version) => Stored,
  ): Version {
    const key = name.toLowerCase();
    const existing = this.objects.get(key);
    if (existing?.deletedOn !== undefined)
      throw new VaultError(
        'deleted-recoverable',
        `${this.kind} ${name} is currently in a deleted but recoverable state.`,
        {
          vault: this.vaultName,
          objectName: name,
          status: 409,
          serviceCode: 'ObjectIsDeletedButRecoverable',
        },
      );
    // Key Vault keeps the name's first spelling.
    const version = build(existing?.versions[0]?.name ?? name);
    if (existing) existing.versions.push(version);
    else this.objects.set(key, created(version));
    return version;
  }

  /** Replaces one version of a live object with what `update` makes of it. */
  protected updateVersion(name: string, version: string, update: (current: Version) => Version) {
    const stored = this.live(name);
    const index = stored.versions.findIndex((v) => v.version === version);
    const current = stored.versions[index];
    if (!current) throw this.notFound(name);
    const updated = update(current);
    stored.versions[index] = updated;
    return updated;
  }

  /** Soft-deletes a live object; `finishesLater`: as Key Vault, after `lifecycleDelayMs`. */
  protected deleteObject(name: string, finishesLater = true): void {
    this.live(name).deletedOn = this.now();
    if (finishesLater) this.lifecycle.start(name, 'deleting');
  }

  /** The port's delete: the object and its versions are soft-deleted. */
  protected async requestDelete(name: string): Promise<void> {
    this.request('delete', name, { action: 'delete' });
    this.deleteObject(name);
  }

  /** The port's recover of a soft-deleted object. */
  protected async requestRecover(name: string): Promise<void> {
    this.request('recover', name, { action: 'recover' });
    const stored: Stored = this.softDeleted(name);
    delete stored.deletedOn;
    this.lifecycle.start(name, 'recovering');
  }

  /** The port's read of a soft-deleted object, as `view` shows it; undefined when none. */
  protected async requestDeleted<View>(
    name: string,
    view: (stored: Stored, deleted: { deletedOn: number; scheduledPurge: number }) => View,
  ): Promise<View | undefined> {
    this.request('getDeleted', name);
    const stored = this.findSoftDeleted(name);
    if (!stored) return undefined;
    const { deletedOn } = stored;
    return view(stored, { deletedOn, scheduledPurge: deletedOn + RETENTION_SECONDS });
  }

  /** The soft-deleted object, once its delete has finished (Key Vault shows it only then). */
  protected findSoftDeleted(name: string): (Stored & { deletedOn: number }) | undefined {
    const stored = this.objects.get(name.toLowerCase());
    if (stored?.deletedOn === undefined || this.lifecycle.pending(name) === 'deleting')
      return undefined;
    return stored as Stored & { deletedOn: number };
  }

  protected softDeleted(name: string): Stored & { deletedOn: number } {
    const stored = this.findSoftDeleted(name);
    if (!stored)
      throw new VaultError('not-found', `Deleted ${this.kind} not found: ${name}`, {
        vault: this.vaultName,
        objectName: name,
        status: 404,
        serviceCode: `${this.kind}NotFound`,
      });
    return stored;
  }

  protected notFound(name: string): VaultError {
    return new VaultError(
      'not-found',
      `A ${this.kind.toLowerCase()} with (name/id) ${name} was not found in this key vault.`,
      { vault: this.vaultName, objectName: name, status: 404, serviceCode: `${this.kind}NotFound` },
    );
  }
}
