import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VaultError } from '../errors';
import { ManualClock } from '@akv-replicator/core/testing';
import { SlidingWindow } from './sliding-window';
import { VaultPacer, VaultThrottledError } from './vault-pacer';

const throttled = () =>
  new VaultError('throttled', 'Too many requests', {
    vault: 'kv-a',
    status: 429,
    serviceCode: 'Throttled',
  });
const settle = () => new Promise((r) => setImmediate(r));

describe('SlidingWindow', () => {
  it('admits the limit per window and frees a slot exactly when the oldest leaves', () => {
    const window = new SlidingWindow(3, 10_000);
    for (const t of [0, 100, 200]) {
      assert.equal(window.waitMs(t), 0);
      window.hold(t);
      window.settle(t);
    }
    assert.equal(window.waitMs(300), 9_700);
    assert.equal(window.waitMs(10_000), 0);
  });
});

describe('VaultPacer', () => {
  it('never lets more than the allowed share of the limit through in any window', async () => {
    const clock = new ManualClock();
    const pacer = new VaultPacer('kv-a', {
      transactionsPerWindow: 100,
      createsPerWindow: 10,
      utilization: 0.5,
      clock,
    });
    const done: number[] = [];
    const all = Array.from({ length: 120 }, () =>
      pacer.run('read', async () => done.push(clock.now())),
    );
    await settle();
    assert.equal(done.length, 50, '50 = 100 × 0.5 in the first window');
    await clock.advanceAsync(10_000);
    await settle();
    assert.equal(done.length, 100);
    await clock.advanceAsync(10_000);
    await Promise.all(all);
    assert.equal(done.length, 120);
  });

  it('limits creates separately from other transactions', async () => {
    const clock = new ManualClock();
    const pacer = new VaultPacer('kv-a', {
      transactionsPerWindow: 100,
      createsPerWindow: 4,
      utilization: 1,
      clock,
    });
    let creates = 0;
    let reads = 0;
    const work = [
      ...Array.from({ length: 6 }, () => pacer.run('create', async () => creates++)),
      ...Array.from({ length: 6 }, () => pacer.run('read', async () => reads++)),
    ];
    await settle();
    assert.deepEqual([creates, reads], [4, 6]);
    await clock.advanceAsync(10_000);
    await Promise.all(work);
    assert.equal(creates, 6);
  });

  it('backs off the whole vault on 429 (1, 2, 4 s with jitter) and then succeeds', async () => {
    const clock = new ManualClock();
    const pacer = new VaultPacer('kv-a', {
      transactionsPerWindow: 100,
      createsPerWindow: 10,
      utilization: 1,
      clock,
      random: () => 1,
      jitter: 0.2,
    });
    let failures = 2;
    const attempts: number[] = [];
    const result = pacer.run('read', async () => {
      attempts.push(clock.now());
      if (failures-- > 0) throw throttled();
      return 'ok';
    });
    let other = false;
    await settle();
    const bystander = pacer.run('read', async () => (other = true));
    await settle();
    assert.equal(other, false, 'a throttled vault pauses every caller');
    await clock.advanceAsync(1200);
    await settle();
    await clock.advanceAsync(2400);
    assert.equal(await result, 'ok');
    await bystander;
    assert.deepEqual(attempts, [0, 1200, 3600], 'backoff 1 s then 2 s, each +20 % jitter');
    assert.equal(pacer.stats.throttled, 2);
  });

  it('gives up with a retryable error after the last backoff step', async () => {
    const clock = new ManualClock();
    const pacer = new VaultPacer('kv-a', {
      transactionsPerWindow: 100,
      createsPerWindow: 10,
      utilization: 1,
      clock,
      backoffMs: [10, 20],
      jitter: 0,
    });
    const result = pacer.run('read', async () => {
      throw throttled();
    });
    const outcome = assert.rejects(
      result,
      (error: unknown) =>
        error instanceof VaultThrottledError &&
        error.retryable &&
        /after 3 attempts/.test(error.message),
    );
    await settle();
    await clock.advanceAsync(10);
    await settle();
    await clock.advanceAsync(20);
    await outcome;
  });

  it('passes other errors straight through without retrying', async () => {
    const pacer = new VaultPacer('kv-a', {
      transactionsPerWindow: 100,
      createsPerWindow: 10,
      utilization: 1,
    });
    let calls = 0;
    await assert.rejects(
      pacer.run('read', async () => {
        calls++;
        throw new VaultError('not-found', 'gone', { vault: 'kv-a', status: 404 });
      }),
      /gone/,
    );
    assert.equal(calls, 1);
  });
});
