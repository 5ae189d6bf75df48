import type { Clock } from '../clock';
import type {
  DeletedObject,
  ObjectFamilyStore,
  PendingTransition,
  VaultStore,
  VersionedRecord,
} from '../storage/vault-store';

/**
 * Makes delete, recover and purge take time, as they do in Key Vault: the request returns at
 * once but the object only reaches its new state `delayMs` later (by the injected clock).
 * Meanwhile the name is in transition:
 *
 * - being deleted: gone from the live view, not yet in the deleted view (so the SDK's
 *   `beginDeleteSecret` poller sees 404 from `GET /deletedsecrets/NAME` and keeps polling);
 * - being recovered: back from the deleted view, not yet in the live view (the
 *   `beginRecoverDeletedSecret` poller sees 404 from `GET /secrets/NAME/` and keeps polling);
 * - being purged: in neither view, and the name cannot be re-created yet.
 *
 * Handlers ask {@link pending} to answer the conflicts the service sends (see
 * `lifecycle-conflicts.ts`). "Azure Key Vault will return a DeletedSecret immediately but may take
 * time to actually delete the secret if soft-delete is enabled":
 * https://learn.microsoft.com/dotnet/api/azure.security.keyvault.secrets.deletesecretoperation.value
 */
export class AsyncLifecycleFamily<T extends VersionedRecord> implements ObjectFamilyStore<T> {
  readonly #inner: ObjectFamilyStore<T>;
  readonly #clock: Clock;
  readonly #delayMs: number;
  readonly #transitions = new Map<string, { state: PendingTransition; untilMs: number }>();

  constructor(inner: ObjectFamilyStore<T>, clock: Clock, delayMs: number) {
    this.#inner = inner;
    this.#clock = clock;
    this.#delayMs = delayMs;
  }

  pending(name: string): PendingTransition | undefined {
    const key = name.toLowerCase();
    const transition = this.#transitions.get(key);
    if (!transition) return this.#inner.pending(name);
    if (this.#clock.now() >= transition.untilMs) {
      this.#transitions.delete(key);
      return undefined;
    }
    return transition.state;
  }

  versions(name: string): readonly T[] | undefined {
    return this.pending(name) === 'recovering' ? undefined : this.#inner.versions(name);
  }

  names(): readonly string[] {
    return this.#inner.names().filter((name) => this.pending(name) !== 'recovering');
  }

  addVersion(record: T): void {
    this.#inner.addVersion(record);
  }

  replaceVersion(record: T): void {
    this.#inner.replaceVersion(record);
  }

  softDelete(name: string, deletedMs: number, scheduledPurgeMs: number) {
    const deleted = this.#inner.softDelete(name, deletedMs, scheduledPurgeMs);
    if (deleted) this.#start(name, 'deleting');
    return deleted;
  }

  deleted(name: string): DeletedObject<T> | undefined {
    return this.pending(name) === 'deleting' ? undefined : this.#inner.deleted(name);
  }

  deletedNames(): readonly string[] {
    return this.#inner.deletedNames().filter((name) => this.pending(name) !== 'deleting');
  }

  recover(name: string): boolean {
    const recovered = this.#inner.recover(name);
    if (recovered) this.#start(name, 'recovering');
    return recovered;
  }

  purge(name: string): boolean {
    const purged = this.#inner.purge(name);
    if (purged) this.#start(name, 'purging');
    return purged;
  }

  restore(name: string, versions: readonly T[]): void {
    this.#inner.restore(name, versions);
  }

  #start(name: string, state: PendingTransition): void {
    if (this.#delayMs <= 0) return;
    this.#transitions.set(name.toLowerCase(), {
      state,
      untilMs: this.#clock.now() + this.#delayMs,
    });
  }
}

/** Wraps every family of a vault's store; `delayMs` 0 keeps transitions instant. */
export function withAsyncLifecycle(store: VaultStore, clock: Clock, delayMs: number): VaultStore {
  return {
    secrets: new AsyncLifecycleFamily(store.secrets, clock, delayMs),
    certificates: new AsyncLifecycleFamily(store.certificates, clock, delayMs),
    keys: new AsyncLifecycleFamily(store.keys, clock, delayMs),
  };
}
