import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, sleep, systemClock } from './clock';

test('a manual clock fires due timers in order, each at its own time', () => {
  const clock = new ManualClock(0);
  const fired: [string, number][] = [];
  clock.setTimeout(() => fired.push(['b', clock.now()]), 20);
  clock.setTimeout(() => {
    fired.push(['a', clock.now()]);
    clock.setTimeout(() => fired.push(['a2', clock.now()]), 5);
  }, 10);
  const cancelled = clock.setTimeout(() => fired.push(['x', clock.now()]), 15);
  clock.clearTimeout(cancelled);
  clock.advance(19);
  assert.deepEqual(fired, [
    ['a', 10],
    ['a2', 15],
  ]);
  clock.advance(1);
  assert.deepEqual(fired.at(-1), ['b', 20]);
  assert.equal(clock.now(), 20);
  assert.equal(clock.pendingTimers, 0);
});

test('sleep resolves on the clock and rejects when aborted', async () => {
  const clock = new ManualClock(0);
  const slept = sleep(clock, 100);
  clock.advance(100);
  await slept;
  const controller = new AbortController();
  const interrupted = sleep(clock, 100, controller.signal);
  controller.abort(new Error('stopping'));
  await assert.rejects(interrupted, /stopping/);
  assert.equal(clock.pendingTimers, 0, 'the aborted sleep left no timer behind');
});

test('the system clock runs real timers that do not hold the process open', async () => {
  const clock = systemClock();
  // Its timers are unref'd (a pending digest must not keep a stopping process alive), so
  // something else has to keep this test's event loop running.
  const hold = setInterval(() => {}, 1_000);
  try {
    const start = Date.now();
    await sleep(clock, 20);
    assert.ok(Date.now() - start >= 15);
  } finally {
    clearInterval(hold);
  }
});
