import { createHash } from 'node:crypto';
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { ArmVault } from '@akv-replicator/core';
import { translateError } from '../azure/translate-error';
import { REPLICA_ROLES, type BuiltInRole } from '../permissions/required-role';
import type { VaultCreateSpec } from './vault-directory';

/** Grants the replicating identity what it needs on a vault discovery has just created. */
export interface RoleGranter {
  /** The role assignments made (or found already made), one per role. */
  grantReplicaRoles(spec: VaultCreateSpec, vault: ArmVault): Promise<readonly RoleGrant[]>;
}

export interface RoleGrant {
  readonly role: BuiltInRole;
  readonly principalId: string;
  readonly scope: string;
}

export interface ArmRoleGranterOptions {
  readonly clientFor: (subscriptionId: string) => AuthorizationManagementClient;
  /**
   * Object id of the service principal the replicator signs in as in a tenant (by tenant id);
   * undefined: nobody is granted anything (the vault's owner must assign roles).
   */
  readonly principalIdFor: (tenantId: string) => string | undefined;
}

/**
 * Role assignments through ARM (`Microsoft.Authorization/roleAssignments`, PUT at the vault's
 * scope), as https://learn.microsoft.com/azure/role-based-access-control/role-assignments-rest
 * describes: the assignment name is a GUID of our choosing and the role is named by its
 * definition's resource id in the subscription. Managed, workload and service-principal
 * identities are all service principals (`principalType: ServicePrincipal`).
 */
export class ArmRoleGranter implements RoleGranter {
  constructor(private readonly options: ArmRoleGranterOptions) {}

  async grantReplicaRoles(spec: VaultCreateSpec, vault: ArmVault): Promise<readonly RoleGrant[]> {
    const principalId = this.options.principalIdFor(spec.tenantId);
    if (!principalId) return [];
    const scope = `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault.name}`;
    const client = this.options.clientFor(spec.subscriptionId);
    const grants: RoleGrant[] = [];
    for (const role of REPLICA_ROLES) {
      try {
        await client.roleAssignments.create(scope, assignmentName(scope, principalId, role), {
          roleDefinitionId: `/subscriptions/${spec.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`,
          principalId,
          principalType: 'ServicePrincipal',
        });
      } catch (error) {
        // Our own assignment from an earlier attempt (same deterministic name): already granted.
        if ((error as { code?: unknown }).code !== 'RoleAssignmentExists')
          throw translateError(error, `${spec.resourceGroup}/${vault.name} (assign ${role.name})`);
      }
      grants.push({ role, principalId, scope });
    }
    return grants;
  }
}

/** A stable GUID per (scope, principal, role): a retried grant names the same assignment. */
export function assignmentName(scope: string, principalId: string, role: BuiltInRole): string {
  const hex = createHash('sha256')
    .update(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${role.id}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
