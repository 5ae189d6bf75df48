import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkVaultName, resolveNamingPattern, unknownPlaceholders } from './naming-pattern';

describe('resolveNamingPattern', () => {
  const cases: Array<{ pattern: string; source: string; region: string; expect: string | RegExp }> =
    [
      {
        pattern: '{source_name}-replica',
        source: 'kv-prod',
        region: 'northeurope',
        expect: 'kv-prod-replica',
      },
      {
        pattern: '{source_name}-{region}',
        source: 'kv-pay',
        region: 'westus',
        expect: 'kv-pay-westus',
      },
      { pattern: 'dr-{source_name}', source: 'Vault1', region: 'x', expect: 'dr-Vault1' },
      { pattern: '{source_name}', source: 'kv-prod', region: 'westus', expect: 'kv-prod' },
      // 3–24 characters
      {
        pattern: '{source_name}-{region}',
        source: 'kv-payments-prod',
        region: 'northeurope',
        expect: /28 characters; vault names have 3–24/,
      },
      { pattern: '{source_name}', source: 'ab', region: 'x', expect: /2 characters/ },
      // must start with a letter, end with a letter or digit, no consecutive hyphens
      { pattern: '1-{source_name}', source: 'kv', region: 'x', expect: /starting with a letter/ },
      {
        pattern: '{source_name}-',
        source: 'kv-a',
        region: 'x',
        expect: /ending with a letter or digit/,
      },
      { pattern: '{source_name}--dr', source: 'kv-a', region: 'x', expect: /consecutive hyphens/ },
      {
        pattern: '{source_name}_dr',
        source: 'kv-a',
        region: 'x',
        expect: /letters, digits and hyphens/,
      },
      {
        pattern: '{source}-dr',
        source: 'kv-a',
        region: 'x',
        expect: /unknown placeholder \{source\}/,
      },
      { pattern: '{source_name-dr', source: 'kv-a', region: 'x', expect: /unbalanced braces/ },
    ];
  for (const { pattern, source, region, expect } of cases) {
    it(`${pattern} with ${source}@${region} → ${String(expect)}`, () => {
      const result = resolveNamingPattern(pattern, { source_name: source, region });
      if (typeof expect === 'string') assert.deepEqual(result, { ok: true, name: expect });
      else {
        assert.equal(result.ok, false);
        assert.match(result.ok ? '' : result.reason, expect);
      }
    });
  }
});

describe('vault name rules', () => {
  it('accepts the boundaries and rejects just past them', () => {
    assert.equal(checkVaultName('abc').ok, true);
    assert.equal(checkVaultName('a'.repeat(24)).ok, true);
    assert.equal(checkVaultName('a'.repeat(25)).ok, false);
  });
  it('lists unknown placeholders', () => {
    assert.deepEqual(unknownPlaceholders('{source_name}-{env}-{zone}'), ['env', 'zone']);
  });
});
