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

  it('rejects an unusable policy, naming it, the field, the rule and the value', () => {
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: -1, maxRetries: 1 }),
      /^RangeError: retry policy p: initialDelayMs must be >= 0 \(got -1\)$/,
    );
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 1, multiplier: 0.5, maxRetries: 1 }),
      /^RangeError: retry policy p: multiplier must be >= 1 \(got 0.5\)$/,
    );
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10, maxDelayMs: 5 }),
      /^RangeError: retry policy p: maxDelayMs must be >= initialDelayMs \(got 5\)$/,
    );
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10, jitter: 1, maxRetries: 1 }),
      /^RangeError: retry policy p: jitter must be in \[0, 1\) \(got 1\)$/,
    );
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10, maxRetries: 1.5 }),
      /^RangeError: retry policy p: maxRetries must be an integer >= 0 or Infinity \(got 1.5\)$/,
    );
    // Below zero is as meaningless as too large: no negative spread, no negative count.
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10, jitter: -0.1, maxRetries: 1 }),
      /p: jitter must be in \[0, 1\) \(got -0.1\)/,
    );
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10, maxRetries: -1 }),
      /p: maxRetries must be an integer >= 0 or Infinity \(got -1\)/,
    );
    // Unbounded in both count and size would wait forever.
    assert.throws(
      () => exponentialBackoff({ name: 'p', initialDelayMs: 10 }),
      /p: maxDelayMs must be finite/,
    );
  });

  it('accepts the edge of every range: no delay, no growth, no room to grow, no retry', () => {
    const immediate = exponentialBackoff({ name: 't', initialDelayMs: 0, maxRetries: 2 });
    assert.deepEqual(nominalDelaysMs(immediate), [0, 0]);
    const constant = exponentialBackoff({
      name: 't',
      initialDelayMs: 250,
      multiplier: 1,
      maxRetries: 3,
    });
    assert.deepEqual(nominalDelaysMs(constant), [250, 250, 250]);
    const pinned = exponentialBackoff({ name: 't', initialDelayMs: 250, maxDelayMs: 250 });
    assert.deepEqual(nominalDelaysMs(pinned, 3), [250, 250, 250]);
    const never = exponentialBackoff({ name: 't', initialDelayMs: 250, maxRetries: 0 });
    assert.equal(mayRetry(never, 1), false);
    assert.deepEqual(nominalDelaysMs(never), []);
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
    assert.throws(
      () => steppedBackoff({ name: 'p', delaysMs: [] }),
      /^RangeError: retry policy p: delaysMs must list at least one delay \(got \[\]\)$/,
    );
    assert.throws(
      () => steppedBackoff({ name: 'p', delaysMs: [1, -1] }),
      /^RangeError: retry policy p: delaysMs\[1\] must be >= 0 \(got -1\)$/,
    );
    // A zero step (retry at once) is a delay like any other.
    assert.deepEqual(
      nominalDelaysMs(steppedBackoff({ name: 'p', delaysMs: [0, 5] }), 3),
      [0, 5, 5],
    );
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
