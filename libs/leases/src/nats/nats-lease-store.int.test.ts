import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { LeaseCampaign } from '../lease-campaign';
import { NatsLeaseStore } from './nats-lease-store';

const LEASE_MS = 2_000;
const RENEW_MS = 500;
/**
 * How long a dead leader's lease may take to pass on: generous, because the expiry runs on the
 * nats-server's clock and a loaded machine delays it and b's rounds alike. The exact duration is
 * the bucket's TTL, checked as configuration; this bound only proves the server does expire it.
 */
const HANDOVER_TIMEOUT_MS = 5 * LEASE_MS;

let server: NatsServer;
const connections: NatsConnection[] = [];
before(async () => {
  server = await startNats();
});
after(async () => {
  await Promise.all(connections.map((c) => c.close().catch(() => {})));
  await server?.stop();
});

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('NATS KV lease between two candidates on a real nats-server', () => {
  const leaders = new Set<string>();
  const overlaps: string[] = [];
  const candidate = async (bucket: string, identity: string) => {
    const connection = await connect({ servers: server.url });
    connections.push(connection);
    const store = new NatsLeaseStore(connection, { bucket, key: 'leader' });
    const rounds = { count: 0 };
    const counted = {
      get observedHolder() {
        return store.observedHolder;
      },
      tryAcquire: (id: string, leaseMs: number) => {
        rounds.count++;
        return store.tryAcquire(id, leaseMs);
      },
      release: (id: string) => store.release(id),
    };
    const campaign = new LeaseCampaign(
      counted,
      {
        onStartedLeading: () => {
          if (leaders.size > 0) overlaps.push(`${identity} while ${[...leaders].join()}`);
          leaders.add(identity);
        },
        onStoppedLeading: () => leaders.delete(identity),
      },
      { identity, leaseMs: LEASE_MS, renewMs: RENEW_MS },
    );
    return { campaign, connection, rounds };
  };

  it('elects one; when the leader dies the other leads once the server expires its lease (the bucket TTL)', async () => {
    const a = await candidate('lease-kill', 'a');
    const b = await candidate('lease-kill', 'b');
    a.campaign.start();
    await until('a leads', () => a.campaign.isLeader);
    b.campaign.start();
    // More rounds than fit in one lease duration: renewals keep the lease with a.
    const roundsPerLease = LEASE_MS / RENEW_MS;
    await until('b has tried for over a lease', () => b.rounds.count > roundsPerLease + 1);
    assert.equal(b.campaign.isLeader, false);
    assert.equal(a.campaign.isLeader, true);
    assert.equal(b.campaign.leader, 'a', 'the follower read the holder from the key');

    // The server removes a key nobody rewrote after the bucket's TTL: the lease duration.
    const bucket = await new Kvm(jetstream(b.connection)).open('lease-kill');
    assert.equal((await bucket.status()).ttl, LEASE_MS);

    // a's process dies: its connection is gone, nothing is released.
    await a.connection.close();
    await until('b leads', () => b.campaign.isLeader, HANDOVER_TIMEOUT_MS);
    assert.equal(a.campaign.isLeader, false);
    assert.deepEqual(overlaps, []);
    await a.campaign.stop();
    await b.campaign.stop();
  });

  it('a stopped leader releases: the follower leads on its next round, not after expiry', async () => {
    const a = await candidate('lease-release', 'a');
    const b = await candidate('lease-release', 'b');
    a.campaign.start();
    await until('a leads', () => a.campaign.isLeader);
    b.campaign.start();
    await a.campaign.stop();
    const roundsAtStop = b.rounds.count;
    await until('b leads', () => b.campaign.isLeader);
    assert.equal(b.campaign.leader, 'b');
    // Counted in b's rounds, not in wall-clock time: a round already under way may still see a's
    // key, the next one finds it released. Waiting out the expiry instead takes about
    // LEASE_MS / RENEW_MS (4) rounds; a slow machine fits fewer into it, so this check can turn
    // lenient under load but never fails a correct build.
    const rounds = b.rounds.count - roundsAtStop;
    assert.ok(
      rounds <= 2,
      `b led after ${rounds} rounds: sooner than the lease would have expired`,
    );
    assert.deepEqual(overlaps, []);
    await b.campaign.stop();
  });
});
