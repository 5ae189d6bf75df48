import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import type { LoadedConfig } from '@akv-replicator/core';
import { ArmVaultDirectory } from '@akv-replicator/keyvault';
import type { RuntimeAdapters } from './adapters';

/**
 * ARM access, one management client per subscription, each with its tenant's credential. Vaults
 * it creates (autoCreate) get role assignments for `tenants.<key>.principalId` of their tenant.
 */
export function armDirectory(
  loaded: LoadedConfig,
  adapters: Pick<RuntimeAdapters, 'credentialFor' | 'armClientOptions'>,
): ArmVaultDirectory {
  const subscriptionTenants = tenantsBySubscription(loaded);
  const options = { endpoint: loaded.config.azure.armEndpoint, ...adapters.armClientOptions };
  const perSubscription = <T>(create: (subscriptionId: string, tenant?: string) => T) => {
    const clients = new Map<string, T>();
    return (subscriptionId: string): T => {
      let client = clients.get(subscriptionId);
      if (!client) {
        client = create(subscriptionId, subscriptionTenants.get(subscriptionId.toLowerCase()));
        clients.set(subscriptionId, client);
      }
      return client;
    };
  };
  const principals = new Map(
    Object.values(loaded.config.tenants).flatMap((tenant) =>
      tenant.principalId ? [[tenant.tenantId.toLowerCase(), tenant.principalId] as const] : [],
    ),
  );
  return new ArmVaultDirectory(
    perSubscription(
      (subscriptionId, tenant) =>
        new KeyVaultManagementClient(adapters.credentialFor(tenant), subscriptionId, options),
    ),
    {
      roles: {
        clientFor: perSubscription(
          (subscriptionId, tenant) =>
            new AuthorizationManagementClient(
              adapters.credentialFor(tenant),
              subscriptionId,
              options,
            ),
        ),
        principalIdFor: (tenantId) => principals.get(tenantId.toLowerCase()),
      },
    },
  );
}

/** Which tenant key each configured subscription belongs to (for ARM calls). */
function tenantsBySubscription(loaded: LoadedConfig): Map<string, string> {
  const map = new Map<string, string>();
  const note = (subscriptionId: string | undefined, tenant: string) => {
    if (subscriptionId && !map.has(subscriptionId.toLowerCase()))
      map.set(subscriptionId.toLowerCase(), tenant);
  };
  for (const link of loaded.topology.links) {
    note(link.source.subscriptionId, link.source.tenant);
    for (const replica of link.replicas) note(replica.subscriptionId, replica.tenant);
  }
  for (const selection of loaded.topology.selections) {
    note(selection.subscriptionId, selection.tenant);
    for (const destination of selection.destinations)
      note(destination.subscriptionId, destination.tenant);
  }
  return map;
}
