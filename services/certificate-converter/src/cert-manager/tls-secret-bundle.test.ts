import { before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createSecureContext } from 'node:tls';
import forge from 'node-forge';
import {
  CertificateMaterialError,
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
  readCertificateMaterial,
} from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import { bundleTlsSecret, type TlsSecretData } from './tls-secret-bundle';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const dataOf = (cert: TestCertificate): TlsSecretData => ({
  'tls.key': b64(cert.value.slice(0, cert.value.indexOf('-----BEGIN CERTIFICATE-----'))),
  'tls.crt': b64(`${cert.leafPem}${cert.caPem ?? ''}`),
  ...(cert.caPem ? { 'ca.crt': b64(cert.caPem) } : {}),
});

const certs: Record<string, TestCertificate> = {};
before(() => {
  certs.rsa = createTestCertificate({ subject: 'CN=pfx', format: 'pem', withChain: true });
  certs.ec = createTestCertificate({ subject: 'CN=ec', format: 'pem', keyType: 'EC' });
});

describe('bundleTlsSecret formats', () => {
  it('writes RSA material as a PFX with its chain that OpenSSL opens with the empty password', () => {
    const bundle = bundleTlsSecret(dataOf(certs.rsa!), 'PFX');
    assert.equal(bundle.contentType, PKCS12_CONTENT_TYPE);
    assert.equal(bundle.x5t, certs.rsa!.x5t);
    assert.equal(bundle.note, undefined);
    // OpenSSL accepts a PFX only when the key matches the certificate.
    createSecureContext({ pfx: Buffer.from(bundle.value, 'base64'), passphrase: '' });
    const material = readCertificateMaterial(bundle.value, PKCS12_CONTENT_TYPE);
    assert.equal(material.chain.length, 2, 'leaf and CA');
  });

  it('encodes the PFX only when its bytes are read (an import), once: a thumbprint check costs none', () => {
    const encode = mock.method(forge.pkcs12, 'toPkcs12Asn1');
    try {
      const bundle = bundleTlsSecret(dataOf(certs.rsa!), 'PFX');
      assert.equal(bundle.x5t, certs.rsa!.x5t);
      assert.equal(encode.mock.callCount(), 0);
      assert.equal(bundle.contentType, PKCS12_CONTENT_TYPE);
      assert.ok(bundle.value.length > 0);
      assert.equal(encode.mock.callCount(), 1);
    } finally {
      encode.mock.restore();
    }
  });

  it('refuses a certificate block that is not DER as unreadable material, not as a retryable failure', () => {
    const garbage = b64(
      '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    );
    for (const field of ['tls.crt', 'ca.crt'] as const)
      assert.throws(
        () => bundleTlsSecret({ ...dataOf(certs.rsa!), [field]: garbage }),
        (error: unknown) =>
          error instanceof CertificateMaterialError &&
          error.code === 'CertificateUnreadable' &&
          error.message.includes(field),
        field,
      );
  });

  it('keeps EC material as PEM when PFX is asked for, and says so', () => {
    const bundle = bundleTlsSecret(dataOf(certs.ec!), 'PFX');
    assert.equal(bundle.contentType, PEM_CONTENT_TYPE);
    assert.equal(bundle.x5t, certs.ec!.x5t);
    assert.match(bundle.note ?? '', /not RSA: imported as PEM/);
  });
});
