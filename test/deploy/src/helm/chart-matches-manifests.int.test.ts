import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '@akv-replicator/core';
import { renderManifests, type Manifest } from 'akv-replicator';
import { stringify } from 'yaml';
import { kubeToolsUnavailable } from '../tools/kube-tools';
import {
  exampleConfigs,
  NAMESPACE,
  onKubernetes,
  RELEASE,
  renderChart,
  TAG_REGIONS,
  type KubeObject,
  pick,
} from './render-chart';

const skip = kubeToolsUnavailable();
const IMAGE = { repository: 'registry.example/akv-replicator', tag: '1.2.3' };

/** Identity of an object in either rendering. */
const key = (object: Manifest | KubeObject) => {
  const metadata = object.metadata as { name: string; namespace?: string };
  return `${String(object.kind)}/${metadata.namespace ?? ''}/${metadata.name}`;
};

/**
 * What may differ: the ConfigMap's text (helm re-serialises `config:`; the generator keeps the
 * file as written) and the hash of that text on the pod template. Both are asserted separately.
 */
function comparable(object: Manifest | KubeObject): unknown {
  const copy = structuredClone(object) as Record<string, unknown>;
  if (copy.kind === 'ConfigMap') delete copy.data;
  if (copy.kind === 'Deployment') {
    const annotations = pick(copy, 'spec.template.metadata.annotations') as Record<string, string>;
    delete annotations['akv-replicator/config-sha256'];
  }
  return copy;
}

async function bothRenderings(
  config: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const text = stringify(config);
  const extraRegions = (extra.extraRegions as string[] | undefined) ?? [];
  const generated = renderManifests(loadConfigText(text, { env: {} }), text, {
    name: RELEASE,
    namespace: NAMESPACE,
    imageRepository: IMAGE.repository,
    imageTag: IMAGE.tag,
    ...(extraRegions.length > 0 ? { extraRegions } : {}),
    ...(extra.otlpEndpoint ? { otlpEndpoint: extra.otlpEndpoint as string } : {}),
    ...(extra.ingressReplicas ? { ingressReplicas: extra.ingressReplicas as number } : {}),
    ...(extra.discoveryReplicas ? { discoveryReplicas: extra.discoveryReplicas as number } : {}),
  }).manifests;
  const charted = await renderChart({ image: IMAGE, config, ...extra });
  return { generated, charted };
}

function assertSameObjects(
  generated: readonly Manifest[],
  charted: readonly KubeObject[],
  label: string,
) {
  assert.deepEqual(
    charted.map(key).sort(),
    generated.map(key).sort(),
    `${label}: the same objects`,
  );
  const chartedByKey = new Map(charted.map((object) => [key(object), object]));
  for (const object of generated) {
    assert.deepEqual(
      comparable(chartedByKey.get(key(object))!),
      comparable(object),
      `${label}: ${key(object)}`,
    );
  }
  const configMap = charted.find((object) => object.kind === 'ConfigMap') as unknown as {
    data: Record<string, string>;
  };
  const generatedMap = generated.find((object) => object.kind === 'ConfigMap') as {
    data: Record<string, string>;
  };
  // The pods read the same configuration, whichever rendering made the ConfigMap.
  assert.deepEqual(
    loadConfigText(configMap.data['config.yaml']!, { env: {} }).config,
    loadConfigText(generatedMap.data['config.yaml']!, { env: {} }).config,
    `${label}: the same configuration`,
  );
}

for (const [name, { config }] of exampleConfigs()) {
  test(
    `helm template and akv-replicator manifests render the same objects for ${name}`,
    { skip },
    async () => {
      const extra =
        config.sources && JSON.stringify(config.sources).includes('destinationsFromTag')
          ? { extraRegions: TAG_REGIONS }
          : {};
      const { generated, charted } = await bothRenderings(onKubernetes(config), extra);
      assertSameObjects(generated, charted, name);
    },
  );
}

test(
  'the same objects with cert-manager RBAC (one namespace and cluster-wide), workload identity, tracing, secret references per service and more ingress pods',
  { skip },
  async () => {
    const base = exampleConfigs().get('same-subscription-workload-identity.yaml')!.config;
    const config = {
      ...base,
      bus: {
        transport: 'nats',
        nats: { servers: ['nats://nats:4222'], token: { fromEnv: 'NATS_TOKEN' } },
      },
      ingress: { port: 8181, auth: { sharedSecret: { fromEnv: 'INGRESS_SECRET' } } },
      notifications: { enabled: true, slack: { webhookUrl: { fromEnv: 'SLACK_URL' } } },
      telemetry: { metricsPort: 9100 },
    };
    const extra = { otlpEndpoint: 'http://otel-collector.observability:4318', ingressReplicas: 3 };
    for (const certManager of [
      {
        vault: 'kv-payments-weu',
        namespaces: ['apps', 'web'],
        lease: { name: 'akvr-lease', namespace: 'leases' },
      },
      { vault: 'kv-payments-weu' },
    ]) {
      const { generated, charted } = await bothRenderings({ ...config, certManager }, extra);
      assertSameObjects(generated, charted, JSON.stringify(certManager));
      assert.ok(
        charted.some((object) => object.kind.includes('Role')),
        'RBAC rendered',
      );
    }
    const { generated, charted } = await bothRenderings({
      ...config,
      telemetry: { metricsPort: 0 },
    });
    assertSameObjects(generated, charted, 'metrics off');
  },
);

test(
  'the same status port, status Service and token wiring with status enabled, by default port and by a chosen one',
  { skip },
  async () => {
    const base = onKubernetes(exampleConfigs().get('single-vault.yaml')!.config);
    for (const status of [
      { enabled: true, token: { fromEnv: 'STATUS_TOKEN' } },
      { enabled: true, port: 9181, token: { fromFile: '/var/run/secrets/akv-replicator/status' } },
    ]) {
      const { generated, charted } = await bothRenderings({ ...base, status });
      assertSameObjects(generated, charted, JSON.stringify(status));
      assert.ok(
        charted.some((object) => object.metadata.name === `${RELEASE}-status`),
        'status Service rendered',
      );
    }
  },
);

test(
  'the same discovery account and Lease RBAC with discovery.leaderElection kubernetes-lease, by default and with a chosen Lease and namespace, next to the cert-manager ones',
  { skip },
  async () => {
    const base = onKubernetes(exampleConfigs().get('single-vault.yaml')!.config);
    for (const leaderElection of [
      { kind: 'kubernetes-lease' },
      { kind: 'kubernetes-lease', name: 'akvr-leader', namespace: 'coordination' },
    ]) {
      for (const certManager of [undefined, { vault: 'kv-payments-weu' }]) {
        const config = {
          ...base,
          discovery: { leaderElection },
          ...(certManager ? { certManager } : {}),
        };
        const { generated, charted } = await bothRenderings(config);
        assertSameObjects(generated, charted, JSON.stringify(config.discovery));
        assert.ok(
          charted.some((object) => object.metadata.name === `${RELEASE}-discovery-lease`),
          'discovery Lease RBAC rendered',
        );
      }
    }
  },
);

test(
  'the same discovery pods, rollout, spread and disruption budget with discoveryReplicas and each election',
  { skip },
  async () => {
    const base = onKubernetes(exampleConfigs().get('single-vault.yaml')!.config);
    for (const [kind, discoveryReplicas] of [
      ['none', 1],
      ['nats', 1],
      ['nats', 3],
      ['kubernetes-lease', 2],
    ] as const) {
      const config = { ...base, discovery: { leaderElection: { kind } } };
      const { generated, charted } = await bothRenderings(config, { discoveryReplicas });
      assertSameObjects(generated, charted, `${kind} × ${discoveryReplicas}`);
      assert.equal(
        charted.some(
          (object) =>
            object.kind === 'PodDisruptionBudget' &&
            object.metadata.name === `${RELEASE}-discovery`,
        ),
        discoveryReplicas > 1,
        `${kind} × ${discoveryReplicas}: a discovery PodDisruptionBudget only for several pods`,
      );
    }
  },
);
