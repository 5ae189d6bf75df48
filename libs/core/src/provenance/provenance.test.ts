import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_TAG_VALUE_LENGTH,
  PROVENANCE_TAG,
  encodeProvenance,
  readProvenance,
  replicaTags,
  withoutProvenance,
} from './provenance';

const version = '0123456789abcdef0123456789abcdef';
const provenance = {
  sourceVault: 'kv-pay-weu',
  sourceVersion: version,
  sourceUpdated: 1_763_900_000,
};

describe('provenance tag', () => {
  it('round-trips and stays far below the 256-character tag limit even for the longest vault name', () => {
    const longest = { ...provenance, sourceVault: 'a'.repeat(24), sourceUpdated: 99_999_999_999 };
    const value = encodeProvenance(longest);
    assert.ok(value.length < MAX_TAG_VALUE_LENGTH / 2, `${value.length} chars`);
    assert.deepEqual(readProvenance({ [PROVENANCE_TAG]: value }), longest);
  });

  const foreign: Array<[string, Record<string, string> | undefined]> = [
    ['no tags', undefined],
    ['no provenance tag', { owner: 'team-a' }],
    ['other format version', { [PROVENANCE_TAG]: `v9;kv-a;${version};1` }],
    ['bad vault name', { [PROVENANCE_TAG]: `v1;-kv;${version};1` }],
    ['short version', { [PROVENANCE_TAG]: 'v1;kv-a;abc;1' }],
    ['non-numeric time', { [PROVENANCE_TAG]: `v1;kv-a;${version};soon` }],
    ['extra fields', { [PROVENANCE_TAG]: `v1;kv-a;${version};1;x` }],
    // The time is whole Unix seconds in plain decimal; anything Number() would also accept
    // (a sign, hex, an exponent, padding) is not what encodeProvenance writes.
    ['a signed time', { [PROVENANCE_TAG]: `v1;kv-a;${version};-5` }],
    ['a hexadecimal time', { [PROVENANCE_TAG]: `v1;kv-a;${version};0x10` }],
    ['a time in exponent notation', { [PROVENANCE_TAG]: `v1;kv-a;${version};1e9` }],
    ['a time with trailing space', { [PROVENANCE_TAG]: `v1;kv-a;${version};17 ` }],
  ];
  for (const [label, tags] of foreign) {
    it(`treats ${label} as not ours`, () => assert.equal(readProvenance(tags), undefined));
  }

  it("reads the tag replicas already carry: its name and format are stored in users' vaults", () => {
    // Replicas written by earlier releases must stay ours; renaming the tag or its format
    // version would turn every existing replica foreign (never updated, never deleted).
    const written = { 'akv-replicator-source': `v1;kv-pay-weu;${version};1763900000` };
    assert.deepEqual(readProvenance(written), provenance);
    assert.equal(encodeProvenance(provenance), `v1;kv-pay-weu;${version};1763900000`);
  });

  it('encodes the Unix epoch itself, and refuses negative or fractional times', () => {
    const epoch = { ...provenance, sourceUpdated: 0 };
    assert.deepEqual(readProvenance({ [PROVENANCE_TAG]: encodeProvenance(epoch) }), epoch);
    for (const sourceUpdated of [-1, 1.5, Number.NaN, 2 ** 53]) {
      assert.throws(
        () => encodeProvenance({ ...provenance, sourceUpdated }),
        /^RangeError: provenance: sourceUpdated must be whole Unix seconds$/,
        String(sourceUpdated),
      );
    }
  });

  it('refuses to encode garbage, naming what is wrong', () => {
    assert.throws(
      () => encodeProvenance({ ...provenance, sourceVersion: 'x' }),
      /^RangeError: provenance: source version must be 32 lowercase hex characters$/,
    );
    assert.throws(
      () => encodeProvenance({ ...provenance, sourceVault: 'no_underscores' }),
      /^RangeError: provenance: invalid source vault name "no_underscores"$/,
    );
  });
});

describe('replicaTags', () => {
  it('copies source tags and adds provenance', () => {
    const result = replicaTags({ env: 'prod' }, provenance);
    assert.deepEqual(result, {
      ok: true,
      tags: { env: 'prod', [PROVENANCE_TAG]: encodeProvenance(provenance) },
    });
  });

  it('replaces provenance the source carries (two-way echo) instead of copying it', () => {
    const echoed = { env: 'prod', [PROVENANCE_TAG]: `v1;kv-other;${version};1` };
    const result = replicaTags(echoed, provenance);
    assert.ok(result.ok);
    assert.equal(readProvenance(result.tags)?.sourceVault, 'kv-pay-weu');
    assert.deepEqual(withoutProvenance(result.tags), { env: 'prod' });
  });

  it('fits 14 source tags and explains why 15 cannot fit', () => {
    const tags = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, 'v']));
    const fits = replicaTags(tags(14), provenance);
    assert.ok(fits.ok && Object.keys(fits.tags).length === 15);
    const full = replicaTags(tags(15), provenance);
    assert.equal(full.ok, false);
    assert.match(full.ok ? '' : full.reason, /15 tags; Key Vault allows 15/);
  });

  it("does not count the source's own provenance (a two-way echo) against the 15-tag limit", () => {
    // 14 tags of its own plus provenance from the other direction: ours replaces it.
    const echoed: Record<string, string> = Object.fromEntries(
      Array.from({ length: 14 }, (_, i) => [`t${i}`, 'v']),
    );
    echoed[PROVENANCE_TAG] = `v1;kv-other;${version};1`;
    const result = replicaTags(echoed, provenance);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(Object.keys(result.tags).length, 15);
    assert.equal(readProvenance(result.tags)?.sourceVault, 'kv-pay-weu');
  });
});
