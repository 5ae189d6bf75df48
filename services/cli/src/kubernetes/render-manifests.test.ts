import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { loadConfigText } from '@akv-replicator/core';
import { SERVICE_NODE_OPTIONS } from '../stack/service-node-options';
import type { ServiceName } from '../stack/service-names';
import { CONFIG_DIR, renderManifests, type Manifest } from './render-manifests';

const OPTIONS = {
  name: 'akvr',
  namespace: 'dr',
  imageRepository: 'registry.example/akv-replicator',
  imageTag: '1.2.3',
};

const BASE = `
tenants:
  default:
    tenantId: 00000000-0000-0000-0000-0000000000aa
    auth: { method: service-principal, clientId: c1, clientSecret: { fromEnv: SP_SECRET } }
  other:
    tenantId: 00000000-0000-0000-0000-0000000000bb
    auth: { method: service-principal, clientId: c2, clientSecret: { fromFile: /mnt/sp-other } }
links:
  - name: app
    source: { vault: kv-app-weu, subscriptionId: 11111111-1111-1111-1111-111111111111 }
    replicas:
      - { vault: kv-app-neu, region: northeurope }
      - { vault: kv-app-eus, region: eastus }
bus:
  transport: nats
  nats: { servers: [nats://nats:4222], token: { fromEnv: NATS_TOKEN } }
ingress:
  auth: { sharedSecret: { fromEnv: INGRESS_SECRET } }
notifications:
  enabled: true
  slack: { webhookUrl: { fromEnv: SLACK_URL } }
`;

function render(text: string, extra: Partial<Parameters<typeof renderManifests>[2]> = {}) {
  return renderManifests(loadConfigText(text, { env: {} }), text, { ...OPTIONS, ...extra });
}

type Deployment = {
  metadata: { name: string };
  spec: {
    replicas: number;
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken: boolean;
        containers: {
          image: string;
          args: string[];
          env: { name: string; value?: string; valueFrom?: unknown }[];
          securityContext: Record<string, unknown>;
          volumeMounts: { mountPath: string }[];
        }[];
      };
    };
  };
};

const deployments = (manifests: readonly Manifest[]) =>
  new Map(
    manifests
      .filter((m) => m.kind === 'Deployment')
      .map((m) => [(m as Deployment).metadata.name, m as Deployment]),
  );
const container = (d: Deployment) => d.spec.template.spec.containers[0]!;
const envNames = (d: Deployment) => container(d).env.map((e) => e.name);

test('one Deployment per service and one replicator per replica region, each running its service from the image', () => {
  const { manifests } = render(BASE);
  const byName = deployments(manifests);
  assert.deepEqual([...byName.keys()].sort(), [
    'akvr-certificate-converter',
    'akvr-discovery',
    'akvr-ingress',
    'akvr-notifier',
    'akvr-replicator-eastus',
    'akvr-replicator-northeurope',
  ]);
  const neu = container(byName.get('akvr-replicator-northeurope')!);
  assert.equal(neu.image, 'registry.example/akv-replicator/replicator:1.2.3');
  assert.deepEqual(neu.args, [
    'up',
    '--config',
    `${CONFIG_DIR}/config.yaml`,
    '--services',
    'replicator',
    '--region',
    'northeurope',
  ]);
  assert.equal(byName.get('akvr-ingress')!.spec.replicas, 2);
  assert.equal(
    (byName.get('akvr-discovery')!.spec as { strategy?: unknown }).strategy !== undefined,
    true,
  );
});

test('every pod runs its service with its NODE_OPTIONS, non-root, read-only, without capabilities', () => {
  for (const deployment of deployments(render(BASE).manifests).values()) {
    const c = container(deployment);
    const service = c.args[4] as ServiceName;
    assert.equal(
      c.env.find((e) => e.name === 'NODE_OPTIONS')?.value,
      SERVICE_NODE_OPTIONS[service],
    );
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
    assert.ok(
      c.volumeMounts.some((m) => m.mountPath === '/tmp'),
      'a writable /tmp',
    );
    assert.equal(deployment.spec.template.spec.automountServiceAccountToken, false);
  }
});

test('with a collector endpoint every pod traces to it under its own service name', () => {
  const plain = deployments(render(BASE).manifests);
  assert.ok(![...plain.values()].some((d) => envNames(d).includes('OTEL_EXPORTER_OTLP_ENDPOINT')));
  const traced = deployments(render(BASE, { otlpEndpoint: 'http://collector:4318' }).manifests);
  for (const deployment of traced.values()) {
    const env = new Map(container(deployment).env.map((e) => [e.name, e.value]));
    assert.equal(env.get('OTEL_EXPORTER_OTLP_ENDPOINT'), 'http://collector:4318');
    assert.equal(env.get('AKV_REPLICATOR__TELEMETRY__TRACING'), 'true');
    assert.equal(env.get('OTEL_SERVICE_NAME'), `akv-replicator-${container(deployment).args[4]}`);
  }
});

test('each pod gets only the secret references of the sections its service reads', () => {
  const byName = deployments(render(BASE).manifests);
  assert.deepEqual(envNames(byName.get('akvr-replicator-eastus')!), [
    'NODE_OPTIONS',
    'NATS_TOKEN',
    'SP_SECRET',
  ]);
  assert.deepEqual(envNames(byName.get('akvr-notifier')!), [
    'NODE_OPTIONS',
    'NATS_TOKEN',
    'SLACK_URL',
  ]);
  assert.deepEqual(envNames(byName.get('akvr-ingress')!), [
    'NODE_OPTIONS',
    'INGRESS_SECRET',
    'NATS_TOKEN',
    'SP_SECRET',
  ]);
  const slack = container(byName.get('akvr-notifier')!).env.find((e) => e.name === 'SLACK_URL');
  assert.deepEqual(slack?.valueFrom, { secretKeyRef: { name: 'akvr-secrets', key: 'SLACK_URL' } });
});

test('the notes name the Secret to create with every key, and fromFile paths the pods do not mount', () => {
  const { notes } = render(BASE);
  const secretNote = notes.find((n) => n.includes('create the Secret akvr-secrets'));
  for (const key of ['INGRESS_SECRET', 'NATS_TOKEN', 'SLACK_URL', 'SP_SECRET'])
    assert.ok(secretNote?.includes(key), key);
  assert.ok(notes.some((n) => n.includes('/mnt/sp-other')));
});

test('the configuration travels verbatim in a ConfigMap; a change rolls every pod', () => {
  const first = render(BASE).manifests;
  const configMap = first.find((m) => m.kind === 'ConfigMap') as { data: Record<string, string> };
  assert.equal(configMap.data['config.yaml'], BASE);
  const changed = render(`${BASE}\n# reviewed\n`).manifests;
  const hash = (ms: readonly Manifest[]) =>
    [...deployments(ms).values()].map(
      (d) => d.spec.template.metadata.annotations['akv-replicator/config-sha256'],
    );
  assert.equal(new Set(hash(first)).size, 1);
  assert.notDeepEqual(hash(first), hash(changed));
});

test('without notifications there is no notifier; without cert-manager no RBAC', () => {
  const text = BASE.replace('enabled: true', 'enabled: false');
  const { manifests } = render(text);
  assert.ok(!deployments(manifests).has('akvr-notifier'));
  assert.ok(!manifests.some((m) => String(m.kind).includes('Role')));
});

test('cert-manager: Secrets readable only in the watched namespaces, the Lease only in its own, token only for the converter', () => {
  const text = `${BASE}
certManager:
  vault: kv-app-weu
  namespaces: [team-a, team-b]
  lease: { name: akvr-lease }
`;
  const { manifests } = render(text);
  const roles = manifests.filter((m) => m.kind === 'Role') as {
    metadata: { name: string; namespace: string };
    rules: { resources: string[]; resourceNames?: string[] }[];
  }[];
  assert.deepEqual(
    roles.filter((r) => r.rules[0]!.resources[0] === 'secrets').map((r) => r.metadata.namespace),
    ['team-a', 'team-b'],
  );
  // Least privilege: the verbs the watch and the election use, nothing else.
  assert.deepEqual((roles[0]!.rules[0] as unknown as { verbs: string[] }).verbs, ['list', 'watch']);
  const lease = roles.find((r) => r.rules[0]!.resources[0] === 'leases');
  assert.equal(lease?.metadata.namespace, 'dr');
  assert.deepEqual(lease?.rules[0]!.resourceNames, ['akvr-lease']);
  assert.ok(!manifests.some((m) => m.kind === 'ClusterRole'));
  const converter = deployments(manifests).get('akvr-certificate-converter')!;
  assert.equal(converter.spec.template.spec.serviceAccountName, 'akvr-certificate-converter');
  assert.equal(converter.spec.template.spec.automountServiceAccountToken, true);

  const clusterWide = render(text.replace('namespaces: [team-a, team-b]', 'namespaces: []'));
  const clusterRole = clusterWide.manifests.find((m) => m.kind === 'ClusterRole') as
    { metadata: { name: string } } | undefined;
  // Named after the namespace too: a second install elsewhere must not take over the binding.
  assert.equal(clusterRole?.metadata.name, 'dr-akvr-certificate-converter');
});

test('workload identity: the service account carries the tenant and client, the pods the webhook label', () => {
  const text = BASE.replace(
    'auth: { method: service-principal, clientId: c1, clientSecret: { fromEnv: SP_SECRET } }',
    'auth: { method: workload-identity, clientId: 0f0f0f0f-0000-0000-0000-000000000001 }',
  );
  const { manifests } = render(text);
  const account = manifests.find((m) => m.kind === 'ServiceAccount') as {
    metadata: { annotations: Record<string, string> };
  };
  assert.equal(
    account.metadata.annotations['azure.workload.identity/client-id'],
    '0f0f0f0f-0000-0000-0000-000000000001',
  );
  for (const deployment of deployments(manifests).values())
    assert.equal(deployment.spec.template.metadata.labels['azure.workload.identity/use'], 'true');
  const withCertManager = render(`${text}certManager: { vault: kv-app-weu }\n`);
  assert.ok(
    withCertManager.notes.some((n) =>
      n.includes('system:serviceaccount:dr:akvr-certificate-converter'),
    ),
  );
});

test('configurations that cannot run as pods are refused with the reason', () => {
  assert.throws(
    () => render(BASE.replace('transport: nats', 'transport: memory')),
    /in-memory bus.*nats or servicebus/,
  );
  const fromTags = `
tenants: { default: { tenantId: 00000000-0000-0000-0000-0000000000aa } }
azure: { sourceSubscriptionId: 11111111-1111-1111-1111-111111111111 }
sources:
  - name: tagged
    selectionMode: all
    destinationsFromTag: true
bus: { transport: nats, nats: { servers: [nats://nats:4222] } }
`;
  assert.throws(() => render(fromTags), /--region/);
  const withRegions = render(fromTags, { extraRegions: ['swedencentral'] });
  assert.ok(deployments(withRegions.manifests).has('akvr-replicator-swedencentral'));
});

test('every object is valid Kubernetes: nothing is lost in a round trip through the API types', () => {
  const text = `${BASE}
certManager: { vault: kv-app-weu }
`;
  for (const manifest of render(text).manifests) {
    const type = `V1${String(manifest.kind)}`;
    // The API types drop what they don't know: a misspelt field fails here.
    const roundTrip: unknown = JSON.parse(
      JSON.stringify(
        ObjectSerializer.serialize(ObjectSerializer.deserialize(manifest, type, ''), type, ''),
      ),
    );
    assert.deepEqual(roundTrip, manifest, type);
  }
});

test('the pods mount the configuration where the images read it', () => {
  const dockerfile = readFileSync(
    new URL('../../../../deploy/docker/Dockerfile', import.meta.url),
    'utf8',
  );
  assert.ok(
    dockerfile.includes(`"${CONFIG_DIR}/config.yaml"`),
    'Dockerfile CMD reads the same path',
  );
  assert.ok(/^USER node$/m.test(dockerfile), 'image user is node (uid 1000, the pods run as 1000)');
});
