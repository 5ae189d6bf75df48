import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import forge from 'node-forge';
import { isServiceError } from '../errors';
import {
  addUtcMonths,
  createSelfSigned,
  parseImportedCertificate,
  secretValueOf,
  subjectOf,
  thumbprintOf,
  derOf,
} from './x509';

const material = createSelfSigned({
  subject: 'CN=unit.test, O=Emulator',
  dnsNames: ['unit.test'],
  validityMonths: 2,
  keySize: 2048,
  nowMs: Date.UTC(2030, 0, 15),
});

describe('x509 helpers', () => {
  it('creates a self-signed certificate with the policy subject, SAN and validity', () => {
    const cert = new X509Certificate(derOf(material.chain[0]!));
    assert.match(cert.subject, /CN=unit\.test/);
    assert.match(cert.subject, /O=Emulator/);
    assert.equal(cert.subjectAltName, 'DNS:unit.test');
    assert.equal(new Date(cert.validTo).toISOString(), '2030-03-15T00:00:00.000Z');
    assert.equal(subjectOf(material.chain[0]!), 'CN=unit.test, O=Emulator');
    assert.equal(thumbprintOf(derOf(material.chain[0]!)).length, 27, 'SHA-1 in base64url');
  });

  it('adds calendar months without overflowing short months (month ends, leap years, year end)', () => {
    const at = (iso: string) => new Date(iso).getTime();
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    assert.equal(iso(addUtcMonths(at('2027-01-31T12:00:00Z'), 1)), '2027-02-28');
    assert.equal(iso(addUtcMonths(at('2028-01-31T12:00:00Z'), 1)), '2028-02-29', 'leap year');
    assert.equal(iso(addUtcMonths(at('2026-12-31T23:59:00Z'), 1)), '2027-01-31', 'year end');
    assert.equal(iso(addUtcMonths(at('2027-03-31T00:00:00Z'), 1)), '2027-04-30');
    assert.equal(iso(addUtcMonths(at('2028-02-29T00:00:00Z'), 12)), '2029-02-28');
    assert.equal(iso(addUtcMonths(at('2026-12-06T07:00:00Z'), 24)), '2028-12-06');
  });

  it('round-trips PFX and PEM secret values through the import parser', () => {
    const pfx = secretValueOf(material, 'application/x-pkcs12', true);
    const fromPfx = parseImportedCertificate(pfx, '');
    assert.equal(fromPfx.isPem, false);
    assert.equal(subjectOf(fromPfx.material.chain[0]!), 'CN=unit.test, O=Emulator');
    const pem = secretValueOf(material, 'application/x-pem-file', true);
    assert.equal(parseImportedCertificate(pem, undefined).isPem, true);
    assert.equal(
      parseImportedCertificate(Buffer.from(pem).toString('base64'), undefined).isPem,
      true,
      'base64 of PEM is PEM',
    );
  });

  it('rejects a certificate without its key, garbage and a wrong password with BadParameter', () => {
    const certOnly = material.chain[0]!.toString();
    const badParameter = (e: unknown) => isServiceError(e) && e.code === 'BadParameter';
    assert.throws(() => parseImportedCertificate(certOnly, undefined), badParameter);
    assert.throws(() => parseImportedCertificate('bm90IGEgY2VydA==', undefined), badParameter);
    const locked = forge.util.encode64(
      forge.asn1
        .toDer(
          forge.pkcs12.toPkcs12Asn1(
            forge.pki.privateKeyFromPem(material.privateKeyPem!),
            material.chain.map((c) => forge.pki.certificateFromPem(c.toString())),
            'pw',
          ),
        )
        .getBytes(),
    );
    assert.throws(() => parseImportedCertificate(locked, 'nope'), badParameter);
    assert.equal(parseImportedCertificate(locked, 'pw').material.privateKeyPem !== undefined, true);
  });
});
