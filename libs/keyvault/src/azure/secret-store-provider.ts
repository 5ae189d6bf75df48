import type { ReplicationOnly } from '@akv-replicator/core';
import type { TokenCredential } from '@azure/core-auth';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { meteredClientOptions } from '../pacing/challenge-meter';
import { pacedSecretStore } from '../pacing/paced-secret-store';
import type { VaultPacerOptions } from '../pacing/vault-pacer';
import { VaultPacers } from '../pacing/vault-pacers';
import type { IdentityHint } from '../permissions/identity';
import type { SecretStore } from '../secret-store';
import { AzureSecretStore } from './azure-secret-store';
import { sharedConnectionOptions } from './shared-connections';

/** What identifies a vault for a worker: its name, endpoint and which tenant's credential. */
export interface VaultAddress {
  readonly name: string;
  readonly uri?: string | undefined;
  readonly tenant?: string | undefined;
  /** With `region`: the vault also counts against its subscription-wide limit in that region. */
  readonly subscriptionId?: string | undefined;
  readonly region?: string | undefined;
  /** A replica a selection resolved: discovery's ARM view of its users, for its budget share. */
  readonly replicationOnly?: ReplicationOnly | undefined;
}

export interface SecretStoreProviderOptions {
  /** Credential per tenant key (DefaultAzureCredential, workload identity, service principal…). */
  readonly credentialFor: (tenant: string | undefined) => TokenCredential;
  /** Extra SecretClient options (the emulator's CA trust, retry settings). */
  readonly clientOptions?: SecretClientOptions;
  readonly limits: Omit<VaultPacerOptions, 'clock' | 'random'>;
  /** Used when an address carries no uri. */
  readonly uriFor: (vaultName: string) => string;
  /** Pacers shared with other stores of the same vaults (certificates); default: own ones. */
  readonly pacers?: VaultPacers;
  /** Who each tenant's credential is (client id, tenant id), named in permission errors. */
  readonly identityFor?: (tenant: string | undefined) => IdentityHint | undefined;
}

/**
 * Opens paced SecretStores over the Azure SDK, one client and one pacer per vault endpoint, so
 * every worker in the process shares a vault's budget (DESIGN principle 7).
 */
export function createSecretStoreProvider(
  options: SecretStoreProviderOptions,
): (vault: VaultAddress) => SecretStore {
  const stores = new Map<string, SecretStore>();
  const pacers = options.pacers ?? new VaultPacers(options.limits);
  return (vault) => {
    const uri = vault.uri ?? options.uriFor(vault.name);
    const key = `${uri.toLowerCase()}|${vault.tenant ?? ''}`;
    let store = stores.get(key);
    if (!store) {
      const pacer = pacers.for(vault.name, uri, vault);
      // The SDK retries 5xx itself; 429s without Retry-After are the pacer's job.
      const client = new SecretClient(
        uri,
        options.credentialFor(vault.tenant),
        meteredClientOptions(sharedConnectionOptions(options.clientOptions), pacer),
      );
      const identity = options.identityFor?.(vault.tenant);
      store = pacedSecretStore(
        new AzureSecretStore(vault.name, client, identity ? { identity } : {}),
        pacer,
      );
      stores.set(key, store);
    }
    return store;
  };
}
