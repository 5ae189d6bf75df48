import { ReplicatorError, type Config } from '@akv-replicator/core';

/** The container port discovery's status endpoint is named by (the Service targets the name). */
export const STATUS_PORT_NAME = 'status';

/**
 * The status port of discovery's container, [] when `status.enabled` is off. Port 0 (a free
 * port, for tests and `up --local`) cannot be named in a Service, so it is refused here.
 */
export function statusContainerPorts(config: Config): { name: string; containerPort: number }[] {
  if (!config.status.enabled) return [];
  if (config.status.port === 0)
    throw new ReplicatorError(
      'cannot render manifests: status.port is 0 (a free port): a Service needs a fixed port, e.g. 8081',
      { code: 'ConfigInvalid', retryable: false },
    );
  return [{ name: STATUS_PORT_NAME, containerPort: config.status.port }];
}

/**
 * A ClusterIP Service for discovery's status endpoint when `status.enabled`; none otherwise.
 * It publishes not-ready addresses: the status page is how an operator learns why discovery is
 * not ready (a vault it cannot list, a bus it cannot reach), so readiness must not hide it.
 * `kubectl port-forward svc/<app>-status <port>` reaches it from a workstation.
 */
export function statusService(
  config: Config,
  app: string,
  namespace: string,
  labels: Record<string, string>,
): Record<string, unknown>[] {
  if (!config.status.enabled) return [];
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: `${app}-status`,
        namespace,
        labels: { ...labels, 'app.kubernetes.io/component': 'status' },
      },
      spec: {
        type: 'ClusterIP',
        publishNotReadyAddresses: true,
        selector: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': 'discovery' },
        ports: [{ name: STATUS_PORT_NAME, port: config.status.port, targetPort: STATUS_PORT_NAME }],
      },
    },
  ];
}

/** How an operator reaches the status page from a workstation, when `status.enabled`. */
export function statusNotes(config: Config, app: string, namespace: string): string[] {
  if (!config.status.enabled) return [];
  return [
    `the status page: kubectl -n ${namespace} port-forward svc/${app}-status ${config.status.port}, then http://localhost:${config.status.port}/ with the status.token`,
  ];
}
