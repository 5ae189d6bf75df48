import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { loadConfigText } from '@akv-replicator/core';
import { laneSqlFilter, laneSubscriptionName } from '@akv-replicator/bus-servicebus';
import { REPLICA_ROLES, requiredRole, type VaultOperation } from '@akv-replicator/keyvault';
import { declaredTopology, renderManifests } from 'akv-replicator';
import { stringify } from 'yaml';
import { onKubernetes } from '../helm/render-chart';
import { readBicep } from './bicep-structure';
import {
  EXAMPLES_DIR,
  exampleParameterFiles,
  MAIN_TEMPLATE,
  PARAMETERS_DIR,
  RELEASE,
  TAG_REGIONS,
} from './example-parameters';

const main = readBicep(MAIN_TEMPLATE);
const module = (path: string) => readBicep(new URL(path, MAIN_TEMPLATE));
type Parameters = Record<string, { value: unknown }>;
const parametersOf = (name: string) =>
  (JSON.parse(readFileSync(new URL(name, PARAMETERS_DIR), 'utf8')) as { parameters: Parameters })
    .parameters;
const value = <T>(parameters: Parameters, key: string) => parameters[key]?.value as T;

test('a parameter file per example, current (npm run generate:bicep -w test/deploy rewrites them)', async () => {
  const generated = await exampleParameterFiles();
  const examples = readdirSync(EXAMPLES_DIR).filter((n) => n.endsWith('.yaml'));
  assert.equal(generated.size, examples.length);
  assert.deepEqual(readdirSync(PARAMETERS_DIR).sort(), [...generated.keys()].sort());
  for (const [name, text] of generated)
    assert.ok(
      readFileSync(new URL(name, PARAMETERS_DIR), 'utf8') === text,
      `deploy/bicep/parameters/${name} is stale: run npm run generate:bicep -w test/deploy`,
    );
});

test('every parameter a file sets is declared, and all the template still needs is what only the cluster knows', () => {
  for (const name of readdirSync(PARAMETERS_DIR)) {
    const parameters = parametersOf(name);
    for (const key of Object.keys(parameters))
      assert.ok(main.params.has(key), `${name}: ${key} is not a parameter`);
    const missing = [...main.params]
      .filter(([key, p]) => !p.hasDefault && !(key in parameters))
      .map(([key]) => key);
    assert.deepEqual(missing, ['aksOidcIssuerUrl'], name);
  }
});

test('the template declares the whole Azure side: namespace, identity federated per service account, roles, dead-letter storage, alerts', () => {
  const types = new Map([...main.resources.values()].map((r) => [r.type, r]));
  for (const type of [
    'Microsoft.ServiceBus/namespaces',
    'Microsoft.ManagedIdentity/userAssignedIdentities',
    'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    'Microsoft.Storage/storageAccounts/blobServices/containers',
    'Microsoft.Authorization/roleAssignments',
    'Microsoft.Insights/metricAlerts',
  ])
    assert.ok(types.has(type), type);
  const federated = main.resources.get('federated')!.body;
  assert.match(federated, /for account in serviceAccountNames/);
  assert.match(
    federated,
    /subject: 'system:serviceaccount:\$\{kubernetesNamespace\}:\$\{account\}'/,
  );
  assert.match(federated, /audiences: \['api:\/\/AzureADTokenExchange'\]/);
  assert.match(main.resources.get('namespace')!.body, /disableLocalAuth: true/);
  assert.match(
    main.resources.get('busDeadLetterAlert')!.body,
    /metricName: 'DeadletteredMessages'/,
  );
  for (const [symbol, { path }] of main.modules)
    assert.ok(module(path).resources.size > 0, `${symbol}: ${path}`);
  assert.equal(module('modules/subscription-roles.bicep').targetScope, 'subscription');
  // The lane filter replaces the true filter ARM gives every new subscription.
  const rule = module('modules/servicebus-topology.bicep').resources.get('rule')!;
  assert.match(rule.body, /name: '\$Default'[\s\S]*filterType: 'SqlFilter'/);
});

test("each source vault gets an Event Grid subscription with Event Grid's longest retry policy, a dead-letter container and an alert on dead letters", () => {
  const events = module('modules/source-events.bicep');
  const subscription = events.resources.get('subscription')!;
  assert.equal(subscription.type, 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
  assert.match(
    subscription.body,
    /retryPolicy: \{ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 \}/,
  );
  assert.match(
    subscription.body,
    /deadLetterWithResourceIdentity:[\s\S]*endpointType: 'StorageBlob'/,
  );
  assert.match(
    subscription.body,
    /'Microsoft\.KeyVault\.SecretNewVersionCreated'[\s\S]*'Microsoft\.KeyVault\.CertificateNewVersionCreated'/,
  );
  assert.match(
    events.resources.get('deadLetterAlert')!.body,
    /metricName: 'DeadLetteredCount'[\s\S]*metricNamespace: 'Microsoft\.EventGrid\/systemTopics'/,
  );
  assert.match(main.modules.get('events')!.body, /sourceVaults/);
  // The system topics write dead letters, and deliver into the queue, with their own identity.
  assert.match(
    main.resources.get('deadLetterWriters')!.body,
    /events\[i\]\.outputs\.topicPrincipalId/,
  );
  assert.match(main.resources.get('queueSenders')!.body, /events\[i\]\.outputs\.topicPrincipalId/);
});

test('the roles granted are the least the services need, from the role table in libs/keyvault', () => {
  const ids = (name: string) =>
    /var \w+ = \[([^\]]*)\]/
      .exec(main.code.split('\n').find((l) => l.startsWith(`var ${name} =`))!)![1]!
      .match(/[0-9a-f-]{36}/g);
  const reads: VaultOperation[] = [
    'secrets/list',
    'secrets/get',
    'certificates/list',
    'certificates/get',
    'certificates/getSecret',
  ];
  assert.deepEqual(ids('sourceRoles'), [...new Set(reads.map((op) => requiredRole(op).id))]);
  assert.deepEqual(
    ids('replicaRoles'),
    REPLICA_ROLES.map((role) => role.id),
  );
  // Service Bus: send and receive only — the topology is deployed, nothing is created at run time.
  assert.doesNotMatch(
    main.code,
    /090c5cfd-751d-490a-894a-3ce6f1109419/,
    'no Service Bus Data Owner',
  );
});

for (const name of readdirSync(EXAMPLES_DIR)
  .filter((n) => n.endsWith('.yaml'))
  .sort()) {
  test(`${name}: the parameters hold every topic, subscription and rule, vault and service account the configuration implies`, () => {
    const text = readFileSync(new URL(name, EXAMPLES_DIR), 'utf8');
    const loaded = loadConfigText(text, { env: {} });
    const parameters = parametersOf(name.replace(/\.yaml$/, '.parameters.json'));
    const extra = loaded.topology.selections.some((s) => s.destinationsFromTag) ? TAG_REGIONS : [];

    // Bus: each declared lane is a subscription with its lane's SQL filter as its only rule.
    const expected = Object.entries(declaredTopology(loaded, extra)).map(
      ([topic, subscriptions]) => ({
        topic,
        lanes: subscriptions.flatMap((s) =>
          (s.routingKeys ?? [undefined]).map((key) => ({
            name: laneSubscriptionName(s.subscription, key),
            sql: laneSqlFilter(laneSubscriptionName(s.subscription, key), key),
          })),
        ),
      }),
    );
    type Topic = {
      Name: string;
      Subscriptions: {
        Name: string;
        Rules: { Properties: { SqlFilter: { SqlExpression: string } } }[];
      }[];
    };
    const topics = value<Topic[]>(parameters, 'serviceBusTopics');
    assert.deepEqual(
      topics.map((t) => ({
        topic: t.Name,
        lanes: t.Subscriptions.map((s) => ({
          name: s.Name,
          sql: s.Rules[0]!.Properties.SqlFilter.SqlExpression,
        })),
      })),
      expected,
    );
    for (const topic of topics)
      for (const s of topic.Subscriptions) assert.equal(s.Rules.length, 1);

    // Vaults: every explicit link's source and replica (autoCreate: its resource group instead).
    const named = (key: string) => value<{ name: string }[]>(parameters, key).map((v) => v.name);
    for (const link of loaded.topology.links) {
      assert.ok(named('sourceVaults').includes(link.source.name), link.source.name);
      for (const replica of link.replicas)
        if (!replica.autoCreate)
          assert.ok(named('replicaVaults').includes(replica.name), replica.name);
    }
    const scopes = value<{ access: string }[]>(parameters, 'selectionScopes');
    for (const selection of loaded.topology.selections) {
      if (selection.selectionMode === 'specific')
        for (const v of selection.vaults) assert.ok(named('sourceVaults').includes(v.name), v.name);
      else
        assert.ok(
          scopes.some((s) => s.access === 'source'),
          `${selection.name}: a source scope`,
        );
      if (selection.destinations.some((d) => d.autoCreate))
        assert.ok(
          scopes.some((s) => s.access === 'create'),
          `${selection.name}: a create scope`,
        );
    }
    if (named('sourceVaults').length > 0)
      assert.notEqual(value(parameters, 'eventDelivery'), 'none');

    // Identity: one federated credential per service account the pods run as.
    const manifests = renderManifests(
      loadConfigText(stringify(onKubernetes(loaded.config as never)), { env: {} }),
      text,
      {
        name: RELEASE,
        namespace: RELEASE,
        imageRepository: 'r',
        imageTag: 't',
        ...(extra.length > 0 ? { extraRegions: extra } : {}),
      },
    ).manifests;
    const accounts = manifests
      .filter((m) => m.kind === 'ServiceAccount')
      .map((m) => (m.metadata as { name: string }).name);
    assert.deepEqual(value<string[]>(parameters, 'serviceAccountNames').sort(), accounts.sort());
    assert.equal(value(parameters, 'kubernetesNamespace'), RELEASE);
  });
}
