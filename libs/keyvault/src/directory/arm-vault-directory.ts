import type { KeyVaultManagementClient, Vault } from '@azure/arm-keyvault';
import type { ArmVault } from '@akv-replicator/core';
import { translateError } from '../azure/translate-error';
import { parseVaultResourceId, type VaultCreateSpec, type VaultDirectory } from './vault-directory';

/** The VaultDirectory port over `@azure/arm-keyvault`, one management client per subscription. */
export class ArmVaultDirectory implements VaultDirectory {
  constructor(private readonly clientFor: (subscriptionId: string) => KeyVaultManagementClient) {}

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
      const mapped = toArmVault(vault, spec.subscriptionId);
      if (!mapped) throw new Error(`ARM returned vault ${spec.name} without a vaultUri`);
      return mapped;
    } catch (error) {
      throw translateError(error, `${spec.resourceGroup}/${spec.name}`);
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
