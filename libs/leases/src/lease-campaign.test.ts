import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@akv-replicator/core/testing';
import { AlwaysLeader, type LeadershipListener } from './leader-election';
import { LeaseCampaign } from './lease-campaign';
import type { LeaseStore } from './lease-store';
import { MemoryLeaseStore } from './memory-lease-store';

const LEASE_MS = 15_000;
const RENEW_MS = 5_000;

/** Records every change of leadership as `+id` (with `*` for a takeover) or `-id`. */
function recorder(id: string, changes: string[]): LeadershipListener {
  return {
    onStartedLeading: ({ takeover }) => changes.push(`+${id}${takeover ? '*' : ''}`),
    onStoppedLeading: () => changes.push(`-${id}`),
  };
}

/** A store whose calls can be made to fail, like a broker that went away. */
class FlakyStore implements LeaseStore {
  failing = false;
  /** Calls never answer (a dead connection). */
  hanging = false;
  constructor(private readonly inner: LeaseStore) {}
  get observedHolder() {
    return this.inner.observedHolder;
  }
  tryAcquire(identity: string, leaseMs: number): Promise<boolean> {
    if (this.hanging) return new Promise(() => {});
    return this.failing
      ? Promise.reject(new Error('store unreachable'))
      : this.inner.tryAcquire(identity, leaseMs);
  }
  release(identity: string) {
    return this.inner.release(identity);
  }
}

function setup() {
  const clock = new ManualClock();
  const store = new MemoryLeaseStore(clock);
  const changes: string[] = [];
  const candidate = (id: string, over: LeaseStore = store) =>
    new LeaseCampaign(over, recorder(id, changes), {
      identity: id,
      leaseMs: LEASE_MS,
      renewMs: RENEW_MS,
      clock,
    });
  return { clock, store, changes, candidate };
}

describe('LeaseCampaign over the memory lease store', () => {
  it('elects the first candidate; the second follows while the holder keeps renewing', async () => {
    const { clock, store, changes, candidate } = setup();
    const a = candidate('a');
    const b = candidate('b');
    a.start();
    await clock.advanceAsync(0);
    b.start();
    // Far beyond one lease duration: renewals keep it with a.
    await clock.advanceAsync(LEASE_MS * 4);
    assert.deepEqual(changes, ['+a']);
    assert.equal(a.isLeader, true);
    assert.equal(b.isLeader, false);
    assert.equal(store.holder, 'a');
    await a.stop();
    await b.stop();
  });

  it('hands over to the follower once a silent holder’s lease has expired, as a takeover', async () => {
    const { clock, store, changes, candidate } = setup();
    const cut = new FlakyStore(store);
    const a = candidate('a', cut);
    const b = candidate('b');
    a.start();
    await clock.advanceAsync(0);
    b.start();
    await clock.advanceAsync(RENEW_MS);
    // a is cut off from the store (dead or partitioned): it writes nothing and releases nothing.
    cut.hanging = true;
    await clock.advanceAsync(LEASE_MS - 1);
    assert.equal(b.isLeader, false, 'not before the last renewal has expired');
    await clock.advanceAsync(RENEW_MS + 1);
    assert.equal(b.isLeader, true, 'within lease + renew period');
    // a stepped down on its own before b could take over: never two leaders.
    assert.deepEqual(changes, ['+a', '-a', '+b*']);
    cut.hanging = false;
    await a.stop();
    await b.stop();
  });

  it('stops leading when renewals fail, before the lease runs out, and regains it later', async () => {
    const { clock, store, changes, candidate } = setup();
    const flaky = new FlakyStore(store);
    const a = candidate('a', flaky);
    a.start();
    await clock.advanceAsync(0);
    flaky.failing = true;
    await clock.advanceAsync(RENEW_MS);
    assert.deepEqual(changes, ['+a', '-a']);
    flaky.failing = false;
    await clock.advanceAsync(RENEW_MS);
    assert.deepEqual(changes, ['+a', '-a', '+a*']);
    await a.stop();
  });

  it('steps down when a renewal hangs past the lease duration', async () => {
    const { clock, changes } = setup();
    let calls = 0;
    const hanging: LeaseStore = {
      tryAcquire: () => (calls++ === 0 ? Promise.resolve(true) : new Promise(() => {})),
      release: () => Promise.resolve(),
    };
    const a = new LeaseCampaign(hanging, recorder('a', changes), {
      identity: 'a',
      leaseMs: LEASE_MS,
      renewMs: RENEW_MS,
      clock,
    });
    a.start();
    await clock.advanceAsync(0);
    await clock.advanceAsync(RENEW_MS * 2);
    assert.equal(a.isLeader, false);
    assert.deepEqual(changes, ['+a', '-a']);
    await a.stop();
  });

  it('releases on stop, so a follower takes over on its next round instead of after expiry', async () => {
    const { clock, store, changes, candidate } = setup();
    const a = candidate('a');
    const b = candidate('b');
    a.start();
    await clock.advanceAsync(0);
    b.start();
    await clock.advanceAsync(0);
    await a.stop();
    assert.equal(store.holder, undefined);
    await clock.advanceAsync(RENEW_MS);
    assert.deepEqual(changes, ['+a', '-a', '+b*']);
    await b.stop();
    await b.stop();
    assert.deepEqual(changes, ['+a', '-a', '+b*', '-b']);
  });

  it('names the leader: a follower the holder it found, the holder itself, nobody while the store is unreachable', async () => {
    const { clock, store, candidate } = setup();
    const flaky = new FlakyStore(store);
    const a = candidate('a');
    const b = candidate('b', flaky);
    assert.equal(b.leader, undefined, 'before a round');
    a.start();
    await clock.advanceAsync(0);
    b.start();
    await clock.advanceAsync(0);
    assert.equal(a.leader, 'a');
    assert.equal(b.leader, 'a');
    flaky.failing = true;
    await clock.advanceAsync(RENEW_MS);
    assert.equal(b.leader, undefined, 'unknown, not a stale name');
    flaky.failing = false;
    await a.stop();
    await clock.advanceAsync(RENEW_MS);
    assert.equal(b.leader, 'b', 'the follower took over');
    assert.equal(a.leader, undefined, 'a stopped candidate names nobody');
    await b.stop();
    assert.equal(b.leader, undefined);
  });

  it('refuses a renew period that is not shorter than the lease', () => {
    const clock = new ManualClock();
    assert.throws(
      () =>
        new LeaseCampaign(new MemoryLeaseStore(clock), recorder('a', []), {
          identity: 'a',
          leaseMs: 5_000,
          renewMs: 5_000,
          clock,
        }),
      /renewMs must be shorter than leaseMs/,
    );
  });
});

describe('AlwaysLeader', () => {
  it('leads from start to stop, once each', async () => {
    const changes: string[] = [];
    const only = new AlwaysLeader(recorder('only', changes), 'only-1');
    assert.equal(only.isLeader, false);
    assert.equal(only.leader, undefined);
    only.start();
    only.start();
    assert.equal(only.isLeader, true);
    assert.equal(only.leader, 'only-1');
    await only.stop();
    assert.equal(only.leader, undefined);
    await only.stop();
    assert.deepEqual(changes, ['+only', '-only']);
  });
});
