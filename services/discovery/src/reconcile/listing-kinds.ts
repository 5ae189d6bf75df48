import type { ResolvedVault } from '@akv-replicator/core';
import type {
  CertificateItem,
  CertificateStore,
  SecretItem,
  SecretStore,
} from '@akv-replicator/keyvault';
import { compactKey, type ListingKind, type ListingRules } from './listing-kind';

/** Opens the (paced) secret store of a vault. */
export type SecretStoreProvider = (vault: ResolvedVault) => SecretStore;
/** Opens the (paced) certificate store of a vault. */
export type CertificateStoreProvider = (vault: ResolvedVault) => CertificateStore;

/**
 * Secrets: a replica is the source's version when its provenance names the source's `updated`
 * time (any source change — value, enabled, tags, content type, expiry — moves it); replica-side
 * edits show as attribute differences. Certificate-backed secrets are the certificate pipeline's.
 */
export const secretRules: ListingRules<SecretItem> = {
  objectKind: 'secret',
  noun: 'secrets',
  managed: (item) => item.managed,
  filterView: (item) => item,
  versionKey: (updated) => String(updated),
  revision: (source) => `updated:${source.updated}`,
  attributeKey: (item) =>
    compactKey([
      item.enabled,
      item.notBefore ?? null,
      item.expires ?? null,
      item.contentType ?? '',
    ]),
  resyncOnlyWhenListed: false,
};

/**
 * Certificates, by provenance and thumbprint (no key material): a re-imported or renewed source
 * is a new version. Listings carry no policy or content type: a policy edited by hand is put
 * back by the next task for that certificate, and content-type filters are applied by the
 * converter, so a filter sees name and tags only.
 */
export const certificateRules: ListingRules<CertificateItem> = {
  objectKind: 'certificate',
  noun: 'certificates',
  managed: () => false,
  filterView: (item) => ({ name: item.name, tags: item.tags }),
  versionKey: (updated, item) => `${updated}:${item.x5t}`,
  revision: (source) => `x5t:${source.x5t}:updated:${source.updated}`,
  attributeKey: (item) => compactKey([item.enabled]),
  resyncOnlyWhenListed: true,
};

export const secretListings = (stores: SecretStoreProvider): ListingKind<SecretItem> => ({
  ...secretRules,
  list: (vault) => stores(vault).listSecrets(),
});

export const certificateListings = (
  stores: CertificateStoreProvider,
): ListingKind<CertificateItem> => ({
  ...certificateRules,
  list: (vault) => stores(vault).listCertificates(),
});
