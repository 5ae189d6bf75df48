// Pacing and backoff rules at their edges (issue #25): what a change to a comparison, a
// constant or a counter would break. Key Vault's limits are counted per 10 s window; 429s carry
// no Retry-After and are backed off 1, 2, 4, 8, 16 s with jitter (DESIGN principle 7, from
// https://learn.microsoft.com/en-us/azure/key-vault/general/service-limits).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import { VaultError } from '../errors';
import { ManualClock } from '@akv-replicator/core/testing';
import { SlidingWindow } from './sliding-window';
import { VaultPacer, VaultThrottledError } from './vault-pacer';
import { VaultPacers } from './vault-pacers';

const throttled = () =>
  new VaultError('throttled', 'Too many requests', { vault: 'kv-a', status: 429 });
const limits = { transactionsPerWindow: 10, createsPerWindow: 4, utilization: 1 };
/** Resolves once the pacer sleeps on the manual clock (work is blocked on time, not on I/O). */
async function sleeping(clock: ManualClock): Promise<void> {
  for (let turn = 0; clock.pendingTimers === 0; turn++) {
    if (turn > 10_000) throw new Error('the pacer never waited on the clock');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** An event admitted and stamped at one instant. */
const event = (window: SlidingWindow, at: number) => {
  window.hold(at);
  window.settle(at);
};

describe('SlidingWindow limits', () => {
  it('accepts a limit of 1 and refuses 0, negative and fractional limits', () => {
    assert.equal(new SlidingWindow(1, 1000).limit, 1);
    for (const bad of [0, -1, 0.5, 2.5])
      assert.throws(
        () => new SlidingWindow(bad, 1000),
        new RangeError(`limit must be a positive integer (got ${bad})`),
        'the error says what was wrong and with which value',
      );
  });

  it('admits exactly `limit` events in a window, then refuses to admit without waiting', () => {
    const window = new SlidingWindow(2, 1000);
    event(window, 0);
    assert.equal(window.waitMs(0), 0, 'one of two used: room left');
    event(window, 0);
    assert.equal(window.waitMs(0), 1000);
    assert.throws(() => window.hold(999), /window full/);
    assert.doesNotThrow(() => window.hold(1000), 'the oldest left the window at exactly 1000');
  });

  it('keeps counting correctly across many windows (the queue compacts as it drains)', () => {
    const window = new SlidingWindow(3, 10);
    // 5,000 events at the full rate: three per 10 ms window, never a fourth.
    for (let t = 0; t < 5000 * 4; t += 4) {
      const wait = window.waitMs(t);
      if (wait === 0) event(window, t);
      else assert.ok(wait > 0 && wait <= 10);
    }
    event(window, 30_000);
    event(window, 30_001);
    event(window, 30_002);
    assert.equal(window.waitMs(30_003), 7, 'full: the oldest of the three leaves at 30 010');
    assert.equal(window.waitMs(30_010), 0);
  });

  it('holds memory for the events in its window, not for every event since the process started', () => {
    // Key Vault's 4,000 per 10 s at the full rate for 100 windows: 400,000 events admitted.
    const window = new SlidingWindow(4000, 10_000);
    const heldBytes = () => serialize(window).byteLength;
    let afterFirstWindows = 0;
    for (let t = 0; t <= 1_000_000; t++) {
      if (window.waitMs(t) === 0) event(window, t);
      if (t === 50_000) afterFirstWindows = heldBytes();
    }
    assert.ok(
      heldBytes() <= 1.5 * afterFirstWindows,
      `${heldBytes()} bytes after 100 windows, ${afterFirstWindows} after 5`,
    );
  });
});

describe('VaultPacer options', () => {
  it('accepts a utilization of exactly 1 and refuses 0, negatives and more than 1', () => {
    assert.doesNotThrow(() => new VaultPacer('kv-a', { ...limits, utilization: 1 }));
    for (const utilization of [0, -0.5, 1.01])
      assert.throws(() => new VaultPacer('kv-a', { ...limits, utilization }), /utilization/);
  });

  it('uses only its share of the create limit: 4 creates at 50 % is 2 per window', async () => {
    const clock = new ManualClock();
    const pacer = new VaultPacer('kv-a', { ...limits, utilization: 0.5, clock });
    const at: number[] = [];
    const runs = [0, 1, 2].map(() => pacer.run('create', async () => at.push(clock.now())));
    await clock.advanceAsync(0);
    assert.deepEqual(at, [0, 0], 'two creates at once, the third waits a window');
    await clock.advanceAsync(10_000);
    await Promise.all(runs);
    assert.deepEqual(at, [0, 0, 10_000]);
  });
});

describe('VaultPacer backoff', () => {
  const backingOff = (random: number, jitter = 0.2) => {
    const clock = new ManualClock();
    const pacer = new VaultPacer('kv-a', {
      ...limits,
      clock,
      backoffMs: [1000, 2000],
      jitter,
      random: () => random,
    });
    return { clock, pacer };
  };

  it('draws each delay within ± jitter of its step: 800 ms at the bottom, 1 200 ms at the top', async () => {
    for (const [random, expected] of [
      [0, 800],
      [0.5, 1000],
      [1, 1200],
    ] as const) {
      const { clock, pacer } = backingOff(random);
      let calls = 0;
      const done = pacer.run('read', async () => {
        if (calls++ === 0) throw throttled();
        return clock.now();
      });
      await sleeping(clock);
      await clock.advanceAsync(expected - 1);
      assert.equal(calls, 1, `random ${random}: not retried before ${expected} ms`);
      await clock.advanceAsync(1);
      assert.equal(await done, expected, `random ${random}: retried at ${expected} ms`);
      assert.deepEqual(
        [pacer.stats.requests, pacer.stats.throttled, pacer.stats.backoffMs],
        [2, 1, expected],
      );
      assert.equal(pacer.stats.pacedMs, expected, 'time spent waiting is counted');
    }
  });

  it('gives up after the last step with a retryable error naming the attempts', async () => {
    const { clock, pacer } = backingOff(0.5, 0);
    const done = pacer.run('read', async () => {
      throw throttled();
    });
    const outcome = assert.rejects(done, (error: unknown) => {
      assert.ok(error instanceof VaultThrottledError);
      assert.equal(error.retryable, true);
      assert.match(error.message, /kv-a: still throttled \(429\) after 3 attempts/);
      // What logs and the bus's retry decision read: the error's name, code and fields.
      assert.equal(error.name, 'VaultThrottledError');
      assert.equal(error.code, 'VaultThrottled');
      assert.deepEqual(error.fields, { vault: 'kv-a', attempts: 3 });
      return true;
    });
    await sleeping(clock);
    await clock.advanceAsync(1000);
    await sleeping(clock);
    await clock.advanceAsync(2000);
    await outcome;
    assert.deepEqual([pacer.stats.requests, pacer.stats.throttled], [3, 3]);
  });

  it('follows a caller’s own backoff steps when only the steps are given (default jitter around them)', async () => {
    const clock = new ManualClock();
    // random 0.5 draws the middle of the ±20 % default jitter: the steps themselves.
    const pacer = new VaultPacer('kv-a', {
      ...limits,
      clock,
      backoffMs: [10, 20],
      random: () => 0.5,
    });
    const attempts: number[] = [];
    const done = pacer.run('read', async () => {
      attempts.push(clock.now());
      throw throttled();
    });
    const outcome = assert.rejects(done, /after 3 attempts/);
    await sleeping(clock);
    await clock.advanceAsync(10);
    await sleeping(clock);
    await clock.advanceAsync(20);
    assert.deepEqual(attempts, [0, 10, 30], 'retried after 10 ms, then 20 ms, then given up');
    await outcome;
  });

  it('applies a caller’s jitter to the default 1, 2, 4, 8, 16 s steps when only the jitter is given', async () => {
    const clock = new ManualClock();
    // random 1 is the top of the jitter range: with jitter 0 the delay is the step, exactly.
    const pacer = new VaultPacer('kv-a', { ...limits, clock, jitter: 0, random: () => 1 });
    const attempts: number[] = [];
    const done = pacer.run('read', async () => {
      attempts.push(clock.now());
      if (attempts.length < 3) throw throttled();
    });
    await sleeping(clock);
    await clock.advanceAsync(1_000);
    await sleeping(clock);
    await clock.advanceAsync(2_000);
    assert.deepEqual(attempts, [0, 1_000, 3_000], '1 s, then 2 s, with no jitter');
    await done;
  });

  it('never retries a 429 when the backoff list is empty', async () => {
    const pacer = new VaultPacer('kv-a', { ...limits, clock: new ManualClock(), backoffMs: [] });
    await assert.rejects(
      pacer.run('read', async () => {
        throw throttled();
      }),
      (error: unknown) =>
        error instanceof VaultThrottledError && /after 1 attempt\b/.test(error.message),
    );
    assert.deepEqual([pacer.stats.requests, pacer.stats.backoffMs], [1, 0]);
  });

  it('refuses a jitter outside [0, 1), naming the Key Vault throttle policy', () => {
    for (const jitter of [1, -0.1])
      assert.throws(
        () => new VaultPacer('kv-a', { ...limits, jitter }),
        /retry policy keyVaultThrottle: jitter must be in \[0, 1\)/,
        String(jitter),
      );
  });

  it('passes other errors through at once, without backing off', async () => {
    const { clock, pacer } = backingOff(0.5);
    const denied = new VaultError('forbidden', 'no access', { vault: 'kv-a', status: 403 });
    await assert.rejects(
      pacer.run('read', async () => {
        throw denied;
      }),
      (error) => error === denied,
    );
    assert.deepEqual([pacer.stats.throttled, pacer.stats.backoffMs, clock.now()], [0, 0, 0]);
  });
});

describe('VaultPacer charges', () => {
  it('counts a challenge against the vault’s own limit: with one transaction per window, the next request waits a window', async () => {
    const clock = new ManualClock();
    const pacer = new VaultPacer('kv-a', { ...limits, transactionsPerWindow: 1, clock });
    pacer.charge();
    let sentAt: number | undefined;
    const next = pacer.run('read', async () => (sentAt = clock.now()));
    await sleeping(clock);
    assert.equal(sentAt, undefined, 'the challenge used the window’s one transaction');
    await clock.advanceAsync(10_000);
    await next;
    assert.equal(sentAt, 10_000);
  });
});

describe('VaultPacers', () => {
  it('shares one pacer per endpoint, whatever its letter case or trailing slashes', () => {
    const pacers = new VaultPacers(limits);
    const a = pacers.for('kv-a', 'https://kv-a.vault.azure.net');
    assert.equal(pacers.for('kv-a', 'https://KV-A.vault.azure.net/'), a);
    assert.equal(pacers.for('kv-a', 'https://kv-a.vault.azure.net//'), a);
    assert.notEqual(pacers.for('kv-b', 'https://kv-b.vault.azure.net'), a);
  });
});
