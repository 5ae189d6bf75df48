import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CertificateMaterialError,
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
} from '@akv-replicator/keyvault';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import { hasExportableKey } from './key-check';

/** `pem` (a certificate, with or without its key) exported as base64 PFX with the empty password. */
function exportPfx(pem: string, protection: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'akv-pfx-'));
  try {
    writeFileSync(join(dir, 'in.pem'), pem);
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      join(dir, 'in.pem'),
      '-passout',
      'pass:',
      ...protection,
      '-out',
      join(dir, 'out.pfx'),
    ]);
    return readFileSync(join(dir, 'out.pfx')).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A PFX holding only the certificate, as Key Vault stores a non-exportable one. */
const pfxWithoutKey = (certificatePem: string) =>
  exportPfx(certificatePem, ['-nokeys', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);

describe('hasExportableKey', () => {
  it('says yes for PFX (RSA, EC) and PEM with their key, no without one', () => {
    for (const keyType of ['RSA', 'EC'] as const) {
      const pfx = createTestCertificate({ subject: 'CN=k', keyType, format: 'pfx' });
      assert.equal(hasExportableKey(pfx.value, PKCS12_CONTENT_TYPE), true);
      assert.equal(hasExportableKey(pfxWithoutKey(pfx.leafPem), PKCS12_CONTENT_TYPE), false);
    }
    const pem = createTestCertificate({ subject: 'CN=k', keyType: 'EC', format: 'pem' });
    assert.equal(hasExportableKey(pem.value, PEM_CONTENT_TYPE), true);
    assert.equal(hasExportableKey(pem.leafPem, PEM_CONTENT_TYPE), false);
  });

  it('names password-protected PFX instead of answering', () => {
    const locked = createTestCertificate({
      subject: 'CN=k',
      keyType: 'EC',
      format: 'pfx',
      password: 'x',
    });
    assert.throws(
      () => hasExportableKey(locked.value, PKCS12_CONTENT_TYPE),
      (e: unknown) => e instanceof CertificateMaterialError && e.problem === 'password-protected',
    );
  });

  it('says yes for a PFX OpenSSL opens with the empty password, also in protections node-forge cannot read', () => {
    // Camellia encryption and a SHA-224 MAC are valid PKCS#12 that node-forge refuses as
    // unreadable; the certificate is still replicable, so it must not be skipped as unreadable.
    const pem = createTestCertificate({ subject: 'CN=k', keyType: 'EC', format: 'pem' });
    for (const protection of [
      ['-keypbe', 'CAMELLIA-256-CBC', '-certpbe', 'CAMELLIA-256-CBC'],
      ['-macalg', 'sha224'],
    ]) {
      const pfx = exportPfx(pem.value, protection);
      assert.equal(hasExportableKey(pfx, PKCS12_CONTENT_TYPE), true, protection.join(' '));
    }
  });

  it('reads material as its content type says: PFX bytes labelled PEM are unreadable, not a key', () => {
    // The import sends the same content type, so the check must not approve what it would refuse.
    const pfx = createTestCertificate({ subject: 'CN=k', keyType: 'EC', format: 'pfx' });
    assert.throws(
      () => hasExportableKey(pfx.value, PEM_CONTENT_TYPE),
      (e: unknown) => e instanceof CertificateMaterialError && e.problem === 'unreadable',
    );
  });
});
