import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DynamicSelection } from './topology';
import { expandSelection, parseDestinationTag, selectVaults, type ArmVault } from './select-vaults';

const sub = '11111111-1111-1111-1111-111111111111';
const vault = (
  name: string,
  resourceGroup = 'rg-prod',
  tags?: Record<string, string>,
): ArmVault => ({
  name,
  location: 'westeurope',
  subscriptionId: sub,
  resourceGroup,
  uri: `https://${name}.vault.azure.net`,
  tags,
});
const listed = [
  vault('kv-a'),
  vault('kv-b'),
  vault('kv-dev', 'rg-dev'),
  vault('kv-test'),
  vault('kv-a-replica'),
];

const selection = (overrides: Partial<DynamicSelection>): DynamicSelection => ({
  name: 'sel',
  origin: 'sources[0]',
  selectionMode: 'all',
  subscriptionId: sub,
  resourceGroup: undefined,
  tenant: 'default',
  vaults: [],
  excludeVaults: [],
  destinationsFromTag: false,
  destinations: [
    {
      region: 'northeurope',
      subscriptionId: sub,
      resourceGroup: 'rg-dr',
      tenant: 'default',
      namingPattern: '{source_name}-replica',
      autoCreate: false,
    },
  ],
  mode: 'one-way',
  deletion: { policy: 'keep', maxDeletePercent: 10, minObjects: 20 },
  objectKinds: ['secrets'],
  history: 'latest',
  filters: {},
  ...overrides,
});

describe('selectVaults', () => {
  const cases: Array<[string, Partial<DynamicSelection>, string[]]> = [
    [
      'specific picks named vaults, case-insensitively',
      { selectionMode: 'specific', vaults: [{ name: 'KV-B' }, { name: 'kv-missing' }] },
      ['kv-b'],
    ],
    ['all picks everything', {}, ['kv-a', 'kv-b', 'kv-dev', 'kv-test', 'kv-a-replica']],
    ['all within a resource group', { resourceGroup: 'RG-DEV' }, ['kv-dev']],
    [
      'all ignores exclusions, which only allExcept applies',
      { excludeVaults: ['kv-dev'] },
      ['kv-a', 'kv-b', 'kv-dev', 'kv-test', 'kv-a-replica'],
    ],
    [
      'allExcept drops the excluded',
      { selectionMode: 'allExcept', excludeVaults: ['kv-dev', 'kv-test'] },
      ['kv-a', 'kv-b', 'kv-a-replica'],
    ],
  ];
  for (const [label, overrides, expected] of cases) {
    it(label, () =>
      assert.deepEqual(
        selectVaults(selection(overrides), listed).map((v) => v.name),
        expected,
      ),
    );
  }
});

describe('expandSelection', () => {
  const uriFor = (name: string) => `https://${name}.vault.azure.net`;

  it('never treats replicas as sources, so `all` does not replicate replicas forever', () => {
    const { links } = expandSelection(selection({}), listed, uriFor);
    assert.ok(!links.some((l) => l.source.name === 'kv-a-replica'));
    const a = links.find((l) => l.source.name === 'kv-a');
    assert.deepEqual(
      a?.replicas.map((r) => [r.name, r.region, r.uri]),
      [['kv-a-replica', 'northeurope', 'https://kv-a-replica.vault.azure.net']],
    );
    assert.equal(a?.name, 'sel/kv-a');
  });

  it('adds the vaults named in dst_key_vault_names and warns about missing ones', () => {
    const tagged = [
      vault('kv-src', 'rg', { dst_key_vault_names: 'kv-x, kv-gone' }),
      { ...vault('kv-x'), location: 'eastus' },
    ];
    const { links, warnings } = expandSelection(
      selection({
        selectionMode: 'specific',
        vaults: [{ name: 'kv-src' }],
        destinations: [],
        destinationsFromTag: true,
      }),
      tagged,
      uriFor,
    );
    assert.deepEqual(
      links[0]?.replicas.map((r) => `${r.name}@${r.region}`),
      ['kv-x@eastus'],
    );
    assert.deepEqual(warnings, [
      { vault: 'kv-src', reason: 'dst_key_vault_names names kv-gone, which does not exist' },
    ]);
  });

  it('warns instead of failing when a pattern gives an invalid name for one vault', () => {
    const long = [vault('kv-a-very-long-name-x')];
    const { links, warnings } = expandSelection(selection({}), long, uriFor);
    assert.equal(links.length, 0);
    assert.match(warnings[0]?.reason ?? '', /replica name: .* characters/);
  });

  it('parses the destination tag leniently', () => {
    assert.deepEqual(parseDestinationTag(' kv-a,kv-b;; kv-a '), ['kv-a', 'kv-b']);
    assert.deepEqual(parseDestinationTag(undefined), []);
  });
});

describe('expandSelection: every naming pattern resolves or says why not', () => {
  const other = '22222222-2222-2222-2222-222222222222';
  const inOther = (name: string): ArmVault => ({
    ...vault(name),
    subscriptionId: other,
    location: 'northeurope',
    uri: `https://${name}.other.example`,
  });
  const sameName = (subscriptionId: string) =>
    selection({
      destinations: [
        {
          region: 'northeurope',
          subscriptionId,
          resourceGroup: 'rg-dr',
          tenant: 'default',
          namingPattern: '{source_name}',
          autoCreate: false,
        },
      ],
    });
  const uriFor = (n: string) => `https://${n}.vault.azure.net`;

  it("'{source_name}' into another subscription links each vault to its namesake there", () => {
    const { links, warnings } = expandSelection(
      sameName(other),
      [vault('kv-a'), vault('kv-b'), inOther('kv-a'), inOther('kv-b'), inOther('kv-only-there')],
      uriFor,
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      links.map((l) => [l.source.name, l.source.uri, l.replicas[0]?.uri]),
      [
        ['kv-a', 'https://kv-a.vault.azure.net', 'https://kv-a.other.example'],
        ['kv-b', 'https://kv-b.vault.azure.net', 'https://kv-b.other.example'],
      ],
      'the other subscription is searched for replicas, never selected from',
    );
  });

  it("'{source_name}' in the same subscription is a warning per vault, not silence", () => {
    const { links, warnings } = expandSelection(sameName(sub), [vault('kv-a')], uriFor);
    assert.deepEqual(links, []);
    assert.deepEqual(
      warnings.map((w) => [w.vault, w.code]),
      [['kv-a', 'ReplicaIsSource']],
    );
  });

  it('a selection that picks no vault is a warning', () => {
    const { links, warnings } = expandSelection(
      selection({ resourceGroup: 'rg-empty' }),
      listed,
      uriFor,
    );
    assert.deepEqual(links, []);
    assert.equal(warnings[0]?.code, 'SelectionEmpty');
    assert.match(warnings[0]!.reason, /picked no vault in resource group rg-empty/);
  });
});
