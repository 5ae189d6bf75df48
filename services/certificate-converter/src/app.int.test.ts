import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, randomUUID } from 'node:crypto';
import { CertificateClient } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  TOPICS,
  configSchema,
  createEnvelope,
  readProvenance,
  type OutcomeData,
  type ServiceApp,
} from '@akv-replicator/core';
import { ack, createMemoryBus, type Bus } from '@akv-replicator/bus';
import {
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
  VaultPacers,
  createCertificateStoreProvider,
  readCertificateMaterial,
} from '@akv-replicator/keyvault';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { createCertificateConverterApp } from './app';

const SOURCE = { name: 'kv-cc-src', region: 'westeurope' };
const REPLICAS = [
  { name: 'kv-cc-neu', region: 'northeurope' },
  { name: 'kv-cc-eus', region: 'eastus' },
];
const POLL = { intervalInMs: 10 };

describe('certificate-converter over the emulator (unmodified SDKs, memory bus)', () => {
  let emulator: KeyVaultEmulator;
  let bus: Bus;
  let app: ServiceApp;
  const outcomes: OutcomeData[] = [];
  const credential = new StaticTokenCredential();
  const certificates = (vault: string) =>
    new CertificateClient(emulator.vaultUrl(vault), credential, emulator.clientOptions());
  const secrets = (vault: string) =>
    new SecretClient(emulator.vaultUrl(vault), credential, emulator.clientOptions());

  before(async () => {
    emulator = await startEmulator({ vaults: [SOURCE, ...REPLICAS] });
    bus = createMemoryBus();
    await bus.subscribe(TOPICS.outcomes, { subscription: 'test-outcomes' }, async (envelope) => {
      outcomes.push(envelope.data as OutcomeData);
      return ack();
    });
    const stores = createCertificateStoreProvider({
      credentialFor: () => credential,
      clientOptions: { ...emulator.clientOptions(), retryOptions: { maxRetries: 0 } },
      pacers: new VaultPacers({
        transactionsPerWindow: 4000,
        createsPerWindow: 300,
        utilization: 1,
      }),
      uriFor: (name) => emulator.vaultUrl(name),
    });
    app = createCertificateConverterApp(configSchema.parse({}), {
      bus,
      stores,
      regions: REPLICAS.map((r) => r.region),
      retryDelaysMs: [50],
    });
    await app.start();
  });
  after(async () => {
    await app?.stop();
    await bus?.close();
    await emulator?.stop();
  });

  /** Publishes one task per replica, as discovery does, and waits for their outcomes. */
  async function replicate(objectName: string): Promise<OutcomeData[]> {
    const ids = REPLICAS.map(() => randomUUID());
    await Promise.all(
      REPLICAS.map((replica, i) =>
        bus.publish(
          TOPICS.certificateTasks,
          createEnvelope(
            'akv.certificate.task.v1',
            {
              taskId: ids[i]!,
              link: 'demo',
              source: SOURCE,
              objectName,
              replica,
              trigger: { kind: 'event', id: randomUUID() },
            },
            { source: '/test' },
          ),
          { routingKey: replica.region },
        ),
      ),
    );
    const deadline = Date.now() + 15_000;
    for (;;) {
      const done = ids.map((id) => outcomes.find((o) => o.taskId === id));
      if (done.every(Boolean)) return done as OutcomeData[];
      if (Date.now() > deadline) throw new Error(`no outcome for ${objectName}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Thumbprint, policy and key of the replica, as a user checks them with the SDKs. */
  async function assertReplicated(name: string, contentType: string) {
    const original = await certificates(SOURCE.name).getCertificate(name);
    for (const replica of REPLICAS) {
      const copy = await certificates(replica.name).getCertificate(name);
      assert.equal(copy.properties.x509ThumbprintString, original.properties.x509ThumbprintString);
      assert.equal(
        readProvenance(copy.properties.tags)?.sourceVersion,
        original.properties.version,
      );
      const policy = await certificates(replica.name).getCertificatePolicy(name);
      assert.ok(
        !(policy.lifetimeActions ?? []).some((a) => a.action === 'AutoRenew'),
        `${replica.name}/${name} must not auto-renew`,
      );
      assert.equal(policy.issuerName, 'Unknown');
      assert.equal(policy.subject, original.policy?.subject);
      assert.equal(policy.contentType, contentType);
      const secret = await secrets(replica.name).getSecret(name);
      assert.equal(secret.properties.contentType, contentType);
      const material = readCertificateMaterial(secret.value!, contentType);
      assert.ok(material.privateKey, 'the replica holds the private key');
      assert.ok(
        new X509Certificate(Buffer.from(copy.cer!)).checkPrivateKey(material.privateKey),
        'the private key matches the replica certificate',
      );
    }
  }

  it('replicates an imported PFX to both regions: same thumbprint, no auto-renew, usable key', async () => {
    const pfx = createTestCertificate({ subject: 'CN=pfx.example.test', format: 'pfx' });
    await certificates(SOURCE.name).importCertificate(
      'pfx-cert',
      Buffer.from(pfx.value, 'base64'),
      {
        tags: { team: 'web' },
      },
    );
    const results = await replicate('pfx-cert');
    assert.deepEqual(
      results.map((o) => [o.status, o.action, o.service]),
      [
        ['success', 'created', 'certificate-converter'],
        ['success', 'created', 'certificate-converter'],
      ],
    );
    await assertReplicated('pfx-cert', PKCS12_CONTENT_TYPE);
    const copy = await certificates(REPLICAS[0]!.name).getCertificate('pfx-cert');
    assert.equal(copy.properties.tags?.team, 'web');
  });

  it('replicates PEM with its chain and keeps it PEM', async () => {
    const pem = createTestCertificate({
      subject: 'CN=pem.example.test',
      format: 'pem',
      withChain: true,
    });
    await certificates(SOURCE.name).importCertificate('pem-cert', Buffer.from(pem.value), {
      policy: { contentType: PEM_CONTENT_TYPE },
    });
    await replicate('pem-cert');
    await assertReplicated('pem-cert', PEM_CONTENT_TYPE);
    const secret = await secrets(REPLICAS[1]!.name).getSecret('pem-cert');
    assert.equal(readCertificateMaterial(secret.value!, PEM_CONTENT_TYPE).chain.length, 2);
  });

  it('replicates a self-signed certificate created in the source, policy (SANs, key size) without its AutoRenew', async () => {
    await (
      await certificates(SOURCE.name).beginCreateCertificate(
        'self-signed',
        {
          issuerName: 'Self',
          subject: 'CN=app.example.test',
          subjectAlternativeNames: { dnsNames: ['app.example.test', 'www.example.test'] },
          keySize: 3072,
          validityInMonths: 6,
          lifetimeActions: [{ action: 'AutoRenew', lifetimePercentage: 80 }],
        },
        POLL,
      )
    ).pollUntilDone();
    await replicate('self-signed');
    await assertReplicated('self-signed', PKCS12_CONTENT_TYPE);
    const policy = await certificates(REPLICAS[0]!.name).getCertificatePolicy('self-signed');
    assert.deepEqual(policy.subjectAlternativeNames?.dnsNames, [
      'app.example.test',
      'www.example.test',
    ]);
    assert.deepEqual([policy.keySize, policy.validityInMonths], [3072, 6]);
    assert.deepEqual(policy.lifetimeActions ?? [], []);
  });

  it('a redelivered task changes nothing; a new source version yields exactly one new replica version', async () => {
    const again = await replicate('pfx-cert');
    assert.deepEqual(
      again.map((o) => o.action),
      ['unchanged', 'unchanged'],
    );
    const versions = async (vault: string) => {
      const list = [];
      for await (const v of certificates(vault).listPropertiesOfCertificateVersions('pfx-cert'))
        list.push(v.version);
      return list.length;
    };
    assert.equal(await versions(REPLICAS[0]!.name), 1);
    const renewed = createTestCertificate({ subject: 'CN=pfx.example.test', format: 'pfx' });
    await certificates(SOURCE.name).importCertificate(
      'pfx-cert',
      Buffer.from(renewed.value, 'base64'),
    );
    assert.deepEqual(
      (await replicate('pfx-cert')).map((o) => o.action),
      ['updated', 'updated'],
    );
    assert.deepEqual(
      (await replicate('pfx-cert')).map((o) => o.action),
      ['unchanged', 'unchanged'],
    );
    for (const replica of REPLICAS) assert.equal(await versions(replica.name), 2);
    await assertReplicated('pfx-cert', PKCS12_CONTENT_TYPE);
  });

  it('reports a non-exportable key as a warning outcome and creates no replica', async () => {
    await (
      await certificates(SOURCE.name).beginCreateCertificate(
        'sealed',
        { issuerName: 'Self', subject: 'CN=sealed', exportable: false },
        POLL,
      )
    ).pollUntilDone();
    const results = await replicate('sealed');
    assert.deepEqual(
      results.map((o) => [o.status, o.code]),
      [
        ['warning', 'KeyNotExportable'],
        ['warning', 'KeyNotExportable'],
      ],
    );
    await assert.rejects(certificates(REPLICAS[0]!.name).getCertificate('sealed'), {
      statusCode: 404,
    });
  });
});
