import type {
  DeletedObject,
  ObjectFamilyStore,
  VaultStore,
  VersionedRecord,
  SecretRecord,
  CertificateRecord,
  KeyRecord,
} from './vault-store';

/** Key Vault names are case-insensitive. */
const keyOf = (name: string): string => name.toLowerCase();

/** In-memory object family: the real implementation the embedded emulator runs on. */
export class InMemoryObjectFamily<T extends VersionedRecord> implements ObjectFamilyStore<T> {
  readonly #live = new Map<string, T[]>();
  readonly #deleted = new Map<string, DeletedObject<T>>();

  /** Transitions finish at once here; see AsyncLifecycleFamily for the service's delays. */
  pending(): undefined {
    return undefined;
  }

  versions(name: string): readonly T[] | undefined {
    return this.#live.get(keyOf(name));
  }

  names(): readonly string[] {
    return [...this.#live.values()].map((versions) => versions[0]!.name);
  }

  addVersion(record: T): void {
    const key = keyOf(record.name);
    const versions = this.#live.get(key);
    if (versions) versions.push(record);
    else this.#live.set(key, [record]);
  }

  replaceVersion(record: T): void {
    const versions = this.#live.get(keyOf(record.name));
    const index = versions?.findIndex((v) => v.version === record.version) ?? -1;
    if (!versions || index < 0) throw new Error(`no version ${record.version} of ${record.name}`);
    versions[index] = record;
  }

  softDelete(
    name: string,
    deletedMs: number,
    scheduledPurgeMs: number,
  ): DeletedObject<T> | undefined {
    const key = keyOf(name);
    const versions = this.#live.get(key);
    if (!versions) return undefined;
    this.#live.delete(key);
    const deleted: DeletedObject<T> = {
      name: versions[0]!.name,
      versions,
      deletedMs,
      scheduledPurgeMs,
    };
    this.#deleted.set(key, deleted);
    return deleted;
  }

  deleted(name: string): DeletedObject<T> | undefined {
    return this.#deleted.get(keyOf(name));
  }

  deletedNames(): readonly string[] {
    return [...this.#deleted.values()].map((d) => d.name);
  }

  recover(name: string): boolean {
    const key = keyOf(name);
    const deleted = this.#deleted.get(key);
    if (!deleted) return false;
    this.#deleted.delete(key);
    this.#live.set(key, [...deleted.versions]);
    return true;
  }

  purge(name: string): boolean {
    return this.#deleted.delete(keyOf(name));
  }

  restore(name: string, versions: readonly T[]): void {
    this.#live.set(keyOf(name), [...versions]);
  }
}

/** A vault kept entirely in memory. */
export function createInMemoryVaultStore(): VaultStore {
  return {
    secrets: new InMemoryObjectFamily<SecretRecord>(),
    certificates: new InMemoryObjectFamily<CertificateRecord>(),
    keys: new InMemoryObjectFamily<KeyRecord>(),
  };
}
