import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { CertificateClient } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import { MemoryLogger, readProvenance } from '@akv-replicator/core';
import {
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
  readCertificateMaterial,
} from '@akv-replicator/keyvault';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import { startLocalStack, DEMO_VAULTS, type LocalStack } from 'akv-replicator';
import { quietPeriod, waitFor } from './wait-for';

/**
 * How long the "no extra version" check watches after the last event was delivered
 * (eventGrid.idle()). The memory bus hands a task to its handler within milliseconds and a
 * duplicate task is a read and a no-op decision, tens of milliseconds on loopback; 1 s is
 * many of those on a loaded machine, so a duplicate write would have shown by then.
 */
const DUPLICATE_TASK_WINDOW_MS = 1_000;

describe('certificate replication end to end (Event Grid → ingress → discovery → certificate-converter)', () => {
  let stack: LocalStack;
  const certificates = (vault: string) =>
    new CertificateClient(
      stack.emulator.vaultUrl(vault),
      stack.credential,
      stack.emulator.clientOptions(),
    );
  const secrets = (vault: string) =>
    new SecretClient(
      stack.emulator.vaultUrl(vault),
      stack.credential,
      stack.emulator.clientOptions(),
    );
  const versionsOf = async (vault: string, name: string) => {
    const versions = [];
    for await (const v of certificates(vault).listPropertiesOfCertificateVersions(name))
      versions.push(v);
    return versions;
  };

  before(async () => {
    stack = await startLocalStack({
      logger: new MemoryLogger(),
      configOverrides: { replication: { reconcile: { suspend: true, onStart: false } } },
    });
  });
  after(async () => stack?.stop());

  /** Waits until every replica holds `x5t`, then checks what a user relies on. */
  async function assertOnEveryReplica(name: string, x5t: string, contentType: string) {
    const source = await certificates(DEMO_VAULTS.source.name).getCertificate(name);
    for (const replica of DEMO_VAULTS.replicas) {
      const copy = await waitFor(
        `${replica.name} to hold ${name} ${x5t}`,
        async () => {
          const found = await certificates(replica.name)
            .getCertificate(name)
            .catch(() => undefined);
          return found &&
            Buffer.from(found.properties.x509Thumbprint!).toString('base64url') === x5t
            ? found
            : undefined;
        },
        20_000,
      );
      assert.equal(readProvenance(copy.properties.tags)?.sourceVersion, source.properties.version);
      // The policy is set just after the import: wait for it rather than race it.
      const policy = await waitFor(`${replica.name}/${name} policy`, async () => {
        const p = await certificates(replica.name).getCertificatePolicy(name);
        return p.issuerName === 'Unknown' ? p : undefined;
      });
      assert.ok(
        !(policy.lifetimeActions ?? []).some((a) => a.action === 'AutoRenew'),
        'no auto-renew',
      );
      assert.equal(policy.contentType, contentType);
      const secret = await secrets(replica.name).getSecret(name);
      assert.equal(secret.properties.contentType, contentType);
      const material = readCertificateMaterial(secret.value!, contentType);
      assert.ok(material.privateKey);
      assert.ok(new X509Certificate(Buffer.from(copy.cer!)).checkPrivateKey(material.privateKey));
    }
  }

  it('a PFX imported into the source reaches both replicas with its key, without auto-renew', async () => {
    const pfx = createTestCertificate({
      subject: 'CN=shop.example.test',
      dnsNames: ['shop.example.test'],
      format: 'pfx',
    });
    await certificates(DEMO_VAULTS.source.name).importCertificate(
      'shop-tls',
      Buffer.from(pfx.value, 'base64'),
      {
        tags: { team: 'shop' },
      },
    );
    await assertOnEveryReplica('shop-tls', pfx.x5t, PKCS12_CONTENT_TYPE);
  });

  it('a PEM certificate with its chain reaches both replicas and stays PEM', async () => {
    const pem = createTestCertificate({
      subject: 'CN=api.example.test',
      format: 'pem',
      withChain: true,
    });
    await certificates(DEMO_VAULTS.source.name).importCertificate(
      'api-tls',
      Buffer.from(pem.value),
      {
        policy: { contentType: PEM_CONTENT_TYPE },
      },
    );
    await assertOnEveryReplica('api-tls', pem.x5t, PEM_CONTENT_TYPE);
  });

  it('a re-import (renewal) in the source yields exactly one new version in each replica', async () => {
    const renewed = createTestCertificate({ subject: 'CN=shop.example.test', format: 'pfx' });
    await certificates(DEMO_VAULTS.source.name).importCertificate(
      'shop-tls',
      Buffer.from(renewed.value, 'base64'),
    );
    await assertOnEveryReplica('shop-tls', renewed.x5t, PKCS12_CONTENT_TYPE);
    await stack.emulator.eventGrid.idle();
    await quietPeriod(DUPLICATE_TASK_WINDOW_MS); // a duplicate task would have written by now
    for (const replica of DEMO_VAULTS.replicas)
      assert.equal((await versionsOf(replica.name, 'shop-tls')).length, 2, replica.name);
  });
});
