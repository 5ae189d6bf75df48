import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionLog } from './partition-log';

const fill = (log: PartitionLog, n: number, size = 10): void => {
  for (let i = 0; i < n; i++) log.append({ body: `e${i}` }, undefined, size);
};

/**
 * Resolves once an event enqueued at `enqueuedTime` is past `maxAgeMs`: the log ages events by
 * the wall clock (older than `Date.now() - maxAgeMs`), so wait for that instant, not a guess.
 */
async function agedOut(enqueuedTime: number, maxAgeMs: number): Promise<void> {
  const at = enqueuedTime + maxAgeMs;
  while (Date.now() <= at) await new Promise((r) => setTimeout(r, at - Date.now() + 1));
}

describe('partition log', () => {
  it('numbers events from 0, advances offsets by encoded size and keeps time strictly increasing', () => {
    const log = new PartitionLog('0');
    assert.deepEqual(log.summary(), {
      beginningSequenceNumber: 0,
      lastEnqueuedSequenceNumber: -1,
      lastEnqueuedOffset: '-1',
      lastEnqueuedTime: 0,
      isEmpty: true,
    });
    fill(log, 3, 25);
    const events = log.retained();
    assert.deepEqual(
      events.map((e) => [e.sequenceNumber, e.offset]),
      [
        [0, '0'],
        [1, '25'],
        [2, '50'],
      ],
    );
    assert.ok(events[0]!.enqueuedTime < events[1]!.enqueuedTime);
    assert.ok(events[1]!.enqueuedTime < events[2]!.enqueuedTime);
    assert.equal(log.summary().lastEnqueuedOffset, '50');
  });

  it('resolves every start position to the first sequence number to read', () => {
    const log = new PartitionLog('0');
    fill(log, 4);
    const [, second] = log.retained() as [unknown, { enqueuedTime: number }];
    assert.equal(log.resolve({ kind: 'earliest' }), 0);
    assert.equal(log.resolve({ kind: 'latest' }), 4);
    assert.equal(log.resolve({ kind: 'sequence', value: 1, inclusive: true }), 1);
    assert.equal(log.resolve({ kind: 'sequence', value: 1, inclusive: false }), 2);
    assert.equal(log.resolve({ kind: 'sequence', value: -1, inclusive: false }), 0);
    assert.equal(log.resolve({ kind: 'offset', value: 10, inclusive: true }), 1);
    assert.equal(log.resolve({ kind: 'offset', value: 10, inclusive: false }), 2);
    assert.equal(log.resolve({ kind: 'offset', value: 5, inclusive: false }), 1);
    assert.equal(log.resolve({ kind: 'offset', value: 999, inclusive: false }), 4);
    assert.equal(log.resolve({ kind: 'enqueued', value: second.enqueuedTime }), 2);
    assert.equal(log.resolve({ kind: 'enqueued', value: 0 }), 0);
  });

  it('drops the oldest events past maxEvents or maxAgeMs; positions before them start at the oldest kept', async () => {
    const log = new PartitionLog('0', { maxEvents: 3 });
    fill(log, 5);
    assert.deepEqual(
      log.retained().map((e) => e.sequenceNumber),
      [2, 3, 4],
    );
    assert.equal(log.summary().beginningSequenceNumber, 2);
    assert.equal(log.resolve({ kind: 'earliest' }), 2);
    assert.equal(log.resolve({ kind: 'sequence', value: 0, inclusive: true }), 2);
    assert.equal(
      log.at(0)?.sequenceNumber,
      2,
      'a cursor behind retention moves to the oldest kept',
    );
    assert.equal(log.at(5), undefined);

    const aged = new PartitionLog('1', { maxAgeMs: 150 });
    fill(aged, 2);
    await agedOut(aged.summary().lastEnqueuedTime, 150);
    fill(aged, 1);
    assert.deepEqual(
      aged.retained().map((e) => e.sequenceNumber),
      [2],
    );
    const summary = aged.summary();
    assert.equal(summary.lastEnqueuedSequenceNumber, 2);
    await agedOut(summary.lastEnqueuedTime, 150);
    assert.equal(aged.summary().isEmpty, true);
    assert.equal(aged.summary().beginningSequenceNumber, 3);
    assert.equal(aged.summary().lastEnqueuedSequenceNumber, 2);
  });
});

describe('partition log at volume', () => {
  it('keeps the newest maxEvents of many appends and still finds every retained event', () => {
    const log = new PartitionLog('0', { maxEvents: 10 });
    fill(log, 5_000, 3);
    const retained = log.retained();
    assert.deepEqual(
      retained.map((e) => e.sequenceNumber),
      Array.from({ length: 10 }, (_, i) => 4_990 + i),
    );
    assert.equal(log.at(4_995)?.sequenceNumber, 4_995);
    assert.equal(log.at(12)?.sequenceNumber, 4_990);
    assert.equal(log.resolve({ kind: 'offset', value: 3 * 4_994, inclusive: true }), 4_994);
    assert.equal(log.summary().beginningSequenceNumber, 4_990);
  });
});
