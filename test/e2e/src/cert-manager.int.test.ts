import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateClient } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import { MemoryLogger, TOPICS, readProvenance, type OutcomeData } from '@akv-replicator/core';
import { ack } from '@akv-replicator/bus';
import { PEM_CONTENT_TYPE, readCertificateMaterial } from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import { KubeApiDouble, kubeConfigFor, tlsSecretObject } from '@akv-replicator/kube-api-double';
import { startLocalStack, DEMO_VAULTS, type LocalStack } from 'akv-replicator';
import { quietPeriod, waitFor } from './wait-for';

/**
 * How long the "no extra version" check watches after the last event was delivered
 * (eventGrid.idle()). The memory bus hands a task to its handler within milliseconds and a
 * duplicate task is a read and a no-op decision, tens of milliseconds on loopback; 1 s is
 * many of those on a loaded machine, so a duplicate write would have shown by then.
 */
const DUPLICATE_TASK_WINDOW_MS = 1_000;

const NAME = 'shop--web-tls';
const keyOf = (pem: string) => pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----'));
const secretOf = (cert: TestCertificate) =>
  tlsSecretObject({
    namespace: 'shop',
    name: 'web-tls',
    key: keyOf(cert.value),
    certificateChain: `${cert.leafPem}${cert.caPem ?? ''}`,
    ...(cert.caPem ? { ca: cert.caPem } : {}),
  });

describe('cert-manager → Key Vault → replicas end to end (Kubernetes API double, emulator, every service)', () => {
  let stack: LocalStack;
  let double: KubeApiDouble;
  let dir: string;
  const logger = new MemoryLogger();
  const client = (vault: string) =>
    new CertificateClient(
      stack.emulator.vaultUrl(vault),
      stack.credential,
      stack.emulator.clientOptions(),
    );
  const x5tOf = (thumbprint: Uint8Array | undefined) =>
    Buffer.from(thumbprint ?? []).toString('base64url');
  const versionsOf = async (vault: string) => {
    const versions = [];
    for await (const v of client(vault).listPropertiesOfCertificateVersions(NAME)) versions.push(v);
    return versions;
  };

  const outcomes: OutcomeData[] = [];

  before(async () => {
    double = await new KubeApiDouble({ token: 'e2e-token' }).start();
    dir = mkdtempSync(join(tmpdir(), 'akv-e2e-kube-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeConfigFor(double.url, 'e2e-token'));
    stack = await startLocalStack({
      logger,
      configOverrides: {
        replication: { reconcile: { suspend: true, onStart: false } },
        certManager: {
          kubeconfig,
          namespaces: ['shop'],
          vault: DEMO_VAULTS.source.name,
          lease: { namespace: 'akv-replicator' },
        },
      },
    });
    await stack.bus.subscribe(
      TOPICS.outcomes,
      { subscription: 'e2e-cert-manager-outcomes' },
      async (envelope) => {
        if (envelope.type === 'akv.outcome.v1') outcomes.push(envelope.data as OutcomeData);
        return ack();
      },
    );
  });
  after(async () => {
    await stack?.stop();
    await double?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every replica holds `x5t` as the source's latest version, with a key matching it. */
  async function assertOnEveryReplica(x5t: string) {
    const source = await client(DEMO_VAULTS.source.name).getCertificate(NAME);
    for (const replica of DEMO_VAULTS.replicas) {
      const copy = await waitFor(
        `${replica.name} to hold ${x5t}`,
        async () => {
          const found = await client(replica.name)
            .getCertificate(NAME)
            .catch(() => undefined);
          return found && x5tOf(found.properties.x509Thumbprint) === x5t ? found : undefined;
        },
        20_000,
      );
      assert.equal(readProvenance(copy.properties.tags)?.sourceVersion, source.properties.version);
      const secret = await new SecretClient(
        stack.emulator.vaultUrl(replica.name),
        stack.credential,
        stack.emulator.clientOptions(),
      ).getSecret(NAME);
      assert.equal(secret.properties.contentType, PEM_CONTENT_TYPE);
      const material = readCertificateMaterial(secret.value!, PEM_CONTENT_TYPE);
      assert.equal(material.chain.length >= 1, true);
      assert.ok(new X509Certificate(Buffer.from(copy.cer!)).checkPrivateKey(material.privateKey!));
    }
  }

  it('imports a cert-manager Secret into the source vault, and a renewal becomes one new version everywhere', async () => {
    const first = createTestCertificate({
      subject: 'CN=web.shop.test',
      keyType: 'EC',
      format: 'pem',
      withChain: true,
    });
    double.putSecret(secretOf(first));
    const imported = await waitFor(
      'the import into the source vault',
      async () => {
        const found = await client(DEMO_VAULTS.source.name)
          .getCertificate(NAME)
          .catch(() => undefined);
        return found && x5tOf(found.properties.x509Thumbprint) === first.x5t ? found : undefined;
      },
      20_000,
    );
    assert.equal(imported.properties.tags?.['k8s-secret'], 'shop/web-tls');
    // The import is reported like any task: the notifier and the task metrics see it.
    const reported = await waitFor('the import outcome', async () =>
      outcomes.find((o) => o.objectName === NAME && o.action === 'created'),
    );
    assert.equal(reported.service, 'certificate-converter');
    assert.equal(reported.status, 'success');
    assert.match(reported.reason ?? '', /Kubernetes Secret shop\/web-tls/);
    assert.doesNotMatch(JSON.stringify(outcomes), /PRIVATE KEY|BEGIN CERTIFICATE/);
    assert.equal(imported.properties.tags?.['cert-manager-certificate'], 'web-tls');
    await assertOnEveryReplica(first.x5t);

    const renewed = createTestCertificate({
      subject: 'CN=web.shop.test',
      keyType: 'EC',
      format: 'pem',
      withChain: true,
    });
    double.putSecret(secretOf(renewed));
    await waitFor(
      'the renewal in the source vault',
      async () => (await versionsOf(DEMO_VAULTS.source.name)).length === 2,
      20_000,
    );
    await assertOnEveryReplica(renewed.x5t);
    await stack.emulator.eventGrid.idle();
    await quietPeriod(DUPLICATE_TASK_WINDOW_MS); // a duplicate task would have written by now
    assert.equal((await versionsOf(DEMO_VAULTS.source.name)).length, 2, 'one version per renewal');
    for (const replica of DEMO_VAULTS.replicas)
      assert.equal((await versionsOf(replica.name)).length, 2, replica.name);
  });
});
