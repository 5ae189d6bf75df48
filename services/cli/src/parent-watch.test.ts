import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startedByNpm, watchParent } from './parent-watch';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('parent watch (npx: npm → sh → node)', () => {
  it('reports once when the parent is gone (the process was re-parented)', async () => {
    let parent = 4242;
    let orphaned = 0;
    const stop = watchParent({
      parentPid: () => parent,
      onOrphaned: () => orphaned++,
      intervalMs: 5,
    });
    try {
      await tick(40);
      assert.equal(orphaned, 0, 'same parent: nothing happens');
      parent = 1;
      const deadline = Date.now() + 10_000;
      while (orphaned === 0 && Date.now() < deadline) await tick(5);
      await tick(40);
      assert.equal(orphaned, 1);
    } finally {
      stop();
    }
  });

  it('is meant for processes npm started only', () => {
    assert.equal(startedByNpm({ npm_command: 'exec' }), true);
    assert.equal(startedByNpm({ npm_command: 'run-script' }), true);
    assert.equal(startedByNpm({}), false);
  });
});
