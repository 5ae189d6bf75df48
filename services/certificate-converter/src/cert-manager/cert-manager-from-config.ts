import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import type { Config, Logger } from '@akv-replicator/core';
import type { CertificateStore, VaultAddress } from '@akv-replicator/keyvault';
import { CertManagerPush, type CertManagerPushDeps } from './cert-manager-push';

/** Where Kubernetes mounts the pod's namespace next to its service-account token. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE =
  '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface CertManagerFromConfigDeps {
  readonly stores: (vault: VaultAddress) => CertificateStore;
  readonly logger: Logger;
  /** Overrides `certManager.kubeconfig` / in-cluster loading (tests). */
  readonly kubeConfig?: KubeConfig;
  /** This instance's Lease identity; default: host name (the pod name) plus a random suffix. */
  readonly identity?: string;
  readonly onResult?: CertManagerPushDeps['onResult'];
}

/**
 * The cert-manager push the configuration asks for, or undefined when `certManager` is absent.
 * Kubernetes credentials come from `certManager.kubeconfig` (and `context`), else from the
 * in-cluster service account; a kubeconfig that cannot be read fails here, at start.
 */
export function certManagerPushFromConfig(
  config: Config,
  deps: CertManagerFromConfigDeps,
): CertManagerPush | undefined {
  const settings = config.certManager;
  if (!settings) return undefined;
  const kubeConfig = deps.kubeConfig ?? loadKubeConfig(settings.kubeconfig, settings.context);
  const store = deps.stores({
    name: settings.vault,
    ...(settings.vaultUri ? { uri: settings.vaultUri } : {}),
    tenant: settings.tenant ?? config.azure.defaultTenant,
  });
  return new CertManagerPush(
    {
      namespaces: settings.namespaces,
      annotation: settings.annotation,
      namePrefix: settings.namePrefix,
      format: settings.format,
      onDelete: settings.onDelete,
      dryRun: config.replication.dryRun,
      lease: {
        ...settings.lease,
        namespace: settings.lease.namespace ?? podNamespace(settings.kubeconfig) ?? 'default',
      },
      identity: deps.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`,
    },
    {
      kubeConfig,
      store,
      logger: deps.logger,
      ...(deps.onResult ? { onResult: deps.onResult } : {}),
    },
  );
}

function loadKubeConfig(file: string | undefined, context: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (file) kubeConfig.loadFromFile(file);
    else kubeConfig.loadFromCluster();
    if (context) kubeConfig.setCurrentContext(context);
  } catch (cause) {
    throw new Error(
      `certManager: cannot load ${file ? `kubeconfig ${file}` : 'the in-cluster service account'}: ${(cause as Error).message}`,
      { cause },
    );
  }
  const server = kubeConfig.getCurrentCluster()?.server;
  // loadFromCluster does not fail outside a cluster; it builds https://undefined:undefined.
  if (!server || server.includes('//undefined'))
    throw new Error(
      file
        ? `certManager.kubeconfig: ${file} names no cluster for context "${kubeConfig.getCurrentContext()}"`
        : 'certManager: not running in a cluster (KUBERNETES_SERVICE_HOST unset); set certManager.kubeconfig',
    );
  return kubeConfig;
}

function podNamespace(kubeconfig: string | undefined): string | undefined {
  if (kubeconfig || !existsSync(SERVICE_ACCOUNT_NAMESPACE_FILE)) return undefined;
  return readFileSync(SERVICE_ACCOUNT_NAMESPACE_FILE, 'utf8').trim() || undefined;
}
