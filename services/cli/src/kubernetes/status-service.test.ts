import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { loadConfigText } from '@akv-replicator/core';
import { renderManifests, type Manifest } from './render-manifests';

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
links:
  - name: app
    source: { vault: kv-app-weu, subscriptionId: 11111111-1111-1111-1111-111111111111 }
    replicas:
      - { vault: kv-app-neu, region: northeurope }
bus:
  transport: nats
  nats: { servers: [nats://nats:4222] }
`;
const STATUS = `${BASE}status: { enabled: true, port: 8181, token: { fromEnv: STATUS_TOKEN } }\n`;

const render = (text: string) => renderManifests(loadConfigText(text, { env: {} }), text, OPTIONS);

type Container = {
  env: { name: string; valueFrom?: unknown }[];
  ports?: { name: string; containerPort: number }[];
};
const containerOf = (manifests: readonly Manifest[], name: string) =>
  (
    manifests.find((m) => m.kind === 'Deployment' && (m.metadata as { name: string }).name === name)
      ?.spec as { template: { spec: { containers: Container[] } } }
  ).template.spec.containers[0]!;
const services = (manifests: readonly Manifest[]) =>
  manifests.filter((m) => m.kind === 'Service') as {
    metadata: { name: string };
    spec: {
      type?: string;
      publishNotReadyAddresses?: boolean;
      selector: Record<string, string>;
      ports: { name: string; port: number; targetPort: string }[];
    };
  }[];

test('status.enabled: discovery gets the status port and a ClusterIP Service that ignores readiness', () => {
  const { manifests, notes } = render(STATUS);
  const discovery = containerOf(manifests, 'akvr-discovery');
  assert.deepEqual(
    discovery.ports?.find((p) => p.name === 'status'),
    { name: 'status', containerPort: 8181 },
  );
  for (const other of ['akvr-ingress', 'akvr-replicator-northeurope'])
    assert.ok(!containerOf(manifests, other).ports?.some((p) => p.name === 'status'), other);
  const status = services(manifests).find((s) => s.metadata.name === 'akvr-status');
  assert.ok(status, 'a status Service');
  assert.equal(status.spec.type, 'ClusterIP');
  assert.equal(status.spec.publishNotReadyAddresses, true);
  assert.deepEqual(status.spec.selector, {
    'app.kubernetes.io/name': 'akvr',
    'app.kubernetes.io/component': 'discovery',
  });
  assert.deepEqual(status.spec.ports, [{ name: 'status', port: 8181, targetPort: 'status' }]);
  assert.ok(notes.some((n) => n.includes('kubectl -n dr port-forward svc/akvr-status 8181')));
  for (const service of services(manifests)) {
    const roundTrip: unknown = JSON.parse(
      JSON.stringify(
        ObjectSerializer.serialize(
          ObjectSerializer.deserialize(service, 'V1Service', ''),
          'V1Service',
          '',
        ),
      ),
    );
    assert.deepEqual(roundTrip, service, 'nothing lost through V1Service');
  }
});

test('the status token reaches discovery from the Secret, and no other pod', () => {
  const { manifests, notes } = render(STATUS);
  const token = containerOf(manifests, 'akvr-discovery').env.find((e) => e.name === 'STATUS_TOKEN');
  assert.deepEqual(token?.valueFrom, {
    secretKeyRef: { name: 'akvr-secrets', key: 'STATUS_TOKEN' },
  });
  for (const other of ['akvr-ingress', 'akvr-replicator-northeurope', 'akvr-certificate-converter'])
    assert.ok(!containerOf(manifests, other).env.some((e) => e.name === 'STATUS_TOKEN'), other);
  assert.ok(
    notes.some((n) => n.includes('create the Secret akvr-secrets') && n.includes('STATUS_TOKEN')),
  );
});

test('status off (the default): no status port, no status Service, no note', () => {
  const { manifests, notes } = render(BASE);
  assert.ok(!containerOf(manifests, 'akvr-discovery').ports?.some((p) => p.name === 'status'));
  assert.deepEqual(
    services(manifests).map((s) => s.metadata.name),
    ['akvr-ingress'],
  );
  assert.ok(!notes.some((n) => n.includes('status')));
});

test('status.port 0 (a free port) is refused: a Service needs a fixed port', () => {
  assert.throws(() => render(STATUS.replace('port: 8181', 'port: 0')), /status\.port is 0/);
});
