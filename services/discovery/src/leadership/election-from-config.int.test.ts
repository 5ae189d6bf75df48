import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '@akv-replicator/core';
import { connectNatsBus, type NatsBus } from '@akv-replicator/bus-nats';
import { LeaseCampaign, type LeadershipListener } from '@akv-replicator/leases';
import { NatsLeaseStore } from '@akv-replicator/leases/nats';
import { startNats, type NatsServer } from '@akv-replicator/test-kit';
import { electionFromConfig } from './election-from-config';

const LINK =
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: westus }]\n';
const quiet: LeadershipListener = { onStartedLeading: () => {}, onStoppedLeading: () => {} };

let server: NatsServer;
let bus: NatsBus;
before(async () => {
  server = await startNats();
  bus = await connectNatsBus({ servers: [server.url], prefix: 'efc' });
});
after(async () => {
  await bus?.close();
  await server?.stop();
});

async function until(what: string, check: () => boolean): Promise<void> {
  const end = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('kind nats: the lease lives on the bus NATS under the configured name', () => {
  it('holds key <name> in bucket <bus.nats.prefix>-leases: a rival on that key follows', async () => {
    const { config } = loadConfigText(
      `bus: { transport: nats, nats: { servers: ["${server.url}"], prefix: efc } }\n` +
        'discovery: { leaderElection: { kind: nats, leaseSeconds: 3, renewSeconds: 1, name: dr-west } }\n' +
        LINK,
      { env: {} },
    );
    const configured = await electionFromConfig(config, quiet, { bus, identity: 'configured' });
    configured.start();
    await until('the configured instance leads', () => configured.isLeader);
    const rounds = new Map<string, number>();
    const rival = (key: string) => {
      const store = new NatsLeaseStore(bus.connection, { bucket: 'efc-leases', key });
      const counted = {
        tryAcquire: async (id: string, ms: number) => {
          const held = await store.tryAcquire(id, ms);
          rounds.set(key, (rounds.get(key) ?? 0) + 1);
          return held;
        },
        release: (id: string) => store.release(id),
      };
      return new LeaseCampaign(counted, quiet, {
        identity: `rival-${key}`,
        leaseMs: 3_000,
        renewMs: 1_000,
      });
    };
    // Another lease name in the same bucket is another election: it leads too.
    const elsewhere = rival('dr-east');
    elsewhere.start();
    await until('the rival on another key leads', () => elsewhere.isLeader);
    const same = rival('dr-west');
    same.start();
    await until('two answered rounds on the same key', () => (rounds.get('dr-west') ?? 0) >= 2);
    assert.equal(same.isLeader, false, 'the configured name is held');
    await configured.stop();
    await until('the rival on the same key takes over after the release', () => same.isLeader);
    await Promise.all([same.stop(), elsewhere.stop()]);
  });
});
