import type { ObjectKind, Provenance } from '@akv-replicator/core';
import {
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
  isVaultError,
  type CertificateStore,
  type SecretStore,
} from '@akv-replicator/keyvault';
import { withoutProvenance } from '@akv-replicator/core';
import { ownSecretWrite, retagCertificate, retaggedSecret, type VaultStores } from './kind-stores';
import type { FailbackEntry } from './failback-plan';

/**
 * Copies the promoted vault's current version of an entry into the original as one new version,
 * then re-tags that promoted version with provenance naming the new one (no new version there).
 * Returns that provenance. Values and keys stay in this process's memory (DESIGN principle 2).
 */
export type CopyBack = (entry: FailbackEntry & { promoted: object }) => Promise<Provenance>;

/** The copy-back of each kind the link replicates, between the two vaults' stores. */
export function copiersFor(
  promoted: VaultStores,
  original: VaultStores,
): Partial<Record<ObjectKind, CopyBack>> {
  return {
    ...(promoted.secrets && original.secrets
      ? { secret: copySecretBack(promoted.secrets, original.secrets) }
      : {}),
    ...(promoted.certificates && original.certificates
      ? { certificate: copyCertificateBack(promoted.certificates, original.certificates) }
      : {}),
  };
}

function copySecretBack(promoted: SecretStore, original: SecretStore): CopyBack {
  return async ({ name, promoted: planned }) => {
    const version = await promoted.getSecret(name, planned.version);
    const written = await orRecover(
      () => original.setSecret(name, version.value, ownSecretWrite(version)),
      () => original.recoverDeletedSecret(name),
    );
    const provenance = provenanceOf(original.vaultName, written);
    await promoted.updateProperties(name, version.version, retaggedSecret(version, provenance));
    return provenance;
  };
}

/**
 * A certificate is carried back as Key Vault exports it: its backing secret (PFX or PEM with the
 * private key) imported into the original. A certificate new in the promoted vault takes its
 * policy along; a renewal keeps the original's own (issuer, auto-renewal): the promoted vault's
 * was a replica's (issuer Unknown, no AutoRenew) until the outage. The policy is set explicitly
 * after the import, as the certificate-converter does: the JS SDK drops an import's policy.
 */
function copyCertificateBack(promoted: CertificateStore, original: CertificateStore): CopyBack {
  return async ({ name, change, forced, promoted: planned }) => {
    const promotedPolicy = await promoted.getPolicy(name);
    if (promotedPolicy.exportable === false)
      throw new Error(
        `certificate ${name} in ${promoted.vaultName} has a non-exportable key: it cannot be carried back; issue it in ${original.vaultName} too`,
      );
    const renewal = (change === 'conflict' ? forced : change) !== 'new';
    const policy = renewal ? await original.getPolicy(name) : promotedPolicy;
    const secret = await promoted.getCertificateSecret(name, planned.version);
    const imported = await orRecover(
      () =>
        original.importCertificate(name, {
          value: secret.value,
          contentType:
            secret.contentType === PEM_CONTENT_TYPE ? PEM_CONTENT_TYPE : PKCS12_CONTENT_TYPE,
          enabled: planned.enabled,
          tags: withoutProvenance(planned.tags),
        }),
      () => original.recoverDeletedCertificate(name),
    );
    await original.updatePolicy(name, policy);
    // Provenance names the write as the original lists it once the policy is set.
    const current = await original.getCertificate(name);
    const provenance = provenanceOf(
      original.vaultName,
      current.version === imported.version ? current : imported,
    );
    await retagCertificate(promoted, name, planned, provenance);
    return provenance;
  };
}

/**
 * A write, or — when the name was soft-deleted in the original during the outage, which blocks
 * writes until recovered (409 Conflict;
 * https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview) — a recover, then
 * the write.
 */
async function orRecover<T>(write: () => Promise<T>, recover: () => Promise<void>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isVaultError(error, 'deleted-recoverable')) throw error;
    await recover();
    return write();
  }
}

const provenanceOf = (
  sourceVault: string,
  written: { version: string; updated: number },
): Provenance => ({ sourceVault, sourceVersion: written.version, sourceUpdated: written.updated });
