import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@akv-replicator/core/testing';
import { failedOutcome } from '../testing/outcomes';
import type { Digest } from './digest';
import { DigestBuffer } from './digest-buffer';

function setup(windowMs: number, extra: { maxOutcomes?: number } = {}) {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const digests: Digest[] = [];
  const buffer = new DigestBuffer({ windowMs, clock, onDigest: (d) => digests.push(d), ...extra });
  const add = (overrides: Parameters<typeof failedOutcome>[0] = {}) =>
    buffer.add({ outcome: failedOutcome(overrides), suppressedRepeats: 0 });
  return { clock, digests, buffer, add };
}

test('outcomes within one window become one digest, sent one window after the first', () => {
  const { clock, digests, add } = setup(30_000);
  add({ objectName: 'a' });
  clock.advance(10_000);
  add({ objectName: 'b' });
  clock.advance(19_999);
  assert.equal(digests.length, 0);
  clock.advance(1);
  assert.equal(digests.length, 1);
  assert.equal(digests[0]?.kind, 'window');
  assert.deepEqual(
    digests[0]?.items.map((i) => i.outcome.objectName),
    ['a', 'b'],
  );
  assert.equal(digests[0]?.openedAt, '2026-01-01T00:00:00.000Z');
  assert.equal(digests[0]?.closedAt, '2026-01-01T00:00:10.000Z');
  add({ objectName: 'c' });
  clock.advance(30_000);
  assert.equal(digests.length, 2, 'the next outcome opens a new window');
});

test('each resync gets its own digest, separate from the window', () => {
  const { clock, digests, add } = setup(30_000);
  add({ objectName: 'r1-a', trigger: { kind: 'resync', id: 'r1' } });
  add({ objectName: 'r2-a', trigger: { kind: 'resync', id: 'r2' } });
  add({ objectName: 'w', trigger: { kind: 'reconcile', id: 'run-9' } });
  add({ objectName: 'r1-b', trigger: { kind: 'resync', id: 'r1' } });
  clock.advance(30_000);
  const byKind = digests.map((d) => [d.kind, d.resyncId, d.items.map((i) => i.outcome.objectName)]);
  assert.deepEqual(
    byKind.sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    [
      ['resync', 'r1', ['r1-a', 'r1-b']],
      ['resync', 'r2', ['r2-a']],
      ['window', undefined, ['w']],
    ],
  );
});

test('a window of 0 sends each outcome on its own, immediately', () => {
  const { digests, add } = setup(0);
  add();
  add({ trigger: { kind: 'resync', id: 'r' } });
  assert.deepEqual(
    digests.map((d) => [d.kind, d.items.length]),
    [
      ['single', 1],
      ['single', 1],
    ],
  );
});

test('a full digest is sent early', () => {
  const { digests, add, buffer } = setup(60_000, { maxOutcomes: 3 });
  for (let i = 0; i < 7; i += 1) add({ objectName: `s${i}` });
  assert.deepEqual(
    digests.map((d) => d.items.length),
    [3, 3],
  );
  assert.equal(buffer.openDigests, 1);
  buffer.flushAll();
  assert.deepEqual(
    digests.map((d) => d.items.length),
    [3, 3, 1],
  );
  assert.equal(buffer.openDigests, 0);
});

test('a negative window is refused', () => {
  assert.throws(
    () =>
      new DigestBuffer({
        windowMs: -1,
        clock: new ManualClock(Date.UTC(2026, 0, 1)),
        onDigest: () => {},
      }),
    /windowMs must be a non-negative number/,
  );
});
