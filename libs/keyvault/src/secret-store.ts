import type {
  DeletedSecretInfo,
  SecretItem,
  SecretVersionInfo,
  SecretWithValue,
  SecretWrite,
} from './model';

/**
 * The Key Vault operations the workers need, for one vault. Implementations translate service
 * failures into VaultError (`not-found`, `disabled`, `deleted-recoverable`, `throttled`, …).
 */
export interface SecretStore {
  readonly vaultName: string;
  /** Pages through the vault's secrets (list calls only, no values). */
  listSecrets(): AsyncIterable<SecretItem>;
  /**
   * The latest version (or the given one) with its value. Disabled → VaultError `disabled`.
   */
  getSecret(name: string, version?: string): Promise<SecretWithValue>;
  /** Every version's properties (list calls only, no values), in no defined order. */
  listSecretVersions(name: string): AsyncIterable<SecretVersionInfo>;
  /** The latest version's properties, also for a disabled secret (no value is read). */
  getLatestProperties(name: string): Promise<SecretVersionInfo>;
  /** Writes a new version. A soft-deleted name → VaultError `deleted-recoverable`. */
  setSecret(name: string, value: string, write: SecretWrite): Promise<SecretVersionInfo>;
  /** Updates one version's attributes, content type and tags (no new version). */
  updateProperties(name: string, version: string, write: SecretWrite): Promise<SecretVersionInfo>;
  /** Soft-deletes the secret (all versions). */
  deleteSecret(name: string): Promise<void>;
  /** Undoes a soft delete and resolves once the secret is readable again. */
  recoverDeletedSecret(name: string): Promise<void>;
  /** The soft-deleted secret, or undefined when the name is not soft-deleted. */
  getDeletedSecret(name: string): Promise<DeletedSecretInfo | undefined>;
}
