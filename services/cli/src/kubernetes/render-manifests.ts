import { createHash } from 'node:crypto';
import { ReplicatorError, type LoadedConfig } from '@akv-replicator/core';
import { SERVICE_NODE_OPTIONS } from '../stack/service-node-options';
import type { ServiceName } from '../stack/service-names';
import { replicaRegions } from '@akv-replicator/runtime';
import { allSecretReferences, secretReferencesOf } from './secret-env';
import { statusContainerPorts, statusNotes, statusService } from './status-service';
import { discoveryLeaseRbac, leaseRbac } from './lease-rbac';
import { discoveryDisruptionBudget, discoveryReplicas, discoverySpec } from './discovery-workload';

export interface ManifestOptions {
  /** Prefix of every object's name and of the app label. */
  readonly name: string;
  readonly namespace: string;
  /** Images are `<repository>/<service>:<tag>` — the Dockerfile's targets. */
  readonly imageRepository: string;
  readonly imageTag: string;
  /** Replicator regions beyond those the configuration names (tag-driven destinations). */
  readonly extraRegions?: readonly string[];
  readonly ingressReplicas?: number;
  /** Discovery pods: more than one needs `discovery.leaderElection` (default 1). */
  readonly discoveryReplicas?: number;
  /** OTLP/HTTP endpoint of a collector: every pod traces to it (`OTEL_*` variables). */
  readonly otlpEndpoint?: string;
}

export type Manifest = Record<string, unknown>;

export interface RenderedManifests {
  readonly manifests: readonly Manifest[];
  /** Things the operator must know or do (printed as comments and on stderr). */
  readonly notes: readonly string[];
}

/** Where the pods find the configuration and mounted secrets (the images' CMD reads this path). */
export const CONFIG_DIR = '/etc/akv-replicator';
export const SECRETS_DIR = '/var/run/secrets/akv-replicator';

/**
 * Memory limits: bounded services peak near 110 MiB (docs/benchmarks.md); discovery too, since
 * its reconcile streams listings (`rss-discovery-large-vault`: a 50,000-secret vault).
 */
export const SERVICE_MEMORY: Readonly<Record<ServiceName, { request: string; limit: string }>> = {
  ingress: { request: '128Mi', limit: '192Mi' },
  discovery: { request: '128Mi', limit: '192Mi' },
  replicator: { request: '128Mi', limit: '192Mi' },
  'certificate-converter': { request: '128Mi', limit: '192Mi' },
  notifier: { request: '96Mi', limit: '192Mi' },
};

/**
 * Kubernetes manifests for one configuration: one Deployment per service, one replicator per
 * replica region (DESIGN principle 6: a region that is down stalls only its own pods), the
 * configuration as a ConfigMap, secret references as a Secret's keys, least-privilege RBAC for
 * the cert-manager watch. Pure: the same configuration gives the same manifests.
 */
export function renderManifests(
  loaded: LoadedConfig,
  configText: string,
  options: ManifestOptions,
): RenderedManifests {
  const { config } = loaded;
  if (config.bus.transport === 'memory') {
    throw invalidFor(
      'bus.transport is memory: pods cannot share an in-memory bus; set bus.transport to nats or servicebus',
    );
  }
  const notes: string[] = [];
  const dynamicRegions = loaded.topology.selections.some((s) => s.destinationsFromTag);
  const regions = [...new Set([...replicaRegions(loaded), ...(options.extraRegions ?? [])])].sort();
  if (dynamicRegions && (options.extraRegions ?? []).length === 0) {
    throw invalidFor(
      'a selection takes its destinations from the dst_key_vault_names tag, so replica regions are only known at run time: name them with --region',
    );
  }
  if (regions.length === 0) {
    throw invalidFor('the configuration names no replica region');
  }
  const discoveryPods = discoveryReplicas(config, options.discoveryReplicas);
  if (config.azure.emulator) {
    notes.push('azure.emulator is set: these pods will talk to the Key Vault emulator, not Azure');
  }

  const app = options.name;
  const configHash = createHash('sha256').update(configText).digest('hex').slice(0, 16);
  const secretName = `${app}-secrets`;
  const references = allSecretReferences(config);
  if (references.env.length > 0) {
    notes.push(
      `create the Secret ${secretName} in ${options.namespace} with the keys ${references.env.join(', ')}, e.g. kubectl -n ${options.namespace} create secret generic ${secretName} ${references.env.map((key) => `--from-literal=${key}=…`).join(' ')}`,
    );
  }
  for (const file of references.files.filter((f) => !f.startsWith(`${SECRETS_DIR}/`))) {
    notes.push(
      `${file} (a fromFile reference) is outside ${SECRETS_DIR}, where the pods mount ${secretName}: mount it yourself or move it there`,
    );
  }
  notes.push(...statusNotes(config, app, options.namespace));
  const workloadIdentity = Object.values(config.tenants).find(
    (tenant) => tenant.auth.method === 'workload-identity',
  );
  const certManager = config.certManager;
  if (certManager && workloadIdentity) {
    notes.push(
      `the certificate-converter runs as its own service account: give its Entra identity a federated credential for system:serviceaccount:${options.namespace}:${app}-certificate-converter too`,
    );
  }

  const workloads: { service: ServiceName; name: string; args: string[]; replicas: number }[] = [
    { service: 'ingress', name: 'ingress', args: [], replicas: options.ingressReplicas ?? 2 },
    { service: 'discovery', name: 'discovery', args: [], replicas: discoveryPods },
    ...regions.map((region) => ({
      service: 'replicator' as const,
      name: `replicator-${kubernetesSafe(region)}`,
      args: ['--region', region],
      replicas: 1,
    })),
    { service: 'certificate-converter', name: 'certificate-converter', args: [], replicas: 1 },
    ...(config.notifications.enabled
      ? [{ service: 'notifier' as const, name: 'notifier', args: [], replicas: 1 }]
      : []),
  ];

  const labels = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'akv-replicator' };
  const metadata = (name: string, extra: Manifest = {}) => ({
    name,
    namespace: options.namespace,
    labels,
    ...extra,
  });
  const discoveryLease = config.discovery.leaderElection.kind === 'kubernetes-lease';
  if (discoveryLease && workloadIdentity) {
    notes.push(
      `discovery holds a Kubernetes Lease as its own service account: give its Entra identity a federated credential for system:serviceaccount:${options.namespace}:${app}-discovery too`,
    );
  }
  // The services that talk to the Kubernetes API run as their own, token-mounted accounts.
  const ownAccount = (service: ServiceName) =>
    (service === 'certificate-converter' && certManager !== undefined) ||
    (service === 'discovery' && discoveryLease);
  const serviceAccountName = (service: ServiceName) =>
    ownAccount(service) ? `${app}-${service}` : app;
  const serviceAccount = (name: string): Manifest => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: metadata(name, {
      ...(workloadIdentity?.auth.method === 'workload-identity'
        ? {
            annotations: {
              'azure.workload.identity/tenant-id': workloadIdentity.tenantId,
              ...(workloadIdentity.auth.clientId
                ? { 'azure.workload.identity/client-id': workloadIdentity.auth.clientId }
                : {}),
            },
          }
        : {}),
    }),
    // Only the cert-manager watch and the discovery Lease election talk to the Kubernetes API.
    automountServiceAccountToken: name !== app,
  });

  const manifests: Manifest[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(`${app}-config`),
      data: { 'config.yaml': configText },
    },
    serviceAccount(app),
    ...(certManager ? [serviceAccount(`${app}-certificate-converter`)] : []),
    ...(discoveryLease ? [serviceAccount(`${app}-discovery`)] : []),
  ];

  for (const workload of workloads) {
    const component = workload.name;
    const selector = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': component };
    const env = [
      { name: 'NODE_OPTIONS', value: SERVICE_NODE_OPTIONS[workload.service] },
      ...(options.otlpEndpoint
        ? [
            { name: 'AKV_REPLICATOR__TELEMETRY__TRACING', value: 'true' },
            { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: options.otlpEndpoint },
            { name: 'OTEL_SERVICE_NAME', value: `akv-replicator-${workload.service}` },
            {
              name: 'OTEL_RESOURCE_ATTRIBUTES',
              value: `service.namespace=${app},k8s.namespace.name=${options.namespace}`,
            },
          ]
        : []),
      ...secretReferencesOf(config, workload.service).env.map((key) => ({
        name: key,
        valueFrom: { secretKeyRef: { name: secretName, key } },
      })),
    ];
    const ports = [
      ...(workload.service === 'ingress'
        ? [{ name: 'http', containerPort: config.ingress.port }]
        : []),
      ...(config.telemetry.metricsPort > 0
        ? [{ name: 'metrics', containerPort: config.telemetry.metricsPort }]
        : []),
      ...(workload.service === 'discovery' ? statusContainerPorts(config) : []),
    ];
    const discovery =
      workload.service === 'discovery'
        ? discoverySpec(config, workload.replicas, selector)
        : { spec: {}, podSpec: {} };
    const probe =
      workload.service === 'ingress'
        ? { path: '/readyz', port: 'http' }
        : config.telemetry.metricsPort > 0
          ? { path: '/metrics', port: 'metrics' }
          : undefined;
    manifests.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(`${app}-${component}`),
      spec: {
        replicas: workload.replicas,
        ...discovery.spec,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: {
              ...selector,
              ...(workloadIdentity ? { 'azure.workload.identity/use': 'true' } : {}),
            },
            annotations: {
              // A changed configuration rolls the pods (the ConfigMap alone would not).
              'akv-replicator/config-sha256': configHash,
              ...(config.telemetry.metricsPort > 0
                ? {
                    'prometheus.io/scrape': 'true',
                    'prometheus.io/port': String(config.telemetry.metricsPort),
                    'prometheus.io/path': '/metrics',
                  }
                : {}),
            },
          },
          spec: {
            serviceAccountName: serviceAccountName(workload.service),
            automountServiceAccountToken: ownAccount(workload.service),
            ...discovery.podSpec,
            // SIGTERM drains in-flight work; give it time before SIGKILL.
            terminationGracePeriodSeconds: 60,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 1000,
              runAsGroup: 1000,
              fsGroup: 1000,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: workload.service,
                image: `${options.imageRepository}/${workload.service}:${options.imageTag}`,
                args: [
                  'up',
                  '--config',
                  `${CONFIG_DIR}/config.yaml`,
                  '--services',
                  workload.service,
                  ...workload.args,
                ],
                env,
                ...(ports.length > 0 ? { ports } : {}),
                ...(probe
                  ? {
                      readinessProbe: { httpGet: probe, periodSeconds: 10 },
                      livenessProbe: {
                        httpGet: probe,
                        periodSeconds: 20,
                        failureThreshold: 3,
                        initialDelaySeconds: 20,
                      },
                    }
                  : {}),
                // No CPU limit: throttling a worker only adds replication latency.
                resources: {
                  requests: { cpu: '50m', memory: SERVICE_MEMORY[workload.service].request },
                  limits: { memory: SERVICE_MEMORY[workload.service].limit },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                  { name: 'secrets', mountPath: SECRETS_DIR, readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: `${app}-config` } },
              { name: 'secrets', secret: { secretName, optional: true } },
              { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
            ],
          },
        },
      },
    });
  }

  manifests.push(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(`${app}-ingress`),
      spec: {
        selector: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': 'ingress' },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: metadata(`${app}-ingress`),
      spec: {
        minAvailable: 1,
        selector: {
          matchLabels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': 'ingress' },
        },
      },
    },
  );
  manifests.push(
    ...discoveryDisruptionBudget(discoveryPods, metadata(`${app}-discovery`), {
      'app.kubernetes.io/name': app,
      'app.kubernetes.io/component': 'discovery',
    }),
  );
  manifests.push(...statusService(config, app, options.namespace, labels));
  if (certManager) manifests.push(...certManagerRbac(app, options.namespace, certManager, labels));
  if (discoveryLease) {
    manifests.push(
      ...discoveryLeaseRbac(app, options.namespace, config.discovery.leaderElection, labels),
    );
  }
  return { manifests, notes };
}

/**
 * What the cert-manager watch needs and nothing more: read TLS Secrets where it watches (the
 * whole cluster only when no namespace is named) and hold its Lease.
 */
function certManagerRbac(
  app: string,
  namespace: string,
  certManager: NonNullable<LoadedConfig['config']['certManager']>,
  labels: Record<string, string>,
): Manifest[] {
  const subject = {
    kind: 'ServiceAccount' as const,
    name: `${app}-certificate-converter`,
    namespace,
  };
  const readSecrets = [
    // Exactly what the watch and the election call: list+watch Secrets, get/create/update Leases.
    { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] },
  ];
  const leaseNamespace = certManager.lease.namespace ?? namespace;
  const name = `${app}-certificate-converter`;
  // Cluster-scoped objects carry the namespace too: two installs must not share a binding.
  const clusterName = `${namespace}-${name}`;
  const secretAccess: Manifest[] =
    certManager.namespaces.length === 0
      ? [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: clusterName, labels },
            rules: readSecrets,
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: clusterName, labels },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: clusterName,
            },
            subjects: [subject],
          },
        ]
      : certManager.namespaces.flatMap((watched) => [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'Role',
            metadata: { name: `${name}-secrets`, namespace: watched, labels },
            rules: readSecrets,
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: `${name}-secrets`, namespace: watched, labels },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Role',
              name: `${name}-secrets`,
            },
            subjects: [subject],
          },
        ]);
  return [
    ...secretAccess,
    ...leaseRbac(`${name}-lease`, leaseNamespace, certManager.lease.name, subject, labels),
  ];
}

function invalidFor(message: string): ReplicatorError {
  return new ReplicatorError(`cannot render manifests: ${message}`, {
    code: 'ConfigInvalid',
    retryable: false,
  });
}

/** Regions like `westeurope` are already DNS labels; anything else is folded into one. */
function kubernetesSafe(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
