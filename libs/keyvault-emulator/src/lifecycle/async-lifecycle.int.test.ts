import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CertificateClient } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  DEFAULT_LIFECYCLE_DELAY_MS,
  ManualClock,
  startEmulator,
  StaticTokenCredential,
  type KeyVaultEmulator,
} from '../index';
import { rawRequest } from '../testing/raw-request';

// Delete, recover and purge finish in the background in Key Vault; the emulator holds each
// transition for `lifecycleDelayMs` of its injected clock, so these tests move time by hand.
const DELAY_MS = 5_000;
const POLL = { intervalInMs: 10 };
const credential = new StaticTokenCredential();

interface WireError {
  error: { code: string; message: string; innererror?: { code: string } };
}

describe('asynchronous delete, recover and purge through the unmodified SDKs', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  let emulator: KeyVaultEmulator;
  let secrets: SecretClient;
  let certificates: CertificateClient;
  const raw = (path: string, method = 'GET', body?: unknown) =>
    rawRequest(`${emulator.vaultUrl('kv-async')}${path}?api-version=7.5`, {
      ca: emulator.ca,
      token: 't',
      method,
      body,
    });

  before(async () => {
    emulator = await startEmulator({
      vaults: [{ name: 'kv-async' }],
      clock,
      lifecycleDelayMs: DELAY_MS,
      throttling: { enabled: false },
    });
    const options = { ...emulator.clientOptions(), retryOptions: { maxRetries: 0 } };
    secrets = new SecretClient(emulator.vaultUrl('kv-async'), credential, options);
    certificates = new CertificateClient(emulator.vaultUrl('kv-async'), credential, options);
  });
  after(() => emulator.stop());

  it('keeps a deleted secret "being deleted": the delete poller waits, set/purge/recover get 409 ObjectIsBeingDeleted', async () => {
    await secrets.setSecret('doomed', 'v1');
    const deleting = await secrets.beginDeleteSecret('doomed', POLL);
    assert.equal(deleting.isDone(), false, 'GET /deletedsecrets answers 404 while deleting');
    await assert.rejects(secrets.getSecret('doomed'), { statusCode: 404 });
    await assert.rejects(secrets.getDeletedSecret('doomed'), { statusCode: 404 });
    const listed: string[] = [];
    for await (const item of secrets.listDeletedSecrets()) listed.push(item.name);
    assert.deepEqual(listed, []);

    await assert.rejects(secrets.setSecret('doomed', 'v2'), { statusCode: 409, code: 'Conflict' });
    const set = await raw('/secrets/doomed', 'PUT', { value: 'v2' });
    assert.equal(set.status, 409);
    assert.deepEqual(set.body, {
      error: {
        code: 'Conflict',
        message: 'Secret doomed is currently being deleted and cannot be re-created; retry later.',
        innererror: { code: 'ObjectIsBeingDeleted' },
      },
    });
    const purge = await raw('/deletedsecrets/doomed', 'DELETE');
    assert.equal(purge.status, 409);
    assert.deepEqual(purge.body, {
      error: {
        code: 'Conflict',
        message: 'Secret is currently being deleted.',
        innererror: { code: 'ObjectIsBeingDeleted' },
      },
    });
    await assert.rejects(secrets.purgeDeletedSecret('doomed'), { statusCode: 409 });
    await assert.rejects(secrets.beginRecoverDeletedSecret('doomed', POLL), { statusCode: 409 });

    clock.advance(DELAY_MS - 1);
    await deleting.poll();
    assert.equal(deleting.isDone(), false, 'one millisecond before the delay ends');
    clock.advance(1);
    const deleted = await deleting.pollUntilDone();
    assert.equal(deleted.name, 'doomed');
    assert.equal((await secrets.getDeletedSecret('doomed')).name, 'doomed');
    await assert.rejects(secrets.setSecret('doomed', 'v2'), (error: { message: string }) =>
      /deleted but recoverable/.test(error.message),
    );
  });

  it('keeps a recovered secret "being recovered": the recover poller waits, set/delete get 409 ObjectIsBeingRecovered', async () => {
    const recovering = await secrets.beginRecoverDeletedSecret('doomed', POLL);
    assert.equal(recovering.isDone(), false, 'GET /secrets/NAME/ answers 404 while recovering');
    await assert.rejects(secrets.getSecret('doomed'), { statusCode: 404 });
    await assert.rejects(secrets.getDeletedSecret('doomed'), { statusCode: 404 });
    const set = await raw('/secrets/doomed', 'PUT', { value: 'v2' });
    assert.equal(set.status, 409);
    assert.equal((set.body as WireError).error.innererror?.code, 'ObjectIsBeingRecovered');
    const remove = await raw('/secrets/doomed', 'DELETE');
    assert.equal(remove.status, 409);
    assert.deepEqual(remove.body, {
      error: {
        code: 'Conflict',
        message: 'Secret doomed is currently being recovered.',
        innererror: { code: 'ObjectIsBeingRecovered' },
      },
    });

    clock.advance(DELAY_MS);
    assert.equal((await recovering.pollUntilDone()).name, 'doomed');
    assert.equal((await secrets.getSecret('doomed')).value, 'v1');
  });

  it('keeps a purged name "being deleted": re-creating and restoring it too soon conflict', async () => {
    const backup = await secrets.backupSecret('doomed');
    const deleting = await secrets.beginDeleteSecret('doomed', POLL);
    clock.advance(DELAY_MS);
    await deleting.pollUntilDone();
    await secrets.purgeDeletedSecret('doomed');

    await assert.rejects(secrets.getDeletedSecret('doomed'), { statusCode: 404 });
    const set = await raw('/secrets/doomed', 'PUT', { value: 'fresh' });
    assert.equal(set.status, 409);
    assert.equal((set.body as WireError).error.innererror?.code, 'ObjectIsBeingDeleted');
    await assert.rejects(secrets.restoreSecretBackup(backup!), { statusCode: 409 });
    await assert.rejects(secrets.purgeDeletedSecret('doomed'), { statusCode: 404 });

    clock.advance(DELAY_MS);
    assert.equal((await secrets.setSecret('doomed', 'fresh')).value, 'fresh');
  });

  it('does the same to a certificate with its backing secret and key', async () => {
    await (
      await certificates.beginCreateCertificate(
        'site',
        { issuerName: 'Self', subject: 'CN=site' },
        POLL,
      )
    ).pollUntilDone();
    const deleting = await certificates.beginDeleteCertificate('site', POLL);
    assert.equal(deleting.isDone(), false);
    await assert.rejects(certificates.getDeletedCertificate('site'), { statusCode: 404 });
    const create = await raw('/certificates/site/create', 'POST', {
      policy: { issuer: { name: 'Self' }, x509_props: { subject: 'CN=site' } },
    });
    assert.equal(create.status, 409);
    assert.deepEqual(create.body, {
      error: {
        code: 'Conflict',
        message:
          'Certificate site is currently being deleted and cannot be re-created; retry later.',
        innererror: { code: 'ObjectIsBeingDeleted' },
      },
    });
    const purge = await raw('/deletedcertificates/site', 'DELETE');
    assert.equal(
      (purge.body as WireError).error.message,
      'Certificate is currently being deleted.',
    );
    const backingSecret = await raw('/deletedsecrets/site', 'DELETE');
    assert.equal((backingSecret.body as WireError).error.innererror?.code, 'ObjectIsBeingDeleted');

    clock.advance(DELAY_MS);
    await deleting.pollUntilDone();
    const recovering = await certificates.beginRecoverDeletedCertificate('site', POLL);
    assert.equal(recovering.isDone(), false);
    await assert.rejects(certificates.getCertificate('site'), { statusCode: 404 });
    await assert.rejects(secrets.getSecret('site'), { statusCode: 404 });
    const remove = await raw('/certificates/site', 'DELETE');
    assert.equal((remove.body as WireError).error.innererror?.code, 'ObjectIsBeingRecovered');
    clock.advance(DELAY_MS);
    await recovering.pollUntilDone();
    assert.ok((await secrets.getSecret('site')).value);

    const again = await certificates.beginDeleteCertificate('site', POLL);
    clock.advance(DELAY_MS);
    await again.pollUntilDone();
    await certificates.purgeDeletedCertificate('site');
    const tooSoon = await raw('/certificates/site/create', 'POST', {
      policy: { issuer: { name: 'Self' }, x509_props: { subject: 'CN=site' } },
    });
    assert.equal((tooSoon.body as WireError).error.innererror?.code, 'ObjectIsBeingDeleted');
    clock.advance(DELAY_MS);
    const created = await certificates.beginCreateCertificate(
      'site',
      { issuerName: 'Self', subject: 'CN=site' },
      POLL,
    );
    assert.equal((await created.pollUntilDone()).name, 'site');
  });
});

describe('lifecycleDelayMs', () => {
  it(`defaults to ${DEFAULT_LIFECYCLE_DELAY_MS} ms of the emulator clock`, async () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    const emulator = await startEmulator({ vaults: [{ name: 'kv-default' }], clock });
    try {
      const client = new SecretClient(emulator.vaultUrl('kv-default'), credential, {
        ...emulator.clientOptions(),
        retryOptions: { maxRetries: 0 },
      });
      await client.setSecret('s', 'v');
      await client.beginDeleteSecret('s', POLL);
      clock.advance(DEFAULT_LIFECYCLE_DELAY_MS - 1);
      await assert.rejects(client.purgeDeletedSecret('s'), { statusCode: 409 });
      clock.advance(1);
      await client.purgeDeletedSecret('s');
    } finally {
      await emulator.stop();
    }
  });

  it('0 makes delete, purge and re-create immediate', async () => {
    const emulator = await startEmulator({ vaults: [{ name: 'kv-instant' }], lifecycleDelayMs: 0 });
    try {
      const client = new SecretClient(emulator.vaultUrl('kv-instant'), credential, {
        ...emulator.clientOptions(),
        retryOptions: { maxRetries: 0 },
      });
      await client.setSecret('s', 'v');
      assert.equal((await client.beginDeleteSecret('s', POLL)).isDone(), true);
      await client.purgeDeletedSecret('s');
      assert.equal((await client.setSecret('s', 'again')).value, 'again');
    } finally {
      await emulator.stop();
    }
  });

  it('refuses a negative delay, naming the option', async () => {
    await assert.rejects(startEmulator({ lifecycleDelayMs: -1 }), /lifecycleDelayMs/);
  });
});
