import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryCertificateStore, PEM_CONTENT_TYPE } from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import { KUBERNETES_SECRET_TAG, pushTlsSecret, type TlsSecret } from './push-tls-secret';
import { removePushedCertificate, type RemoveOptions } from './remove-pushed-certificate';

// Every dry-run decision is checked twice: the dry run writes nothing and names the action, then
// the real push on the same state does that action (and the write counter sees it).
const b64 = (text: string) => Buffer.from(text).toString('base64');
const keyOf = (pem: string) => pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----'));
const tlsSecret = (name: string, cert: TestCertificate): TlsSecret => ({
  namespace: 'shop',
  name,
  annotations: {},
  data: { 'tls.key': b64(keyOf(cert.value)), 'tls.crt': b64(cert.leafPem) },
});
const writes = (kv: MemoryCertificateStore) =>
  kv.requestCount('import', 'update', 'updatePolicy', 'delete', 'recover');
/** Imports as an earlier push would have, but with Key Vault's auto-renewing default policy. */
const pushedEarlier = (kv: MemoryCertificateStore, name: string, cert: TestCertificate) =>
  kv.importCertificate(`shop--${name}`, {
    value: cert.value,
    contentType: PEM_CONTENT_TYPE,
    enabled: true,
    tags: { [KUBERNETES_SECRET_TAG]: `shop/${name}` },
  });

const certs: Record<string, TestCertificate> = {};
before(() => {
  certs.first = createTestCertificate({ subject: 'CN=shop', format: 'pem' });
  certs.renewed = createTestCertificate({ subject: 'CN=shop', keyType: 'EC', format: 'pem' });
});

describe('pushTlsSecret in dry run', () => {
  it('would create, update or drop AutoRenew, writing nothing; the real push then does it', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    await pushedEarlier(kv, 'renewed-tls', certs.first!);
    await pushedEarlier(kv, 'policy-tls', certs.first!);
    const before = writes(kv);
    const plan = async (name: string, cert: TestCertificate, dryRun: boolean) => {
      const result = await pushTlsSecret(tlsSecret(name, cert), kv, { dryRun });
      return [result.status, result.action, result.reason];
    };
    assert.deepEqual(await plan('new-tls', certs.first!, true), [
      'success',
      'would-create',
      'dry run: would create shop/new-tls → kv-src/shop--new-tls (policy without AutoRenew)',
    ]);
    assert.deepEqual(await plan('renewed-tls', certs.renewed!, true), [
      'success',
      'would-update',
      'dry run: would update shop/renewed-tls → kv-src/shop--renewed-tls (policy without AutoRenew)',
    ]);
    assert.deepEqual(await plan('policy-tls', certs.first!, true), [
      'success',
      'would-update-properties',
      'dry run: would update properties shop/policy-tls → kv-src/shop--policy-tls (its policy without AutoRenew: cert-manager renews)',
    ]);
    assert.equal(writes(kv), before, 'the dry run wrote nothing');
    await assert.rejects(kv.getCertificate('shop--new-tls'));

    assert.equal((await plan('new-tls', certs.first!, false))[1], 'created');
    assert.equal((await plan('renewed-tls', certs.renewed!, false))[1], 'updated');
    assert.equal((await plan('policy-tls', certs.first!, false))[1], 'properties-updated');
    assert.equal(writes(kv) - before, 5, 'two imports, three policy updates');
  });

  it('says an import into a soft-deleted name would fail, as the real push does', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    await pushedEarlier(kv, 'web-tls', certs.first!);
    kv.softDelete('shop--web-tls');
    const before = writes(kv);
    const dry = await pushTlsSecret(tlsSecret('web-tls', certs.renewed!), kv, { dryRun: true });
    assert.deepEqual(
      [dry.status, dry.code, dry.reason],
      [
        'failure',
        'ObjectIsDeletedButRecoverable',
        'dry run: would fail to import shop/web-tls → kv-src/shop--web-tls: the name is soft-deleted in kv-src; recover or purge it there',
      ],
    );
    assert.equal(writes(kv), before);
    await assert.rejects(pushTlsSecret(tlsSecret('web-tls', certs.renewed!), kv), (error) => {
      assert.equal((error as { code?: string }).code, 'ObjectIsDeletedButRecoverable');
      return true;
    });
  });
});

describe('removePushedCertificate', () => {
  const options = (over: Partial<RemoveOptions>): RemoveOptions => ({
    onDelete: 'keep',
    namePrefix: '',
    dryRun: false,
    beforeWrite: () => {},
    ...over,
  });
  const secret = { namespace: 'shop', name: 'web-tls' };

  it('would disable or soft-delete the certificate of a deleted Secret, writing nothing', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    await pushedEarlier(kv, 'web-tls', certs.first!);
    const before = writes(kv);
    const disable = await removePushedCertificate(
      secret,
      kv,
      options({ onDelete: 'disable', dryRun: true }),
    );
    assert.deepEqual(
      [disable.action, disable.reason],
      ['would-disable', 'dry run: would disable kv-src/shop--web-tls (shop/web-tls was deleted)'],
    );
    const remove = await removePushedCertificate(
      secret,
      kv,
      options({ onDelete: 'delete', dryRun: true }),
    );
    assert.deepEqual(
      [remove.action, remove.reason],
      [
        'would-delete',
        'dry run: would delete kv-src/shop--web-tls (soft delete; shop/web-tls was deleted)',
      ],
    );
    assert.equal(writes(kv), before);
    assert.equal((await kv.getCertificate('shop--web-tls')).enabled, true);

    const disabled = await removePushedCertificate(secret, kv, options({ onDelete: 'disable' }));
    assert.equal(disabled.action, 'disabled');
    assert.equal((await kv.getCertificate('shop--web-tls')).enabled, false);
    const deleted = await removePushedCertificate(secret, kv, options({ onDelete: 'delete' }));
    assert.equal(deleted.action, 'deleted');
    assert.equal(writes(kv) - before, 2);
  });

  it('keeps, and never touches a certificate another Secret made, in either mode', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    await kv.importCertificate('shop--web-tls', {
      value: certs.first!.value,
      contentType: PEM_CONTENT_TYPE,
      enabled: true,
      tags: { [KUBERNETES_SECRET_TAG]: 'other/web-tls' },
    });
    for (const dryRun of [true, false]) {
      const kept = await removePushedCertificate(secret, kv, options({ dryRun }));
      assert.equal(
        kept.reason,
        'shop/web-tls was deleted; kv-src/shop--web-tls is kept (onDelete: keep)',
      );
      const foreign = await removePushedCertificate(
        secret,
        kv,
        options({ onDelete: 'delete', dryRun }),
      );
      assert.deepEqual([foreign.status, foreign.code], ['warning', 'CertificateNotOwned']);
    }
    assert.equal(kv.requestCount('import'), 1);
    assert.equal(writes(kv), 1);
  });
});
