import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DynamicSelection } from './topology';
import { expandSelection, parseDestinationTag, selectVaults, type ArmVault } from './select-vaults';

// What discovery makes of a selection and an ARM listing: which vaults are sources, which
// vaults are their replicas and where they live, and a warning for every vault it cannot link.

const SRC = '11111111-1111-1111-1111-111111111111';
const DR = '22222222-2222-2222-2222-222222222222';
const uriFor = (name: string) => `https://${name}.vault.azure.net`;

const vault = (name: string, more: Partial<ArmVault> = {}): ArmVault => ({
  name,
  location: 'westeurope',
  subscriptionId: SRC,
  resourceGroup: 'rg-prod',
  uri: `https://${name}.listed.example`,
  ...more,
});

type Destination = DynamicSelection['destinations'][number];
const destination = (more: Partial<Destination> = {}): Destination => ({
  region: 'northeurope',
  subscriptionId: SRC,
  resourceGroup: undefined,
  tenant: 'default',
  namingPattern: '{source_name}-dr',
  autoCreate: false,
  ...more,
});

const selection = (more: Partial<DynamicSelection> = {}): DynamicSelection => ({
  name: 'sel',
  origin: 'sources[2]',
  selectionMode: 'all',
  subscriptionId: SRC,
  resourceGroup: undefined,
  tenant: 'tenant-a',
  vaults: [],
  excludeVaults: [],
  destinationsFromTag: false,
  destinations: [destination()],
  mode: 'two-way',
  deletion: { policy: 'delete', maxDeletePercent: 5, minObjects: 3 },
  objectKinds: ['certificates'],
  history: 'enabledVersions',
  filters: { include: { names: ['db-*'] } },
  ...more,
});

describe('selectVaults', () => {
  it('never picks a source from another subscription, even one discovery listed', () => {
    const listed = [vault('kv-a'), vault('kv-b', { subscriptionId: DR })];
    assert.deepEqual(
      selectVaults(selection(), listed).map((v) => v.name),
      ['kv-a'],
    );
    assert.deepEqual(
      selectVaults(selection({ subscriptionId: SRC.toUpperCase() }), listed).map((v) => v.name),
      ['kv-a'],
      'subscription ids compare case-insensitively',
    );
    assert.deepEqual(
      selectVaults(selection({ subscriptionId: undefined }), listed).map((v) => v.name),
      ['kv-a', 'kv-b'],
      'without a subscription every listed vault is a candidate',
    );
  });

  it('matches a resource group whatever its letter case, and only by letter case', () => {
    const listed = [
      vault('kv-a', { resourceGroup: 'RG-Straße' }),
      vault('kv-b', { resourceGroup: 'rg-strasse' }),
    ];
    assert.deepEqual(
      selectVaults(selection({ resourceGroup: 'rg-straße' }), listed).map((v) => v.name),
      ['kv-a'],
      'ß and ss are different letters, not the same letter in another case',
    );
  });

  it('excludes names case-insensitively', () => {
    const picked = selectVaults(
      selection({ selectionMode: 'allExcept', excludeVaults: ['KV-B'] }),
      [vault('kv-a'), vault('kv-b')],
    );
    assert.deepEqual(
      picked.map((v) => v.name),
      ['kv-a'],
    );
  });
});

describe('expandSelection: links', () => {
  it("carries the selection's behaviour and the listed source's placement", () => {
    const { links, warnings } = expandSelection(selection(), [vault('kv-a')], uriFor);
    assert.deepEqual(warnings, []);
    assert.deepEqual(links, [
      {
        name: 'sel/kv-a',
        origin: 'sources[2]',
        mode: 'two-way',
        deletion: { policy: 'delete', maxDeletePercent: 5, minObjects: 3 },
        objectKinds: ['certificates'],
        history: 'enabledVersions',
        filters: { include: { names: ['db-*'] } },
        source: {
          name: 'kv-a',
          region: 'westeurope',
          subscriptionId: SRC,
          resourceGroup: 'rg-prod',
          tenant: 'tenant-a',
          uri: 'https://kv-a.listed.example',
        },
        replicas: [
          {
            name: 'kv-a-dr',
            region: 'northeurope',
            subscriptionId: SRC,
            resourceGroup: undefined,
            tenant: 'default',
            uri: 'https://kv-a-dr.vault.azure.net',
            autoCreate: false,
          },
        ],
      },
    ]);
  });

  it('finds an existing replica in the destination subscription, and takes its URI and resource group', () => {
    const listed = [
      vault('kv-a'),
      // A vault of the replica's name in the source subscription is not the replica.
      vault('kv-a-dr', { uri: 'https://wrong.example' }),
      vault('kv-a-dr', {
        subscriptionId: DR,
        resourceGroup: 'rg-found',
        uri: 'https://right.example',
      }),
    ];
    const { links } = expandSelection(
      selection({ destinations: [destination({ subscriptionId: DR.toUpperCase() })] }),
      listed,
      uriFor,
    );
    assert.deepEqual(
      links.map((l) => l.replicas.map((r) => [r.name, r.uri, r.resourceGroup])),
      [[['kv-a-dr', 'https://right.example', 'rg-found']]],
    );
  });

  it("keeps the destination's resource group over the existing vault's", () => {
    const { links } = expandSelection(
      selection({ destinations: [destination({ resourceGroup: 'rg-dr', autoCreate: true })] }),
      [vault('kv-a'), vault('kv-a-dr', { resourceGroup: 'rg-elsewhere' })],
      uriFor,
    );
    assert.deepEqual(
      links[0]?.replicas.map((r) => [r.resourceGroup, r.autoCreate]),
      [['rg-dr', true]],
    );
  });

  it('takes the replica subscription from the source vault when the destination names none', () => {
    const { links } = expandSelection(
      selection({ destinations: [destination({ subscriptionId: undefined })] }),
      [vault('kv-a')],
      uriFor,
    );
    assert.equal(links[0]?.replicas[0]?.subscriptionId, SRC);
  });

  it('names the replica by destinationName for a vault that has one, by the pattern otherwise', () => {
    const { links } = expandSelection(
      selection({
        selectionMode: 'specific',
        vaults: [{ name: 'KV-A', destinationName: 'kv-custom' }, { name: 'kv-b' }],
      }),
      [vault('kv-a'), vault('kv-b')],
      uriFor,
    );
    assert.deepEqual(
      links.map((l) => [l.source.name, l.replicas.map((r) => r.name)]),
      [
        ['kv-a', ['kv-custom']],
        ['kv-b', ['kv-b-dr']],
      ],
    );
  });

  it('does not select a replica of a selected vault as a source, whatever its case', () => {
    const { links } = expandSelection(selection(), [vault('kv-a'), vault('KV-A-DR')], uriFor);
    assert.deepEqual(
      links.map((l) => l.source.name),
      ['kv-a'],
    );
  });
});

describe('expandSelection: dst_key_vault_names', () => {
  const tagged = (value: string, more: Partial<ArmVault> = {}) =>
    vault('kv-src', { tags: { dst_key_vault_names: value }, ...more });

  it('names a vault by its letters in any case, never by a look-alike letter', () => {
    // A dotless ı (Turkish keyboards) upper-cases to I, but kv-ıstanbul is not kv-istanbul.
    const { links, warnings } = expandSelection(
      selection({
        selectionMode: 'specific',
        vaults: [{ name: 'kv-src' }],
        destinations: [],
        destinationsFromTag: true,
      }),
      [tagged('kv-ıstanbul'), vault('kv-istanbul', { subscriptionId: DR })],
      uriFor,
    );
    assert.deepEqual(links, []);
    assert.deepEqual(warnings, [
      {
        vault: 'kv-src',
        reason:
          'dst_key_vault_names names kv-ıstanbul, which is not a Key Vault name (3–24 ASCII letters, digits and hyphens)',
      },
    ]);
  });

  it('refuses an entry that is not a Key Vault name, before it can match one by case folding', () => {
    // The Kelvin sign K lower-cases to an ASCII k: compared that way it would name kv-east.
    const { links, warnings } = expandSelection(
      selection({
        selectionMode: 'specific',
        vaults: [{ name: 'kv-src' }],
        destinations: [],
        destinationsFromTag: true,
      }),
      [tagged('\u212Av-east'), vault('kv-east', { subscriptionId: DR })],
      uriFor,
    );
    assert.deepEqual(links, []);
    assert.deepEqual(warnings, [
      {
        vault: 'kv-src',
        reason:
          'dst_key_vault_names names \u212Av-east, which is not a Key Vault name (3–24 ASCII letters, digits and hyphens)',
      },
    ]);
  });

  it('is ignored unless the selection sets destinationsFromTag', () => {
    const { links, warnings } = expandSelection(
      selection(),
      [tagged('kv-east'), vault('kv-east', { subscriptionId: DR })],
      uriFor,
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      links.map((l) => [l.source.name, l.replicas.map((r) => r.name)]),
      [['kv-src', ['kv-src-dr']]],
    );
  });

  it('links the named vaults where they are, not yet linked by the pattern, never auto-created', () => {
    const listed = [
      tagged('KV-SRC-DR, kv-east'),
      vault('kv-src-dr', { location: 'northeurope' }),
      vault('kv-east', { location: 'eastus', subscriptionId: DR, resourceGroup: 'rg-east' }),
    ];
    const { links, warnings } = expandSelection(
      selection({ destinationsFromTag: true }),
      listed,
      uriFor,
    );
    assert.deepEqual(warnings, []);
    const placed = links[0]?.replicas.map((r) => ({
      name: r.name,
      region: r.region,
      subscriptionId: r.subscriptionId,
      resourceGroup: r.resourceGroup,
      tenant: r.tenant,
      uri: r.uri,
      autoCreate: r.autoCreate,
    }));
    assert.deepEqual(placed, [
      {
        name: 'kv-src-dr',
        region: 'northeurope',
        subscriptionId: SRC,
        resourceGroup: 'rg-prod',
        tenant: 'default',
        uri: 'https://kv-src-dr.listed.example',
        autoCreate: false,
      },
      {
        name: 'kv-east',
        region: 'eastus',
        subscriptionId: DR,
        resourceGroup: 'rg-east',
        tenant: 'tenant-a',
        uri: 'https://kv-east.listed.example',
        autoCreate: false,
      },
    ]);
  });

  it('warns about a tag naming the vault itself, and links nothing else for it', () => {
    const { links, warnings } = expandSelection(
      selection({ destinations: [], destinationsFromTag: true }),
      [tagged('kv-src')],
      uriFor,
    );
    assert.deepEqual(links, []);
    assert.deepEqual(warnings, [
      {
        vault: 'kv-src',
        reason: 'dst_key_vault_names names the vault itself',
        code: 'ReplicaIsSource',
      },
    ]);
  });

  it('warns once that no replica resolved when the vault has no tag and no destination', () => {
    const { links, warnings } = expandSelection(
      selection({ destinations: [], destinationsFromTag: true }),
      [vault('kv-a'), tagged('kv-gone')],
      uriFor,
    );
    assert.deepEqual(links, []);
    assert.deepEqual(warnings, [
      { vault: 'kv-a', reason: 'no replica vault resolved for this source' },
      { vault: 'kv-src', reason: 'dst_key_vault_names names kv-gone, which does not exist' },
    ]);
  });

  it('reads names separated by commas, semicolons or white space, each once', () => {
    assert.deepEqual(parseDestinationTag('kv-a kv-b\tkv-c;kv-d,kv-a'), [
      'kv-a',
      'kv-b',
      'kv-c',
      'kv-d',
    ]);
    assert.deepEqual(parseDestinationTag(' , ; '), []);
    assert.deepEqual(parseDestinationTag(''), []);
  });
});

describe('expandSelection: a replica that would be its source', () => {
  it('is a warning that says why and what to change', () => {
    const { links, warnings } = expandSelection(
      selection({ destinations: [destination({ namingPattern: '{source_name}' })] }),
      [vault('kv-a')],
      uriFor,
    );
    assert.deepEqual(links, []);
    assert.deepEqual(warnings, [
      {
        vault: 'kv-a',
        reason:
          'replica of kv-a would be kv-a itself (same subscription): change the namingPattern, or give the destination another subscriptionId',
        code: 'ReplicaIsSource',
      },
    ]);
  });
});

describe('expandSelection: a selection that picks nothing', () => {
  it('says so, naming the mode', () => {
    const { warnings } = expandSelection(selection({ selectionMode: 'allExcept' }), [], uriFor);
    assert.deepEqual(warnings, [
      {
        vault: '*',
        reason: 'selection allExcept picked no vault: nothing is replicated for it',
        code: 'SelectionEmpty',
      },
    ]);
  });
});
