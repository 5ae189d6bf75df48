import type { VaultResource } from './vault-registry';

export const VAULT_RESOURCE_TYPE = 'Microsoft.KeyVault/vaults';

export function vaultResourceId(
  vault: Pick<VaultResource, 'subscriptionId' | 'resourceGroup' | 'name'>,
): string {
  return `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/${VAULT_RESOURCE_TYPE}/${vault.name}`;
}

/** The `Vault` ARM resource; `sku`, `vaultUri` and `provisioningState` are always present. */
export function renderVault(vault: VaultResource): Record<string, unknown> {
  return {
    id: vaultResourceId(vault),
    name: vault.name,
    type: VAULT_RESOURCE_TYPE,
    location: vault.location,
    tags: vault.tags,
    properties: {
      accessPolicies: [],
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enableRbacAuthorization: true,
      publicNetworkAccess: 'Enabled',
      ...vault.extraProperties,
      tenantId: vault.tenantId,
      sku: { family: 'A', name: vault.skuName },
      vaultUri: vault.vaultUri,
      provisioningState: 'Succeeded',
    },
  };
}

/** The generic `Resource` shape `GET /subscriptions/{id}/resources` returns. */
export function renderGenericResource(vault: VaultResource): Record<string, unknown> {
  return {
    id: vaultResourceId(vault),
    name: vault.name,
    type: VAULT_RESOURCE_TYPE,
    location: vault.location,
    tags: vault.tags,
  };
}
