import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '@akv-replicator/core/testing';
import { PublishTimeoutError } from '../port/errors';
import { publishWithRetry } from './publish-retry';

/** A send that fails `failures` times, recording the time and the time left of each attempt. */
function flakySend(clock: ManualClock, failures: number, error: Error = new Error('broker down')) {
  const attempts: [number, number][] = [];
  const send = (remainingMs: number): Promise<string> => {
    attempts.push([clock.now(), remainingMs]);
    return attempts.length > failures ? Promise.resolve('stored') : Promise.reject(error);
  };
  return { attempts, send };
}

const request = (clock: ManualClock, isClosing = () => false) => ({
  topic: 'outcomes',
  id: 'msg-1',
  timeoutMs: 1_000,
  isClosing,
  clock,
});

describe('publishWithRetry', () => {
  it('retries 50 ms doubling, telling each attempt the time left', async () => {
    const clock = new ManualClock();
    const { attempts, send } = flakySend(clock, 3);
    const result = publishWithRetry(send, request(clock));
    await clock.advanceAsync(1_000);
    assert.equal(await result, 'stored');
    assert.deepEqual(attempts, [
      [0, 1_000],
      [50, 950],
      [150, 850],
      [350, 650],
    ]);
  });

  it('gives up at the timeout with PublishTimeoutError carrying the last failure', async () => {
    const clock = new ManualClock();
    const down = new Error('connection refused');
    const { attempts, send } = flakySend(clock, 1_000, down);
    const rejected = assert.rejects(publishWithRetry(send, request(clock)), (error) => {
      assert.ok(error instanceof PublishTimeoutError);
      assert.equal(error.cause, down);
      assert.match(error.message, /outcomes not acknowledged within 1000 ms \(id msg-1\)/);
      return true;
    });
    await clock.advanceAsync(5_000);
    await rejected;
    // 0, 50, 150, 350, 750; the next pause would end at the deadline: no attempt there.
    assert.deepEqual(
      attempts.map(([at]) => at),
      [0, 50, 150, 350, 750],
    );
  });

  it('stops retrying once the bus is closing', async () => {
    const clock = new ManualClock();
    let closing = false;
    const { attempts, send } = flakySend(clock, 1_000);
    const rejected = assert.rejects(
      publishWithRetry(
        send,
        request(clock, () => closing),
      ),
      PublishTimeoutError,
    );
    await clock.advanceAsync(60);
    closing = true;
    await clock.advanceAsync(1_000);
    await rejected;
    assert.equal(attempts.length, 2);
  });

  it('throws a failure retrying cannot fix at once, unwrapped', async () => {
    const clock = new ManualClock();
    const unauthorized = new Error('not authorized');
    const { attempts, send } = flakySend(clock, 1_000, unauthorized);
    await assert.rejects(
      publishWithRetry(send, { ...request(clock), isRetryable: () => false }),
      (error) => error === unauthorized,
    );
    assert.equal(attempts.length, 1);
  });
});
