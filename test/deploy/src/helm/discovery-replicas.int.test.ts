import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeToolsUnavailable } from '../tools/kube-tools';
import { apiTypeProblems } from './kube-validation';
import {
  exampleConfigs,
  helmWithValues,
  onKubernetes,
  pick,
  renderChart,
  type KubeObject,
} from './render-chart';

const skip = kubeToolsUnavailable();
const SINGLE = onKubernetes(exampleConfigs().get('single-vault.yaml')!.config);
const REFUSAL =
  /cannot render manifests: 2 discovery replicas need discovery\.leaderElection\.kind nats or kubernetes-lease/;

const discovery = (objects: KubeObject[]) =>
  objects.find(
    (object) => object.kind === 'Deployment' && object.metadata.name === 'akvr-discovery',
  );
const budget = (objects: KubeObject[]) =>
  objects.find(
    (object) => object.kind === 'PodDisruptionBudget' && object.metadata.name === 'akvr-discovery',
  );

test(
  'discoveryReplicas 2 with an election: two pods that spread over nodes, roll one at a time, keep one through a drain; lint passes and the API types hold',
  { skip },
  async () => {
    for (const kind of ['nats', 'kubernetes-lease']) {
      const values = {
        discoveryReplicas: 2,
        config: { ...SINGLE, discovery: { leaderElection: { kind } } },
      };
      const lint = await helmWithValues('lint', values);
      assert.equal(lint.code, 0, lint.stdout + lint.stderr);
      const objects = await renderChart(values);
      assert.deepEqual(objects.flatMap(apiTypeProblems), [], kind);
      const deployment = discovery(objects);
      assert.equal(pick(deployment, 'spec.replicas'), 2, kind);
      assert.deepEqual(
        pick(deployment, 'spec.strategy'),
        { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        kind,
      );
      assert.deepEqual(
        pick(deployment, 'spec.template.spec.topologySpreadConstraints.0.labelSelector'),
        {
          matchLabels: {
            'app.kubernetes.io/name': 'akvr',
            'app.kubernetes.io/component': 'discovery',
          },
        },
        kind,
      );
      assert.equal(pick(budget(objects), 'spec.minAvailable'), 1, kind);
    }
  },
);

test(
  'discoveryReplicas above 1 without an election (kind none, or no discovery section) is refused when rendering (template, install, upgrade), naming the key to set',
  { skip },
  async () => {
    // helm lint only logs a template's fail() (at INFO); rendering is where the chart refuses.
    for (const config of [SINGLE, { ...SINGLE, discovery: { leaderElection: { kind: 'none' } } }]) {
      const result = await helmWithValues('template', { discoveryReplicas: 2, config });
      assert.notEqual(result.code, 0, 'template refuses');
      assert.match(result.stderr, REFUSAL);
      assert.equal(result.stdout, '');
    }
    // The schema refuses what is no pod count at all.
    const zero = await helmWithValues('template', { discoveryReplicas: 0, config: SINGLE });
    assert.notEqual(zero.code, 0);
    assert.match(zero.stderr, /discoveryReplicas/);
  },
);

test(
  'discoveryReplicas default: one discovery pod, Recreate without an election, no budget',
  { skip },
  async () => {
    const objects = await renderChart({ config: SINGLE });
    assert.equal(pick(discovery(objects), 'spec.replicas'), 1);
    assert.deepEqual(pick(discovery(objects), 'spec.strategy'), { type: 'Recreate' });
    assert.equal(
      pick(discovery(objects), 'spec.template.spec.topologySpreadConstraints'),
      undefined,
    );
    assert.equal(budget(objects), undefined);
  },
);
