// Rules of the secret kind (secret-kind.ts) the shared pipeline cannot state: what a disabled
// source's replica is switched off with, why a certificate-backed secret is left to the
// certificate-converter, and what an outcome names. Mutation testing, issue #25.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readProvenance, type SecretTaskData } from '@akv-replicator/core';
import { MemorySecretStore, VaultError, isVaultError } from '@akv-replicator/keyvault';
import { convergeSecret, type ConvergePolicy } from './converge-secret';
import { secretTask, testPolicy } from './converge-fixtures';

let clock = 1_000;
let source: MemorySecretStore;
let replica: MemorySecretStore;
const run = (overrides: Partial<SecretTaskData> = {}, p: Partial<ConvergePolicy> = {}) =>
  convergeSecret(
    secretTask(overrides),
    { source, replica },
    { ...testPolicy(() => clock * 1000), ...p },
  );

beforeEach(() => {
  clock = 1_000;
  source = new MemorySecretStore('kv-src', { now: () => clock });
  replica = new MemorySecretStore('kv-dst', { now: () => clock });
});

describe('secret kind — a disabled source and a replica it takes over', () => {
  it('switches the replica off without claiming the source version it never read', async () => {
    await replica.setSecret('db-password', 'hand-made', { enabled: true, tags: {} });
    clock = 1_100;
    const disabled = await source.setSecret('db-password', 'from-source', {
      enabled: false,
      tags: {},
    });
    const result = await run({}, { overwriteUnowned: true });
    assert.equal(result.action, 'disabled');
    const copy = await replica.getLatestProperties('db-password');
    assert.equal(copy.enabled, false);
    assert.equal(readProvenance(copy.tags), undefined, 'it does not hold kv-src’s version');

    // Re-enabled at the source: the value is copied, not the old one switched back on.
    clock = 1_200;
    await source.updateProperties('db-password', disabled.version, { enabled: true, tags: {} });
    assert.equal((await run({}, { overwriteUnowned: true })).action, 'updated');
    assert.equal((await replica.getSecret('db-password')).value, 'from-source');
  });
});

describe('secret kind — what the outcome tells the operator', () => {
  it('leaves a certificate-backed secret to the certificate-converter, and says so', async () => {
    await source.setSecret('tls-cert', 'pfx', { enabled: true, tags: {} });
    const managed = new MemorySecretStore('kv-src');
    Object.assign(managed, {
      getSecret: async () => ({ ...(await source.getSecret('tls-cert')), managed: true }),
    });
    const result = await convergeSecret(
      secretTask({ objectName: 'tls-cert' }),
      { source: managed, replica },
      testPolicy(() => clock * 1000),
    );
    assert.deepEqual(
      [result.status, result.action, result.reason],
      [
        'success',
        'skipped',
        'certificate-backed secret: the certificate-converter replicates its certificate',
      ],
    );
  });

  it('names the source and replica versions of every write and of an unchanged replica', async () => {
    const v1 = await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    const created = await run();
    const copy = await replica.getLatestProperties('db-password');
    assert.deepEqual(
      [created.action, created.sourceVersion, created.replicaVersion],
      ['created', v1.version, copy.version],
    );
    const unchanged = await run();
    assert.deepEqual(
      [unchanged.action, unchanged.sourceVersion, unchanged.replicaVersion],
      ['unchanged', v1.version, copy.version],
    );
    clock = 1_100;
    await source.updateProperties('db-password', v1.version, {
      enabled: true,
      tags: { team: 'a' },
    });
    const patched = await run();
    assert.deepEqual(
      [patched.action, patched.sourceVersion, patched.replicaVersion],
      ['properties-updated', v1.version, copy.version],
    );
    clock = 1_200;
    const v2 = await source.setSecret('db-password', 'v2', { enabled: true, tags: {} });
    const updated = await run();
    assert.deepEqual(
      [updated.action, updated.sourceVersion, updated.replicaVersion],
      ['updated', v2.version, (await replica.getLatestProperties('db-password')).version],
    );
    assert.notEqual(updated.replicaVersion, copy.version);
  });

  it('measures the lag from the source version’s creation, never below zero', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    clock = 990; // the worker's clock 10 s behind the vault's
    const result = await run();
    assert.deepEqual([result.action, result.lagMs], ['created', 0]);
  });

  it('plans switching off the replica of a disabled source in a dry run', async () => {
    const v1 = await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    await source.updateProperties('db-password', v1.version, { enabled: false, tags: {} });
    const dry = await run({ dryRun: true });
    assert.deepEqual(
      [dry.action, dry.reason, dry.sourceVersion],
      ['would-disable', 'dry run: would disable db-password in kv-dst', v1.version],
    );
    assert.equal((await replica.getLatestProperties('db-password')).enabled, true);
  });
});

describe('secret kind — reading the source', () => {
  it('lets a throttled source read surface for the bus to retry, touching no replica', async () => {
    const v1 = await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    clock = 1_100;
    await source.updateProperties('db-password', v1.version, { enabled: true, tags: { a: '1' } });
    const throttled = new MemorySecretStore('kv-src', {
      beforeRequest: (operation) => {
        if (operation === 'get')
          throw new VaultError('throttled', 'Too many requests', { vault: 'kv-src', status: 429 });
      },
    });
    // The same secret behind a throttled get: its properties stay readable.
    throttled.getLatestProperties = (name) => source.getLatestProperties(name);
    await assert.rejects(
      convergeSecret(
        secretTask(),
        { source: throttled, replica },
        testPolicy(() => clock * 1000),
      ),
      (e: unknown) => isVaultError(e, 'throttled') && e.retryable,
    );
    assert.equal(replica.requestCount('set', 'update', 'delete'), 1, 'only the first run wrote');
  });

  it('takes a disabled source deleted while being read for gone', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    const racing = new MemorySecretStore('kv-src', {
      beforeRequest: (operation) => {
        if (operation === 'get')
          throw new VaultError('disabled', 'Operation get is not allowed on a disabled secret.', {
            vault: 'kv-src',
          });
        if (operation === 'getProperties')
          throw new VaultError('not-found', 'Secret not found: db-password', { vault: 'kv-src' });
      },
    });
    const result = await convergeSecret(
      secretTask({ deletionPolicy: 'delete' }),
      { source: racing, replica },
      testPolicy(() => clock * 1000),
    );
    assert.equal(result.action, 'deleted');
  });

  it('retries a disabled source whose properties read is throttled, deleting nothing', async () => {
    await source.setSecret('db-password', 'v1', { enabled: true, tags: {} });
    await run();
    const throttled = new MemorySecretStore('kv-src', {
      beforeRequest: (operation) => {
        if (operation === 'get')
          throw new VaultError('disabled', 'Operation get is not allowed on a disabled secret.', {
            vault: 'kv-src',
          });
        if (operation === 'getProperties')
          throw new VaultError('throttled', 'Too many requests', { vault: 'kv-src', status: 429 });
      },
    });
    await assert.rejects(
      convergeSecret(
        secretTask({ deletionPolicy: 'delete' }),
        { source: throttled, replica },
        testPolicy(() => clock * 1000),
      ),
      (e: unknown) => isVaultError(e, 'throttled') && e.retryable,
    );
    assert.equal(replica.requestCount('delete'), 0);
  });
});
