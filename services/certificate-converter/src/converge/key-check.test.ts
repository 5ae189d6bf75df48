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

/** A PFX holding only the certificate, as Key Vault stores a non-exportable one. */
function pfxWithoutKey(certificatePem: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'akv-nokey-'));
  try {
    writeFileSync(join(dir, 'leaf.pem'), certificatePem);
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-nokeys',
      '-in',
      join(dir, 'leaf.pem'),
      '-passout',
      'pass:',
      '-certpbe',
      'PBE-SHA1-3DES',
      '-macalg',
      'sha1',
      '-out',
      join(dir, 'out.pfx'),
    ]);
    return readFileSync(join(dir, 'out.pfx')).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
});
