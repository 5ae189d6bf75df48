import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import type { LoadedConfig } from '@akv-replicator/core';
import { ArmVaultDirectory } from '@akv-replicator/keyvault';
import type { StackAdapters } from './start-services';

/** ARM access, one management client per subscription, each with its tenant's credential. */
export function armDirectory(
  loaded: LoadedConfig,
  adapters: Pick<StackAdapters, 'credentialFor' | 'armClientOptions'>,
): ArmVaultDirectory {
  const subscriptionTenants = tenantsBySubscription(loaded);
  const clients = new Map<string, KeyVaultManagementClient>();
  return new ArmVaultDirectory((subscriptionId) => {
    let client = clients.get(subscriptionId);
    if (!client) {
      const tenant = subscriptionTenants.get(subscriptionId.toLowerCase());
      client = new KeyVaultManagementClient(adapters.credentialFor(tenant), subscriptionId, {
        endpoint: loaded.config.azure.armEndpoint,
        ...adapters.armClientOptions,
      });
      clients.set(subscriptionId, client);
    }
    return client;
  });
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
