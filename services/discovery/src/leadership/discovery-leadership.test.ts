import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, createEnvelope, silentLogger, type Config } from '@akv-replicator/core';
import { ManualClock } from '@akv-replicator/core/testing';
import { ack, createMemoryBus, type Bus } from '@akv-replicator/bus';
import { LeaseCampaign, MemoryLeaseStore, type LeaseStore } from '@akv-replicator/leases';
import { DeadLetterWatcher } from '../dead-letters/dead-letter-watcher';
import { DiscoveryLeadership, NotLeaderError } from './discovery-leadership';
import { createLeaderDuties } from './leader-duties';

const LEASE_MS = 15_000;
const RENEW_MS = 5_000;
const RECONCILE: Config['replication']['reconcile'] = {
  schedule: '0 0 1 1 *',
  suspend: true,
  onStart: false,
};

/** One discovery instance's leadership over a shared lease store and bus, with what it did. */
function instance(id: string, bus: Bus, store: LeaseStore, clock: ManualClock) {
  const did = { resyncs: [] as string[], reconciles: 0 };
  const duties = createLeaderDuties({
    bus,
    reconcile: RECONCILE,
    onEvent: () => Promise.resolve(ack()),
    onResync: (envelope) => {
      did.resyncs.push(envelope.data.resyncId);
      return Promise.resolve(ack());
    },
    reconcileNow: () => {
      did.reconciles++;
      return Promise.resolve();
    },
    deadLetters: new DeadLetterWatcher({ bus }),
    logger: silentLogger,
  });
  const leadership = new DiscoveryLeadership(duties);
  const election = new LeaseCampaign(store, leadership.listener, {
    identity: id,
    leaseMs: LEASE_MS,
    renewMs: RENEW_MS,
    clock,
  });
  return { did, leadership, election };
}

const resync = (resyncId: string) =>
  createEnvelope(
    'akv.resync.command.v1',
    { resyncId, requestedAt: '2026-01-01T00:00:00Z' },
    { id: resyncId, source: '/test' },
  );

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(check(), `waited for ${what}`);
}

describe('discovery leadership: one leader plans, a follower takes over', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it('only the leader takes resync commands off the shared subscription', async () => {
    const clock = new ManualClock();
    const bus = createMemoryBus();
    const store = new MemoryLeaseStore(clock);
    const a = instance('a', bus, store, clock);
    const b = instance('b', bus, store, clock);
    stops.push(
      () => a.election.stop(),
      () => b.election.stop(),
      () => bus.close(),
    );
    a.election.start();
    await clock.advanceAsync(0);
    b.election.start();
    await clock.advanceAsync(0);
    await Promise.all([a.leadership.settled(), b.leadership.settled()]);
    for (const id of ['r1', 'r2', 'r3']) await bus.publish(TOPICS.resyncCommands, resync(id));
    await until('three resyncs handled', () => a.did.resyncs.length === 3);
    assert.deepEqual(b.did.resyncs, []);
    // onStart false and a first term: the leader waits for the schedule.
    assert.equal(a.did.reconciles, 0);
  });

  it('a follower that takes over reconciles at once and then takes the commands', async () => {
    const clock = new ManualClock();
    const bus = createMemoryBus();
    const store = new MemoryLeaseStore(clock);
    const a = instance('a', bus, store, clock);
    const b = instance('b', bus, store, clock);
    stops.push(
      () => b.election.stop(),
      () => bus.close(),
    );
    a.election.start();
    await clock.advanceAsync(0);
    b.election.start();
    await clock.advanceAsync(0);
    await a.election.stop();
    await clock.advanceAsync(RENEW_MS);
    await b.leadership.settled();
    assert.equal(b.leadership.isLeading, true);
    assert.equal(b.did.reconciles, 1, 'the takeover reconcile');
    await bus.publish(TOPICS.resyncCommands, resync('after'));
    await until('the new leader handles it', () => b.did.resyncs.includes('after'));
    assert.deepEqual(a.did.resyncs, []);
  });

  it('a leader that lost the lease publishes nothing more: the reconcile stops there', async () => {
    const clock = new ManualClock();
    const bus = createMemoryBus();
    const memory = new MemoryLeaseStore(clock);
    let reachable = true;
    const store: LeaseStore = {
      tryAcquire: (id, ms) =>
        reachable ? memory.tryAcquire(id, ms) : Promise.reject(new Error('unreachable')),
      release: (id) => memory.release(id),
    };
    const a = instance('a', bus, store, clock);
    stops.push(
      () => a.election.stop(),
      () => bus.close(),
    );
    const published: string[] = [];
    const gated = a.leadership.gate({
      publish: (topic) => {
        published.push(topic);
        return Promise.resolve({ duplicate: false });
      },
    });
    const task = createEnvelope(
      'akv.resync.command.v1',
      { resyncId: 't', requestedAt: '2026-01-01T00:00:00Z' },
      { source: '/test' },
    );
    await assert.rejects(gated.publish('tasks', task), NotLeaderError, 'nothing before a term');
    a.election.start();
    await clock.advanceAsync(0);
    await gated.publish('tasks', task);
    // The store stops answering (a partition): the renewal fails and the term ends.
    reachable = false;
    await clock.advanceAsync(RENEW_MS);
    assert.equal(a.leadership.isLeading, false);
    await assert.rejects(gated.publish('tasks', task), NotLeaderError);
    assert.deepEqual(published, ['tasks']);
  });

  it('a leader that cannot take its duties up hands the lease on, and retries as a takeover', async () => {
    const clock = new ManualClock();
    const store = new MemoryLeaseStore(clock);
    const begun: boolean[] = [];
    let failures = 1;
    const duties = {
      begin: ({ takeover }: { takeover: boolean }) => {
        if (failures-- > 0) return Promise.reject(new Error('subscribe failed: broker away'));
        begun.push(takeover);
        return Promise.resolve();
      },
      end: () => Promise.resolve(),
    };
    const restarts: string[] = [];
    const leadership = new DiscoveryLeadership(duties, silentLogger, () => {
      restarts.push(`lease held by ${store.holder ?? 'nobody'}`);
      void election.stop().then(() => election.start());
    });
    const election = new LeaseCampaign(store, leadership.listener, {
      identity: 'a',
      leaseMs: LEASE_MS,
      renewMs: RENEW_MS,
      clock,
    });
    stops.push(() => election.stop());
    election.start();
    await clock.advanceAsync(0);
    await until('the duties taken up on the second try', () => begun.length === 1);
    await leadership.settled();
    assert.deepEqual(restarts, ['lease held by a']);
    assert.deepEqual(begun, [true], 'the retry is a takeover: it reconciles');
    assert.equal(leadership.isLeading, true);
  });
});
