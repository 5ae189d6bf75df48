import { test } from 'node:test';
import assert from 'node:assert/strict';
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
    auth: { method: service-principal, clientId: c1, clientSecret: { fromEnv: SP_SECRET } }
links:
  - name: app
    source: { vault: kv-app-weu, subscriptionId: 11111111-1111-1111-1111-111111111111 }
    replicas: [{ vault: kv-app-neu, region: northeurope }]
bus: { transport: nats, nats: { servers: [nats://nats:4222] } }
`;

type Role = {
  kind: string;
  metadata: { name: string; namespace: string };
  rules: { resources: string[]; resourceNames?: string[]; verbs: string[] }[];
  subjects?: { name: string; namespace: string }[];
};
type PodSpec = { serviceAccountName: string; automountServiceAccountToken: boolean };

function render(text: string): readonly Manifest[] {
  return renderManifests(loadConfigText(text, { env: {} }), text, OPTIONS).manifests;
}
const podSpec = (manifests: readonly Manifest[], name: string) =>
  (
    manifests.find(
      (m) => m.kind === 'Deployment' && (m.metadata as Role['metadata']).name === name,
    )!.spec as { template: { spec: PodSpec } }
  ).template.spec;
const rbac = (manifests: readonly Manifest[]) =>
  manifests.filter((m) => String(m.kind).includes('Role')) as unknown as Role[];

test('discovery kubernetes-lease: its own token-mounted account may get/update the named Lease and create one, in the configured namespace', () => {
  const manifests = render(`${BASE}
discovery:
  leaderElection: { kind: kubernetes-lease, name: akvr-leader, namespace: coordination }
`);
  const [role, binding] = rbac(manifests);
  assert.equal(rbac(manifests).length, 2);
  assert.deepEqual(role!.metadata, {
    name: 'akvr-discovery-lease',
    namespace: 'coordination',
    labels: (role!.metadata as unknown as { labels: unknown }).labels,
  });
  assert.deepEqual(
    role!.rules.map((r) => [r.resources, r.resourceNames, r.verbs]),
    [
      [['leases'], ['akvr-leader'], ['get', 'update']],
      [['leases'], undefined, ['create']],
    ],
  );
  assert.equal(binding!.kind, 'RoleBinding');
  assert.equal(binding!.metadata.namespace, 'coordination');
  assert.deepEqual(binding!.subjects, [
    { kind: 'ServiceAccount', name: 'akvr-discovery', namespace: 'dr' },
  ]);
  assert.ok(
    manifests.some(
      (m) =>
        m.kind === 'ServiceAccount' && (m.metadata as Role['metadata']).name === 'akvr-discovery',
    ),
  );
  assert.deepEqual(podSpec(manifests, 'akvr-discovery'), {
    ...podSpec(manifests, 'akvr-discovery'),
    serviceAccountName: 'akvr-discovery',
    automountServiceAccountToken: true,
  });
  // The other services keep the shared account without a token.
  assert.equal(podSpec(manifests, 'akvr-ingress').serviceAccountName, 'akvr');
  assert.equal(podSpec(manifests, 'akvr-ingress').automountServiceAccountToken, false);
});

test('discovery kubernetes-lease without a namespace: the default Lease name in the release namespace', () => {
  const [role] = rbac(
    render(`${BASE}
discovery:
  leaderElection: { kind: kubernetes-lease }
`),
  );
  assert.equal(role!.metadata.namespace, 'dr');
  assert.deepEqual(role!.rules[0]!.resourceNames, ['akv-replicator-discovery']);
});

test('discovery with nats or no election: no Lease RBAC, no own account, no token', () => {
  for (const kind of ['none', 'nats']) {
    const manifests = render(`${BASE}
discovery:
  leaderElection: { kind: ${kind} }
`);
    assert.deepEqual(rbac(manifests), [], kind);
    assert.deepEqual(podSpec(manifests, 'akvr-discovery').serviceAccountName, 'akvr', kind);
    assert.equal(podSpec(manifests, 'akvr-discovery').automountServiceAccountToken, false, kind);
  }
});

test('discovery kubernetes-lease with workload identity: a note names the federated credential its own account needs', () => {
  const text = `${BASE.replace('auth: { method: service-principal, clientId: c1, clientSecret: { fromEnv: SP_SECRET } }', 'auth: { method: workload-identity, clientId: c1 }')}
discovery:
  leaderElection: { kind: kubernetes-lease }
`;
  const { notes } = renderManifests(loadConfigText(text, { env: {} }), text, OPTIONS);
  assert.ok(
    notes.some((note) => note.includes('system:serviceaccount:dr:akvr-discovery')),
    notes.join('\n'),
  );
});
