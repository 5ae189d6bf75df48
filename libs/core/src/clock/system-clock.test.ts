import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from './system-clock';

describe('systemClock', () => {
  it('reads the wall clock', () => {
    const before = Date.now();
    const now = systemClock.now();
    assert.ok(now >= before && now <= Date.now());
  });

  it('sleeps at least the time asked', async () => {
    const start = performance.now();
    await systemClock.sleep(20);
    // Timers may fire up to 1 ms early against performance.now().
    assert.ok(performance.now() - start >= 19);
  });

  it('a sleep rejects with the abort reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(new Error('stopping'));
    await assert.rejects(sleeping, /stopping/);
    await assert.rejects(systemClock.sleep(1, controller.signal), /stopping/);
  });

  it('runs a scheduled callback once, and never a cleared one', async () => {
    let ran = 0;
    let cleared = 0;
    const handle = systemClock.setTimeout(() => cleared++, 1);
    systemClock.clearTimeout(handle);
    // Set after the cleared one with the same delay: Node runs such timers in the order they
    // were set, so once this one has run the cleared one would have run too.
    await new Promise<void>((resolve) => systemClock.setTimeout(() => (ran++, resolve()), 1));
    assert.equal(ran, 1);
    assert.equal(cleared, 0);
  });
});
