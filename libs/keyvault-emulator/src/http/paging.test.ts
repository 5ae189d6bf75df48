import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServiceError } from '../errors';
import { pageOf } from './paging';

const items = Array.from({ length: 60 }, (_, i) => i);

function follow(nextLink: string): Record<string, string> {
  return Object.fromEntries(new URL(nextLink).searchParams);
}

describe('pageOf', () => {
  it('walks all items in pages of at most 25 through $skiptoken nextLinks', () => {
    const seen: number[] = [];
    let query: Record<string, string> = { 'api-version': '7.5' };
    for (let pages = 1; ; pages += 1) {
      const page = pageOf(items, query, 'https://127.0.0.1:1/secrets');
      assert.ok(page.value.length <= 25);
      seen.push(...page.value);
      if (!page.nextLink) {
        assert.equal(pages, 3);
        break;
      }
      assert.match(
        page.nextLink,
        /^https:\/\/127\.0\.0\.1:1\/secrets\?api-version=7\.5&\$skiptoken=/,
      );
      query = follow(page.nextLink);
    }
    assert.deepEqual(seen, items);
  });

  it('honours maxresults and carries it into nextLink; rejects out-of-range values and bad tokens', () => {
    const page = pageOf(items, { 'api-version': '7.5', maxresults: '7' }, 'https://h/secrets');
    assert.equal(page.value.length, 7);
    assert.equal(follow(page.nextLink!)['maxresults'], '7');
    for (const maxresults of ['0', '26', 'x']) {
      assert.throws(
        () => pageOf(items, { maxresults }, 'https://h/secrets'),
        (e: unknown) => isServiceError(e) && e.statusCode === 400,
      );
    }
    assert.throws(
      () => pageOf(items, { $skiptoken: 'garbage' }, 'https://h/secrets'),
      (e: unknown) => isServiceError(e) && e.code === 'BadParameter',
    );
  });

  it('uses $top and a larger limit for ARM', () => {
    const page = pageOf(items, { 'api-version': '2026-02-01', $top: '50' }, 'https://h/vaults', {
      limit: 1000,
      sizeParam: '$top',
    });
    assert.equal(page.value.length, 50);
    assert.equal(follow(page.nextLink!)['$top'], '50');
    assert.equal(
      pageOf(items, {}, 'https://h/vaults', { limit: 1000, sizeParam: '$top' }).nextLink,
      null,
    );
  });
});
