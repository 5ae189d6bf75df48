import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryCertificateStore, readCertificateMaterial } from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import { keyVaultNameFor } from './key-vault-name';
import { KUBERNETES_SECRET_TAG, pushTlsSecret, type TlsSecret } from './push-tls-secret';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const keyOf = (pem: string) => pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----'));

/** A cert-manager TLS Secret: tls.key, tls.crt (leaf + chain) and ca.crt. */
const tlsSecret = (namespace: string, name: string, cert: TestCertificate): TlsSecret => ({
  namespace,
  name,
  annotations: { 'cert-manager.io/certificate-name': `${name}-cert` },
  data: {
    'tls.key': b64(keyOf(cert.value)),
    'tls.crt': b64(`${cert.leafPem}${cert.caPem ?? ''}`),
    ...(cert.caPem ? { 'ca.crt': b64(cert.caPem) } : {}),
  },
});

const certs: Record<string, TestCertificate> = {};
before(() => {
  certs.first = createTestCertificate({ subject: 'CN=shop', format: 'pem', withChain: true });
  certs.renewed = createTestCertificate({ subject: 'CN=shop', keyType: 'EC', format: 'pem' });
  certs.other = createTestCertificate({ subject: 'CN=other', keyType: 'EC', format: 'pem' });
});

describe('pushTlsSecret (cert-manager → Key Vault)', () => {
  it('imports a TLS Secret with its chain once; a renewal becomes exactly one new version', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    const first = await pushTlsSecret(tlsSecret('shop', 'shop-tls', certs.first!), kv);
    assert.deepEqual([first.action, first.certificateName], ['created', 'shop--shop-tls']);
    const imported = await kv.getCertificate('shop--shop-tls');
    assert.equal(imported.x5t, certs.first!.x5t);
    assert.equal(imported.tags[KUBERNETES_SECRET_TAG], 'shop/shop-tls');
    assert.equal(imported.tags['cert-manager-certificate'], 'shop-tls-cert');
    const secret = await kv.getCertificateSecret('shop--shop-tls');
    const material = readCertificateMaterial(secret.value, secret.contentType);
    assert.equal(material.chain.length, 2, 'leaf and CA, the CA not duplicated');
    assert.ok(material.chain[0]!.checkPrivateKey(material.privateKey!));
    assert.ok(
      !(await kv.getPolicy('shop--shop-tls')).lifetimeActions.some((a) => a.action === 'AutoRenew'),
    );

    for (let i = 0; i < 2; i++)
      assert.equal(
        (await pushTlsSecret(tlsSecret('shop', 'shop-tls', certs.first!), kv)).action,
        'unchanged',
      );
    const renewal = await pushTlsSecret(tlsSecret('shop', 'shop-tls', certs.renewed!), kv);
    assert.equal(renewal.action, 'updated');
    assert.equal((await kv.getCertificate('shop--shop-tls')).x5t, certs.renewed!.x5t);
    assert.equal(kv.requestCount('import'), 2);
  });

  it('keeps the same Secret name in two namespaces apart, and never takes over a foreign certificate', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    const a = await pushTlsSecret(tlsSecret('team-a', 'web', certs.first!), kv);
    const b = await pushTlsSecret(tlsSecret('team-b', 'web', certs.other!), kv);
    assert.notEqual(a.certificateName, b.certificateName);
    assert.equal((await kv.getCertificate(b.certificateName)).x5t, certs.other!.x5t);
    await kv.importCertificate('hand--made', {
      value: certs.other!.value,
      contentType: certs.other!.contentType,
      enabled: true,
      tags: {},
    });
    const refused = await pushTlsSecret(tlsSecret('hand', 'made', certs.first!), kv);
    assert.deepEqual([refused.status, refused.code], ['warning', 'CertificateNotOwned']);
    assert.equal((await kv.getCertificate('hand--made')).x5t, certs.other!.x5t);
  });

  it('drops the auto-renew policy on the next push when the import landed but the policy update failed', async () => {
    let failPolicyUpdate = true;
    const kv = new (class extends MemoryCertificateStore {
      override async updatePolicy(...args: Parameters<MemoryCertificateStore['updatePolicy']>) {
        if (failPolicyUpdate) {
          failPolicyUpdate = false;
          throw new Error('Key Vault unavailable');
        }
        return super.updatePolicy(...args);
      }
    })('kv-src');
    const secret = tlsSecret('shop', 'shop-tls', certs.first!);
    await assert.rejects(pushTlsSecret(secret, kv), /Key Vault unavailable/);
    const autoRenews = async () =>
      (await kv.getPolicy('shop--shop-tls')).lifetimeActions.some((a) => a.action === 'AutoRenew');
    assert.ok(await autoRenews(), 'imported with Key Vault’s default policy');
    // The retry finds the thumbprint already imported: it must still converge the policy.
    const retried = await pushTlsSecret(secret, kv);
    assert.deepEqual(
      [retried.action, retried.reason],
      [
        'properties-updated',
        'updated shop/shop-tls → kv-src/shop--shop-tls (its policy without AutoRenew: cert-manager renews)',
      ],
    );
    assert.equal(await autoRenews(), false);
    assert.equal(kv.requestCount('import'), 1);
  });

  it('warns about a Secret whose key does not belong to its certificate, importing nothing', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    const broken = tlsSecret('shop', 'broken', certs.first!);
    const mixed: TlsSecret = {
      ...broken,
      data: { ...broken.data, 'tls.key': b64(keyOf(certs.other!.value)) },
    };
    const result = await pushTlsSecret(mixed, kv);
    assert.deepEqual([result.status, result.code], ['warning', 'CertificateUnreadable']);
    assert.equal(kv.requestCount('import'), 0);
  });
});

describe('keyVaultNameFor', () => {
  it('maps namespace and name to a stable, valid and unique Key Vault name', () => {
    assert.equal(keyVaultNameFor('shop', 'shop-tls'), 'shop--shop-tls');
    const dotted = keyVaultNameFor('shop', 'www.example.com');
    assert.match(dotted, /^[0-9a-zA-Z-]{1,127}$/);
    assert.notEqual(
      dotted,
      keyVaultNameFor('shop', 'www-example-com'),
      'no collision after cleaning',
    );
    assert.equal(dotted, keyVaultNameFor('shop', 'www.example.com'), 'stable');
    const long = keyVaultNameFor('n'.repeat(63), 's'.repeat(200));
    assert.ok(long.length <= 127);
    assert.notEqual(long, keyVaultNameFor('n'.repeat(63), `${'s'.repeat(199)}t`));
  });
});
