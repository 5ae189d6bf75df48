import type { SecretStore } from '../secret-store';
import { pacedStore, type PacingPlan } from './paced-store';
import type { VaultPacer } from './vault-pacer';

/** How each SecretStore request counts against the vault's budget. */
export const SECRET_STORE_PACING: PacingPlan<SecretStore> = {
  listSecrets: 'listing',
  getSecret: 'read',
  listSecretVersions: 'listing',
  getLatestProperties: 'read',
  setSecret: 'create',
  updateProperties: 'write',
  deleteSecret: 'write',
  recoverDeletedSecret: 'write',
  getDeletedSecret: 'read',
};

/** A SecretStore whose every request goes through the vault's pacer. */
export const pacedSecretStore = (inner: SecretStore, pacer: VaultPacer): SecretStore =>
  pacedStore(inner, pacer, SECRET_STORE_PACING);
