import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestCertificate, type TestCertificate } from '../testing/test-certificates';
import {
  CertificateMaterialError,
  readCertificateMaterial,
  thumbprintOf,
} from './certificate-material';

const fixtures: Record<string, TestCertificate> = {};
before(() => {
  fixtures.rsaPfxChain = createTestCertificate({
    subject: 'CN=rsa',
    format: 'pfx',
    withChain: true,
  });
  fixtures.ecPfx = createTestCertificate({ subject: 'CN=ec', keyType: 'EC', format: 'pfx' });
  fixtures.ecPemChain = createTestCertificate({
    subject: 'CN=ec-pem',
    keyType: 'EC',
    format: 'pem',
    withChain: true,
  });
  fixtures.lockedPfx = createTestCertificate({
    subject: 'CN=locked',
    format: 'pfx',
    password: 'pw',
  });
  fixtures.lockedPem = createTestCertificate({
    subject: 'CN=locked-pem',
    keyType: 'EC',
    format: 'pem',
    password: 'pw',
  });
});

const problemOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof CertificateMaterialError ? error.problem : `other: ${String(error)}`;
  }
  return 'none';
};

describe('readCertificateMaterial', () => {
  for (const [label, key, type] of [
    ['RSA PFX with its CA', 'rsaPfxChain', 'rsa'],
    ['EC PFX (forge hands EC back as raw ASN.1)', 'ecPfx', 'ec'],
    ['EC PEM with its CA', 'ecPemChain', 'ec'],
  ] as const) {
    it(`reads ${label}: leaf first, its key matching it`, () => {
      const fixture = fixtures[key]!;
      const material = readCertificateMaterial(fixture.value, fixture.contentType);
      assert.equal(material.privateKey?.asymmetricKeyType, type);
      assert.equal(thumbprintOf(material.chain[0]!), fixture.x5t);
      assert.ok(material.chain[0]!.checkPrivateKey(material.privateKey!));
      assert.equal(material.chain.length, fixture.caPem ? 2 : 1);
    });
  }

  it('reads a certificate without its key (a non-exportable certificate’s secret)', () => {
    const material = readCertificateMaterial(fixtures.ecPfx!.leafPem, 'application/x-pem-file');
    assert.equal(material.privateKey, undefined);
    assert.equal(thumbprintOf(material.chain[0]!), fixtures.ecPfx!.x5t);
  });

  it('names password-protected PFX and PEM, and opens them with the password', () => {
    for (const fixture of [fixtures.lockedPfx!, fixtures.lockedPem!]) {
      assert.equal(
        problemOf(() => readCertificateMaterial(fixture.value, fixture.contentType)),
        'password-protected',
      );
      assert.ok(readCertificateMaterial(fixture.value, fixture.contentType, 'pw').privateKey);
    }
  });

  it('names unreadable material', () => {
    assert.equal(
      problemOf(() => readCertificateMaterial('bm90IGEgcGZ4', 'application/x-pkcs12')),
      'unreadable',
    );
    assert.equal(
      problemOf(() =>
        readCertificateMaterial(
          '-----BEGIN NOTHING-----\n-----END NOTHING-----',
          'application/x-pem-file',
        ),
      ),
      'unreadable',
    );
  });
});
