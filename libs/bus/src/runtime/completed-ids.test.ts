import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompletedIds } from './completed-ids';

describe('CompletedIds', () => {
  it('remembers an id for the window and forgets it afterwards', () => {
    let now = 1_000;
    const ids = new CompletedIds(500, () => now);
    ids.add('a');
    now += 499;
    assert.equal(ids.has('a'), true);
    now += 2;
    assert.equal(ids.has('a'), false);
    assert.equal(ids.has('never'), false);
  });

  it('prunes expired ids as new ones arrive, so memory stays bounded by the window', () => {
    let now = 0;
    const ids = new CompletedIds(10, () => now);
    for (let i = 0; i < 1_000; i++) {
      ids.add(`id-${i}`);
      now += 1;
    }
    assert.equal(ids.has('id-0'), false);
    assert.equal(ids.has('id-995'), true);
  });
});
