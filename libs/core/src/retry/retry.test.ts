import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplicatorError } from '../errors/errors';
import { ManualClock } from '../testing/manual-clock';
import { retry, RetryGaveUpError } from './retry';
import { exponentialBackoff, steppedBackoff } from './retry-policy';

const DOUBLING = exponentialBackoff({ name: 'doubling', initialDelayMs: 100, maxDelayMs: 1_000 });

/** An operation failing `failures` times, recording the clock time of each attempt. */
function flaky(clock: ManualClock, failures: number, error = new Error('transient')) {
  const attempts: number[] = [];
  const operation = (): Promise<string> => {
    attempts.push(clock.now());
    return attempts.length > failures ? Promise.resolve('done') : Promise.reject(error);
  };
  return { attempts, operation };
}

describe('retry', () => {
  it('pauses as the policy says between attempts, on the injected clock', async () => {
    const clock = new ManualClock();
    const { attempts, operation } = flaky(clock, 3);
    const result = retry(operation, { policy: DOUBLING, clock });
    await clock.advanceAsync(10_000);
    assert.equal(await result, 'done');
    assert.deepEqual(attempts, [0, 100, 300, 700]);
  });

  it('gives up after maxRetries with the last error as cause', async () => {
    const clock = new ManualClock();
    const last = new Error('still down');
    const policy = steppedBackoff({ name: 'twice', delaysMs: [10], maxRetries: 2 });
    const { attempts, operation } = flaky(clock, 10, last);
    const outcome = retry(operation, { policy, clock }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await clock.advanceAsync(1_000);
    const error = await outcome;
    assert.ok(error instanceof RetryGaveUpError);
    assert.equal(error.reason, 'exhausted');
    assert.equal(error.attempts, 3);
    assert.equal(error.cause, last);
    assert.equal(error.retryable, true);
    assert.equal(attempts.length, 3);
  });

  it('says in its message, name, code and log fields which policy gave up, why and after how many attempts', async () => {
    const clock = new ManualClock();
    const policy = steppedBackoff({ name: 'twice', delaysMs: [10], maxRetries: 2 });
    const { operation } = flaky(clock, 10);
    const outcome = retry(operation, { policy, clock }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await clock.advanceAsync(1_000);
    const error = await outcome;
    assert.ok(error instanceof RetryGaveUpError);
    assert.equal(String(error), 'RetryGaveUpError: gave up after 3 attempt(s) (twice: exhausted)');
    assert.equal(error.code, 'RetryGaveUp');
    assert.deepEqual(error.fields, { policy: 'twice', reason: 'exhausted', attempts: 3 });
  });

  it('throws a non-retryable error at once, unwrapped', async () => {
    const clock = new ManualClock();
    const permanent = new ReplicatorError('forbidden', { code: 'Forbidden' });
    const { attempts, operation } = flaky(clock, 10, permanent);
    await assert.rejects(
      retry(operation, { policy: DOUBLING, clock, isRetryable: () => false }),
      (e) => e === permanent,
    );
    assert.equal(attempts.length, 1);
  });

  it('shortens the last pause to the deadline and starts nothing after it', async () => {
    const clock = new ManualClock();
    const { attempts, operation } = flaky(clock, 100);
    const result = retry(operation, { policy: DOUBLING, clock, deadlineMs: 250 });
    const rejected = assert.rejects(
      result,
      (e) => e instanceof RetryGaveUpError && e.reason === 'deadline',
    );
    await clock.advanceAsync(10_000);
    await rejected;
    assert.deepEqual(attempts, [0, 100]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('gives up at the deadline when an attempt ends on it: no zero pause, no pause past it', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    const retries: number[] = [];
    let gaveUpAt: number | undefined;
    // The second attempt itself takes 150 ms and fails exactly at the deadline (250).
    const operation = async (attempt: number): Promise<string> => {
      attempts.push(clock.now());
      if (attempt === 2) await clock.sleep(150);
      throw new Error('transient');
    };
    const result = retry(operation, {
      policy: DOUBLING,
      clock,
      deadlineMs: 250,
      onRetry: ({ retry: n }) => retries.push(n),
    }).catch((e: unknown) => {
      gaveUpAt = clock.now();
      throw e;
    });
    const rejected = assert.rejects(
      result,
      (e) => e instanceof RetryGaveUpError && e.reason === 'deadline' && e.attempts === 2,
    );
    await clock.advanceAsync(10_000);
    await rejected;
    assert.deepEqual(attempts, [0, 100]);
    assert.deepEqual(retries, [1], 'no pause announced once the deadline is reached');
    assert.equal(gaveUpAt, 250);
  });

  it('an abort ends the pause at once', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const { attempts, operation } = flaky(clock, 100);
    const result = retry(operation, { policy: DOUBLING, clock, signal: controller.signal });
    await clock.advanceAsync(0);
    assert.equal(clock.pendingTimers, 1);
    controller.abort(new Error('stopping'));
    await assert.rejects(result, (e) => e instanceof RetryGaveUpError && e.reason === 'aborted');
    assert.equal(attempts.length, 1);
    assert.equal(clock.pendingTimers, 0);
  });

  it('gives up before a retry once shouldStop says so, never before the first attempt', async () => {
    const clock = new ManualClock();
    let closed = true;
    const { attempts, operation } = flaky(clock, 100);
    const stopped = retry(operation, { policy: DOUBLING, clock, shouldStop: () => closed });
    await assert.rejects(stopped, (e) => e instanceof RetryGaveUpError && e.reason === 'aborted');
    assert.equal(attempts.length, 1);
    closed = false;
    const result = retry(operation, { policy: DOUBLING, clock, shouldStop: () => closed });
    const rejected = assert.rejects(
      result,
      (e) => e instanceof RetryGaveUpError && e.reason === 'aborted',
    );
    await clock.advanceAsync(100);
    closed = true;
    await clock.advanceAsync(200);
    await rejected;
    // 1 (first call) + 0, 100 (second call; stopped while pausing before the third).
    assert.deepEqual(attempts, [0, 0, 100]);
  });

  it('reports each pause before taking it', async () => {
    const clock = new ManualClock();
    const seen: [number, number][] = [];
    const { operation } = flaky(clock, 2);
    const result = retry(operation, {
      policy: DOUBLING,
      clock,
      onRetry: ({ retry: n, delayMs }) => seen.push([n, delayMs]),
    });
    await clock.advanceAsync(1_000);
    await result;
    assert.deepEqual(seen, [
      [1, 100],
      [2, 200],
    ]);
  });
});
