import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CertificateClient } from '@azure/keyvault-certificates';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { isVaultError } from '../errors';
import { createSecretStoreProvider } from '../azure/secret-store-provider';
import { VaultPacers } from '../pacing/vault-pacers';
import { createCertificateStoreProvider } from './certificate-store-provider';
import { PEM_CONTENT_TYPE, PKCS12_CONTENT_TYPE } from './certificate-model';
import { readCertificateMaterial } from './certificate-material';
import { createTestCertificate } from '../testing/test-certificates';

const LIMITS = { transactionsPerWindow: 4000, createsPerWindow: 300, utilization: 1 };

describe('AzureCertificateStore against the emulator (unmodified SDK, HTTPS)', () => {
  let emulator: KeyVaultEmulator;
  let pacers: VaultPacers;
  const credential = new StaticTokenCredential();
  const stores = () =>
    createCertificateStoreProvider({
      credentialFor: () => credential,
      clientOptions: { ...emulator.clientOptions(), retryOptions: { maxRetries: 0 } },
      pacers,
      uriFor: (name) => emulator.vaultUrl(name),
    });

  before(async () => {
    emulator = await startEmulator({ vaults: [{ name: 'kv-certs' }] });
    pacers = new VaultPacers(LIMITS);
  });
  after(async () => emulator?.stop());

  it('imports PFX and PEM, reads thumbprint, policy and backing secret, and lists without key material', async () => {
    const store = stores()({ name: 'kv-certs' });
    const pfx = createTestCertificate({ subject: 'CN=pfx', format: 'pfx' });
    const pem = createTestCertificate({ subject: 'CN=pem', format: 'pem', withChain: true });
    const imported = await store.importCertificate('pfx', {
      value: pfx.value,
      contentType: PKCS12_CONTENT_TYPE,
      enabled: true,
      tags: { a: '1' },
    });
    assert.equal(imported.x5t, pfx.x5t);
    await store.importCertificate('pem', {
      value: pem.value,
      contentType: PEM_CONTENT_TYPE,
      enabled: true,
      tags: {},
    });
    const read = await store.getCertificate('pem');
    assert.equal(read.x5t, pem.x5t);
    assert.equal(read.policy.contentType, PEM_CONTENT_TYPE);
    const secret = await store.getCertificateSecret('pem', read.version);
    assert.equal(secret.contentType, PEM_CONTENT_TYPE);
    assert.equal(readCertificateMaterial(secret.value, secret.contentType).chain.length, 2);
    const items = [];
    for await (const item of store.listCertificates()) items.push(item);
    assert.deepEqual(items.map((i) => [i.name, i.x5t]).sort(), [
      ['pem', pem.x5t],
      ['pfx', pfx.x5t],
    ]);
    assert.ok(items.every((i) => !('cer' in i) && !('value' in i)));
  });

  it('updates the policy the SDK dropped on import (no AutoRenew) and reads it back', async () => {
    const store = stores()({ name: 'kv-certs' });
    const before = await store.getPolicy('pfx');
    assert.ok(
      before.lifetimeActions.some((a) => a.action === 'AutoRenew'),
      'an import alone auto-renews',
    );
    await store.updatePolicy('pfx', {
      ...before,
      issuerName: 'Unknown',
      subject: 'CN=pfx',
      subjectAlternativeNames: { dnsNames: ['pfx.test'] },
      lifetimeActions: [{ action: 'EmailContacts', daysBeforeExpiry: 20 }],
    });
    const after = await store.getPolicy('pfx');
    assert.deepEqual(after.lifetimeActions, [
      { action: 'EmailContacts', daysBeforeExpiry: 20, lifetimePercentage: undefined },
    ]);
    assert.deepEqual(
      [after.issuerName, after.subjectAlternativeNames?.dnsNames],
      ['Unknown', ['pfx.test']],
    );
    const sdkView = await new CertificateClient(
      emulator.vaultUrl('kv-certs'),
      credential,
      emulator.clientOptions(),
    ).getCertificatePolicy('pfx');
    assert.deepEqual(
      sdkView.lifetimeActions?.map((a) => a.action),
      ['EmailContacts'],
    );
  });

  it('translates not-found, disabled and deleted-recoverable; soft-deletes and recovers a certificate', async () => {
    const store = stores()({ name: 'kv-certs' });
    await assert.rejects(store.getCertificate('nope'), (e: unknown) =>
      isVaultError(e, 'not-found'),
    );
    const current = await store.getCertificate('pfx');
    await store.updateProperties('pfx', current.version, { enabled: false, tags: current.tags });
    await assert.rejects(store.getCertificateSecret('pfx'), (e: unknown) =>
      isVaultError(e, 'disabled'),
    );
    await store.deleteCertificate('pem');
    await assert.rejects(store.getCertificate('pem'), (e: unknown) => isVaultError(e, 'not-found'));
    const again = createTestCertificate({ subject: 'CN=pem', format: 'pem' });
    await assert.rejects(
      store.importCertificate('pem', {
        value: again.value,
        contentType: PEM_CONTENT_TYPE,
        enabled: true,
        tags: {},
      }),
      (e: unknown) => isVaultError(e, 'deleted-recoverable'),
    );
    await store.recoverDeletedCertificate('pem');
    assert.equal((await store.getCertificate('pem')).name, 'pem');
  });

  it('shares one pacer per vault between secret and certificate stores', async () => {
    const shared = new VaultPacers(LIMITS);
    const options = {
      credentialFor: () => credential,
      clientOptions: emulator.clientOptions(),
      uriFor: (name: string) => emulator.vaultUrl(name),
    };
    const certificates = createCertificateStoreProvider({ ...options, pacers: shared })({
      name: 'kv-certs',
    });
    const secrets = createSecretStoreProvider({ ...options, limits: LIMITS, pacers: shared })({
      name: 'kv-certs',
    });
    await certificates.getCertificate('pem');
    await secrets.getLatestProperties('pem');
    // Two requests, each the first of its own SDK client and so preceded by its challenge.
    assert.equal(
      shared.for('kv-certs', emulator.vaultUrl('kv-certs').toUpperCase()).stats.requests,
      4,
    );
  });
});
