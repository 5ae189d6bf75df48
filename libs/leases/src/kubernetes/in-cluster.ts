import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

/** Where Kubernetes mounts the pod's namespace next to its service-account token. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE =
  '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The pod's service account; fails outside a cluster instead of calling https://undefined. */
export function inClusterKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromCluster();
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server || server.includes('//undefined'))
    throw new Error('no in-cluster service account (KUBERNETES_SERVICE_HOST is not set)');
  return kubeConfig;
}

/** The pod's namespace, when running in one. */
export function podNamespace(): string | undefined {
  if (!existsSync(SERVICE_ACCOUNT_NAMESPACE_FILE)) return undefined;
  return readFileSync(SERVICE_ACCOUNT_NAMESPACE_FILE, 'utf8').trim() || undefined;
}
