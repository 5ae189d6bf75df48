import type { KeyVaultManagementClient, Vault } from '@azure/arm-keyvault';
import type { ArmVault } from '@akv-replicator/core';
import { translateError } from '../azure/translate-error';
import { ArmRoleGranter, type ArmRoleGranterOptions, type RoleGranter } from './arm-role-granter';
import {
  applyTagChange,
  parseVaultResourceId,
  type VaultCreateSpec,
  type VaultDirectory,
  type VaultRef,
  type VaultTagChange,
} from './vault-directory';

export interface ArmVaultDirectoryOptions {
  /**
   * Role assignments on the vaults createVault makes: the replicator's identity gets the data-plane
   * roles a replica needs (RBAC vaults answer 403 otherwise). Without it nothing is assigned.
   */
  readonly roles?: ArmRoleGranterOptions;
}

/** The VaultDirectory port over `@azure/arm-keyvault`, one management client per subscription. */
export class ArmVaultDirectory implements VaultDirectory {
  private readonly roles: RoleGranter | undefined;

  constructor(
    private readonly clientFor: (subscriptionId: string) => KeyVaultManagementClient,
    options: ArmVaultDirectoryOptions = {},
  ) {
    this.roles = options.roles ? new ArmRoleGranter(options.roles) : undefined;
  }

  async listVaults(subscriptionId: string, resourceGroup?: string): Promise<ArmVault[]> {
    const client = this.clientFor(subscriptionId);
    const vaults: ArmVault[] = [];
    try {
      const pages = resourceGroup
        ? client.vaults.listByResourceGroup(resourceGroup)
        : client.vaults.listBySubscription();
      for await (const vault of pages) {
        const mapped = toArmVault(vault, subscriptionId);
        if (mapped) vaults.push(mapped);
      }
    } catch (error) {
      throw translateError(error, `subscription ${subscriptionId}`);
    }
    return vaults;
  }

  async createVault(spec: VaultCreateSpec): Promise<ArmVault> {
    let created: ArmVault | undefined;
    try {
      const vault = await this.clientFor(spec.subscriptionId).vaults.beginCreateOrUpdateAndWait(
        spec.resourceGroup,
        spec.name,
        {
          location: spec.location,
          tags: { ...spec.tags },
          // RBAC and soft delete, as Azure recommends for new vaults; access is granted by role.
          properties: {
            tenantId: spec.tenantId,
            sku: { family: 'A', name: 'standard' },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
          },
        },
      );
      created = toArmVault(vault, spec.subscriptionId);
      if (!created) throw new Error(`ARM returned vault ${spec.name} without a vaultUri`);
    } catch (error) {
      throw translateError(error, `${spec.resourceGroup}/${spec.name}`);
    }
    // A failed grant fails the creation: the next resolution creates (idempotently) and grants
    // again, instead of replicating into a vault every write to which would be refused.
    await this.roles?.grantReplicaRoles(spec, created);
    return created;
  }

  /**
   * Read, change, write: a PATCH of `tags` replaces the whole tag set, as the Vaults - Update
   * page says (https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/update), so the
   * tags we do not touch are sent back as read. Properties are not sent and stay as they are.
   */
  async updateVaultTags(ref: VaultRef, change: VaultTagChange): Promise<ArmVault> {
    const client = this.clientFor(ref.subscriptionId);
    try {
      const current = await client.vaults.get(ref.resourceGroup, ref.name);
      const vault = await client.vaults.update(ref.resourceGroup, ref.name, {
        tags: applyTagChange(current.tags, change),
      });
      const updated = toArmVault(vault, ref.subscriptionId);
      if (!updated) throw new Error(`ARM returned vault ${ref.name} without a vaultUri`);
      return updated;
    } catch (error) {
      throw translateError(error, `${ref.resourceGroup}/${ref.name}`);
    }
  }
}

function toArmVault(vault: Vault, subscriptionId: string): ArmVault | undefined {
  const ids = parseVaultResourceId(vault.id ?? '');
  if (!vault.name || !vault.properties.vaultUri) return undefined;
  return {
    name: vault.name,
    location: vault.location ?? '',
    subscriptionId: ids?.subscriptionId ?? subscriptionId,
    resourceGroup: ids?.resourceGroup ?? '',
    uri: vault.properties.vaultUri.replace(/\/$/, ''),
    tags: { ...vault.tags },
  };
}
