import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '@akv-replicator/bus/testing';
import { startedByNpm, watchParent } from './parent-watch';

/** Generous: only ends a failing run; a loaded machine can delay 5 ms intervals a lot. */
const WAIT_MS = 10_000;

/**
 * After reporting, a watcher that kept running would check again every 5 ms; 200 ms is 40 of its
 * intervals, so even on a machine slowed tenfold it would have checked several more times.
 */
const STOPPED_CHECKING_WINDOW_MS = 200;

describe('parent watch (npx: npm → sh → node)', () => {
  it('reports once when the parent is gone (the process was re-parented), then stops checking', async () => {
    let parent = 4242;
    let checks = 0;
    let orphaned = 0;
    const stop = watchParent({
      parentPid: () => (checks++, parent),
      onOrphaned: () => orphaned++,
      intervalMs: 5,
    });
    try {
      // Positive marker instead of a sleep: the watcher has looked at the same parent 3 times.
      await eventually('three checks of the same parent', () => checks >= 4, WAIT_MS);
      assert.equal(orphaned, 0, 'same parent: nothing happens');
      parent = 1;
      await eventually('the orphan reported', () => orphaned > 0, WAIT_MS);
      const checksWhenReported = checks;
      await new Promise((resolve) => setTimeout(resolve, STOPPED_CHECKING_WINDOW_MS));
      assert.equal(orphaned, 1);
      assert.equal(checks, checksWhenReported, 'no check after reporting');
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
