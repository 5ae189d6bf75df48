import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeToolsUnavailable } from '../tools/kube-tools';
import { apiTypeProblems } from './kube-validation';
import {
  exampleConfigs,
  helmWithValues,
  onKubernetes,
  renderChart,
  pick,
  type KubeObject,
} from './render-chart';

const skip = kubeToolsUnavailable();
const SINGLE = onKubernetes(exampleConfigs().get('single-vault.yaml')!.config);

const named = (objects: KubeObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);
const discoveryPod = (objects: KubeObject[]) =>
  pick(named(objects, 'Deployment', 'akvr-discovery'), 'spec.template.spec') as {
    serviceAccountName: string;
    automountServiceAccountToken: boolean;
  };

test(
  'discovery.leaderElection kubernetes-lease: discovery runs as its own token-mounted account allowed get/update on its Lease and create, in the chosen namespace',
  { skip },
  async () => {
    const values = {
      config: {
        ...SINGLE,
        discovery: {
          leaderElection: { kind: 'kubernetes-lease', name: 'akvr-leader', namespace: 'coord' },
        },
      },
    };
    const lint = await helmWithValues('lint', values);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    const objects = await renderChart(values);
    assert.deepEqual(objects.flatMap(apiTypeProblems), []);
    const role = named(objects, 'Role', 'akvr-discovery-lease');
    assert.equal(pick(role, 'metadata.namespace'), 'coord');
    assert.deepEqual(pick(role, 'rules'), [
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['akvr-leader'],
        verbs: ['get', 'update'],
      },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    ]);
    const binding = named(objects, 'RoleBinding', 'akvr-discovery-lease');
    assert.equal(pick(binding, 'metadata.namespace'), 'coord');
    assert.deepEqual(pick(binding, 'subjects'), [
      { kind: 'ServiceAccount', name: 'akvr-discovery', namespace: 'dr' },
    ]);
    assert.ok(named(objects, 'ServiceAccount', 'akvr-discovery'));
    const pod = discoveryPod(objects);
    assert.equal(pod.serviceAccountName, 'akvr-discovery');
    assert.equal(pod.automountServiceAccountToken, true);

    // Defaults: the schema's Lease name, in the release namespace.
    const defaults = await renderChart({
      config: { ...SINGLE, discovery: { leaderElection: { kind: 'kubernetes-lease' } } },
    });
    const defaultRole = named(defaults, 'Role', 'akvr-discovery-lease');
    assert.equal(pick(defaultRole, 'metadata.namespace'), 'dr');
    assert.deepEqual(pick(defaultRole, 'rules.0.resourceNames'), ['akv-replicator-discovery']);
  },
);

test(
  'discovery.leaderElection none or nats: no Lease RBAC, the shared account without a token',
  { skip },
  async () => {
    for (const kind of ['none', 'nats']) {
      const objects = await renderChart({
        config: { ...SINGLE, discovery: { leaderElection: { kind } } },
      });
      assert.deepEqual(
        objects.filter((object) => object.kind.includes('Role')),
        [],
        kind,
      );
      assert.equal(named(objects, 'ServiceAccount', 'akvr-discovery'), undefined, kind);
      assert.equal(discoveryPod(objects).serviceAccountName, 'akvr', kind);
      assert.equal(discoveryPod(objects).automountServiceAccountToken, false, kind);
    }
  },
);
