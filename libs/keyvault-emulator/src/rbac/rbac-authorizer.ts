import { vaultResourceId } from '../arm/arm-render';
import { errors } from '../errors';
import type { VaultIdentity } from '../vault-context';
import { principalOf } from './principal';
import type { RoleAssignments } from './role-assignments';

/**
 * Azure RBAC on the data plane. A vault with `enableRbacAuthorization` lets a caller do an
 * operation only when a role assignment at the object, vault, resource group or subscription
 * scope grants its data action to the token's principal; otherwise 403 ForbiddenByRbac. Vaults
 * without it use access policies, which the emulator does not enforce (any accepted token may
 * do anything there). https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 */
export class RbacAuthorizer {
  readonly #assignments: RoleAssignments;
  readonly #enforces: (vaultName: string) => boolean;

  constructor(assignments: RoleAssignments, enforces: (vaultName: string) => boolean) {
    this.#assignments = assignments;
    this.#enforces = enforces;
  }

  /**
   * Throws 403 ForbiddenByRbac unless `token`'s principal may do `dataAction` (relative to
   * `Microsoft.KeyVault/vaults/`) on `objectPath` (e.g. `/secrets/NAME`, or '' for the vault).
   */
  check(vault: VaultIdentity, token: string, dataAction: string, objectPath: string): void {
    if (!this.#enforces(vault.name)) return;
    const action = `Microsoft.KeyVault/vaults/${dataAction}`;
    const resource = `${vaultResourceId(vault)}${objectPath}`;
    const principalId = principalOf(token);
    if (this.#assignments.permits(principalId, resource, action)) return;
    throw errors.forbiddenByRbac({
      principalId,
      tenantId: vault.tenantId,
      action,
      resource,
      vault: vault.name,
      region: vault.region,
    });
  }
}
