import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, loadConfigText } from '@akv-replicator/core';
import { laneSubscriptionName } from '@akv-replicator/bus-servicebus';
import { declaredTopology } from 'akv-replicator';
import { stringify } from 'yaml';
import { kubeToolsUnavailable } from '../tools/kube-tools';
import { apiTypeProblems } from './kube-validation';
import {
  exampleConfigs,
  helmWithValues,
  onKubernetes,
  renderChart,
  type KubeObject,
  pick,
} from './render-chart';

const skip = kubeToolsUnavailable();
// Long enough that the Service Bus lane names pass 50 characters and are hashed.
const LONG_REGION = 'germanywestcentral-with-a-very-long-custom-suffix';
const SERVICEBUS = exampleConfigs().get('private-cluster-eventhubs.yaml')!.config;
const withRegion = (config: Record<string, unknown>) => ({
  ...config,
  links: [
    ...(config.links as unknown[]),
    {
      name: 'long',
      source: { vault: 'kv-long-weu' },
      replicas: [{ vault: 'kv-long-gwc', region: LONG_REGION }],
    },
  ],
});

type ScaledObject = KubeObject & {
  spec: {
    scaleTargetRef: { name: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    pollingInterval: number;
    cooldownPeriod: number;
    triggers: {
      type: string;
      metadata: Record<string, string>;
      authenticationRef?: { name: string };
    }[];
  };
};
const scaledObjects = (objects: KubeObject[]) =>
  new Map(
    objects
      .filter((o) => o.kind === 'ScaledObject')
      .map((o) => [o.metadata.name, o as ScaledObject]),
  );

test(
  'keda.enabled (Service Bus): one ScaledObject per replicator pool and one for the converter, on exactly the subscriptions the services declare, authenticated by workload identity',
  { skip },
  async () => {
    const config = withRegion(SERVICEBUS);
    const objects = await renderChart({
      config,
      keda: { enabled: true, identityClientId: 'keda-client-id', backlogPerReplica: 40 },
    });
    assert.deepEqual(objects.flatMap(apiTypeProblems), []);
    const declared = declaredTopology(loadConfigText(stringify(config), { env: {} }));
    const lanes = (topic: string) =>
      (declared[topic] ?? [])
        .flatMap((s) =>
          (s.routingKeys ?? []).map((key) => laneSubscriptionName(s.subscription, key)),
        )
        .sort();
    const scaled = scaledObjects(objects);
    const deployments = new Set(
      objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name),
    );
    const triggerSubscriptions = (names: string[], topic: string) =>
      names
        .flatMap((name) =>
          scaled
            .get(name)!
            .spec.triggers.filter((t) => t.metadata.topicName === topic)
            .map((t) => t.metadata.subscriptionName!),
        )
        .sort();
    const replicators = [...scaled.keys()].filter((name) => name.includes('-replicator-'));
    assert.equal(replicators.length, 2);
    assert.deepEqual(
      triggerSubscriptions(replicators, TOPICS.secretTasks),
      lanes(TOPICS.secretTasks),
    );
    assert.deepEqual(
      triggerSubscriptions(['akvr-certificate-converter'], TOPICS.certificateTasks),
      lanes(TOPICS.certificateTasks),
    );
    assert.ok(
      lanes(TOPICS.secretTasks).some((name) => name.includes('~')),
      'a hashed lane name is covered',
    );
    for (const object of scaled.values()) {
      assert.ok(
        deployments.has(object.spec.scaleTargetRef.name),
        `${object.metadata.name} targets a rendered Deployment`,
      );
      for (const trigger of object.spec.triggers) {
        assert.equal(trigger.type, 'azure-servicebus');
        assert.equal(trigger.metadata.namespace, 'sb-akvr-weu');
        assert.equal(trigger.metadata.messageCount, '40');
        assert.equal(trigger.authenticationRef?.name, 'akvr-servicebus');
      }
    }
    const auth = objects.find((o) => o.kind === 'TriggerAuthentication');
    assert.deepEqual(pick(auth, 'spec.podIdentity'), {
      provider: 'azure-workload',
      identityId: 'keda-client-id',
    });
    // KEDA owns the scaled pools' replica counts; the others keep theirs.
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      assert.equal(
        pick(deployment, 'spec.replicas') !== undefined,
        !scaled.has(deployment.metadata.name),
        deployment.metadata.name,
      );
    }
  },
);

test(
  'keda with a Service Bus connection string authenticates KEDA from the same Secret key the pods read',
  { skip },
  async () => {
    const config = {
      ...SERVICEBUS,
      bus: {
        transport: 'servicebus',
        serviceBus: { connectionString: { fromEnv: 'SB_CONNECTION' } },
      },
    };
    const objects = await renderChart({ config, keda: { enabled: true } });
    const auth = objects.find((o) => o.kind === 'TriggerAuthentication');
    assert.deepEqual(pick(auth, 'spec.secretTargetRef'), [
      { parameter: 'connection', name: 'akvr-secrets', key: 'SB_CONNECTION' },
    ]);
    assert.equal(pick(auth, 'spec.podIdentity'), undefined);
    assert.deepEqual(objects.flatMap(apiTypeProblems), []);
  },
);

test(
  'keda.enabled (NATS): JetStream triggers on the stream and durable consumer of each lane; the scaling values reach every ScaledObject',
  { skip },
  async () => {
    const config = { ...onKubernetes(exampleConfigs().get('two-way-link.yaml')!.config) };
    (pick(config, 'bus.nats') as Record<string, unknown>).prefix = 'drsync';
    const keda = {
      enabled: true,
      natsMonitoringEndpoint: 'nats.nats:8222',
      minReplicaCount: 0,
      maxReplicaCount: 7,
      pollingInterval: 15,
      cooldownPeriod: 120,
      backlogPerReplica: 25,
    };
    const objects = await renderChart({ config, keda });
    assert.deepEqual(objects.flatMap(apiTypeProblems), []);
    const scaled = scaledObjects(objects);
    assert.deepEqual([...scaled.keys()].sort(), [
      'akvr-certificate-converter',
      'akvr-replicator-eastus',
      'akvr-replicator-westeurope',
    ]);
    assert.deepEqual(scaled.get('akvr-replicator-eastus')!.spec.triggers, [
      {
        type: 'nats-jetstream',
        metadata: {
          natsServerMonitoringEndpoint: 'nats.nats:8222',
          account: '$G',
          stream: 'drsync_secret-tasks',
          consumer: 'replicator-eastus__eastus',
          lagThreshold: '25',
        },
      },
    ]);
    assert.deepEqual(
      scaled.get('akvr-certificate-converter')!.spec.triggers.map((t) => t.metadata.consumer),
      ['certificate-converter-eastus__eastus', 'certificate-converter-westeurope__westeurope'],
    );
    for (const object of scaled.values()) {
      const { minReplicaCount, maxReplicaCount, pollingInterval, cooldownPeriod } = object.spec;
      assert.deepEqual(
        { minReplicaCount, maxReplicaCount, pollingInterval, cooldownPeriod },
        { minReplicaCount: 0, maxReplicaCount: 7, pollingInterval: 15, cooldownPeriod: 120 },
      );
    }
    assert.ok(!objects.some((o) => o.kind === 'TriggerAuthentication'));
    const missing = await helmWithValues('template', { config, keda: { enabled: true } });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /natsMonitoringEndpoint/);
    const off = await renderChart({ config });
    assert.equal(scaledObjects(off).size, 0);
  },
);
