import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  exponentialBackoff,
  mayRetry,
  nominalDelaysMs,
  retryDelayMs,
  steppedBackoff,
} from './retry-policy';

const LOWEST = () => 0;
const HIGHEST = () => 0.999_999;

describe('exponentialBackoff', () => {
  it('doubles from the initial delay up to the cap', () => {
    const policy = exponentialBackoff({ name: 't', initialDelayMs: 100, maxDelayMs: 500 });
    assert.deepEqual(nominalDelaysMs(policy, 5), [100, 200, 400, 500, 500]);
  });

  it('uses the multiplier given', () => {
    const policy = exponentialBackoff({
      name: 't',
      initialDelayMs: 10,
      multiplier: 3,
      maxRetries: 3,
    });
    assert.deepEqual(nominalDelaysMs(policy), [10, 30, 90]);
  });

  it('keeps every jittered delay within ±jitter of its nominal value', () => {
    const policy = exponentialBackoff({
      name: 't',
      initialDelayMs: 1_000,
      maxRetries: 3,
      jitter: 0.2,
    });
    assert.equal(retryDelayMs(policy, 2, LOWEST), 1_600);
    assert.equal(retryDelayMs(policy, 2, HIGHEST), 2_400);
    assert.equal(
      retryDelayMs(policy, 2, () => 0.5),
      2_000,
    );
  });

  it('bounds the jittered delay by the cap', () => {
    const policy = exponentialBackoff({
      name: 't',
      initialDelayMs: 100,
      maxDelayMs: 150,
      jitter: 0.5,
    });
    assert.equal(retryDelayMs(policy, 5, HIGHEST), 150);
    assert.equal(retryDelayMs(policy, 5, LOWEST), 75);
  });

  it('stays at the cap for any number of retries', () => {
    const policy = exponentialBackoff({ name: 't', initialDelayMs: 50, maxDelayMs: 1_000 });
    assert.equal(
      retryDelayMs(policy, 10_000, () => 0.5),
      1_000,
    );
  });

  it('rejects an unusable policy, naming it and the field', () => {
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: -1, maxRetries: 1 }),
      /p: initialDelayMs/,
    );
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 1, multiplier: 0.5, maxRetries: 1 }),
      /p: multiplier/,
    );
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10, maxDelayMs: 5 }),
      /p: maxDelayMs/,
    );
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10, jitter: 1, maxRetries: 1 }),
      /p: jitter/,
    );
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10, maxRetries: 1.5 }),
      /p: maxRetries/,
    );
    // Unbounded in both count and size would wait forever.
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10 }),
      /p: maxDelayMs must be finite/,
    );
  });

  it('is frozen', () => {
    const policy = exponentialBackoff({ name: 't', initialDelayMs: 1, maxRetries: 1 });
    assert.ok(Object.isFrozen(policy) && Object.isFrozen(policy.schedule));
  });
});

describe('steppedBackoff', () => {
  it('walks the list and repeats its last delay', () => {
    const policy = steppedBackoff({ name: 't', delaysMs: [1, 5, 30] });
    assert.deepEqual(nominalDelaysMs(policy, 5), [1, 5, 30, 30, 30]);
  });

  it('jitters around each step', () => {
    const policy = steppedBackoff({ name: 't', delaysMs: [1_000], jitter: 0.1 });
    assert.equal(retryDelayMs(policy, 1, LOWEST), 900);
    assert.equal(retryDelayMs(policy, 1, HIGHEST), 1_100);
  });

  it('rejects an empty or negative list and copies the one it gets', () => {
    assert.throws(() => steppedBackoff({ name: 'p', delaysMs: [] }), /p: delaysMs/);
    assert.throws(() => steppedBackoff({ name: 'p', delaysMs: [1, -1] }), /p: delaysMs\[1\]/);
    const delays = [1, 2];
    const policy = steppedBackoff({ name: 'p', delaysMs: delays });
    delays[0] = 99;
    assert.equal(retryDelayMs(policy, 1), 1);
  });
});

describe('mayRetry', () => {
  it('allows retries 1..maxRetries only', () => {
    const policy = steppedBackoff({ name: 't', delaysMs: [1], maxRetries: 2 });
    assert.deepEqual(
      [0, 1, 2, 3].map((n) => mayRetry(policy, n)),
      [false, true, true, false],
    );
  });

  it('lists the delays of a bounded policy, and refuses to list an unbounded one', () => {
    const bounded = steppedBackoff({ name: 't', delaysMs: [3], maxRetries: 2 });
    assert.deepEqual(nominalDelaysMs(bounded), [3, 3]);
    assert.throws(
      () => nominalDelaysMs(steppedBackoff({ name: 'u', delaysMs: [3] })),
      /u is unbounded/,
    );
  });

  it('rejects a retry number below 1', () => {
    const policy = steppedBackoff({ name: 't', delaysMs: [1] });
    assert.throws(() => retryDelayMs(policy, 0), /retry must be an integer >= 1/);
  });
});
