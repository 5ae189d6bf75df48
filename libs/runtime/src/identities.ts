import type { Config } from '@akv-replicator/core';
import type { IdentityHint } from '@akv-replicator/keyvault';

/**
 * Who each tenant's credential is, as far as the configuration says — the client id of a
 * pinned identity, `tenants.<key>.principalId` and the tenant id — so that a 403 names the
 * identity even when Key Vault's message does not (only identifiers, never a secret).
 */
export function identitiesFromConfig(
  config: Config,
): (tenant: string | undefined) => IdentityHint | undefined {
  return (tenant) => {
    const configured = config.tenants[tenant ?? config.azure.defaultTenant];
    if (!configured) return undefined;
    const auth = configured.auth;
    const clientId = auth.method === 'default' ? undefined : auth.clientId;
    return {
      ...(clientId ? { clientId } : {}),
      ...(configured.principalId ? { objectId: configured.principalId } : {}),
      tenantId: configured.tenantId,
    };
  };
}
