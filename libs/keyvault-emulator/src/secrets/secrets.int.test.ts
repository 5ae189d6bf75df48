import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator, StaticTokenCredential, type KeyVaultEmulator } from '../index';
import { rawRequest } from '../testing/raw-request';

const VERSIONED_ID = /^https:\/\/127\.0\.0\.1:\d+\/secrets\/[0-9a-zA-Z-]+\/[0-9a-f]{32}$/;

describe('secrets through @azure/keyvault-secrets over HTTPS', () => {
  let emulator: KeyVaultEmulator;
  let client: SecretClient;
  const credential = new StaticTokenCredential();

  before(async () => {
    emulator = await startEmulator({
      vaults: [{ name: 'kv-secrets', tenantId: '11111111-2222-4333-8444-555555555555' }],
      // Instant deletes: the delays themselves are tested in lifecycle/async-lifecycle.int.test.ts.
      lifecycleDelayMs: 0,
    });
    client = new SecretClient(emulator.vaultUrl('kv-secrets'), credential, {
      ...emulator.clientOptions(),
      retryOptions: { maxRetries: 0 },
    });
  });
  after(() => emulator.stop());

  it('sets, gets latest and by version, with ids shaped like Key Vault ids', async () => {
    const first = await client.setSecret('db-password', 'one', {
      contentType: 'text/plain',
      tags: { team: 'a' },
    });
    const second = await client.setSecret('db-password', 'two');
    assert.match(first.properties.id!, VERSIONED_ID);
    assert.ok(first.properties.id!.startsWith(emulator.vaultUrl('kv-secrets')));
    assert.notEqual(first.properties.version, second.properties.version);
    assert.equal((await client.getSecret('db-password')).value, 'two');
    const old = await client.getSecret('db-password', { version: first.properties.version! });
    assert.equal(old.value, 'one');
    assert.equal(old.properties.contentType, 'text/plain');
    assert.deepEqual(old.properties.tags, { team: 'a' });
    assert.equal(old.properties.recoveryLevel, 'Recoverable+Purgeable');
    assert.equal(old.properties.recoverableDays, 90);
    assert.ok(old.properties.createdOn instanceof Date);
    // The SDK learned the tenant from the challenge and asked for the Key Vault scope.
    assert.deepEqual(credential.requests[0], {
      scopes: ['https://vault.azure.net/.default'],
      tenantId: '11111111-2222-4333-8444-555555555555',
    });
  });

  it('keeps nbf/exp as Unix seconds and returns them as dates', async () => {
    const expiresOn = new Date('2031-01-02T03:04:05Z');
    const notBefore = new Date('2020-01-01T00:00:00Z');
    await client.setSecret('timed', 'v', { expiresOn, notBefore });
    const got = await client.getSecret('timed');
    assert.equal(got.properties.expiresOn?.toISOString(), expiresOn.toISOString());
    assert.equal(got.properties.notBefore?.toISOString(), notBefore.toISOString());
  });

  it('lists names and versions in pages of at most 25 with nextLink, never with values', async () => {
    for (let i = 0; i < 30; i += 1) await client.setSecret(`paged-${i}`, `value-${i}`);
    for (let i = 0; i < 27; i += 1) await client.setSecret('many-versions', `v${i}`);
    const names: string[] = [];
    let pages = 0;
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 25 })) {
      pages += 1;
      assert.ok(page.length <= 25);
      for (const item of page) {
        names.push(item.name);
        assert.equal((item as { value?: string }).value, undefined);
        assert.equal(item.version, undefined, 'list ids carry no version');
      }
    }
    assert.ok(pages >= 2, 'more than 25 secrets need a second page');
    for (let i = 0; i < 30; i += 1) assert.ok(names.includes(`paged-${i}`));
    const versions: string[] = [];
    for await (const item of client.listPropertiesOfSecretVersions('many-versions'))
      versions.push(item.version!);
    assert.equal(versions.length, 27);
    assert.equal(new Set(versions).size, 27);
  });

  it('follows nextLink with $skiptoken and rejects maxresults over 25', async () => {
    const url = `${emulator.vaultUrl('kv-secrets')}/secrets?api-version=7.5&maxresults=5`;
    const first = await rawRequest(url, { ca: emulator.ca, token: 't' });
    const body = first.body as { value: unknown[]; nextLink: string };
    assert.equal(body.value.length, 5);
    assert.match(body.nextLink, /\$skiptoken=/);
    const tooMany = await rawRequest(
      `${emulator.vaultUrl('kv-secrets')}/secrets?api-version=7.5&maxresults=26`,
      { ca: emulator.ca, token: 't' },
    );
    assert.equal(tooMany.status, 400);
    assert.equal((tooMany.body as { error: { code: string } }).error.code, 'BadParameter');
  });

  it('updates attributes, tags and contentType without a new version', async () => {
    const created = await client.setSecret('patched', 'v');
    const updated = await client.updateSecretProperties('patched', created.properties.version!, {
      tags: { env: 'prod' },
      contentType: 'application/json',
    });
    assert.deepEqual(updated.tags, { env: 'prod' });
    assert.equal(updated.contentType, 'application/json');
    const versions = [];
    for await (const item of client.listPropertiesOfSecretVersions('patched')) versions.push(item);
    assert.equal(versions.length, 1);
    assert.equal((await client.getSecret('patched')).value, 'v');
  });

  it('refuses to return the value of a disabled secret with 403 Forbidden / SecretDisabled', async () => {
    const created = await client.setSecret('disabled-one', 'hidden');
    await client.updateSecretProperties('disabled-one', created.properties.version!, {
      enabled: false,
    });
    await assert.rejects(
      client.getSecret('disabled-one'),
      (error: { statusCode: number; code: string; message: string }) => {
        assert.equal(error.statusCode, 403);
        assert.equal(error.code, 'Forbidden');
        assert.match(error.message, /Operation get is not allowed on a disabled secret/);
        return true;
      },
    );
    const raw = await rawRequest(
      `${emulator.vaultUrl('kv-secrets')}/secrets/disabled-one/?api-version=7.5`,
      { ca: emulator.ca, token: 't' },
    );
    assert.deepEqual((raw.body as { error: { innererror: unknown } }).error.innererror, {
      code: 'SecretDisabled',
    });
  });

  it('answers 404 SecretNotFound for unknown names and versions', async () => {
    await assert.rejects(client.getSecret('missing'), { statusCode: 404, code: 'SecretNotFound' });
    await client.setSecret('known', 'v');
    await assert.rejects(client.getSecret('known', { version: '0'.repeat(32) }), {
      statusCode: 404,
      code: 'SecretNotFound',
    });
  });

  it('rejects invalid names, oversized values, too many or too long tags and long contentType with 400', async () => {
    const bad = { statusCode: 400, code: 'BadParameter' };
    await assert.rejects(client.setSecret('bad_name', 'v'), bad);
    await assert.rejects(client.setSecret('x'.repeat(128), 'v'), bad);
    await client.setSecret('x'.repeat(127), 'v');
    await assert.rejects(client.setSecret('big', 'x'.repeat(25 * 1024 + 1)), bad);
    await client.setSecret('big-ok', 'x'.repeat(25 * 1024));
    const sixteenTags = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, 'v']));
    await assert.rejects(client.setSecret('tags', 'v', { tags: sixteenTags }), bad);
    await assert.rejects(client.setSecret('tags', 'v', { tags: { ['k'.repeat(257)]: 'v' } }), bad);
    await assert.rejects(client.setSecret('tags', 'v', { tags: { k: 'v'.repeat(257) } }), bad);
    await assert.rejects(client.setSecret('ct', 'v', { contentType: 'c'.repeat(256) }), bad);
  });

  it('soft-deletes, lists and gets deleted secrets, recovers, purges', async () => {
    await client.setSecret('doomed', 'v1');
    const deleted = await (await client.beginDeleteSecret('doomed')).pollUntilDone();
    assert.equal(deleted.recoveryId, `${emulator.vaultUrl('kv-secrets')}/deletedsecrets/doomed`);
    assert.ok(deleted.deletedOn && deleted.scheduledPurgeDate);
    assert.equal(
      deleted.scheduledPurgeDate.getTime() - deleted.deletedOn.getTime(),
      90 * 86_400_000,
    );
    await assert.rejects(client.getSecret('doomed'), { statusCode: 404 });
    await assert.rejects(
      client.setSecret('doomed', 'again'),
      (error: { statusCode: number; code: string; details?: unknown }) => {
        assert.equal(error.statusCode, 409);
        assert.equal(error.code, 'Conflict');
        return true;
      },
    );
    const raw = await rawRequest(
      `${emulator.vaultUrl('kv-secrets')}/secrets/doomed?api-version=7.5`,
      { ca: emulator.ca, token: 't', method: 'PUT', body: { value: 'x' } },
    );
    assert.deepEqual((raw.body as { error: { innererror: unknown } }).error.innererror, {
      code: 'ObjectIsDeletedButRecoverable',
    });
    const deletedNames: string[] = [];
    for await (const item of client.listDeletedSecrets()) deletedNames.push(item.name);
    assert.ok(deletedNames.includes('doomed'));
    assert.equal((await client.getDeletedSecret('doomed')).name, 'doomed');
    await (await client.beginRecoverDeletedSecret('doomed')).pollUntilDone();
    assert.equal((await client.getSecret('doomed')).value, 'v1');

    await (await client.beginDeleteSecret('doomed')).pollUntilDone();
    await client.purgeDeletedSecret('doomed');
    await assert.rejects(client.getDeletedSecret('doomed'), { statusCode: 404 });
    const recreated = await client.setSecret('doomed', 'fresh');
    assert.equal(recreated.value, 'fresh');
  });

  it('backs up and restores a secret with all its versions', async () => {
    await client.setSecret('saved', 'a');
    await client.setSecret('saved', 'b');
    const backup = await client.backupSecret('saved');
    assert.ok(backup && backup.length > 0);
    await assert.rejects(client.restoreSecretBackup(backup), { statusCode: 409 });
    await (await client.beginDeleteSecret('saved')).pollUntilDone();
    await client.purgeDeletedSecret('saved');
    const restored = await client.restoreSecretBackup(backup);
    assert.equal(restored.name, 'saved');
    assert.equal((await client.getSecret('saved')).value, 'b');
    let count = 0;
    for await (const _ of client.listPropertiesOfSecretVersions('saved')) count += 1;
    assert.equal(count, 2);
  });

  it('answers GET /secrets/NAME without the trailing slash with the latest version', async () => {
    await client.setSecret('slashless', 'first');
    const latest = await client.setSecret('slashless', 'second');
    const base = emulator.vaultUrl('kv-secrets');
    const response = await rawRequest(`${base}/secrets/slashless?api-version=7.5`, {
      ca: emulator.ca,
      token: 't',
    });
    assert.equal(response.status, 200);
    const body = response.body as { value: string; id: string };
    assert.equal(body.value, 'second');
    assert.equal(body.id, latest.properties.id);
    const missing = await rawRequest(`${base}/secrets/never-set?api-version=7.5`, {
      ca: emulator.ca,
      token: 't',
    });
    assert.equal((missing.body as { error: { code: string } }).error.code, 'SecretNotFound');
  });

  it('accepts older 7.x api-versions and rejects a missing one', async () => {
    const base = emulator.vaultUrl('kv-secrets');
    const old = await rawRequest(`${base}/secrets/known/?api-version=7.4`, {
      ca: emulator.ca,
      token: 't',
    });
    assert.equal(old.status, 200);
    const none = await rawRequest(`${base}/secrets/known/`, { ca: emulator.ca, token: 't' });
    assert.equal(none.status, 400);
  });
});
