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
links:
  - name: app
    source: { vault: kv-app-weu }
    replicas: [{ vault: kv-app-neu, region: northeurope }]
bus: { transport: nats, nats: { servers: [nats://nats:4222] } }
`;

type DiscoverySpec = {
  replicas: number;
  strategy: { type: string; rollingUpdate?: { maxSurge: number; maxUnavailable: number } };
  template: { spec: { topologySpreadConstraints?: { topologyKey: string }[] } };
};

function render(election: string, discoveryReplicas?: number) {
  const text = `${BASE}discovery: { leaderElection: { kind: ${election} } }\n`;
  const { manifests } = renderManifests(loadConfigText(text, { env: {} }), text, {
    ...OPTIONS,
    ...(discoveryReplicas ? { discoveryReplicas } : {}),
  });
  const named = (kind: string) =>
    manifests.find(
      (m: Manifest) =>
        m.kind === kind && (m.metadata as { name: string }).name === 'akvr-discovery',
    );
  return {
    discovery: named('Deployment')!.spec as DiscoverySpec,
    budget: named('PodDisruptionBudget'),
  };
}

test('discovery runs one pod by default, replaced by Recreate without an election', () => {
  const { discovery, budget } = render('none');
  assert.equal(discovery.replicas, 1);
  assert.deepEqual(discovery.strategy, { type: 'Recreate' });
  assert.equal(discovery.template.spec.topologySpreadConstraints, undefined);
  assert.equal(budget, undefined);
});

test('discoveryReplicas above 1 without an election is refused, naming the key to set', () => {
  assert.throws(
    () => render('none', 2),
    /2 discovery replicas need discovery\.leaderElection\.kind nats or kubernetes-lease/,
  );
});

test('with an election: the replicas asked for, spread over nodes, a rollout that starts the new pod first, one kept through a drain', () => {
  for (const kind of ['nats', 'kubernetes-lease']) {
    const { discovery, budget } = render(kind, 3);
    assert.equal(discovery.replicas, 3, kind);
    assert.deepEqual(
      discovery.strategy,
      { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      kind,
    );
    assert.equal(
      discovery.template.spec.topologySpreadConstraints?.[0]?.topologyKey,
      'kubernetes.io/hostname',
      kind,
    );
    assert.deepEqual(
      (budget?.spec as { minAvailable: number }).minAvailable,
      1,
      `${kind}: a PodDisruptionBudget`,
    );
  }
  // One elected pod: its rollout still hands over through the lease, and needs no budget.
  const single = render('nats');
  assert.equal(single.discovery.strategy.type, 'RollingUpdate');
  assert.equal(single.budget, undefined);
});
