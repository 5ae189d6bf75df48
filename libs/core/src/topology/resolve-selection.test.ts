import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/errors';
import { loadConfigText } from '../config/load-config';

// Selection-based sources (`sources:`) resolved from configuration: `specific` ones become
// links at once, the others stay selections for discovery; every setting that could not work
// is refused at its key.

const S = '11111111-1111-1111-1111-111111111111';
const D = '22222222-2222-2222-2222-222222222222';
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

/** One source; `body` holds its keys after name (each line indented by four spaces). */
const source = (body: string, prefix = '') => `${prefix}sources:\n  - name: s\n${body}`;

describe('selections: refused settings, each at its key', () => {
  const refusals: [string, string, string][] = [
    [
      'specific without vaults',
      source('    selectionMode: specific\n    destinations: [{ region: b }]\n'),
      'sources[0].keyvaults: selectionMode specific needs at least one vault',
    ],
    [
      'vaults listed for all',
      source(
        `    selectionMode: all\n    subscriptionId: ${S}\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b }]\n`,
      ),
      'sources[0].keyvaults: keyvaults apply to selectionMode specific, not all',
    ],
    [
      'exclusions for all',
      source(
        `    selectionMode: all\n    subscriptionId: ${S}\n    excludeKeyvaults: [kv-a]\n    destinations: [{ region: b }]\n`,
      ),
      'sources[0].excludeKeyvaults: excludeKeyvaults applies to selectionMode allExcept',
    ],
    [
      'exclusions for specific',
      source(
        '    selectionMode: specific\n    keyvaults: [{ name: kv-a }]\n    excludeKeyvaults: [kv-b]\n    destinations: [{ region: b }]\n',
      ),
      'sources[0].excludeKeyvaults: excludeKeyvaults applies to selectionMode allExcept',
    ],
    [
      'allExcept without a subscription',
      source('    selectionMode: allExcept\n    destinations: [{ region: b }]\n'),
      'sources[0].subscriptionId: selectionMode allExcept lists vaults in a subscription: set subscriptionId here or azure.sourceSubscriptionId',
    ],
    [
      'no destinations and no tag',
      source('    selectionMode: specific\n    keyvaults: [{ name: kv-a }]\n'),
      'sources[0].destinations: no destinations: add one, or set destinationsFromTag',
    ],
    [
      'two-way with two destinations',
      source(
        '    selectionMode: specific\n    mode: two-way\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b }, { region: c }]\n',
      ),
      'sources[0].mode: two-way replication needs exactly one destination per source vault',
    ],
    [
      'two-way with destinations from the tag',
      source(
        '    selectionMode: specific\n    mode: two-way\n    keyvaults: [{ name: kv-a }]\n    destinationsFromTag: true\n    destinations: [{ region: b }]\n',
      ),
      'sources[0].mode: two-way replication needs exactly one destination per source vault',
    ],
    [
      'a destinationName with two destinations',
      source(
        '    selectionMode: specific\n    keyvaults: [{ name: kv-a, destinationName: kv-dr }]\n    destinations: [{ region: b }, { region: c }]\n',
      ),
      'sources[0].keyvaults: destinationName names one vault, so it needs exactly one destination',
    ],
    [
      'a destination in another tenant without its subscription',
      source(
        '    selectionMode: specific\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b, tenant: other }]\n',
        TENANTS,
      ),
      'sources[0].destinations[0].subscriptionId: destination is in tenant "other", not the source\'s "default": cross-tenant destinations need an explicit subscriptionId',
    ],
    [
      'an unknown selection tenant',
      source(
        '    selectionMode: specific\n    tenant: nope\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b, tenant: nope }]\n',
      ),
      'sources[0].tenant: unknown tenant "nope" (define it under tenants)',
    ],
    [
      'an unknown destination tenant',
      source(
        `    selectionMode: specific\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b, tenant: nope, subscriptionId: ${D} }]\n`,
      ),
      'sources[0].destinations[0].tenant: unknown tenant "nope" (define it under tenants)',
    ],
    [
      'autoCreate without a resource group',
      source(
        `    selectionMode: specific\n    subscriptionId: ${S}\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b, autoCreate: true }]\n`,
      ),
      'sources[0].destinations[0].resourceGroup: autoCreate needs the resource group to create vaults in',
    ],
    [
      'autoCreate where no subscription is known',
      source(
        '    selectionMode: specific\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b, resourceGroup: rg, autoCreate: true }]\n',
      ),
      'sources[0].destinations[0].subscriptionId: autoCreate needs the subscription to create vaults in',
    ],
    [
      'a destinationName that is the source itself',
      source(
        '    selectionMode: specific\n    keyvaults: [{ name: kv-b }, { name: kv-a, destinationName: KV-A }]\n    destinations: [{ region: b }]\n',
      ),
      'sources[0].keyvaults[1].destinationName: replica of kv-a would be kv-a itself (vault names are globally unique): change the name, or give the destination another subscriptionId',
    ],
    [
      'one pattern for two named vaults without {source_name}',
      source(
        '    selectionMode: specific\n    keyvaults: [{ name: kv-a }, { name: kv-b }]\n    destinations: [{ region: b, namingPattern: kv-dr }]\n',
      ),
      'sources[0].destinations[0].namingPattern: "kv-dr" has no {source_name}: every selected vault would replicate into the same vault and overwrite each other\'s objects',
    ],
    [
      "a tag-driven specific selection whose pattern makes the source's own name",
      source(
        `    selectionMode: specific\n    subscriptionId: ${S}\n    keyvaults: [{ name: kv-a }]\n    destinationsFromTag: true\n    destinations: [{ region: b, namingPattern: "{source_name}" }]\n`,
      ),
      'sources[0].destinations[0].namingPattern: "{source_name}" names each replica after its source, in the same subscription: the replica would be the source itself; change the pattern, or give the destination another subscriptionId',
    ],
  ];
  for (const [label, text, expected] of refusals) {
    it(label, () => {
      const issues = issuesOf(text);
      assert.ok(issues.includes(expected), issues.join('\n'));
    });
  }

  it("a pattern that makes a named vault's own name is refused once, at the pattern", () => {
    const issues = issuesOf(
      source(
        `    selectionMode: specific\n    subscriptionId: ${S}\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b, namingPattern: "{source_name}" }]\n`,
      ),
    );
    assert.deepEqual(issues, [
      'sources[0].destinations[0].namingPattern: replica of kv-a would be kv-a itself (vault names are globally unique): change the name, or give the destination another subscriptionId',
    ]);
  });

  it('reports an unknown placeholder once, without judging the rest of the pattern', () => {
    const issues = issuesOf(
      source(
        `    selectionMode: all\n    subscriptionId: ${S}\n    destinations: [{ region: b, namingPattern: "dr-{source}" }]\n`,
      ),
    );
    assert.deepEqual(issues, [
      'sources[0].destinations[0].namingPattern: unknown placeholder {source}; use {source_name} and {region}',
    ]);
  });
});

describe('selections: what they resolve to', () => {
  it('a specific selection becomes one link per vault, placed from the selection and azure defaults', () => {
    const text = source(
      '    selectionMode: specific\n    resourceGroup: rg-src\n    keyvaults: [{ name: kv-a }, { name: kv-b, resourceGroup: rg-b }]\n' +
        '    destinations: [{ region: northeurope, resourceGroup: rg-dr, namingPattern: "{source_name}-dr", autoCreate: true }]\n',
      `azure: { sourceSubscriptionId: ${S}, destinationSubscriptionId: ${D}, vaultDnsSuffix: vault.example.test }\n`,
    );
    const links = topologyOf(text).links;
    assert.deepEqual(
      links.map((l) => [l.name, l.origin, l.source.resourceGroup, l.source.subscriptionId]),
      [
        ['s/kv-a', 'sources[0].keyvaults[0]', 'rg-src', S],
        ['s/kv-b', 'sources[0].keyvaults[1]', 'rg-b', S],
      ],
    );
    assert.deepEqual(links[0]?.source, {
      name: 'kv-a',
      subscriptionId: S,
      resourceGroup: 'rg-src',
      tenant: 'default',
      uri: 'https://kv-a.vault.example.test',
    });
    assert.deepEqual(links[0]?.replicas, [
      {
        name: 'kv-a-dr',
        region: 'northeurope',
        subscriptionId: D,
        resourceGroup: 'rg-dr',
        tenant: 'default',
        uri: 'https://kv-a-dr.vault.example.test',
        autoCreate: true,
      },
    ]);
  });

  it("a specific selection's destinations default to the source subscription", () => {
    const [link] = topologyOf(
      source(
        `    selectionMode: specific\n    subscriptionId: ${S}\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b }]\n`,
      ),
    ).links;
    assert.equal(link?.replicas[0]?.subscriptionId, S);
  });

  it('a two-way selection with one destination links each vault both ways', () => {
    const [link] = topologyOf(
      source(
        '    selectionMode: specific\n    mode: two-way\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b, namingPattern: "{source_name}-dr" }]\n',
      ),
    ).links;
    assert.deepEqual([link?.mode, link?.replicas.map((r) => r.name)], ['two-way', ['kv-a-dr']]);
  });

  it('named vaults whose every replica is named explicitly need no {source_name}', () => {
    const links = topologyOf(
      source(
        '    selectionMode: specific\n    keyvaults: [{ name: kv-a, destinationName: kv-a-dr }, { name: kv-b, destinationName: kv-b-dr }]\n    destinations: [{ region: b, namingPattern: kv-dr }]\n',
      ),
    ).links;
    assert.deepEqual(
      links.map((l) => l.replicas.map((r) => r.name)),
      [['kv-a-dr'], ['kv-b-dr']],
    );
  });

  it('a pattern no vault uses is not judged, even with destinations from the tag', () => {
    // Every named vault has its destinationName; the tag names vaults directly.
    const { selections } = topologyOf(
      source(
        `    selectionMode: specific\n    subscriptionId: ${S}\n    keyvaults: [{ name: kv-a, destinationName: kv-a-dr }]\n    destinationsFromTag: true\n    destinations: [{ region: b, namingPattern: "{source_name}" }]\n`,
      ),
    );
    assert.deepEqual(
      selections.map((s) => s.vaults),
      [[{ name: 'kv-a', destinationName: 'kv-a-dr' }]],
    );
  });

  it('one named vault may use a fixed replica name', () => {
    const [link] = topologyOf(
      source(
        '    selectionMode: specific\n    keyvaults: [{ name: kv-a }]\n    destinations: [{ region: b, namingPattern: kv-dr }]\n',
      ),
    ).links;
    assert.deepEqual(
      link?.replicas.map((r) => r.name),
      ['kv-dr'],
    );
  });

  it('all, allExcept and tag-driven selections are left for discovery, fully described', () => {
    const text =
      TENANTS +
      `azure: { sourceSubscriptionId: ${S}, destinationSubscriptionId: ${D} }\n` +
      'sources:\n' +
      '  - name: every\n    selectionMode: allExcept\n    resourceGroup: rg-prod\n    excludeKeyvaults: [kv-skip]\n' +
      `    destinations: [{ region: northeurope, resourceGroup: rg-dr, namingPattern: "{source_name}-dr" }, { region: westus, tenant: other, subscriptionId: ${S} }]\n` +
      '  - name: tagged\n    selectionMode: specific\n    keyvaults: [{ name: kv-t, destinationName: kv-t-dr }]\n    destinationsFromTag: true\n    destinations: [{ region: b }]\n';
    const { links, selections } = topologyOf(text);
    assert.deepEqual(links, []);
    const [every, tagged] = selections;
    assert.deepEqual(
      {
        name: every?.name,
        origin: every?.origin,
        selectionMode: every?.selectionMode,
        subscriptionId: every?.subscriptionId,
        resourceGroup: every?.resourceGroup,
        tenant: every?.tenant,
        vaults: every?.vaults,
        excludeVaults: every?.excludeVaults,
        destinationsFromTag: every?.destinationsFromTag,
        destinations: every?.destinations,
      },
      {
        name: 'every',
        origin: 'sources[0]',
        selectionMode: 'allExcept',
        subscriptionId: S,
        resourceGroup: 'rg-prod',
        tenant: 'default',
        vaults: [],
        excludeVaults: ['kv-skip'],
        destinationsFromTag: false,
        destinations: [
          {
            region: 'northeurope',
            subscriptionId: D,
            resourceGroup: 'rg-dr',
            tenant: 'default',
            namingPattern: '{source_name}-dr',
            autoCreate: false,
          },
          {
            region: 'westus',
            subscriptionId: S,
            resourceGroup: undefined,
            tenant: 'other',
            namingPattern: '{source_name}-replica',
            autoCreate: false,
          },
        ],
      },
    );
    assert.deepEqual(
      [tagged?.selectionMode, tagged?.destinationsFromTag, tagged?.vaults],
      ['specific', true, [{ name: 'kv-t', destinationName: 'kv-t-dr' }]],
    );
  });
});
