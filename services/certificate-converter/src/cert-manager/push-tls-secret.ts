import { convergeWouldDo } from '@akv-replicator/core';
import {
  CertificateMaterialError,
  type CertificatePolicyModel,
  type CertificateStore,
} from '@akv-replicator/keyvault';
import { readCertificate } from '../converge/certificate-state';
import {
  failure,
  success,
  warning,
  type CertificateConvergeResult,
} from '../converge/converge-result';
import { keyVaultNameFor } from './key-vault-name';
import { bundleTlsSecret, type TlsBundle, type TlsSecretData } from './tls-secret-bundle';

/** Tag naming the Kubernetes Secret a certificate came from: `<namespace>/<name>`. */
export const KUBERNETES_SECRET_TAG = 'k8s-secret';
/** Tag carrying the cert-manager Certificate's name (from the Secret's annotation). */
export const CERT_MANAGER_CERTIFICATE_TAG = 'cert-manager-certificate';
/** The annotation cert-manager sets on the Secrets it manages. */
export const DEFAULT_CERT_MANAGER_ANNOTATION = 'cert-manager.io/certificate-name';
const MAX_TAG_VALUE = 256;

/** A `kubernetes.io/tls` Secret as the watch delivers it. */
export interface TlsSecret {
  readonly namespace: string;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly data: TlsSecretData;
}

export interface PushOptions {
  /** Prepended to every Key Vault name (e.g. `aks-prod-`). */
  readonly namePrefix?: string;
  readonly annotation?: string;
  /** The Secret already bundled (the watch bundles first to skip unchanged thumbprints). */
  readonly bundle?: TlsBundle;
  /** Called right before each Key Vault write; throws to stop the push (the Lease was lost). */
  readonly beforeWrite?: () => void;
  /**
   * `replication.dryRun`: read Key Vault and report what the push would do (`would-create`,
   * `would-update`, `would-update-properties`, or the failure an import would meet), writing
   * nothing. Default false.
   */
  readonly dryRun?: boolean;
}

/**
 * Pushes one cert-manager TLS Secret into Key Vault as a certificate version: imports only
 * when the leaf thumbprint differs from the certificate's latest version (a cert-manager
 * renewal), never takes over a certificate another Secret or a person made, and leaves the
 * policy without auto-renew (cert-manager renews, not Key Vault). Imported certificates are
 * then replicated like any other.
 */
export async function pushTlsSecret(
  secret: TlsSecret,
  store: CertificateStore,
  options: PushOptions = {},
): Promise<CertificateConvergeResult & { readonly certificateName: string }> {
  const certificateName = keyVaultNameFor(secret.namespace, secret.name, options.namePrefix);
  const owner = `${secret.namespace}/${secret.name}`.slice(0, MAX_TAG_VALUE);
  const where = `${owner} → ${store.vaultName}/${certificateName}`;
  let bundle = options.bundle;
  try {
    bundle ??= bundleTlsSecret(secret.data);
  } catch (error) {
    if (!(error instanceof CertificateMaterialError)) throw error;
    return {
      ...warning('skipped', `${where}: ${error.message}`, error.code),
      certificateName,
    };
  }
  const existing = await readCertificate(store, certificateName);
  if (existing && existing.tags[KUBERNETES_SECRET_TAG] !== owner)
    return {
      ...warning(
        'skipped',
        `${where}: the certificate exists and was not made from this Secret; it is not overwritten`,
        'CertificateNotOwned',
      ),
      certificateName,
    };
  if (existing?.x5t === bundle.x5t) {
    // An earlier push may have imported and then failed to drop the policy: finish it now.
    const ids = { replicaVersion: existing.version };
    if (!autoRenews(existing.policy)) return { ...success('unchanged', ids), certificateName };
    const what = `${where} (its policy without AutoRenew: cert-manager renews)`;
    if (options.dryRun)
      return { ...convergeWouldDo('properties-updated', what, ids), certificateName };
    await dropAutoRenew(store, certificateName, existing.policy, options.beforeWrite);
    return {
      ...success('properties-updated', { ...ids, reason: `updated ${what}` }),
      certificateName,
    };
  }
  if (options.dryRun)
    return {
      ...(await planImport(store, certificateName, where, existing !== undefined)),
      certificateName,
    };
  const certificateTag = secret.annotations[options.annotation ?? DEFAULT_CERT_MANAGER_ANNOTATION];
  options.beforeWrite?.();
  const imported = await store.importCertificate(certificateName, {
    value: bundle.value,
    contentType: bundle.contentType,
    enabled: true,
    tags: {
      [KUBERNETES_SECRET_TAG]: owner,
      ...(certificateTag
        ? { [CERT_MANAGER_CERTIFICATE_TAG]: certificateTag.slice(0, MAX_TAG_VALUE) }
        : {}),
    },
  });
  // Key Vault gives an imported certificate an auto-renewing default policy: drop it.
  await dropAutoRenew(
    store,
    certificateName,
    await store.getPolicy(certificateName),
    options.beforeWrite,
  );
  return {
    ...success(existing ? 'updated' : 'created', { replicaVersion: imported.version }),
    certificateName,
  };
}

/** Dry run: the import the push would make, from reads only. */
async function planImport(
  store: CertificateStore,
  certificateName: string,
  where: string,
  existed: boolean,
): Promise<CertificateConvergeResult> {
  const what = `${where} (policy without AutoRenew)`;
  if (existed) return convergeWouldDo('updated', what);
  if (!(await store.getDeletedCertificate(certificateName)))
    return convergeWouldDo('created', what);
  // The import would meet 409 ObjectIsDeletedButRecoverable and be retried until someone
  // recovers or purges the name: say so instead of promising a create.
  return failure(
    'skipped',
    `dry run: would fail to import ${where}: the name is soft-deleted in ${store.vaultName}; recover or purge it there`,
    'ObjectIsDeletedButRecoverable',
  );
}

const autoRenews = (policy: CertificatePolicyModel) =>
  policy.lifetimeActions.some((action) => action.action === 'AutoRenew');

async function dropAutoRenew(
  store: CertificateStore,
  certificateName: string,
  policy: CertificatePolicyModel,
  beforeWrite?: () => void,
): Promise<void> {
  if (!autoRenews(policy)) return;
  beforeWrite?.();
  await store.updatePolicy(certificateName, withoutAutoRenew(policy));
}

function withoutAutoRenew(policy: CertificatePolicyModel): CertificatePolicyModel {
  return {
    ...policy,
    issuerName: 'Unknown',
    lifetimeActions: policy.lifetimeActions.filter((action) => action.action !== 'AutoRenew'),
  };
}
