import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { CertificateClient } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator, StaticTokenCredential, type KeyVaultEmulator } from '../index';
import { opensslMaterial, type OpensslMaterial } from '../testing/openssl-material';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

describe('EC certificates (P-256, P-384) through @azure/keyvault-certificates', () => {
  let emulator: KeyVaultEmulator;
  let certificates: CertificateClient;
  let secrets: SecretClient;
  const material: Record<string, OpensslMaterial> = {};

  before(async () => {
    material.p256 = opensslMaterial('p256.example.test', 'P-256', 'P-384');
    material.p384 = opensslMaterial('p384.example.test', 'P-384', 'RSA');
    emulator = await startEmulator({ vaults: [{ name: 'kv-ec' }] });
    const options = { ...emulator.clientOptions(), retryOptions: { maxRetries: 0 } };
    const credential = new StaticTokenCredential();
    certificates = new CertificateClient(emulator.vaultUrl('kv-ec'), credential, options);
    secrets = new SecretClient(emulator.vaultUrl('kv-ec'), credential, options);
  });
  after(() => emulator.stop());

  it('imports EC PEM with its chain: thumbprint, key type and curve, and a backing secret whose key matches', async () => {
    for (const [name, curve] of [
      ['p256', 'P-256'],
      ['p384', 'P-384'],
    ] as const) {
      const m = material[name]!;
      const imported = await certificates.importCertificate(
        `ec-${name}`,
        Buffer.from(`${m.keyPem}${m.leafPem}${m.caPem}`),
        { policy: { contentType: 'application/x-pem-file' } },
      );
      const leaf = new X509Certificate(m.leafPem);
      assert.equal(
        Buffer.from(imported.properties.x509Thumbprint!).toString('hex'),
        leaf.fingerprint.replaceAll(':', '').toLowerCase(),
      );
      const policy = await certificates.getCertificatePolicy(`ec-${name}`);
      assert.deepEqual([policy.keyType, policy.keyCurveName], ['EC', curve]);
      // What the converter does after every import: replace the policy, keeping the EC key.
      await certificates.updateCertificatePolicy(`ec-${name}`, {
        ...policy,
        issuerName: 'Unknown',
        lifetimeActions: [],
      });
      const updated = await certificates.getCertificatePolicy(`ec-${name}`);
      assert.deepEqual(
        [updated.keyType, updated.keyCurveName, updated.issuerName],
        ['EC', curve, 'Unknown'],
      );

      const secret = await secrets.getSecret(`ec-${name}`);
      assert.equal(secret.properties.contentType, 'application/x-pem-file');
      const chain = [...secret.value!.matchAll(PEM_CERTIFICATE)].map(
        (c) => new X509Certificate(c[0]),
      );
      assert.deepEqual(
        chain.map((c) => c.fingerprint256),
        [leaf.fingerprint256, new X509Certificate(m.caPem).fingerprint256],
        'leaf first, then the CA',
      );
      assert.ok(
        chain[0]!.checkPrivateKey(createPrivateKey(secret.value!)),
        'the key is the leaf’s',
      );
    }
  });

  it('imports an EC PFX and serves it back as a PFX that OpenSSL opens with the empty password', async () => {
    const m = material.p256!;
    await certificates.importCertificate('ec-pfx', Buffer.from(m.pfxBase64, 'base64'));
    const secret = await secrets.getSecret('ec-pfx');
    assert.equal(secret.properties.contentType, 'application/x-pkcs12');
    // OpenSSL accepts a PFX only when its key matches its certificate.
    createSecureContext({ pfx: Buffer.from(secret.value!, 'base64'), passphrase: '' });
    const key = await certificates.getCertificate('ec-pfx');
    assert.equal(
      Buffer.from(key.properties.x509Thumbprint!).toString('hex'),
      new X509Certificate(m.leafPem).fingerprint.replaceAll(':', '').toLowerCase(),
    );
  });
});
