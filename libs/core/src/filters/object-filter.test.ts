import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, type FilterableObject, type ObjectFilters } from './object-filter';

const secret = (
  name: string,
  contentType?: string,
  tags?: Record<string, string>,
): FilterableObject => ({
  name,
  contentType,
  tags,
});

describe('object filters', () => {
  const cases: Array<{
    label: string;
    filters: ObjectFilters | undefined;
    object: FilterableObject;
    replicate: boolean;
    reason?: RegExp;
  }> = [
    {
      label: 'no filters replicate everything',
      filters: undefined,
      object: secret('a'),
      replicate: true,
    },
    {
      label: 'exclude by glob',
      filters: { exclude: { names: ['*-tmp'] } },
      object: secret('cache-tmp'),
      replicate: false,
      reason: /excluded: name matches \*-tmp/,
    },
    {
      label: 'globs are case-insensitive like vault names',
      filters: { exclude: { names: ['TEST-*'] } },
      object: secret('test-db'),
      replicate: false,
    },
    {
      label: 'exclude does not hit others',
      filters: { exclude: { names: ['*-tmp'] } },
      object: secret('db-password'),
      replicate: true,
    },
    {
      label: 'include by name',
      filters: { include: { names: ['db-*', 'api-*'] } },
      object: secret('api-key'),
      replicate: true,
    },
    {
      label: 'include misses',
      filters: { include: { names: ['db-*'] } },
      object: secret('api-key'),
      replicate: false,
      reason: /not included: name matches none of db-\*/,
    },
    {
      label: 'exclude wins over include',
      filters: { include: { names: ['db-*'] }, exclude: { names: ['db-legacy'] } },
      object: secret('db-legacy'),
      replicate: false,
    },
    {
      label: 'include by content type',
      filters: { include: { contentTypes: ['text/plain'] } },
      object: secret('a', 'TEXT/PLAIN'),
      replicate: true,
    },
    {
      label: 'empty content type matches objects without one',
      filters: { exclude: { contentTypes: [''] } },
      object: secret('a'),
      replicate: false,
    },
    {
      label: 'exclude by tag value',
      filters: { exclude: { tags: { replicate: 'false' } } },
      object: secret('a', undefined, { replicate: 'false' }),
      replicate: false,
      reason: /tag replicate=false/,
    },
    {
      label: 'tag value must match',
      filters: { exclude: { tags: { replicate: 'false' } } },
      object: secret('a', undefined, { replicate: 'true' }),
      replicate: true,
    },
    {
      label: 'tag wildcard needs presence',
      filters: { include: { tags: { team: '*' } } },
      object: secret('a', undefined, {}),
      replicate: false,
    },
    {
      label: 'every include dimension must match',
      filters: { include: { names: ['db-*'], tags: { env: 'prod' } } },
      object: secret('db-a', undefined, { env: 'dev' }),
      replicate: false,
      reason: /no tag matches env=prod/,
    },
  ];
  for (const c of cases) {
    it(c.label, () => {
      const decision = compileFilter(c.filters).decide(c.object);
      assert.equal(decision.replicate, c.replicate);
      if (c.reason) assert.match(decision.replicate ? '' : decision.reason, c.reason);
    });
  }
});
