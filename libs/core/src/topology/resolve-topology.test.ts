import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/errors';
import { loadConfigText } from '../config/load-config';

// Explicit links resolved from configuration: what each resolved link carries, and every
// refusal resolveTopology adds to the schema's (each names the key that causes it).

const S = '11111111-1111-1111-1111-111111111111';
const D = '22222222-2222-2222-2222-222222222222';
const R = '33333333-3333-3333-3333-333333333333';
const HEX = 'abcdef00-1111-1111-1111-111111111111';
const TENANTS =
  'tenants:\n  default: { tenantId: 00000000-0000-0000-0000-0000000000aa }\n  other: { tenantId: 00000000-0000-0000-0000-0000000000bb }\n';

function issuesOf(text: string): string[] {
  try {
    loadConfigText(text, { env: {} });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    // Without the " (line N)" the loader appends: the rules are about keys, not lines.
    return error.issues.map(
      (issue) => `${issue.path}: ${issue.message.replace(/ \(line \d+\)$/, '')}`,
    );
  }
  assert.fail('expected the configuration to be refused');
}

const topologyOf = (text: string) => loadConfigText(text, { env: {} }).topology;

const oneLink = (source: string, replica: string, extra = '') =>
  `links:\n  - name: l\n    source: { ${source} }\n    replicas: [{ ${replica} }]\n${extra}`;

describe('resolveTopology: what a link resolves to', () => {
  it("takes the link's own behaviour over replication's, and replication's where it says none", () => {
    const text =
      'replication:\n  mode: one-way\n  objectKinds: [secrets]\n  history: enabledVersions\n  deletion: { policy: delete }\n  filters: { exclude: { names: [tmp-*] } }\n' +
      'links:\n' +
      '  - name: own\n    mode: two-way\n    objectKinds: [certificates]\n    history: latest\n    deletion: { policy: keep }\n    filters: { include: { names: [db] } }\n' +
      '    source: { vault: kv-a, region: westeurope }\n    replicas: [{ vault: kv-b, region: northeurope }]\n' +
      '  - name: inherited\n    source: { vault: kv-c }\n    replicas: [{ vault: kv-d, region: northeurope }]\n';
    const [own, inherited] = topologyOf(text).links;
    assert.deepEqual(
      [own?.mode, own?.objectKinds, own?.history, own?.deletion.policy, own?.filters],
      ['two-way', ['certificates'], 'latest', 'keep', { include: { names: ['db'] } }],
    );
    assert.deepEqual(
      [
        inherited?.mode,
        inherited?.objectKinds,
        inherited?.history,
        inherited?.deletion.policy,
        inherited?.filters,
      ],
      ['one-way', ['secrets'], 'enabledVersions', 'delete', { exclude: { names: ['tmp-*'] } }],
    );
  });

  it('names vaults, places them and builds their URIs from the DNS suffix unless given', () => {
    const text =
      `azure: { vaultDnsSuffix: vault.example.test, sourceSubscriptionId: ${S}, destinationSubscriptionId: ${D} }\n` +
      oneLink(
        'vault: kv-a, region: westeurope, resourceGroup: rg-src',
        'vault: kv-b, region: northeurope, resourceGroup: rg-dr, uri: "https://kv-b.private.example/"',
      );
    const [link] = topologyOf(text).links;
    assert.deepEqual(link?.source, {
      name: 'kv-a',
      region: 'westeurope',
      subscriptionId: S,
      resourceGroup: 'rg-src',
      tenant: 'default',
      uri: 'https://kv-a.vault.example.test',
    });
    assert.deepEqual(link?.replicas, [
      {
        name: 'kv-b',
        region: 'northeurope',
        subscriptionId: D,
        resourceGroup: 'rg-dr',
        tenant: 'default',
        uri: 'https://kv-b.private.example/',
        autoCreate: false,
      },
    ]);
    assert.equal(link?.origin, 'links[0]');
  });

  it("places a replica in its own subscription, else the destination default, else the source's", () => {
    const replicaSubscription = (azure: string, source: string, replica: string) =>
      topologyOf(
        `azure: { ${azure} }\n` +
          oneLink(`vault: kv-a${source}`, `vault: kv-b, region: northeurope${replica}`),
      ).links[0]?.replicas[0]?.subscriptionId;
    assert.equal(
      replicaSubscription(
        `sourceSubscriptionId: ${S}, destinationSubscriptionId: ${D}`,
        `, subscriptionId: ${S}`,
        `, subscriptionId: ${R}`,
      ),
      R,
    );
    assert.equal(
      replicaSubscription(
        `sourceSubscriptionId: ${S}, destinationSubscriptionId: ${D}`,
        `, subscriptionId: ${R}`,
        '',
      ),
      D,
    );
    assert.equal(
      replicaSubscription(`sourceSubscriptionId: ${S}`, `, subscriptionId: ${R}`, ''),
      R,
    );
    assert.equal(replicaSubscription(`sourceSubscriptionId: ${S}`, '', ''), S);
    const [link] = topologyOf(
      `azure: { sourceSubscriptionId: ${S} }\n` +
        oneLink(`vault: kv-a, subscriptionId: ${R}`, 'vault: kv-b, region: northeurope'),
    ).links;
    assert.equal(link?.source.subscriptionId, R, "the source's own subscription wins");
  });

  it('a one-way link may write into several replicas', () => {
    const [link] = topologyOf(
      'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: b }, { vault: kv-c, region: c }]\n',
    ).links;
    assert.deepEqual(
      link?.replicas.map((r) => r.name),
      ['kv-b', 'kv-c'],
    );
  });

  it('uses the tenant a vault names, else the default tenant', () => {
    const [link] = topologyOf(
      TENANTS +
        oneLink(
          'vault: kv-a',
          `vault: kv-b, region: northeurope, tenant: other, subscriptionId: ${D}`,
        ),
    ).links;
    assert.deepEqual([link?.source.tenant, link?.replicas[0]?.tenant], ['default', 'other']);
  });

  it('accepts a same-name replica in another subscription, and nothing else of that name', () => {
    const across = topologyOf(
      oneLink(`vault: kv-a, subscriptionId: ${S}`, `vault: kv-a, region: b, subscriptionId: ${D}`),
    );
    assert.deepEqual(
      across.links[0]?.replicas.map((r) => [r.name, r.subscriptionId]),
      [['kv-a', D]],
    );
    for (const [source, replica] of [
      [`vault: kv-a, subscriptionId: ${S}`, `vault: KV-A, region: b, subscriptionId: ${S}`],
      [`vault: kv-a, subscriptionId: ${S}`, 'vault: kv-a, region: b'],
      ['vault: kv-a', `vault: kv-a, region: b, subscriptionId: ${D}`],
      // Subscription ids are GUIDs: the same one in other letters is the same subscription.
      [
        `vault: kv-a, subscriptionId: ${HEX}`,
        `vault: kv-a, region: b, subscriptionId: ${HEX.toUpperCase()}`,
      ],
    ]) {
      const issues = issuesOf(oneLink(source!, replica!));
      assert.deepEqual(
        issues.filter((i) => /own source|itself/.test(i)),
        [
          'links[0].replicas[0].vault: a replica cannot be its own source (vault names are globally unique): name another vault, or give the replica another subscriptionId',
        ],
        `${source} → ${replica}: reported once, at the key that makes it`,
      );
    }
  });
});

describe('resolveTopology: refusals, each at its key', () => {
  const refusals: [string, string, string][] = [
    [
      'a default tenant missing from the tenants defined',
      `tenants:\n  prod: { tenantId: 00000000-0000-0000-0000-0000000000aa }\n${oneLink('vault: kv-a, tenant: prod', 'vault: kv-b, region: b, tenant: prod')}`,
      'azure.defaultTenant: tenant "default" is not defined under tenants',
    ],
    [
      'an unknown replica tenant',
      oneLink('vault: kv-a', `vault: kv-b, region: b, tenant: nope, subscriptionId: ${D}`),
      'links[0].replicas[0].tenant: unknown tenant "nope" (define it under tenants)',
    ],
    [
      'an unknown cert-manager tenant',
      'certManager: { vault: kv-certs, tenant: nope }\n',
      'certManager.tenant: unknown tenant "nope" (define it under tenants)',
    ],
    [
      'a two-way link whose source has no region',
      oneLink('vault: kv-a', 'vault: kv-b, region: b', '    mode: two-way\n'),
      'links[0].source.region: a two-way link replicates into the source too, so the source needs its region',
    ],
    [
      'a two-way link by the replication default whose source has no region',
      `replication: { mode: two-way }\n${oneLink('vault: kv-a', 'vault: kv-b, region: b')}`,
      'links[0].source.region: a two-way link replicates into the source too, so the source needs its region',
    ],
    [
      'autoCreate where no subscription is known',
      oneLink('vault: kv-a', 'vault: kv-b, region: b, resourceGroup: rg, autoCreate: true'),
      'links[0].replicas[0].subscriptionId: autoCreate needs the subscription to create the vault in',
    ],
    [
      'a destination subscription while a selection has no source subscription, beside one that has',
      `azure: { destinationSubscriptionId: ${D} }\nsources:\n` +
        `  - name: s1\n    selectionMode: specific\n    subscriptionId: ${S}\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b }]\n` +
        '  - name: s2\n    selectionMode: specific\n    keyvaults: [{ name: kv-b }]\n    destinations: [{ region: b }]\n',
      'azure.sourceSubscriptionId: cross-subscription replication needs the source subscription as well as destinationSubscriptionId',
    ],
    [
      'a link name a selection also uses',
      `${oneLink('vault: kv-a', 'vault: kv-b, region: b')}sources:\n  - name: l\n    selectionMode: all\n    subscriptionId: ${S}\n    destinations: [{ region: b }]\n`,
      'sources[0].name: link name "l" is already used by links[0]',
    ],
  ];
  for (const [label, text, expected] of refusals) {
    it(label, () => {
      const issues = issuesOf(text);
      assert.ok(issues.includes(expected), issues.join('\n'));
    });
  }

  it('reports a loop at the first link that makes it', () => {
    const link = (name: string, from: string, to: string) =>
      `  - name: ${name}\n    source: { vault: ${from} }\n    replicas: [{ vault: ${to}, region: b }]\n`;
    const issues = issuesOf(
      `links:\n${link('l1', 'kv-a', 'kv-b')}${link('l2', 'kv-b', 'kv-c')}${link('l3', 'kv-c', 'kv-a')}`,
    );
    assert.equal(issues.length, 1, issues.join('\n'));
    assert.match(issues[0]!, /^links\[\d\]: links l\d .* form a cycle/);
  });

  it('accepts what the refusals do not cover', () => {
    // Every source has its own subscription: destinationSubscriptionId needs no default source.
    const text =
      `${TENANTS}azure: { destinationSubscriptionId: ${D} }\n` +
      `certManager: { vault: kv-certs, tenant: other }\n` +
      `sources:\n  - name: s\n    selectionMode: specific\n    subscriptionId: ${S}\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b }]\n` +
      oneLink(
        `vault: kv-x, subscriptionId: ${S}`,
        'vault: kv-y, region: b, resourceGroup: rg, autoCreate: true',
      );
    const topology = topologyOf(text);
    assert.deepEqual(
      topology.links.map((l) => l.name),
      ['l', 's/kv-a'],
    );
    assert.equal(topology.links[0]?.replicas[0]?.autoCreate, true);
  });

  it('a configuration with nothing to replicate is refused at the root of the document', () => {
    try {
      loadConfigText('replication: { dryRun: true }\n', { env: {} });
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      assert.deepEqual(
        error.issues.map((i) => i.path),
        [''],
      );
      assert.match(error.message, /^ {2}- \(root\): nothing to replicate: /m);
      return;
    }
    assert.fail('expected the configuration to be refused');
  });

  it('a cert-manager import alone is something to replicate', () => {
    const topology = topologyOf('certManager: { vault: kv-certs }\n');
    assert.deepEqual(topology, { links: [], selections: [] });
  });
});
