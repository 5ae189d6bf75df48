import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadOrCreateCertificateAuthority, CA_KEY_FILE } from './persistent-ca';

describe('loadOrCreateCertificateAuthority', () => {
  it('saves a new CA in the state directory and reuses it on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kv-ca-'));
    try {
      const first = await loadOrCreateCertificateAuthority(dir, undefined);
      assert.equal(statSync(join(dir, CA_KEY_FILE)).mode & 0o777, 0o600);
      const second = await loadOrCreateCertificateAuthority(dir, undefined);
      assert.equal(second.certPem, first.certPem);
      // A server certificate issued by the reloaded CA verifies against the first CA.
      const server = new X509Certificate(second.issueServerCertificate().cert);
      assert.ok(server.verify(new X509Certificate(first.certPem).publicKey));
      assert.ok(server.checkIP('127.0.0.1'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates a fresh CA when no state directory is given', async () => {
    const a = await loadOrCreateCertificateAuthority(undefined, undefined);
    const b = await loadOrCreateCertificateAuthority(undefined, undefined);
    assert.notEqual(a.certPem, b.certPem);
    assert.ok(new X509Certificate(a.certPem).ca);
  });
});
