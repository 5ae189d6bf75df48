import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { CertificateClient } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import forge from 'node-forge';
import { ManualClock, startEmulator, StaticTokenCredential, type KeyVaultEmulator } from '../index';
import { rawRequest } from '../testing/raw-request';
import { WebhookReceiver } from '../testing/webhook-receiver';
import { createSelfSigned } from './x509';

const POLL = { intervalInMs: 10 };

function pfxOf(subject: string, password: string): { bytes: Uint8Array; thumbprint: string } {
  const material = createSelfSigned({
    subject,
    dnsNames: [],
    validityMonths: 3,
    keySize: 2048,
    nowMs: Date.now(),
  });
  const key = forge.pki.privateKeyFromPem(material.privateKeyPem!);
  const der = forge.asn1
    .toDer(
      forge.pkcs12.toPkcs12Asn1(
        key,
        material.chain.map((c) => forge.pki.certificateFromPem(c.toString())),
        password,
        { algorithm: '3des' },
      ),
    )
    .getBytes();
  const certDer = material.chain[0]!.raw;
  return {
    bytes: Buffer.from(der, 'binary'),
    thumbprint: createHash('sha1').update(certDer).digest('base64url'),
  };
}

function pemOf(subject: string): Uint8Array {
  const material = createSelfSigned({
    subject,
    dnsNames: [],
    validityMonths: 3,
    keySize: 2048,
    nowMs: Date.now(),
  });
  return Buffer.from(`${material.privateKeyPem}${material.chain[0]!.toString()}`);
}

describe('certificates through @azure/keyvault-certificates over HTTPS', () => {
  let emulator: KeyVaultEmulator;
  let certificates: CertificateClient;
  let secrets: SecretClient;
  let receiver: WebhookReceiver;

  before(async () => {
    // Instant deletes: the delays themselves are tested in lifecycle/async-lifecycle.int.test.ts.
    emulator = await startEmulator({ vaults: [{ name: 'kv-certs' }], lifecycleDelayMs: 0 });
    const options = { ...emulator.clientOptions(), retryOptions: { maxRetries: 0 } };
    certificates = new CertificateClient(
      emulator.vaultUrl('kv-certs'),
      new StaticTokenCredential(),
      options,
    );
    secrets = new SecretClient(emulator.vaultUrl('kv-certs'), new StaticTokenCredential(), options);
    receiver = await WebhookReceiver.start();
    await emulator.eventGrid.subscribe({
      name: 'certs',
      vault: 'kv-certs',
      endpoint: receiver.url(),
    });
  });
  after(async () => {
    await emulator.stop();
    await receiver.stop();
  });

  it('creates a self-signed certificate through the SDK poller, with X.509-derived attributes and a PFX backing secret', async () => {
    const poller = await certificates.beginCreateCertificate(
      'web',
      {
        issuerName: 'Self',
        subject: 'CN=web.example.test',
        subjectAlternativeNames: { dnsNames: ['web.example.test'] },
        validityInMonths: 6,
      },
      POLL,
    );
    const certificate = await poller.pollUntilDone();
    const base = emulator.vaultUrl('kv-certs');
    assert.match(certificate.properties.id!, new RegExp(`^${base}/certificates/web/[0-9a-f]{32}$`));
    const version = certificate.properties.version!;
    assert.equal(certificate.keyId, `${base}/keys/web/${version}`);
    assert.equal(certificate.secretId, `${base}/secrets/web/${version}`);
    const x509 = new X509Certificate(Buffer.from(certificate.cer!));
    assert.match(x509.subject, /CN=web\.example\.test/);
    assert.match(x509.subjectAltName ?? '', /DNS:web\.example\.test/);
    assert.equal(
      certificate.properties.expiresOn?.getTime(),
      Math.floor(new Date(x509.validTo).getTime() / 1000) * 1000,
    );
    assert.equal(
      certificate.properties.notBefore?.getTime(),
      Math.floor(new Date(x509.validFrom).getTime() / 1000) * 1000,
    );
    assert.equal(
      Buffer.from(certificate.properties.x509Thumbprint!).toString('hex'),
      createHash('sha1').update(x509.raw).digest('hex'),
    );
    assert.equal(certificate.policy?.subject, 'CN=web.example.test');

    const secret = await secrets.getSecret('web');
    assert.equal(secret.properties.contentType, 'application/x-pkcs12');
    assert.equal(secret.properties.managed, true);
    assert.equal(secret.properties.certificateKeyId, certificate.keyId);
    assert.equal(secret.properties.version, version);
    createSecureContext({ pfx: Buffer.from(secret.value!, 'base64'), passphrase: '' }); // a usable PFX with its key
    const key = await rawRequest(`${base}/keys/web/?api-version=7.5`, {
      ca: emulator.ca,
      token: 't',
    });
    assert.equal((key.body as { key: { kid: string } }).key.kid, certificate.keyId);
    await assert.rejects(
      secrets.setSecret('web', 'x'),
      { statusCode: 403, code: 'Forbidden' },
      'a managed secret cannot be overwritten',
    );
    await assert.rejects(
      secrets.beginDeleteSecret('web'),
      { statusCode: 403, code: 'Forbidden' },
      'nor deleted through the secrets API',
    );
  });

  it('imports a password-protected PFX', async () => {
    const { bytes, thumbprint } = pfxOf('CN=imported-pfx', 's3cret');
    const imported = await certificates.importCertificate('from-pfx', bytes, {
      password: 's3cret',
      tags: { source: 'pfx' },
    });
    assert.equal(
      Buffer.from(imported.properties.x509Thumbprint!).toString('base64url'),
      thumbprint,
    );
    assert.deepEqual(imported.properties.tags, { source: 'pfx' });
    assert.equal(imported.policy?.issuerName, 'Unknown');
    assert.equal(imported.policy?.subject, 'CN=imported-pfx');
    const secret = await secrets.getSecret('from-pfx');
    assert.equal(secret.properties.contentType, 'application/x-pkcs12');
    createSecureContext({ pfx: Buffer.from(secret.value!, 'base64'), passphrase: '' });
    await assert.rejects(certificates.importCertificate('bad-pfx', bytes, { password: 'wrong' }), {
      statusCode: 400,
      code: 'BadParameter',
    });
  });

  it('answers GET /certificates/NAME without the trailing slash with the latest version', async () => {
    const latest = await certificates.getCertificate('from-pfx');
    const response = await rawRequest(
      `${emulator.vaultUrl('kv-certs')}/certificates/from-pfx?api-version=7.5`,
      { ca: emulator.ca, token: 't' },
    );
    assert.equal(response.status, 200);
    assert.equal((response.body as { id: string }).id, latest.properties.id);
  });

  it('imports PEM recognised by content and keeps it PEM in the backing secret', async () => {
    const imported = await certificates.importCertificate('from-pem', pemOf('CN=imported-pem'));
    assert.equal(imported.policy?.contentType, 'application/x-pem-file');
    const secret = await secrets.getSecret('from-pem');
    assert.equal(secret.properties.contentType, 'application/x-pem-file');
    assert.match(secret.value!, /-----BEGIN PRIVATE KEY-----/);
    assert.match(secret.value!, /-----BEGIN CERTIFICATE-----/);
  });

  it('leaves the private key out of the backing secret when the key is not exportable', async () => {
    await (
      await certificates.beginCreateCertificate(
        'sealed',
        {
          issuerName: 'Self',
          subject: 'CN=sealed',
          exportable: false,
          contentType: 'application/x-pem-file',
        },
        POLL,
      )
    ).pollUntilDone();
    const secret = await secrets.getSecret('sealed');
    assert.doesNotMatch(secret.value!, /PRIVATE KEY/);
    assert.match(secret.value!, /-----BEGIN CERTIFICATE-----/);
  });

  it('lists certificates and versions, gets and updates the policy and properties', async () => {
    await certificates.importCertificate('from-pfx', pfxOf('CN=imported-pfx-2', '').bytes);
    const versions = [];
    for await (const item of certificates.listPropertiesOfCertificateVersions('from-pfx'))
      versions.push(item.version);
    assert.equal(versions.length, 2);
    const names = [];
    for await (const item of certificates.listPropertiesOfCertificates()) names.push(item.name);
    assert.deepEqual(names.sort(), ['from-pem', 'from-pfx', 'sealed', 'web']);

    const policy = await certificates.getCertificatePolicy('web');
    assert.equal(policy.validityInMonths, 6);
    await certificates.updateCertificatePolicy('web', { ...policy, validityInMonths: 24 });
    assert.equal((await certificates.getCertificatePolicy('web')).validityInMonths, 24);

    const updated = await certificates.updateCertificateProperties('web', '', {
      tags: { owner: 'ops' },
      enabled: false,
    });
    assert.deepEqual(updated.properties.tags, { owner: 'ops' });
    await assert.rejects(
      secrets.getSecret('web'),
      { statusCode: 403 },
      'the backing secret follows the certificate',
    );
  });

  it('answers 404 CertificateNotFound when deleting, recovering or purging an unknown name', async () => {
    await assert.rejects(certificates.beginDeleteCertificate('never-was', POLL), {
      statusCode: 404,
      code: 'CertificateNotFound',
    });
    await assert.rejects(certificates.beginRecoverDeletedCertificate('never-was', POLL), {
      statusCode: 404,
      code: 'CertificateNotFound',
    });
    await assert.rejects(certificates.purgeDeletedCertificate('never-was'), {
      statusCode: 404,
      code: 'CertificateNotFound',
    });
  });

  it('soft-deletes, recovers and purges the certificate together with its secret and key', async () => {
    const deleted = await (
      await certificates.beginDeleteCertificate('from-pem', POLL)
    ).pollUntilDone();
    assert.equal(
      deleted.recoveryId,
      `${emulator.vaultUrl('kv-certs')}/deletedcertificates/from-pem`,
    );
    await assert.rejects(secrets.getSecret('from-pem'), { statusCode: 404 });
    const deletedNames = [];
    for await (const item of certificates.listDeletedCertificates()) deletedNames.push(item.name);
    assert.deepEqual(deletedNames, ['from-pem']);
    await assert.rejects(certificates.importCertificate('from-pem', pemOf('CN=again')), {
      statusCode: 409,
    });
    await (await certificates.beginRecoverDeletedCertificate('from-pem', POLL)).pollUntilDone();
    assert.match((await secrets.getSecret('from-pem')).value!, /CERTIFICATE/);

    await (await certificates.beginDeleteCertificate('from-pem', POLL)).pollUntilDone();
    await certificates.purgeDeletedCertificate('from-pem');
    await assert.rejects(certificates.getDeletedCertificate('from-pem'), { statusCode: 404 });
    await assert.rejects(secrets.getDeletedSecret('from-pem'), { statusCode: 404 });
    await certificates.importCertificate('from-pem', pemOf('CN=again'));
  });

  it('publishes CertificateNewVersionCreated (with the backing Key and Secret events) for each new version', async () => {
    await emulator.eventGrid.idle();
    const types = receiver
      .notifications()
      .map((n) => (JSON.parse(n.body) as [{ eventType: string; subject: string }])[0])
      .filter((e) => e.subject === 'web')
      .map((e) => e.eventType)
      .sort();
    assert.deepEqual(types, [
      'Microsoft.KeyVault.CertificateNewVersionCreated',
      'Microsoft.KeyVault.KeyNewVersionCreated',
      'Microsoft.KeyVault.SecretNewVersionCreated',
    ]);
  });

  // Key Vault publishes CertificateNearExpiry 30 days before expiry
  // (https://learn.microsoft.com/azure/event-grid/event-schema-key-vault#available-event-types).
  // `validityInMonths` is a calendar month (28–31 days), so the test moves an injected clock to
  // a point computed from the certificate's own expiry instead of relying on today's month.
  it('publishes NearExpiry for a certificate and its backing key and secret from 30 days before expiry, not before', async () => {
    const clock = new ManualClock(Date.now());
    const timed = await startEmulator({ vaults: [{ name: 'kv-expiry' }], clock });
    const timedReceiver = await WebhookReceiver.start();
    try {
      await timed.eventGrid.subscribe({
        name: 'expiry',
        vault: 'kv-expiry',
        endpoint: timedReceiver.url(),
      });
      const client = new CertificateClient(
        timed.vaultUrl('kv-expiry'),
        new StaticTokenCredential(),
        {
          ...timed.clientOptions(),
          retryOptions: { maxRetries: 0 },
        },
      );
      const created = await (
        await client.beginCreateCertificate(
          'short-lived',
          { issuerName: 'Self', subject: 'CN=short', validityInMonths: 1 },
          POLL,
        )
      ).pollUntilDone();
      const expiresMs = created.properties.expiresOn!.getTime();
      const day = 24 * 60 * 60 * 1000;

      clock.set(expiresMs - 30 * day - 60_000);
      assert.equal(timed.checkExpiry(), 0, 'a minute before the 30-day window: nothing');
      clock.set(expiresMs - 30 * day + 60_000);
      assert.equal(timed.checkExpiry(), 3, 'inside the window: certificate, key and secret');
      assert.equal(timed.checkExpiry(), 0, 'published once per version');
      await timed.eventGrid.idle();
      const types = timedReceiver
        .notifications()
        .map((n) => (JSON.parse(n.body) as [{ eventType: string; subject: string }])[0])
        .filter((e) => e.subject === 'short-lived' && e.eventType.endsWith('NearExpiry'))
        .map((e) => e.eventType)
        .sort();
      assert.deepEqual(types, [
        'Microsoft.KeyVault.CertificateNearExpiry',
        'Microsoft.KeyVault.KeyNearExpiry',
        'Microsoft.KeyVault.SecretNearExpiry',
      ]);
    } finally {
      await timed.stop();
      await timedReceiver.stop();
    }
  });
});
