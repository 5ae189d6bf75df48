import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerClient } from '@azure/storage-blob';
import { startAzuriteBlob, type AzuriteBlob } from '@akv-replicator/test-kit';
import { LeaseCampaign } from '../lease-campaign';
import type { LeaseStore } from '../lease-store';
import { BlobLeaseStore, leaseIdOf } from './blob-lease-store';

// The shortest lease Azure Storage grants (Lease Blob: 15 to 60 s); renewed every 2 s.
const LEASE_MS = 15_000;
const RENEW_MS = 2_000;
/** Only ends a failing run: a loaded machine is slower, never a pass bound. */
const WAIT_MS = 90_000;

let azurite: AzuriteBlob;
let container: ContainerClient;
before(async () => {
  azurite = await startAzuriteBlob();
  container = await azurite.createContainer('leases');
});
after(() => azurite?.stop());

async function until(what: string, check: () => boolean): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Azure Storage blob lease between two candidates on Azurite', () => {
  it('one holds the blob’s lease, the other is refused and names it; the holder renews', async () => {
    const a = new BlobLeaseStore(container, { blobName: 'discovery' });
    const b = new BlobLeaseStore(container, { blobName: 'discovery' });
    assert.equal(await a.tryAcquire('a-1@10.0.0.1:8081', LEASE_MS), true);
    assert.equal(await b.tryAcquire('b-2@10.0.0.2:8081', LEASE_MS), false);
    assert.equal(b.observedHolder, 'a-1@10.0.0.1:8081', 'read from the blob metadata');
    assert.equal(await a.tryAcquire('a-1@10.0.0.1:8081', LEASE_MS), true, 'a renewal');
    const lease = await container.getBlobClient('discovery').getProperties();
    assert.equal(lease.leaseState, 'leased');
    assert.equal(lease.leaseDuration, 'fixed');
    // A released lease is free at once; the other candidate's next round takes it.
    await a.release('a-1@10.0.0.1:8081');
    assert.equal(await b.tryAcquire('b-2@10.0.0.2:8081', LEASE_MS), true);
    assert.equal(b.observedHolder, 'b-2@10.0.0.2:8081');
    // a's release comes after b's gain: it must not free b's lease.
    await a.release('a-1@10.0.0.1:8081');
    assert.equal(await a.tryAcquire('a-1@10.0.0.1:8081', LEASE_MS), false);
    await b.release('b-2@10.0.0.2:8081');
  });

  it('refuses a lease Azure Storage cannot grant, before calling it', async () => {
    const store = new BlobLeaseStore(container, { blobName: 'short' });
    await assert.rejects(store.tryAcquire('a', 4_000), /15 to 60 whole seconds, not 4/);
  });

  it('lease campaigns: the follower takes over once a dead holder’s lease expires on the storage clock, never both leading', async () => {
    const leaders = new Set<string>();
    const overlaps: string[] = [];
    const candidate = (identity: string, store: LeaseStore) =>
      new LeaseCampaign(
        store,
        {
          onStartedLeading: () => {
            if (leaders.size > 0) overlaps.push(`${identity} while ${[...leaders].join()}`);
            leaders.add(identity);
          },
          onStoppedLeading: () => leaders.delete(identity),
        },
        { identity, leaseMs: LEASE_MS, renewMs: RENEW_MS },
      );
    // a's process dies: from then on its calls never answer and it releases nothing.
    let aDead = false;
    const aStore = new BlobLeaseStore(container, { blobName: 'campaign' });
    const a = candidate('a', {
      get observedHolder() {
        return aStore.observedHolder;
      },
      tryAcquire: (id, ms) => (aDead ? new Promise(() => {}) : aStore.tryAcquire(id, ms)),
      release: (id) => (aDead ? Promise.resolve() : aStore.release(id)),
    });
    const b = candidate('b', new BlobLeaseStore(container, { blobName: 'campaign' }));
    a.start();
    await until('a leads', () => a.isLeader);
    b.start();
    await until('b names a', () => b.leader === 'a');
    aDead = true;
    await until('b leads after the expiry', () => b.isLeader);
    assert.equal(a.isLeader, false);
    assert.deepEqual(overlaps, []);
    await a.stop();
    await b.stop();
  });

  it('lease ids are GUIDs derived from the identity, so a renewal uses the same one', () => {
    assert.match(leaseIdOf('a'), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(leaseIdOf('a'), leaseIdOf('a'));
    assert.notEqual(leaseIdOf('a'), leaseIdOf('b'));
  });
});
