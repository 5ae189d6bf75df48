// When a request counts against a window (issue #21, "budgets that protect the source"): Key
// Vault counts it somewhere between its send and its response, so the pacer holds its slot
// while it is in flight and stamps it at the response; a request the SDK sends on its own (the
// authentication challenge) is recorded when sent and holds back the requests after it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@akv-replicator/core/testing';
import { SlidingWindow } from './sliding-window';
import { SubscriptionBudget } from './subscription-budget';
import { VaultPacer } from './vault-pacer';

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

/** A request that stays in flight until `respond` is called. */
function inFlight() {
  let respond!: () => void;
  const response = new Promise<void>((resolve) => (respond = resolve));
  return { request: () => response, respond };
}

describe('SlidingWindow held slots', () => {
  it('counts a held slot until it settles, then for a full window from the settle', () => {
    const window = new SlidingWindow(1, 10_000);
    window.hold(0);
    assert.equal(window.waitMs(5_000), 10_000, 'in flight: frees no sooner than a window away');
    assert.equal(window.waitMs(60_000), 10_000, 'however long it has been in flight');
    window.settle(3_000);
    assert.equal(window.waitMs(12_999), 1, 'a window from the response, not from the admission');
    assert.equal(window.waitMs(13_000), 0);
    assert.throws(() => window.settle(13_000), /no held slot/);
  });

  it('records an event it did not admit, over the limit if need be, and admits nothing until it leaves', () => {
    const window = new SlidingWindow(2, 10_000);
    window.hold(0);
    window.settle(0);
    window.hold(100);
    window.record(200);
    assert.equal(window.waitMs(9_999), 1, 'three counted against a limit of two');
    assert.equal(window.waitMs(10_000), 200, 'the stamp at 0 left; the recorded one still counts');
    assert.equal(window.waitMs(10_200), 0, 'the recorded one left at 10 200; one held remains');
  });

  it('keeps the queue ordered when the wall clock steps back, stamping the later instant', () => {
    const window = new SlidingWindow(2, 10_000);
    window.hold(0);
    window.hold(0);
    window.settle(5_000);
    window.settle(4_000);
    assert.equal(window.waitMs(14_999), 1, 'both count from 5 000: neither leaves before 15 000');
    assert.equal(window.waitMs(15_000), 0);
  });
});

describe('VaultPacer counts a request from its response', () => {
  const limits = { transactionsPerWindow: 1, createsPerWindow: 1, utilization: 1 };

  it('admits the next request a full window after the last response, not the last admission', async () => {
    const clock = new ManualClock();
    const pacer = new VaultPacer('kv-a', { ...limits, clock });
    const slow = inFlight();
    const first = pacer.run('read', slow.request);
    await settle();
    await clock.advanceAsync(3_000);
    slow.respond();
    await first;
    const at: number[] = [];
    const second = pacer.run('read', async () => at.push(clock.now()));
    await clock.advanceAsync(7_000);
    assert.deepEqual(at, [], 'not at 10 000: the first counted until its response at 3 000');
    await clock.advanceAsync(3_000);
    await second;
    assert.deepEqual(at, [13_000]);
  });

  it('frees the slot of a request that failed, a window after the failure', async () => {
    const clock = new ManualClock();
    const pacer = new VaultPacer('kv-a', { ...limits, clock });
    await assert.rejects(
      pacer.run('read', () => Promise.reject(new Error('refused'))),
      /refused/,
    );
    let next = false;
    const later = pacer.run('read', async () => (next = true));
    await settle();
    assert.equal(next, false, 'the failed request was sent: it counts');
    await clock.advanceAsync(10_000);
    await later;
  });

  it('charges a challenge to the vault and its subscription; the next request waits for it', async () => {
    const clock = new ManualClock();
    const budget = new SubscriptionBudget(
      { subscriptionId: 'sub', region: 'westeurope' },
      { transactionsPerWindow: 1, createsPerWindow: 10 },
      10_000,
    );
    const pacer = new VaultPacer('kv-a', {
      transactionsPerWindow: 10,
      createsPerWindow: 10,
      utilization: 1,
      clock,
      subscriptionBudget: budget,
    });
    pacer.charge();
    assert.equal(budget.transactions.waitMs(clock.now()), 10_000, 'the subscription saw it');
    assert.equal(budget.creates.waitMs(clock.now()), 0, 'a challenge creates nothing');
    let sent = false;
    const next = pacer.run('read', async () => (sent = true));
    await settle();
    assert.equal(sent, false, 'the subscription’s one transaction is used by the challenge');
    await clock.advanceAsync(10_000);
    await next;
    assert.equal(pacer.stats.requests, 2, 'the challenge is a request to the vault');
  });
});
