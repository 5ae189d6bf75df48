import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './manual-clock';

describe('ManualClock', () => {
  it('fires timers in due order, each seeing now() at its own due time', () => {
    const clock = new ManualClock(1_000);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.advance(19);
    assert.deepEqual(seen, ['a@1010']);
    assert.equal(clock.now(), 1_019);
    clock.advance(1);
    assert.deepEqual(seen, ['a@1010', 'b@1020']);
  });

  it('fires timers set by a firing timer when they fall due in the same advance', () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 5);
    clock.advance(12);
    assert.deepEqual(seen, [5, 10]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('clearTimeout cancels a pending timer', () => {
    const clock = new ManualClock();
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 5);
    clock.clearTimeout(handle);
    clock.advance(10);
    assert.equal(fired, false);
  });

  it('advanceAsync lets a sleep loop schedule its next sleep before time moves on', async () => {
    const clock = new ManualClock();
    const wakes: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        wakes.push(clock.now());
      }
    })();
    await clock.advanceAsync(300);
    await loop;
    assert.deepEqual(wakes, [100, 200, 300]);
  });

  it('a sleep rejects with the abort reason and leaves no timer behind', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    assert.equal(clock.pendingTimers, 1);
    controller.abort(new Error('stopping'));
    await assert.rejects(sleeping, /stopping/);
    assert.equal(clock.pendingTimers, 0);
  });

  it('set jumps forward firing what falls due, and back without firing', () => {
    const clock = new ManualClock(0);
    let fired = 0;
    clock.setTimeout(() => fired++, 50);
    clock.set(40);
    assert.equal(fired, 0);
    clock.set(10);
    assert.equal(clock.now(), 10);
    clock.set(50);
    assert.equal(fired, 1);
  });
});
