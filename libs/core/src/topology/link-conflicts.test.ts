import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findLinkConflicts } from './link-conflicts';
import type { ResolvedLink } from './topology';

const S = '11111111-1111-1111-1111-111111111111';
const D = '22222222-2222-2222-2222-222222222222';

function link(
  name: string,
  source: string,
  replicas: string[],
  options: {
    mode?: 'one-way' | 'two-way';
    names?: string[];
    sub?: string;
    replicaSub?: string;
  } = {},
): ResolvedLink {
  const vault = (vaultName: string, subscriptionId?: string) => ({
    name: vaultName,
    tenant: 'default',
    uri: `https://${vaultName}.vault.azure.net`,
    ...(subscriptionId ? { subscriptionId } : {}),
  });
  return {
    name,
    origin: `links[${name}]`,
    mode: options.mode ?? 'one-way',
    deletion: { policy: 'keep', maxDeletePercent: 10, minObjects: 20 },
    objectKinds: ['secrets'],
    history: 'latest',
    filters: options.names ? { include: { names: options.names } } : {},
    source: { ...vault(source, options.sub), region: 'westeurope' },
    replicas: replicas.map((r) => ({
      ...vault(r, options.replicaSub ?? options.sub),
      region: 'northeurope',
      autoCreate: false,
    })),
  };
}

const kinds = (links: ResolvedLink[]) => findLinkConflicts(links).map((c) => c.kind);

describe('findLinkConflicts', () => {
  it('accepts chains, fan-out and a plain two-way link', () => {
    assert.deepEqual(
      findLinkConflicts([
        link('chain-1', 'kv-a', ['kv-b', 'kv-c']),
        link('chain-2', 'kv-b', ['kv-d']),
        link('pair', 'kv-x', ['kv-y'], { mode: 'two-way' }),
      ]),
      [],
    );
  });

  it('refuses a one-way link each way, naming both links', () => {
    const [conflict, ...rest] = findLinkConflicts([
      link('ab', 'kv-a', ['kv-b']),
      link('ba', 'kv-b', ['kv-a']),
    ]);
    assert.equal(rest.length, 0);
    assert.equal(conflict?.kind, 'pair-declared-twice');
    assert.deepEqual(conflict?.links, ['ab', 'ba']);
    assert.match(conflict!.message, /kv-a and kv-b replicate into each other .*mode two-way/);
  });

  it('refuses a two-way link plus a one-way link over the same pair, and a pair declared twice', () => {
    assert.deepEqual(
      kinds([link('both', 'kv-a', ['kv-b'], { mode: 'two-way' }), link('back', 'kv-b', ['kv-a'])]),
      ['pair-declared-twice'],
    );
    assert.deepEqual(kinds([link('one', 'kv-a', ['kv-b']), link('two', 'KV-A', ['kv-b'])]), [
      'pair-declared-twice',
    ]);
  });

  it('refuses one-way cycles of any length, listing the vaults in order', () => {
    const conflicts = findLinkConflicts([
      link('l1', 'kv-a', ['kv-b']),
      link('l2', 'kv-b', ['kv-c']),
      link('l3', 'kv-c', ['kv-d']),
      link('l4', 'kv-d', ['kv-a']),
    ]);
    assert.deepEqual(
      conflicts.map((c) => c.kind),
      ['loop'],
    );
    assert.deepEqual([...conflicts[0]!.links].sort(), ['l1', 'l2', 'l3', 'l4']);
    assert.match(conflicts[0]!.message, /form a cycle kv-\w → kv-\w → kv-\w → kv-\w → kv-\w:/);
    const ring = /cycle (.*):/.exec(conflicts[0]!.message)![1]!.split(' → ');
    // Whatever vault it starts from, the cycle follows the links' direction.
    const order = ['kv-a', 'kv-b', 'kv-c', 'kv-d'];
    const start = order.indexOf(ring[0]!);
    assert.deepEqual(
      ring,
      [0, 1, 2, 3, 4].map((i) => order[(start + i) % 4]),
    );
  });

  it('refuses two sources writing into one replica, unless their literal name lists are disjoint', () => {
    const conflicts = findLinkConflicts([
      link('from-a', 'kv-a', ['kv-dr']),
      link('from-b', 'kv-b', ['kv-dr']),
    ]);
    assert.deepEqual(
      conflicts.map((c) => [c.kind, c.links]),
      [['shared-replica', ['from-a', 'from-b']]],
    );
    assert.match(conflicts[0]!.message, /kv-dr is written by kv-a and kv-b/);
    assert.deepEqual(
      kinds([
        link('from-a', 'kv-a', ['kv-dr'], { names: ['db-password'] }),
        link('from-b', 'kv-b', ['kv-dr'], { names: ['api-key'] }),
      ]),
      [],
    );
    assert.deepEqual(
      kinds([
        link('from-a', 'kv-a', ['kv-dr'], { names: ['db-*'] }),
        link('from-b', 'kv-b', ['kv-dr'], { names: ['api-key'] }),
      ]),
      ['shared-replica'],
      'a glob could match any name',
    );
    assert.deepEqual(
      kinds([link('pair', 'kv-a', ['kv-b'], { mode: 'two-way' }), link('extra', 'kv-c', ['kv-b'])]),
      ['shared-replica'],
      'a two-way link writes into both of its vaults',
    );
  });

  it('refuses a ring that delivers one write twice, and a triangle of two-way links', () => {
    assert.deepEqual(
      kinds([link('ab', 'kv-a', ['kv-b', 'kv-c']), link('bc', 'kv-b', ['kv-c'])]).sort(),
      ['loop', 'shared-replica'],
    );
    const triangle = findLinkConflicts([
      link('ab', 'kv-a', ['kv-b'], { mode: 'two-way' }),
      link('bc', 'kv-b', ['kv-c'], { mode: 'two-way' }),
      link('ca', 'kv-c', ['kv-a'], { mode: 'two-way' }),
    ]);
    assert.ok(triangle.some((c) => c.kind === 'loop' && /form a cycle/.test(c.message)));
  });

  it('refuses a link that lists the same replica twice, naming the link once', () => {
    const conflicts = findLinkConflicts([link('dup', 'kv-a', ['kv-b', 'KV-B'])]);
    assert.deepEqual(
      conflicts.map((c) => [c.kind, c.links, c.origins]),
      [['pair-declared-twice', ['dup'], ['links[dup]']]],
    );
    assert.match(
      conflicts[0]!.message,
      /^kv-a and kv-b are joined more than once \(link dup \(links\[dup\]\)\); declare the pair in one link$/i,
    );
  });

  it('a ring that is not a cycle says a write arrives twice, naming each link once', () => {
    const loop = findLinkConflicts([
      link('ab', 'kv-a', ['kv-b', 'kv-c']),
      link('bc', 'kv-b', ['kv-c']),
    ]).find((c) => c.kind === 'loop');
    assert.deepEqual([...loop!.links].sort(), ['ab', 'bc']);
    assert.match(
      loop!.message,
      /^links (ab \(links\[ab\]\), bc \(links\[bc\]\)|bc \(links\[bc\]\), ab \(links\[ab\]\)) join kv-\w, kv-\w, kv-\w in a loop: a write would reach a vault along two paths$/,
    );
  });

  it('name lists that overlap in letter case only, or use any glob syntax, are not disjoint', () => {
    const fanIn = (a: string[], b: string[]) =>
      kinds([
        link('from-a', 'kv-a', ['kv-dr'], { names: a }),
        link('from-b', 'kv-b', ['kv-dr'], { names: b }),
      ]);
    assert.deepEqual(fanIn(['DB-Password'], ['db-password']), ['shared-replica']);
    for (const glob of ['db-?', 'db-[12]', 'db-{a,b}', '!(db)', '+(db)', '@(db)', 'db\\-x']) {
      assert.deepEqual(fanIn([glob], ['api-key']), ['shared-replica'], glob);
    }
    assert.deepEqual(
      fanIn(['api-key', 'db-*'], ['db-password']),
      ['shared-replica'],
      'one glob among literal names could match any name',
    );
    assert.deepEqual(
      kinds([
        link('from-a', 'kv-a', ['kv-dr'], { names: ['db'] }),
        link('from-b', 'kv-b', ['kv-dr']),
      ]),
      ['shared-replica'],
      'a source without an include list writes every name',
    );
  });

  it('a two-way link writes into its source too: a third vault writing there is fan-in', () => {
    const conflicts = findLinkConflicts([
      link('pair', 'kv-a', ['kv-b'], { mode: 'two-way' }),
      link('extra', 'kv-c', ['kv-a']),
    ]);
    assert.deepEqual(
      conflicts.map((c) => [c.kind, c.links]),
      [['shared-replica', ['pair', 'extra']]],
    );
    assert.match(conflicts[0]!.message, /^kv-a is written by kv-b and kv-c /);
  });

  it('a name repeated in one source list is not an overlap between sources', () => {
    assert.deepEqual(
      kinds([
        link('from-a', 'kv-a', ['kv-dr'], { names: ['db-password', 'DB-Password'] }),
        link('from-b', 'kv-b', ['kv-dr'], { names: ['api-key'] }),
      ]),
      [],
    );
  });

  it('treats a same-name replica in another subscription as a different vault', () => {
    const across = link('dr', 'kv-a', ['kv-a'], { sub: S, replicaSub: D });
    assert.deepEqual(findLinkConflicts([across]), []);
    assert.deepEqual(kinds([link('self', 'kv-a', ['kv-a'], { sub: S })]), ['self']);
    // ...but writing back from the other subscription is still a loop.
    const back = link('back', 'kv-a', ['kv-a'], { sub: D, replicaSub: S });
    const [conflict] = findLinkConflicts([across, back]);
    assert.equal(conflict?.kind, 'pair-declared-twice');
    assert.match(conflict!.message, /kv-a \(subscription 1111.*\) and kv-a \(subscription 2222/);
  });

  it('refuses a replica that is its own source, naming its link, the key that made it and why', () => {
    assert.deepEqual(findLinkConflicts([link('self', 'kv-a', ['KV-A'], { sub: S })]), [
      {
        kind: 'self',
        links: ['self'],
        origins: ['links[self]'],
        message: 'replica of kv-a would be kv-a itself',
      },
    ]);
  });

  it('names vaults as the links spell them, with the subscription only where a namesake exists', () => {
    const plain = findLinkConflicts([
      link('from-a', 'KV-A', ['KV-DR']),
      link('from-b', 'KV-B', ['KV-DR']),
    ]);
    assert.match(plain[0]!.message, /^KV-DR is written by KV-A and KV-B \(/);
    const across = findLinkConflicts([
      link('dr', 'kv-a', ['kv-a'], { sub: S, replicaSub: D }),
      link('extra', 'kv-b', ['kv-a'], { sub: S, replicaSub: D }),
    ]);
    assert.deepEqual(
      across.map((c) => c.kind),
      ['shared-replica'],
    );
    assert.match(
      across[0]!.message,
      new RegExp(
        `^kv-a \\(subscription ${D}\\) is written by kv-a \\(subscription ${S}\\) and kv-b \\(`,
      ),
    );
  });

  it('says a vault of a shared name has an unknown subscription when no link gives one', () => {
    const [conflict, ...rest] = findLinkConflicts([
      link('dr', 'kv-a', ['kv-a'], { sub: S, replicaSub: D }),
      link('out', 'kv-a', ['kv-b']),
      link('in', 'kv-b', ['kv-a']),
    ]);
    assert.equal(rest.length, 0);
    assert.match(
      conflict!.message,
      /^kv-a \(subscription unknown\) and kv-b replicate into each other /,
    );
  });

  it('one name is one vault: a replica one link places in a subscription and another does not is written by both', () => {
    const conflicts = findLinkConflicts([
      link('from-a', 'kv-a', ['kv-dr'], { sub: S, replicaSub: D }),
      link('from-b', 'kv-b', ['kv-dr']),
    ]);
    assert.deepEqual(
      conflicts.map((c) => [c.kind, c.links]),
      [['shared-replica', ['from-a', 'from-b']]],
    );
    assert.match(conflicts[0]!.message, /^kv-dr is written by kv-a and kv-b \(/);
  });

  it('links over different pairs are not one pair, even when the vault names run together', () => {
    // abc + def-x and abcd + ef-x spell the same letters.
    assert.deepEqual(
      findLinkConflicts([link('one', 'abc', ['def-x']), link('two', 'abcd', ['ef-x'])]),
      [],
    );
  });

  it('a cycle that runs through a two-way link against its declared direction is a cycle', () => {
    // kv-a → kv-b, then kv-b → kv-c through the two-way link declared kv-c ⇄ kv-b, then kv-c → kv-a.
    const loop = findLinkConflicts([
      link('ab', 'kv-a', ['kv-b']),
      link('cb', 'kv-c', ['kv-b'], { mode: 'two-way' }),
      link('ca', 'kv-c', ['kv-a']),
    ]).find((c) => c.kind === 'loop');
    assert.deepEqual([...loop!.links].sort(), ['ab', 'ca', 'cb']);
    assert.match(
      loop!.message,
      /form a cycle kv-\w → kv-\w → kv-\w → kv-\w: every write would go round it forever$/,
    );
  });
});
