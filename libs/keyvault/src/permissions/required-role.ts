/**
 * The Key Vault data-plane operations the stores call, and the least built-in Azure RBAC role
 * that allows each. Role names and ids are Azure's built-in roles, the same in every
 * subscription: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security
 * and https://learn.microsoft.com/azure/key-vault/general/rbac-guide (Azure built-in roles for
 * Key Vault data plane operations).
 */
export type VaultOperation =
  | 'secrets/list'
  | 'secrets/get'
  | 'secrets/set'
  | 'secrets/update'
  | 'secrets/delete'
  | 'secrets/recover'
  | 'secrets/purge'
  | 'secrets/getDeleted'
  | 'certificates/list'
  | 'certificates/get'
  | 'certificates/getSecret'
  | 'certificates/import'
  | 'certificates/update'
  | 'certificates/delete'
  | 'certificates/recover'
  | 'certificates/getDeleted'
  | 'certificates/purge';

export interface BuiltInRole {
  readonly name: string;
  /** Role definition id (a GUID), as ARM role assignments name it. */
  readonly id: string;
}

export const KEY_VAULT_SECRETS_USER: BuiltInRole = {
  name: 'Key Vault Secrets User',
  id: '4633458b-17de-408a-b874-0445c86b69e6',
};
export const KEY_VAULT_SECRETS_OFFICER: BuiltInRole = {
  name: 'Key Vault Secrets Officer',
  id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
};
export const KEY_VAULT_CERTIFICATE_USER: BuiltInRole = {
  name: 'Key Vault Certificate User',
  id: 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba',
};
export const KEY_VAULT_CERTIFICATES_OFFICER: BuiltInRole = {
  name: 'Key Vault Certificates Officer',
  id: 'a4417e6f-fecd-4de8-b567-7b0420556985',
};

/**
 * Reading a value needs Secrets User; listing, writing, deleting, recovering and purging need
 * Secrets Officer (Secrets User may list too, but a replica vault is written, so the worker
 * needs Officer there anyway). A certificate's backing secret is read with the secrets API:
 * Certificate User covers it for certificates (it reads "the entire certificate contents
 * including secret and key portion", rbac-guide).
 */
const ROLE_FOR: Readonly<Record<VaultOperation, BuiltInRole>> = {
  'secrets/list': KEY_VAULT_SECRETS_USER,
  'secrets/get': KEY_VAULT_SECRETS_USER,
  'secrets/getDeleted': KEY_VAULT_SECRETS_OFFICER,
  'secrets/set': KEY_VAULT_SECRETS_OFFICER,
  'secrets/update': KEY_VAULT_SECRETS_OFFICER,
  'secrets/delete': KEY_VAULT_SECRETS_OFFICER,
  'secrets/recover': KEY_VAULT_SECRETS_OFFICER,
  'secrets/purge': KEY_VAULT_SECRETS_OFFICER,
  'certificates/list': KEY_VAULT_CERTIFICATE_USER,
  'certificates/get': KEY_VAULT_CERTIFICATE_USER,
  'certificates/getSecret': KEY_VAULT_CERTIFICATE_USER,
  'certificates/import': KEY_VAULT_CERTIFICATES_OFFICER,
  'certificates/update': KEY_VAULT_CERTIFICATES_OFFICER,
  'certificates/delete': KEY_VAULT_CERTIFICATES_OFFICER,
  'certificates/recover': KEY_VAULT_CERTIFICATES_OFFICER,
  'certificates/getDeleted': KEY_VAULT_CERTIFICATES_OFFICER,
  'certificates/purge': KEY_VAULT_CERTIFICATES_OFFICER,
};

/** The least built-in role that allows `operation`. */
export function requiredRole(operation: VaultOperation): BuiltInRole {
  return ROLE_FOR[operation];
}

/**
 * The role a replicating identity needs on a vault it writes: everything the workers do to a
 * replica (read state, write versions, soft-delete, recover) for secrets and certificates.
 * Key Vault Secrets Officer + Certificates Officer; autoCreate assigns these.
 */
export const REPLICA_ROLES: readonly BuiltInRole[] = [
  KEY_VAULT_SECRETS_OFFICER,
  KEY_VAULT_CERTIFICATES_OFFICER,
];
