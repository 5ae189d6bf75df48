import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIST_PAGE_SIZE, pacedListing } from './paced-store';
import type { VaultPacer } from './vault-pacer';

test('a listing is paced once per page fetch, not per item, and yields every item in order', async () => {
  const kinds: string[] = [];
  const pacer = {
    run: (kind: string, request: () => Promise<unknown>) => {
      kinds.push(kind);
      return request();
    },
  } as unknown as VaultPacer;
  async function* items() {
    for (let i = 0; i < 2 * LIST_PAGE_SIZE + 10; i++) yield i;
  }
  const seen: number[] = [];
  for await (const item of pacedListing(pacer, items())) seen.push(item);
  assert.deepEqual(
    seen,
    Array.from({ length: 2 * LIST_PAGE_SIZE + 10 }, (_, i) => i),
  );
  assert.deepEqual(kinds, ['read', 'read', 'read'], 'three pages: items 0, 25 and 50');
});
