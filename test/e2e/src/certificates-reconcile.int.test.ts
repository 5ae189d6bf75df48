import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  loadConfigText,
  readProvenance,
  TOPICS,
  type OutcomeData,
  type ServiceApp,
} from '@akv-replicator/core';
import { ack, createMemoryBus, type MemoryBus } from '@akv-replicator/bus';
import {
  MemoryCertificateStore,
  MemorySecretStore,
  PKCS12_CONTENT_TYPE,
  type VaultAddress,
} from '@akv-replicator/keyvault';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import { createDiscoveryApp, type DiscoveryApp } from '@akv-replicator/discovery';
import { createCertificateConverterApp } from '@akv-replicator/certificate-converter';
import { waitFor } from './wait-for';

const YAML = `
replication:
  reconcile: { suspend: true, onStart: false }
  deletion: { policy: delete, minObjects: 100 }
links:
  - name: tls
    source: { vault: kv-src }
    replicas:
      - { vault: kv-neu, region: northeurope }
      - { vault: kv-eus, region: eastus }
`;
const REPLICAS = ['kv-neu', 'kv-eus'];

describe('certificate reconcile (discovery + certificate-converter, memory bus and vaults)', () => {
  const loaded = loadConfigText(YAML, { env: {} });
  const certificates = new Map<string, MemoryCertificateStore>();
  const certificateStore = (vault: VaultAddress) => {
    let store = certificates.get(vault.name);
    if (!store) certificates.set(vault.name, (store = new MemoryCertificateStore(vault.name)));
    return store;
  };
  const outcomes: OutcomeData[] = [];
  let bus: MemoryBus;
  let discovery: DiscoveryApp;
  let converter: ServiceApp;

  before(async () => {
    bus = createMemoryBus();
    await bus.subscribe(TOPICS.outcomes, { subscription: 'test-outcomes' }, async (envelope) => {
      outcomes.push(envelope.data as OutcomeData);
      return ack();
    });
    discovery = createDiscoveryApp(loaded.config, {
      topology: loaded.topology,
      bus,
      stores: (vault) => new MemorySecretStore(vault.name),
      certificateStores: certificateStore,
      uriFor: (name) => `https://${name}.vault.test`,
    });
    converter = createCertificateConverterApp(loaded.config, {
      bus,
      stores: certificateStore,
      regions: ['northeurope', 'eastus'],
      retryDelaysMs: [10],
    });
    await converter.start();
    await discovery.start();
  });
  after(async () => {
    await discovery?.stop();
    await converter?.stop();
    await bus?.close();
  });

  /** Runs a reconcile and waits until every task it planned has its outcome. */
  async function reconcile(objectKinds?: ('secret' | 'certificate')[]) {
    const before = outcomes.filter((o) => o.service === 'certificate-converter').length;
    const summary = await discovery.reconciler.run({
      trigger: { kind: 'resync', id: `r-${Math.random()}` },
      ...(objectKinds ? { objectKinds } : {}),
    });
    const converted = await waitFor(
      `${summary.tasks} certificate-converter outcomes`,
      async () => {
        const since = outcomes.filter((o) => o.service === 'certificate-converter').slice(before);
        return since.length >= summary.tasks ? since : undefined;
      },
      30_000,
      20,
    );
    return { summary, converted };
  }

  it('converges certificates no event announced into every replica', async () => {
    const src = certificateStore({ name: 'kv-src' });
    for (const name of ['a-tls', 'b-tls']) {
      const pfx = createTestCertificate({ subject: `CN=${name}`, format: 'pfx' });
      await src.importCertificate(name, {
        value: pfx.value,
        contentType: PKCS12_CONTENT_TYPE,
        enabled: true,
        tags: {},
      });
    }
    const { summary, converted } = await reconcile();
    assert.equal(summary.tasks, 4);
    assert.deepEqual(converted.map((o) => o.action).sort(), [
      'created',
      'created',
      'created',
      'created',
    ]);
    for (const replica of REPLICAS) {
      const copy = await certificateStore({ name: replica }).getCertificate('a-tls');
      assert.equal(copy.x5t, (await src.getCertificate('a-tls')).x5t);
    }
  });

  it('a second reconcile finds everything in sync and only lists', async () => {
    for (const store of certificates.values()) store.requests.clear();
    const { summary } = await reconcile();
    assert.deepEqual([summary.tasks, summary.inSync], [0, 4]);
    for (const store of certificates.values())
      assert.equal(
        store.requestCount(),
        store.requestCount('list'),
        `${store.vaultName} only listed`,
      );
  });

  it('a renewal found by reconcile yields exactly one new replica version; secrets-only resyncs leave certificates alone', async () => {
    const src = certificateStore({ name: 'kv-src' });
    const renewed = createTestCertificate({ subject: 'CN=a-tls', format: 'pfx' });
    const version = await src.importCertificate('a-tls', {
      value: renewed.value,
      contentType: PKCS12_CONTENT_TYPE,
      enabled: true,
      tags: {},
    });
    assert.equal((await reconcile(['secret'])).summary.tasks, 0);
    const { summary, converted } = await reconcile();
    assert.equal(summary.tasks, 2);
    assert.deepEqual(
      converted.map((o) => o.action),
      ['updated', 'updated'],
    );
    for (const replica of REPLICAS) {
      const store = certificateStore({ name: replica });
      const copy = await store.getCertificate('a-tls');
      assert.equal(copy.x5t, renewed.x5t);
      assert.equal(readProvenance(copy.tags)?.sourceVersion, version.version);
    }
    for (const replica of REPLICAS)
      assert.equal(
        certificateStore({ name: replica }).requestCount('import'),
        1,
        `${replica}: one import for the renewal (counters were cleared after the first sync)`,
      );
  });

  it('under the delete policy, a certificate deleted at the source is soft-deleted at each replica', async () => {
    await certificateStore({ name: 'kv-src' }).deleteCertificate('b-tls');
    const { summary, converted } = await reconcile();
    assert.equal(summary.tasks, 2);
    assert.deepEqual(
      converted.map((o) => o.action),
      ['deleted', 'deleted'],
    );
    for (const replica of REPLICAS) {
      const store = certificateStore({ name: replica });
      await assert.rejects(store.getCertificate('b-tls'), /not found/);
      assert.equal((await store.getCertificate('a-tls')).name, 'a-tls', 'the others stay');
    }
  });
});
