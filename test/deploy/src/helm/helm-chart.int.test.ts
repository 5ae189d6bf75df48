import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { kubeToolsUnavailable } from '../tools/kube-tools';
import { apiTypeProblems } from './kube-validation';
import {
  exampleConfigs,
  helmWithValues,
  onKubernetes,
  renderChart,
  TAG_REGIONS,
  pick,
  type KubeObject,
} from './render-chart';

const skip = kubeToolsUnavailable();
const SINGLE = onKubernetes(exampleConfigs().get('single-vault.yaml')!.config);

for (const [name, { config }] of exampleConfigs()) {
  const values = {
    config: onKubernetes(config),
    ...(JSON.stringify(config).includes('destinationsFromTag')
      ? { extraRegions: TAG_REGIONS }
      : {}),
    keda: { enabled: true, natsMonitoringEndpoint: 'nats.nats:8222' },
    serviceMonitor: { enabled: true },
  };
  test(
    `${name}: helm lint --strict passes and every rendered object is valid against the API types`,
    { skip },
    async () => {
      const lint = await helmWithValues('lint', values);
      assert.equal(lint.code, 0, lint.stdout + lint.stderr);
      assert.match(lint.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      const objects = await renderChart(values);
      assert.ok(objects.some((object) => object.kind === 'ScaledObject'));
      assert.deepEqual(objects.flatMap(apiTypeProblems), []);
    },
  );
}

test(
  'a misspelt or mistyped configuration key fails helm lint and helm template, naming the key',
  { skip },
  async () => {
    const cases: { config: unknown; key: RegExp }[] = [
      { config: { ...SINGLE, replication: { dryRnu: true } }, key: /config\/replication.*dryRnu/s },
      { config: { ...SINGLE, ingress: { port: 'eighty' } }, key: /config\/ingress\/port/ },
      {
        config: {
          ...SINGLE,
          links: [
            {
              name: 'Payments!',
              source: { vault: 'kv-a' },
              replicas: [{ vault: 'kv-b', region: 'northeurope' }],
            },
          ],
        },
        key: /config\/links\/0\/name/,
      },
    ];
    for (const { config, key } of cases) {
      for (const command of ['lint', 'template'] as const) {
        const result = await helmWithValues(command, { config });
        assert.notEqual(result.code, 0, `${command} accepted ${JSON.stringify(config)}`);
        assert.match(result.stdout + result.stderr, key, command);
      }
    }
    // The chart's own values are strict too.
    const typo = await helmWithValues('template', { config: SINGLE, kedaa: { enabled: true } });
    assert.notEqual(typo.code, 0);
    assert.match(typo.stderr, /kedaa/);
  },
);

test('helm refuses what cannot run on Kubernetes, with the reason', { skip }, async () => {
  const memory = await helmWithValues('template', {
    config: { ...SINGLE, bus: { transport: 'memory' } },
  });
  assert.notEqual(memory.code, 0);
  assert.match(memory.stderr, /bus.transport is memory/);
  const tagged = exampleConfigs().get('destinations-from-tag.yaml')!.config;
  const noRegions = await helmWithValues('template', { config: onKubernetes(tagged) });
  assert.notEqual(noRegions.code, 0);
  assert.match(noRegions.stderr, /dst_key_vault_names.*extraRegions/);
  const noMetrics = await helmWithValues('template', {
    config: { ...SINGLE, telemetry: { metricsPort: 0 } },
    serviceMonitor: { enabled: true },
  });
  assert.notEqual(noMetrics.code, 0);
  assert.match(noMetrics.stderr, /metricsPort/);
});

test(
  'extraRegions adds a replicator Deployment per region; fullnameOverride and image name the objects and images',
  { skip },
  async () => {
    const objects = await renderChart({
      config: SINGLE,
      extraRegions: ['Sweden Central'],
      fullnameOverride: 'dr-sync',
      image: { repository: 'acr.example/akvr', tag: '9.9.9', pullPolicy: 'Always' },
    });
    const deployments = objects.filter((object) => object.kind === 'Deployment');
    assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), [
      'dr-sync-certificate-converter',
      'dr-sync-discovery',
      'dr-sync-ingress',
      'dr-sync-replicator-northeurope',
      'dr-sync-replicator-sweden-central',
    ]);
    for (const deployment of deployments) {
      const container = pick(deployment, 'spec.template.spec.containers.0');
      assert.match(String(pick(container, 'image')), /^acr\.example\/akvr\/[a-z-]+:9\.9\.9$/);
      assert.equal(pick(container, 'imagePullPolicy'), 'Always');
    }
    const sweden = deployments.find((d) => d.metadata.name.endsWith('sweden-central'));
    assert.deepEqual((pick(sweden, 'spec.template.spec.containers.0.args') as string[]).slice(-2), [
      '--region',
      'Sweden Central',
    ]);
  },
);

test(
  'serviceMonitor.enabled adds a metrics Service and a ServiceMonitor selecting it, with its interval and labels',
  { skip },
  async () => {
    const off = await renderChart({ config: SINGLE });
    assert.ok(!off.some((object) => object.kind === 'ServiceMonitor'));
    const on = await renderChart({
      config: SINGLE,
      serviceMonitor: {
        enabled: true,
        interval: '15s',
        labels: { release: 'kube-prometheus-stack' },
      },
    });
    const monitor = on.find((object) => object.kind === 'ServiceMonitor');
    const service = on.find((object) => object.metadata.name.endsWith('-metrics'));
    assert.equal(pick(monitor, 'metadata.labels.release'), 'kube-prometheus-stack');
    assert.equal(pick(monitor, 'spec.endpoints.0.interval'), '15s');
    const selector = pick(monitor, 'spec.selector.matchLabels') as Record<string, string>;
    const serviceLabels = pick(service, 'metadata.labels') as Record<string, string>;
    for (const [label, value] of Object.entries(selector))
      assert.equal(serviceLabels[label], value);
    assert.equal(pick(service, 'spec.ports.0.targetPort'), 'metrics');
  },
);

test(
  'config.status.enabled adds the status port to discovery only and a ClusterIP Service for it; off, neither',
  { skip },
  async () => {
    const statusPorts = (objects: KubeObject[]) =>
      objects
        .filter((object) => object.kind === 'Deployment')
        .flatMap((deployment) =>
          ((pick(deployment, 'spec.template.spec.containers.0.ports') ?? []) as { name: string }[])
            .filter((port) => port.name === 'status')
            .map((port) => ({ deployment: deployment.metadata.name, ...port })),
        );
    const off = await renderChart({ config: SINGLE });
    assert.deepEqual(statusPorts(off), []);
    assert.deepEqual(
      off.filter((object) => object.kind === 'Service').map((object) => object.metadata.name),
      ['akvr-ingress'],
    );
    const values = {
      config: { ...SINGLE, status: { enabled: true, token: { fromEnv: 'STATUS_TOKEN' } } },
    };
    const lint = await helmWithValues('lint', values);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    const on = await renderChart(values);
    assert.deepEqual(statusPorts(on), [
      { deployment: 'akvr-discovery', name: 'status', containerPort: 8081 },
    ]);
    const service = on.find((object) => object.metadata.name === 'akvr-status');
    assert.equal(pick(service, 'spec.type'), 'ClusterIP');
    assert.equal(pick(service, 'spec.publishNotReadyAddresses'), true);
    assert.deepEqual(pick(service, 'spec.selector'), {
      'app.kubernetes.io/name': 'akvr',
      'app.kubernetes.io/component': 'discovery',
    });
    assert.deepEqual(pick(service, 'spec.ports'), [
      { name: 'status', port: 8081, targetPort: 'status' },
    ]);
    assert.deepEqual(on.flatMap(apiTypeProblems), []);
    const discoveryEnv = pick(
      on.find((object) => object.metadata.name === 'akvr-discovery'),
      'spec.template.spec.containers.0.env',
    ) as { name: string; valueFrom?: unknown }[];
    assert.deepEqual(discoveryEnv.find((e) => e.name === 'STATUS_TOKEN')?.valueFrom, {
      secretKeyRef: { name: 'akvr-secrets', key: 'STATUS_TOKEN' },
    });
    const freePort = await helmWithValues('template', {
      config: { ...values.config, status: { ...values.config.status, port: 0 } },
    });
    assert.notEqual(freePort.code, 0);
    assert.match(freePort.stderr, /status\.port is 0/);
  },
);

test(
  "README's AKS values install as written (placeholders filled with Bicep's outputs)",
  { skip },
  async () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('\n## Deployment (AKS with Helm)\n');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
    const block = /^( *)```yaml\n((?:\1.*\n)*?)\1```$/m.exec(
      section.slice(section.indexOf('(`values-aks.yaml`)')),
    );
    assert.ok(block, 'the values-aks.yaml block');
    const text = block[2]!
      .split('\n')
      .map((line) => line.slice(block[1]!.length))
      .join('\n')
      .replace('<tenantId output>', '00000000-0000-0000-0000-0000000000aa')
      .replace('<clientId output>', '11111111-2222-3333-4444-555555555555')
      .replace('<fullyQualifiedNamespace output>', 'sb-akvr-weu.servicebus.windows.net');
    const values: unknown = parse(text);
    const lint = await helmWithValues('lint', values);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    const objects = await renderChart(values);
    assert.ok(objects.some((object) => object.kind === 'ScaledObject'));
    assert.ok(objects.some((object) => object.kind === 'ServiceMonitor'));
    assert.deepEqual(objects.flatMap(apiTypeProblems), []);
  },
);
