import { convergeWouldDo } from '@akv-replicator/core';
import type { CertificateStore } from '@akv-replicator/keyvault';
import { readCertificate } from '../converge/certificate-state';
import { success, warning, type CertificateConvergeResult } from '../converge/converge-result';
import { keyVaultNameFor } from './key-vault-name';
import { KUBERNETES_SECRET_TAG } from './push-tls-secret';

export interface RemoveOptions {
  /** `certManager.onDelete`: what a deleted Secret does to the certificate pushed from it. */
  readonly onDelete: 'keep' | 'disable' | 'delete';
  readonly namePrefix: string;
  /** `replication.dryRun`: report `would-disable` / `would-delete`, write nothing. */
  readonly dryRun: boolean;
  /** Called right before the Key Vault write; throws to stop (the Lease was lost). */
  readonly beforeWrite: () => void;
}

/**
 * A cert-manager Secret `<namespace>/<name>` was deleted: keeps, disables or soft-deletes the
 * certificate pushed from it, and only one whose `k8s-secret` tag names that Secret.
 */
export async function removePushedCertificate(
  secret: { readonly namespace: string; readonly name: string },
  store: CertificateStore,
  options: RemoveOptions,
): Promise<CertificateConvergeResult & { readonly certificateName: string }> {
  const key = `${secret.namespace}/${secret.name}`;
  const certificateName = keyVaultNameFor(secret.namespace, secret.name, options.namePrefix);
  const what = `${key} was deleted; ${store.vaultName}/${certificateName}`;
  const named = (result: CertificateConvergeResult) => ({ ...result, certificateName });
  if (options.onDelete === 'keep')
    return named(success('unchanged', { reason: `${what} is kept (onDelete: keep)` }));
  const existing = await readCertificate(store, certificateName);
  if (!existing) return named(success('unchanged'));
  if (existing.tags[KUBERNETES_SECRET_TAG] !== key)
    return named(
      warning(
        'skipped',
        `${what} was not made from this Secret; left alone`,
        'CertificateNotOwned',
      ),
    );
  if (options.onDelete === 'disable') {
    if (!existing.enabled) return named(success('unchanged'));
    if (options.dryRun)
      return named(
        convergeWouldDo('disabled', `${store.vaultName}/${certificateName} (${key} was deleted)`),
      );
    options.beforeWrite();
    await store.updateProperties(certificateName, existing.version, {
      enabled: false,
      tags: existing.tags,
    });
    return named(success('disabled'));
  }
  if (options.dryRun)
    return named(
      convergeWouldDo(
        'deleted',
        `${store.vaultName}/${certificateName} (soft delete; ${key} was deleted)`,
      ),
    );
  options.beforeWrite();
  await store.deleteCertificate(certificateName);
  return named(success('deleted'));
}
