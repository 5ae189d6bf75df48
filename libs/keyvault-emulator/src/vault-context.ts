import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import type { VaultStore } from './storage/vault-store';

/** Key Vault object types as they appear in Event Grid data (`ObjectType`). */
export type VaultObjectType = 'Secret' | 'Certificate' | 'Key';

/** A new object version, as the Event Grid publisher needs it. */
export interface NewVersionEvent {
  readonly objectType: VaultObjectType;
  /** Full versioned id, e.g. `https://127.0.0.1:PORT/secrets/NAME/VERSION`. */
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly notBeforeMs?: number | undefined;
  readonly expiresMs?: number | undefined;
}

/** What a Key Vault event is about: an object version, or the vault itself (VaultAccessPolicyChanged). */
export interface PublishedObject extends Omit<NewVersionEvent, 'objectType'> {
  readonly objectType: VaultObjectType | 'Vault';
}

/** Where handlers report changes that Key Vault publishes to Event Grid. */
export interface VaultEventSink {
  newVersion(vault: VaultIdentity, event: NewVersionEvent): void;
}

/** Who a vault is, in ARM and on the data plane. */
export interface VaultIdentity {
  readonly name: string;
  readonly region: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly tenantId: string;
}

/** Everything a data-plane handler needs about the vault it serves. */
export interface VaultContext extends VaultIdentity {
  /** `https://127.0.0.1:PORT`, no trailing slash; the origin of every object id. */
  readonly origin: string;
  readonly store: VaultStore;
  readonly clock: Clock;
  readonly events: VaultEventSink;
  /** Soft-delete retention in days (Key Vault's default is 90). */
  readonly recoverableDays: number;
}

/** A new 32-hex-character object version, like Key Vault's. */
export function newObjectVersion(): string {
  return randomBytes(16).toString('hex');
}

/** `recoveryLevel` of a soft-delete vault without purge protection, the Key Vault default. */
export const RECOVERY_LEVEL = 'Recoverable+Purgeable';
