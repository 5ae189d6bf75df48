/**
 * The Key Vault data-plane roles of Azure RBAC, with their real role definition ids and data
 * actions, from https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security
 * (how Key Vault uses them: https://learn.microsoft.com/azure/key-vault/general/rbac-guide).
 * Data action names: https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault
 */
export interface RoleDefinition {
  readonly id: string;
  readonly roleName: string;
  /** Data actions the role grants; `*` matches any run of characters. */
  readonly dataActions: readonly string[];
}

const KV = 'Microsoft.KeyVault/vaults';

export const KEY_VAULT_ROLES = {
  administrator: {
    id: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    roleName: 'Key Vault Administrator',
    dataActions: [`${KV}/*`],
  },
  reader: {
    id: '21090545-7ca7-4776-b22c-e363652d74d2',
    roleName: 'Key Vault Reader',
    // Metadata only: a reader lists and reads properties but never a secret's value.
    dataActions: [`${KV}/*/read`, `${KV}/secrets/readMetadata/action`],
  },
  secretsOfficer: {
    id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    roleName: 'Key Vault Secrets Officer',
    dataActions: [`${KV}/secrets/*`],
  },
  secretsUser: {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    roleName: 'Key Vault Secrets User',
    dataActions: [`${KV}/secrets/getSecret/action`, `${KV}/secrets/readMetadata/action`],
  },
  certificatesOfficer: {
    id: 'a4417e6f-fecd-4de8-b567-7b0420556985',
    roleName: 'Key Vault Certificates Officer',
    dataActions: [
      `${KV}/certificatecas/*`,
      `${KV}/certificates/*`,
      `${KV}/certificatecontacts/write`,
    ],
  },
  certificateUser: {
    id: 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba',
    roleName: 'Key Vault Certificate User',
    dataActions: [
      `${KV}/certificates/read`,
      `${KV}/secrets/getSecret/action`,
      `${KV}/secrets/readMetadata/action`,
      `${KV}/keys/read`,
    ],
  },
} as const satisfies Record<string, RoleDefinition>;

const BY_ID = new Map<string, RoleDefinition>(
  Object.values(KEY_VAULT_ROLES).map((role) => [role.id, role]),
);

/** The role a `roleDefinitionId` (full ARM id or bare GUID) names, if it is a Key Vault role. */
export function roleDefinitionOf(roleDefinitionId: string): RoleDefinition | undefined {
  return BY_ID.get(roleDefinitionId.split('/').at(-1)!.toLowerCase());
}

/** ARM id of a role definition, as `roleDefinitionId` carries it. */
export function roleDefinitionResourceId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/** Whether a data action pattern (`*` wildcards, case-insensitive) grants `action`. */
export function grants(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return regex.test(action);
}
