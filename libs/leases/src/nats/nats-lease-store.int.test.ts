import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { LeaseCampaign } from '../lease-campaign';
import { NatsLeaseStore } from './nats-lease-store';

const LEASE_MS = 2_000;
const RENEW_MS = 500;

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

  it('elects one; when the leader dies the other leads within lease + renew period', async () => {
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

    // a's process dies: its connection is gone, nothing is released.
    const killedAt = Date.now();
    await a.connection.close();
    await until('b leads', () => b.campaign.isLeader);
    const handover = Date.now() - killedAt;
    // The bound is lease + renew period; the slack is for a loaded 2-core machine and the
    // server's expiry sweep, never a fixed sleep.
    assert.ok(handover <= LEASE_MS + RENEW_MS + 1_500, `handed over after ${handover} ms`);
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
    const stoppedAt = Date.now();
    await until('b leads', () => b.campaign.isLeader);
    assert.ok(Date.now() - stoppedAt < LEASE_MS, 'sooner than the lease would have expired');
    assert.deepEqual(overlaps, []);
    await b.campaign.stop();
  });
});
