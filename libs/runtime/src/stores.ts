import type { LoadedConfig } from '@akv-replicator/core';
import {
  VaultPacers,
  VaultSharePlan,
  createCertificateStoreProvider,
  createSecretStoreProvider,
  type HostedRoles,
} from '@akv-replicator/keyvault';
import type { RuntimeAdapters } from './adapters';
import { identitiesFromConfig } from './identities';

/** Paced SecretStores over the Azure SDK with the configured Key Vault limits. */
export function secretStores(
  loaded: LoadedConfig,
  adapters: Pick<RuntimeAdapters, 'credentialFor' | 'secretClientOptions' | 'pacing'>,
  pacers?: VaultPacers,
) {
  const { config } = loaded;
  return createSecretStoreProvider({
    credentialFor: adapters.credentialFor,
    ...(adapters.secretClientOptions ? { clientOptions: adapters.secretClientOptions } : {}),
    limits: pacingLimits(loaded, adapters),
    uriFor: vaultUriFor(loaded),
    ...(pacers ? { pacers } : {}),
    // A 403 names the identity and the role it lacks (permission failures, DESIGN principle 9).
    identityFor: identitiesFromConfig(config),
  });
}

/**
 * Paced CertificateStores over the Azure SDK, on the same pacers as the secret stores (one
 * Key Vault budget per vault for both kinds).
 */
export function certificateStores(
  loaded: LoadedConfig,
  adapters: Pick<RuntimeAdapters, 'credentialFor' | 'secretClientOptions'>,
  pacers: VaultPacers,
) {
  return createCertificateStoreProvider({
    credentialFor: adapters.credentialFor,
    ...(adapters.secretClientOptions ? { clientOptions: adapters.secretClientOptions } : {}),
    pacers,
    uriFor: vaultUriFor(loaded),
    // A 403 names the identity and the role it lacks (permission failures, DESIGN principle 9).
    identityFor: identitiesFromConfig(loaded.config),
  });
}

/** A vault's data-plane URI from its name and `azure.vaultDnsSuffix`. */
export function vaultUriFor(loaded: LoadedConfig): (name: string) => string {
  const suffix = loaded.config.azure.vaultDnsSuffix;
  return (name) => `https://${name}.${suffix}`;
}

/**
 * One VaultPacer per vault endpoint, shared by the secret and certificate stores. With `hosted`
 * (what this process runs), each vault's share is split with the other processes the topology
 * says touch it; without, this process alone uses the source share of every vault.
 */
export function vaultPacers(
  loaded: LoadedConfig,
  adapters: Pick<RuntimeAdapters, 'pacing'>,
  hosted?: HostedRoles,
) {
  const limits = loaded.config.replication.keyVaultLimits;
  const shares = {
    source: limits.utilization ?? limits.sourceShare,
    replica: limits.utilization ?? limits.replicaShare,
  };
  return new VaultPacers(
    pacingLimits(loaded, adapters),
    hosted ? new VaultSharePlan(loaded.topology, hosted, shares) : undefined,
  );
}

function pacingLimits(loaded: LoadedConfig, adapters: Pick<RuntimeAdapters, 'pacing'>) {
  const limits = loaded.config.replication.keyVaultLimits;
  return {
    transactionsPerWindow: limits.transactionsPer10s,
    createsPerWindow: limits.secretCreatesPer10s,
    // Without a share plan (status reads, tests): the smaller, source share everywhere.
    utilization: limits.utilization ?? Math.min(limits.sourceShare, limits.replicaShare),
    ...adapters.pacing,
  };
}
