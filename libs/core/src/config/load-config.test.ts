import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors/errors';
import { loadConfigFile, loadConfigText } from './load-config';

/**
 * The repository's deploy/examples, searched upwards from this file: a mutation run
 * (scripts/mutation) runs this file from a sandbox copy of libs/core, deeper in the tree.
 */
function findExamplesDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'deploy', 'examples');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no deploy/examples above ${import.meta.url}`);
  }
}
const examplesDir = findExamplesDir();

function issuesOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfigText(text, { env });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  assert.fail('expected the configuration to be rejected');
}

describe('deploy/examples', () => {
  const files = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));
  it('has an example for every seed use case', () => {
    for (const name of [
      'same-subscription-workload-identity',
      'cross-subscription-service-principal',
      'single-vault',
      'all-except',
      'multiple-vaults-full-notifications',
      'destinations-from-tag',
      'two-way-link',
    ]) {
      assert.ok(files.includes(`${name}.yaml`), `missing ${name}.yaml`);
    }
  });
  for (const file of files) {
    it(`${file} is valid`, async () => {
      const { topology } = await loadConfigFile(join(examplesDir, file), { env: {} });
      assert.ok(topology.links.length + topology.selections.length > 0);
    });
  }
});

describe('loadConfigText', () => {
  it('fills defaults and resolves a specific selection into links with checked replica names', () => {
    const { config, topology } = loadConfigText(
      `sources:
  - name: prod
    selectionMode: specific
    keyvaults: [{ name: kv-a }, { name: kv-b, destinationName: kv-b-custom }]
    destinations: [{ region: northeurope, namingPattern: '{source_name}-{region}' }]
`,
      { env: {} },
    );
    assert.equal(config.replication.mode, 'one-way');
    assert.equal(config.replication.deletion.policy, 'keep');
    assert.equal(config.bus.transport, 'memory');
    assert.deepEqual(
      topology.links.map((l) => [
        l.name,
        l.source.name,
        l.replicas.map((r) => `${r.name}@${r.region}`),
      ]),
      [
        ['prod/kv-a', 'kv-a', ['kv-a-northeurope@northeurope']],
        ['prod/kv-b', 'kv-b', ['kv-b-custom@northeurope']],
      ],
    );
    assert.ok(Object.isFrozen(config.replication));
  });

  const broken: Array<[string, string, RegExp]> = [
    [
      'an unknown key, with its line',
      'replication:\n  dryrun: true\n',
      /^replication\.dryrun: unknown key \(line 2\)/,
    ],
    [
      'a pattern that makes an invalid vault name',
      'sources:\n  - name: s\n    selectionMode: specific\n    keyvaults: [{ name: kv-payments-prod }]\n    destinations: [{ region: northeurope, namingPattern: "{source_name}-{region}" }]\n',
      /^sources\[0\]\.destinations\[0\]\.namingPattern: for source vault kv-payments-prod: "kv-payments-prod-northeurope" is 28 characters/,
    ],
    [
      'cross-tenant replica without subscription',
      'tenants:\n  default: { tenantId: 00000000-0000-0000-0000-0000000000aa }\n  other: { tenantId: 00000000-0000-0000-0000-0000000000bb }\nlinks:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: westus, tenant: other }]\n',
      /^links\[0\]\.replicas\[0\]\.subscriptionId: replica is in tenant "other"/,
    ],
    [
      'cross-subscription without the source subscription',
      'azure: { destinationSubscriptionId: 22222222-2222-2222-2222-222222222222 }\nsources:\n  - name: s\n    selectionMode: specific\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: westus }]\n',
      /^azure\.sourceSubscriptionId: cross-subscription replication needs the source subscription/,
    ],
    [
      'an inline secret where a reference is required',
      'notifications:\n  slack:\n    webhookUrl: https://hooks.slack.com/services/T000/B000/XXXX\n',
      /^notifications\.slack\.webhookUrl: inline secret values are not allowed/,
    ],
    [
      'all without a subscription',
      'sources:\n  - name: s\n    selectionMode: all\n    destinations: [{ region: westus }]\n',
      /^sources\[0\]\.subscriptionId: selectionMode all lists vaults/,
    ],
    [
      'an unknown tenant',
      'links:\n  - name: l\n    source: { vault: kv-a, tenant: nope }\n    replicas: [{ vault: kv-b, region: westus }]\n',
      /^links\[0\]\.source\.tenant: unknown tenant "nope"/,
    ],
    [
      'a two-way link with two replicas',
      'links:\n  - name: l\n    mode: two-way\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: a }, { vault: kv-c, region: b }]\n',
      /^links\[0\]\.replicas: a two-way link joins exactly two vaults/,
    ],
    [
      'a replica that is its own source',
      'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: KV-A, region: a }]\n',
      /replicas\[0\]\.vault: a replica cannot be its own source/,
    ],
    [
      'duplicate link names',
      'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: a }]\n  - name: l\n    source: { vault: kv-c }\n    replicas: [{ vault: kv-d, region: a }]\n',
      /^links\[1\]\.name: link name "l" is already used by links\[0\]/,
    ],
    [
      'autoCreate without resource group',
      'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: a, autoCreate: true, subscriptionId: 22222222-2222-2222-2222-222222222222 }]\n',
      /replicas\[0\]\.resourceGroup: autoCreate needs the resource group/,
    ],
    [
      'a bad cron schedule',
      'replication:\n  reconcile: { schedule: "every five minutes" }\n',
      /^replication\.reconcile\.schedule: must be a cron expression/,
    ],
    [
      'a service principal without a secret',
      'tenants:\n  default:\n    tenantId: 00000000-0000-0000-0000-0000000000aa\n    auth: { method: service-principal, clientId: x }\n',
      /^tenants\.default\.auth: a service principal needs exactly one of clientSecret or clientCertificate/,
    ],
    [
      'nats transport without servers',
      'bus: { transport: nats }\n',
      /^bus\.nats: transport nats needs bus\.nats\.servers/,
    ],
    ['YAML syntax errors, with the line', 'links:\n  - name: [unclosed\n', /^\(yaml\): .*line \d/],
    ['a document that is not a mapping', '- a\n- b\n', /must be a mapping/],
  ];
  for (const [label, text, expected] of broken) {
    it(`rejects ${label}`, () => {
      const issues = issuesOf(text);
      assert.ok(
        issues.some((issue) => expected.test(issue)),
        issues.join('\n'),
      );
    });
  }

  it('reports every problem at once, not just the first', () => {
    const issues = issuesOf('replication:\n  dryrun: true\nbus: { transport: kafka }\n');
    assert.equal(issues.length, 2, issues.join('\n'));
  });

  it('lets environment variables override keys, validated like the file', () => {
    const text =
      'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: a }]\n';
    const { config, overridden } = loadConfigText(text, {
      env: {
        AKV_REPLICATOR__REPLICATION__DRYRUN: 'true',
        AKV_REPLICATOR__LINKS__0__REPLICAS__0__REGION: 'westus',
        UNRELATED: 'x',
      },
    });
    assert.equal(config.replication.dryRun, true);
    assert.equal(config.links[0]?.replicas[0]?.region, 'westus');
    assert.deepEqual(overridden, ['links[0].replicas[0].region', 'replication.dryRun']);
    assert.match(
      issuesOf(text, { AKV_REPLICATOR__BUS__TRANSPORT: 'kafka' }).join('\n'),
      /^bus\.transport:/,
    );
  });
});
