import type { TokenCredential } from '@azure/core-auth';
import { CertificateClient, type CertificateClientOptions } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import type { VaultAddress } from '../azure/secret-store-provider';
import type { VaultPacers } from '../pacing/vault-pacers';
import type { IdentityHint } from '../permissions/identity';
import { AzureCertificateStore } from './azure-certificate-store';
import type { CertificateStore } from './certificate-store';
import { sharedConnectionOptions } from '../azure/shared-connections';
import { meteredClientOptions } from '../pacing/challenge-meter';
import { pacedCertificateStore } from '../pacing/paced-certificate-store';

export interface CertificateStoreProviderOptions {
  /** Credential per tenant key, as for secrets. */
  readonly credentialFor: (tenant: string | undefined) => TokenCredential;
  /** Extra client options (the emulator's CA trust, retry settings). */
  readonly clientOptions?: CertificateClientOptions;
  /** Shared with the SecretStore provider, so one vault has one budget. */
  readonly pacers: VaultPacers;
  /** Used when an address carries no uri. */
  readonly uriFor: (vaultName: string) => string;
  /** Who each tenant's credential is (client id, tenant id), named in permission errors. */
  readonly identityFor?: (tenant: string | undefined) => IdentityHint | undefined;
}

/**
 * Opens paced CertificateStores over the Azure SDK, one store per vault endpoint and tenant,
 * paced by the vault's shared pacer (DESIGN principle 7).
 */
export function createCertificateStoreProvider(
  options: CertificateStoreProviderOptions,
): (vault: VaultAddress) => CertificateStore {
  const stores = new Map<string, CertificateStore>();
  return (vault) => {
    const uri = vault.uri ?? options.uriFor(vault.name);
    const key = `${uri.toLowerCase()}|${vault.tenant ?? ''}`;
    let store = stores.get(key);
    if (!store) {
      const credential = options.credentialFor(vault.tenant);
      const identity = options.identityFor?.(vault.tenant);
      const pacer = options.pacers.for(vault.name, uri, vault);
      const clientOptions = meteredClientOptions(
        sharedConnectionOptions(options.clientOptions),
        pacer,
      );
      store = pacedCertificateStore(
        new AzureCertificateStore(
          vault.name,
          new CertificateClient(uri, credential, clientOptions),
          new SecretClient(uri, credential, clientOptions),
          identity ? { identity } : {},
        ),
        pacer,
      );
      stores.set(key, store);
    }
    return store;
  };
}
