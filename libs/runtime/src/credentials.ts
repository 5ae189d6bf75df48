import { readFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/core-auth';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import {
  ReplicatorError,
  isReplicatorError,
  resolveSecretRef,
  type Config,
  type SecretSource,
  type TenantConfig,
} from '@akv-replicator/core';
import type { RuntimeAdapters } from './adapters';

/**
 * One credential per configured tenant (DESIGN "Configuration"): DefaultAzureCredential,
 * workload identity, managed identity or a service principal, secrets read from references.
 * A vault naming no tenant uses `azure.defaultTenant`; an undefined default tenant means
 * DefaultAzureCredential with whatever the environment says.
 */
export async function createCredentials(
  config: Config,
  secrets: SecretSource,
): Promise<(tenant: string | undefined) => TokenCredential> {
  const credentials = new Map<string, TokenCredential>();
  for (const [key, tenant] of Object.entries(config.tenants)) {
    const path = `tenants.${key}.auth`;
    try {
      credentials.set(key, await credentialOf(tenant, path, secrets));
    } catch (cause) {
      if (isReplicatorError(cause)) throw cause;
      // The identity library validates eagerly (e.g. a missing federated token file): say where.
      throw new ReplicatorError(`${path}: ${(cause as Error).message.split('\n')[0]}`, {
        code: 'CredentialInvalid',
        fields: { keyPath: path },
        cause,
      });
    }
  }
  let fallback: TokenCredential | undefined;
  return (tenant) => {
    const found = credentials.get(tenant ?? config.azure.defaultTenant);
    if (found) return found;
    fallback ??= new DefaultAzureCredential();
    return fallback;
  };
}

async function credentialOf(
  tenant: TenantConfig,
  path: string,
  secrets: SecretSource,
): Promise<TokenCredential> {
  // authorityHost and disableInstanceDiscovery reach every credential that asks Entra itself;
  // a managed identity asks the local IMDS/identity endpoint, which knows its cloud.
  const authority = {
    authorityHost: tenant.authorityHost,
    disableInstanceDiscovery: tenant.disableInstanceDiscovery,
  };
  const common = { tenantId: tenant.tenantId, ...authority };
  const auth = tenant.auth;
  switch (auth.method) {
    case 'default':
      return new DefaultAzureCredential(common);
    case 'workload-identity':
      return new WorkloadIdentityCredential({
        ...common,
        ...(auth.clientId ? { clientId: auth.clientId } : {}),
        ...(auth.tokenFile ? { tokenFilePath: auth.tokenFile } : {}),
      });
    case 'managed-identity':
      return auth.clientId
        ? new ManagedIdentityCredential({ clientId: auth.clientId })
        : new ManagedIdentityCredential();
    case 'service-principal':
      if (auth.clientSecret) {
        return new ClientSecretCredential(
          tenant.tenantId,
          auth.clientId,
          await resolveSecretRef(auth.clientSecret, `${path}.clientSecret`, secrets),
          authority,
        );
      }
      return new ClientCertificateCredential(
        tenant.tenantId,
        auth.clientId,
        {
          certificate: await resolveSecretRef(
            auth.clientCertificate!,
            `${path}.clientCertificate`,
            secrets,
          ),
        },
        authority,
      );
  }
}

export const fileSecretSource = (
  env: Readonly<Record<string, string | undefined>>,
): SecretSource => ({ env, readFile: (path) => readFile(path, 'utf8') });

/**
 * Credentials and client options for Azure, or for the emulator when `azure.emulator` is set
 * (its CA trusted, its static token presented, challenge resource checks relaxed).
 */
export async function azureAdapters(
  config: Config,
  secrets: SecretSource,
): Promise<Pick<RuntimeAdapters, 'credentialFor' | 'secretClientOptions' | 'armClientOptions'>> {
  const emulator = config.azure.emulator;
  if (!emulator) return { credentialFor: await createCredentials(config, secrets) };
  const ca = await readFile(emulator.caFile, 'utf8');
  const credential: TokenCredential = {
    getToken: async () => ({ token: emulator.token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  return {
    credentialFor: () => credential,
    secretClientOptions: { tlsOptions: { ca }, disableChallengeResourceVerification: true },
    armClientOptions: { tlsOptions: { ca } },
  };
}
