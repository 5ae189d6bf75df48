import {
  replicaTags,
  withoutProvenance,
  type ObjectKind,
  type Provenance,
} from '@akv-replicator/core';
import {
  isVaultError,
  type CertificateStore,
  type CertificateVersionInfo,
  type SecretStore,
  type SecretVersionInfo,
  type SecretWrite,
} from '@akv-replicator/keyvault';

/** One vault's stores for the kinds its link replicates: a kind the link leaves out is absent. */
export interface VaultStores {
  readonly vaultName: string;
  readonly secrets?: SecretStore;
  readonly certificates?: CertificateStore;
}

/** What a listing shows of one object, whatever its kind (no value, no key material). */
export interface ListedObject {
  readonly name: string;
  readonly updated: number;
  readonly tags: Readonly<Record<string, string>>;
  /** Secrets only: what a link's content-type filter looks at. */
  readonly contentType?: string | undefined;
  /** Certificates only: the SHA-1 thumbprint, which names the key material a vault serves. */
  readonly x5t?: string | undefined;
}

/** One version's properties, whatever its kind. */
export interface VersionView extends ListedObject {
  readonly version: string;
  readonly enabled: boolean;
}

/**
 * The operations failover needs on one kind of object in one vault, so that planning, failback
 * and adoption are written once for secrets and certificates (STYLE rule 12).
 */
export interface KindStore<V extends VersionView = VersionView> {
  readonly kind: ObjectKind;
  readonly vaultName: string;
  /** Listings only. Certificate-backed secrets are left out: the certificate kind covers them. */
  list(): AsyncIterable<ListedObject>;
  /** The latest version's properties (also of a disabled object), or undefined when none. */
  latest(name: string): Promise<V | undefined>;
  /** When the name was soft-deleted, or undefined when it is not. */
  deletedOn(name: string): Promise<number | undefined>;
  /** Sets `provenance` on one version, keeping its attributes and own tags: no new version. */
  retag(name: string, version: V, provenance: Provenance): Promise<void>;
  /** Soft-deletes the object (recoverable). */
  delete(name: string): Promise<void>;
}

/** The kind stores of a vault, secrets first. */
export function kindStoresOf(vault: VaultStores): KindStore[] {
  return [
    ...(vault.secrets ? [secretKindStore(vault.secrets)] : []),
    ...(vault.certificates ? [certificateKindStore(vault.certificates)] : []),
  ];
}

export function secretKindStore(store: SecretStore): KindStore<SecretVersionInfo> {
  return {
    kind: 'secret',
    vaultName: store.vaultName,
    async *list() {
      for await (const item of store.listSecrets()) if (!item.managed) yield item;
    },
    latest: (name) => orUndefined(store.getLatestProperties(name)),
    deletedOn: async (name) => (await store.getDeletedSecret(name))?.deletedOn,
    async retag(name, version, provenance) {
      await store.updateProperties(name, version.version, retaggedSecret(version, provenance));
    },
    delete: (name) => store.deleteSecret(name),
  };
}

export function certificateKindStore(store: CertificateStore): KindStore<CertificateVersionInfo> {
  return {
    kind: 'certificate',
    vaultName: store.vaultName,
    list: () => store.listCertificates(),
    latest: (name) => orUndefined(store.getCertificate(name)),
    deletedOn: async (name) => (await store.getDeletedCertificate(name))?.deletedOn,
    retag: (name, version, provenance) => retagCertificate(store, name, version, provenance),
    delete: (name) => store.deleteCertificate(name),
  };
}

/** Sets `provenance` on one certificate version, keeping whether it is enabled: no new version. */
export async function retagCertificate(
  store: CertificateStore,
  name: string,
  version: VersionView,
  provenance: Provenance,
): Promise<void> {
  await store.updateProperties(name, version.version, {
    enabled: version.enabled,
    tags: tagsWith(version.tags, provenance),
  });
}

/** A secret version's attributes with `provenance` in its tags: a properties update. */
export function retaggedSecret(version: SecretVersionInfo, provenance: Provenance): SecretWrite {
  return { ...ownSecretWrite(version), tags: tagsWith(version.tags, provenance) };
}

/** A secret version's attributes and its own tags (without provenance). */
export function ownSecretWrite(version: SecretVersionInfo): SecretWrite {
  return {
    enabled: version.enabled,
    notBefore: version.notBefore,
    expires: version.expires,
    contentType: version.contentType,
    tags: withoutProvenance(version.tags),
  };
}

/** The object's own tags (any provenance dropped) plus `provenance`; throws when they can't fit. */
export function tagsWith(
  tags: Readonly<Record<string, string>>,
  provenance: Provenance,
): Record<string, string> {
  const result = replicaTags(withoutProvenance(tags), provenance);
  if (!result.ok) throw new Error(result.reason);
  return result.tags;
}

async function orUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isVaultError(error, 'not-found')) return undefined;
    throw error;
  }
}
