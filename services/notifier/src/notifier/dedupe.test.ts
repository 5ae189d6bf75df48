import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@akv-replicator/core/testing';
import { failedOutcome } from '../testing/outcomes';
import { FailureDeduplicator } from './dedupe';

const MINUTE = 60_000;

test('the same failure is held back inside the window and reported after it with the count', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const dedupe = new FailureDeduplicator(10 * MINUTE, clock);
  assert.deepEqual(dedupe.check(failedOutcome()), { report: true, suppressedRepeats: 0 });
  clock.advance(MINUTE);
  assert.deepEqual(dedupe.check(failedOutcome()), { report: false });
  clock.advance(MINUTE);
  assert.deepEqual(dedupe.check(failedOutcome()), { report: false });
  clock.advance(8 * MINUTE);
  assert.deepEqual(dedupe.check(failedOutcome()), { report: true, suppressedRepeats: 2 });
  clock.advance(MINUTE);
  assert.deepEqual(
    dedupe.check(failedOutcome()),
    { report: false },
    'a new window began at the re-report',
  );
});

test('failures differing in link, vault, object or code are distinct', () => {
  const dedupe = new FailureDeduplicator(MINUTE, new ManualClock(Date.UTC(2026, 0, 1)));
  dedupe.check(failedOutcome());
  const variants = [
    failedOutcome({ link: 'other-link' }),
    failedOutcome({ replica: { name: 'kv-payments-sea', region: 'southeastasia' } }),
    failedOutcome({ source: { name: 'kv-other-neu' } }),
    failedOutcome({ objectName: 'other-secret' }),
    failedOutcome({ objectKind: 'certificate' }),
    failedOutcome({ code: 'Throttled' }),
    failedOutcome({ status: 'warning' }),
  ];
  for (const variant of variants)
    assert.equal(dedupe.check(variant).report, true, JSON.stringify(variant));
  // A different reason text with the same code is the same failure (reasons often carry ids).
  assert.equal(dedupe.check(failedOutcome({ reason: 'Forbidden (request id 123)' })).report, false);
});

test('a success clears the memory, so a failure that comes back is reported at once', () => {
  const dedupe = new FailureDeduplicator(MINUTE * 60, new ManualClock(Date.UTC(2026, 0, 1)));
  dedupe.check(failedOutcome());
  assert.equal(dedupe.check(failedOutcome()).report, false);
  assert.equal(dedupe.check(failedOutcome({ status: 'success', code: undefined })).report, true);
  assert.deepEqual(dedupe.check(failedOutcome()), { report: true, suppressedRepeats: 0 });
});

test('a window of 0 reports everything', () => {
  const dedupe = new FailureDeduplicator(0, new ManualClock(Date.UTC(2026, 0, 1)));
  for (let i = 0; i < 3; i += 1) assert.equal(dedupe.check(failedOutcome()).report, true);
});

test('memory stays bounded with many distinct failures over time', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const dedupe = new FailureDeduplicator(MINUTE, clock);
  for (let i = 0; i < 5_000; i += 1) {
    dedupe.check(failedOutcome({ objectName: `s-${i}` }));
    clock.advance(1_000);
  }
  assert.ok(dedupe.size <= 1_100, `remembered ${dedupe.size}`);
});
