import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import {
  KubeApiDouble,
  kubeConfigFor,
  status,
  tlsSecretObject,
} from '@akv-replicator/kube-api-double';
import { MemoryCertificateStore } from '@akv-replicator/keyvault';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import { LeaseElection } from '@akv-replicator/leases/kubernetes';
import { CertManagerPush } from './cert-manager-push';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a condition; 30 s is generous for a 0.2 s renew period on a loaded 2-core machine. */
async function until(what: string, check: () => boolean, ms = 30_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('Lease election against the Kubernetes API double', () => {
  let double: KubeApiDouble;
  /** Two leaders at once: checked after every test. */
  const overlaps: string[] = [];
  afterEach(() => assert.deepEqual(overlaps, []));
  const stops: (() => Promise<void>)[] = [];
  before(async () => {
    double = await new KubeApiDouble().start();
  });
  after(async () => {
    for (const stop of stops) await stop();
    await double.close();
  });
  const kubeConfig = () => {
    const kc = new KubeConfig();
    kc.loadFromString(kubeConfigFor(double.url));
    return kc;
  };
  /** A candidate with a record of every leadership change, and a check that two never overlap. */
  const candidate = (lease: string, identity: string, leaders: Set<string>) => {
    const election = new LeaseElection(kubeConfig(), {
      name: lease,
      namespace: 'ops',
      identity,
      durationSeconds: 1,
      renewSeconds: 0.2,
      onStartedLeading: () => {
        if (leaders.size > 0) overlaps.push(`${identity} while ${[...leaders].join()}`);
        leaders.add(identity);
      },
      onStoppedLeading: () => leaders.delete(identity),
    });
    stops.push(() => election.stop());
    return election;
  };
  const holder = (lease: string) =>
    double.leases.get('ops', lease)?.spec as
      { holderIdentity?: string; leaseTransitions?: number; renewTime?: string } | undefined;

  it('elects exactly one of two instances, which keeps renewing; stopping it hands over at once', async () => {
    const leaders = new Set<string>();
    const a = candidate('one', 'a', leaders);
    const b = candidate('one', 'b', leaders);
    a.start();
    b.start();
    await until('a leader', () => leaders.size === 1);
    const first = [...leaders][0]!;
    const renewedAt = () => Date.parse(holder('one')?.renewTime ?? '');
    const firstRenewal = renewedAt();
    // Renewals span more than one lease duration (1 s): had any of them lapsed, the other
    // candidate would have taken over (and the overlap check after each test would see it).
    await until('renewals spanning 1.5 lease durations', () => renewedAt() - firstRenewal >= 1500);
    assert.deepEqual([...leaders], [first], 'no change of leader while renewals succeed');
    assert.equal(holder('one')?.holderIdentity, first);
    await (first === 'a' ? a : b).stop();
    // Released, not waited out: once stop() returns, the record no longer names the old holder,
    // so the successor takes it on its next round instead of after the lease duration.
    assert.notEqual(holder('one')?.holderIdentity, first, 'released by stop()');
    await until('the other instance leading', () => leaders.size === 1 && !leaders.has(first));
    assert.equal(holder('one')?.leaseTransitions, 1);
  });

  it('stops leading on a failed renewal; takes over a crashed holder only after the lease duration', async () => {
    const leaders = new Set<string>();
    const a = candidate('two', 'a', leaders);
    a.start();
    await until('a leading', () => leaders.has('a'));
    const refuse = double.inject((r) =>
      r.method === 'PUT' && r.path.endsWith('/leases/two')
        ? status(503, 'ServiceUnavailable', 'etcd unavailable')
        : undefined,
    );
    await until('a no longer leading', () => leaders.size === 0);
    refuse();
    await until('a leading again', () => leaders.has('a'));
    // An API server that stops answering (a dead connection): the holder stops leading in
    // time, and stopping does not wait for answers that never come.
    const hang = double.inject((r) => (r.path.endsWith('/leases/two') ? 'hang' : undefined));
    await until('a no longer leading on a silent API server', () => leaders.size === 0);
    // The API server still hangs: a stop() that waited for its answers would never return.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      a.stop(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('stop() waited for a silent API server')),
          30_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    hang();

    // A holder that crashed: its record stays, never renewed.
    const crashed = double.leases.get('ops', 'two')!;
    double.leases.put({
      ...crashed,
      spec: {
        ...(crashed.spec as object),
        holderIdentity: 'crashed',
        leaseDurationSeconds: 1,
        renewTime: new Date().toISOString(),
      },
    });
    const b = candidate('two', 'b', leaders);
    const leaseReads = () =>
      double.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/leases/two')).length;
    const readsBefore = leaseReads();
    const started = Date.now();
    b.start();
    // b reads the Lease once per round, and a round ends before the next read: after two reads
    // b has finished a whole round facing the crashed holder's unexpired record, which is
    // where a candidate that ignored the holder would have taken it.
    await until('b to finish a round', () => leaseReads() >= readsBefore + 2);
    assert.equal(leaders.size, 0, 'not before the lease expired');
    await until('b taking over', () => leaders.has('b'));
    assert.ok(Date.now() - started >= 1000);
    assert.equal(holder('two')?.holderIdentity, 'b');
  });

  it('writes nothing once the Lease is lost, even for an import that was already under way', async () => {
    const cert = createTestCertificate({ subject: 'CN=late', format: 'pem', keyType: 'EC' });
    const key = cert.value.slice(0, cert.value.indexOf('-----BEGIN CERTIFICATE-----'));
    double.putSecret(
      tlsSecretObject({ namespace: 'late', name: 'late-tls', key, certificateChain: cert.leafPem }),
    );
    let releaseRead = () => {};
    const readHeld = new Promise<void>((resolve) => (releaseRead = resolve));
    let reading = false;
    // Key Vault slow to answer the read that precedes the import (throttled, say).
    const kv = new (class extends MemoryCertificateStore {
      override async getCertificate(name: string) {
        reading = true;
        await readHeld;
        return super.getCertificate(name);
      }
    })('kv-src');
    const results: string[] = [];
    const push = new CertManagerPush(
      {
        namespaces: ['late'],
        annotation: 'cert-manager.io/certificate-name',
        namePrefix: '',
        format: 'PEM',
        onDelete: 'keep',
        lease: { name: 'late', namespace: 'ops', durationSeconds: 1, renewSeconds: 0.1 },
        identity: 'a',
      },
      { kubeConfig: kubeConfig(), store: kv, onResult: (_, r) => results.push(r.status) },
    );
    stops.push(() => push.stop());
    await push.start();
    await until('the import waiting on its read', () => push.isLeader && reading);
    // Another instance takes the Lease over and keeps renewing it.
    const steal = () => {
      const lease = double.leases.get('ops', 'late')!;
      double.leases.put({
        ...lease,
        spec: {
          ...(lease.spec as object),
          holderIdentity: 'b',
          renewTime: new Date().toISOString(),
        },
      });
    };
    steal();
    const renewing = setInterval(steal, 100);
    try {
      await until('a no longer leading', () => !push.isLeader);
      releaseRead();
      await push.idle();
      assert.equal(kv.requestCount('import'), 0, 'b imports it, not a');
      assert.deepEqual(results, [], 'no failure reported for work handed over');
    } finally {
      clearInterval(renewing);
    }
  });

  it('lets only the holder import: two cert-manager instances, one Key Vault version', async () => {
    const cert = createTestCertificate({ subject: 'CN=pay', format: 'pem', keyType: 'EC' });
    const key = cert.value.slice(0, cert.value.indexOf('-----BEGIN CERTIFICATE-----'));
    double.putSecret(
      tlsSecretObject({ namespace: 'pay', name: 'pay-tls', key, certificateChain: cert.leafPem }),
    );
    const kv = new MemoryCertificateStore('kv-src');
    const instances = ['a', 'b'].map(
      (identity) =>
        new CertManagerPush(
          {
            namespaces: ['pay'],
            annotation: 'cert-manager.io/certificate-name',
            namePrefix: '',
            format: 'PEM',
            onDelete: 'keep',
            lease: { name: 'push', namespace: 'ops', durationSeconds: 1, renewSeconds: 0.2 },
            identity,
          },
          { kubeConfig: kubeConfig(), store: kv },
        ),
    );
    for (const instance of instances) {
      stops.push(() => instance.stop());
      await instance.start();
    }
    await until('one leader', () => instances.filter((i) => i.isLeader).length === 1);
    await until('the import', () => kv.requestCount('import') === 1);
    const [leader, follower] = instances[0]!.isLeader ? instances : [...instances].reverse();
    await leader!.stop();
    await until('the follower leading', () => follower!.isLeader);
    await follower!.idle();
    assert.equal(kv.requestCount('import'), 1, 'the new leader re-checks, finds it in Key Vault');
  });
});
