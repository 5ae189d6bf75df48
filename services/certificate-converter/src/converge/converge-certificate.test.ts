import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readProvenance, type CertificateTaskData } from '@akv-replicator/core';
import {
  MemoryCertificateStore,
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
  VaultError,
  isVaultError,
  readCertificateMaterial,
  type CertificatePolicyModel,
} from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import { convergeCertificate, type CertificateConvergePolicy } from './converge-certificate';
import { certificateTask } from './converge-fixtures';

let clock = 1_000;
let source: MemoryCertificateStore;
let replica: MemoryCertificateStore;
const policy: CertificateConvergePolicy = {
  overwriteUnowned: false,
  softDeletedAtReplica: 'recover',
  now: () => clock * 1000,
};
const task = certificateTask;
const run = (
  overrides: Partial<CertificateTaskData> = {},
  p: Partial<CertificateConvergePolicy> = {},
) => convergeCertificate(task(overrides), { source, replica }, { ...policy, ...p });

const sourcePolicy = (over: Partial<CertificatePolicyModel> = {}): CertificatePolicyModel => ({
  issuerName: 'Self',
  subject: 'CN=web.example.test',
  subjectAlternativeNames: { dnsNames: ['web.example.test'] },
  keyType: 'RSA',
  keySize: 2048,
  exportable: true,
  reuseKey: false,
  contentType: PKCS12_CONTENT_TYPE,
  validityInMonths: 12,
  lifetimeActions: [
    { action: 'AutoRenew', lifetimePercentage: 80 },
    { action: 'EmailContacts', daysBeforeExpiry: 30 },
  ],
  ...over,
});

const material: Record<string, TestCertificate> = {};
before(() => {
  material.rsaPfx = createTestCertificate({
    subject: 'CN=web.example.test',
    dnsNames: ['web.example.test'],
    format: 'pfx',
  });
  material.rsaPfx2 = createTestCertificate({ subject: 'CN=web.example.test', format: 'pfx' });
  material.ecPem = createTestCertificate({
    subject: 'CN=ec.example.test',
    keyType: 'EC',
    format: 'pem',
    withChain: true,
  });
  material.locked = createTestCertificate({
    subject: 'CN=locked',
    format: 'pfx',
    password: 'p4ss',
  });
});

const seedSource = (m: TestCertificate, over: Partial<CertificatePolicyModel> = {}, tags = {}) =>
  source.seed('web-tls', {
    value: m.value,
    contentType: m.contentType,
    policy: sourcePolicy({ contentType: m.contentType, ...over }),
    tags,
  });

/** The replica's backing secret holds a private key that belongs to its certificate. */
async function assertKeyMatches(store: MemoryCertificateStore, name: string) {
  const certificate = await store.getCertificate(name);
  const secret = await store.getCertificateSecret(name);
  const read = readCertificateMaterial(secret.value, secret.contentType);
  assert.ok(read.privateKey, 'the backing secret carries the private key');
  assert.ok(new X509Certificate(Buffer.from(certificate.cer)).checkPrivateKey(read.privateKey));
}

beforeEach(() => {
  clock = 1_000;
  source = new MemoryCertificateStore('kv-src', { now: () => clock });
  replica = new MemoryCertificateStore('kv-dst', { now: () => clock });
});

describe('convergeCertificate', () => {
  it('imports a missing replica (RSA, PFX) with the same thumbprint, tags, provenance and a usable key', async () => {
    const seeded = seedSource(material.rsaPfx!, {}, { team: 'web' });
    clock = 1_004;
    const result = await run();
    assert.deepEqual([result.status, result.action, result.lagMs], ['success', 'created', 4_000]);
    const copy = await replica.getCertificate('web-tls');
    assert.equal(copy.x5t, material.rsaPfx!.x5t);
    assert.equal(copy.tags.team, 'web');
    assert.deepEqual(readProvenance(copy.tags), {
      sourceVault: 'kv-src',
      sourceVersion: seeded.version,
      sourceUpdated: 1_000,
    });
    assert.equal((await replica.getCertificateSecret('web-tls')).contentType, PKCS12_CONTENT_TYPE);
    await assertKeyMatches(replica, 'web-tls');
  });

  it('sets the replica policy from the source, issuer Unknown, with no AutoRenew (the import alone would auto-renew)', async () => {
    seedSource(material.rsaPfx!);
    await run();
    const replicaPolicy = await replica.getPolicy('web-tls');
    assert.deepEqual(replicaPolicy.lifetimeActions, [
      { action: 'EmailContacts', daysBeforeExpiry: 30 },
    ]);
    assert.equal(replicaPolicy.issuerName, 'Unknown');
    assert.deepEqual(
      [
        replicaPolicy.subject,
        replicaPolicy.subjectAlternativeNames?.dnsNames,
        replicaPolicy.keyType,
        replicaPolicy.keySize,
        replicaPolicy.exportable,
        replicaPolicy.contentType,
        replicaPolicy.validityInMonths,
      ],
      ['CN=web.example.test', ['web.example.test'], 'RSA', 2048, true, PKCS12_CONTENT_TYPE, 12],
    );
  });

  it('replicates an EC certificate with its chain as PEM, keeping key type and curve', async () => {
    source.seed('web-tls', {
      value: material.ecPem!.value,
      contentType: PEM_CONTENT_TYPE,
      policy: sourcePolicy({
        keyType: 'EC',
        keySize: 256,
        keyCurveName: 'P-256',
        contentType: PEM_CONTENT_TYPE,
      }),
    });
    assert.equal((await run()).action, 'created');
    const copy = await replica.getCertificate('web-tls');
    assert.equal(copy.x5t, material.ecPem!.x5t);
    const secret = await replica.getCertificateSecret('web-tls');
    assert.equal(secret.contentType, PEM_CONTENT_TYPE);
    assert.equal(
      readCertificateMaterial(secret.value, secret.contentType).chain.length,
      2,
      'chain kept',
    );
    await assertKeyMatches(replica, 'web-tls');
    const p = await replica.getPolicy('web-tls');
    assert.deepEqual([p.keyType, p.keyCurveName, p.contentType], ['EC', 'P-256', PEM_CONTENT_TYPE]);
  });

  it('is idempotent by provenance + thumbprint: redeliveries import nothing more', async () => {
    seedSource(material.rsaPfx!);
    await run();
    for (let i = 0; i < 3; i++) assert.equal((await run()).action, 'unchanged');
    assert.equal(replica.requestCount('import'), 1);
    assert.equal(
      replica.requestCount('updatePolicy', 'update'),
      1,
      'only the policy after the import',
    );
  });

  it('a new source version yields exactly one new replica version', async () => {
    seedSource(material.rsaPfx!);
    await run();
    clock = 2_000;
    const second = seedSource(material.rsaPfx2!);
    assert.equal((await run()).action, 'updated');
    assert.equal((await run()).action, 'unchanged');
    assert.equal(replica.requestCount('import'), 2);
    const copy = await replica.getCertificate('web-tls');
    assert.equal(copy.x5t, material.rsaPfx2!.x5t);
    assert.equal(readProvenance(copy.tags)?.sourceVersion, second.version);
  });

  it('puts a hand-edited replica policy or tags back without importing again', async () => {
    seedSource(material.rsaPfx!, {}, { team: 'web' });
    await run();
    const copy = await replica.getCertificate('web-tls');
    await replica.updatePolicy('web-tls', {
      ...copy.policy,
      lifetimeActions: [{ action: 'AutoRenew', lifetimePercentage: 50 }],
    });
    await replica.updateProperties('web-tls', copy.version, {
      enabled: true,
      tags: { ...copy.tags, team: 'tampered' },
    });
    const result = await run();
    assert.equal(result.action, 'properties-updated');
    assert.match(result.reason ?? '', /policy\.lifetimeActions/);
    const fixed = await replica.getCertificate('web-tls');
    assert.equal(fixed.tags.team, 'web');
    assert.ok(!fixed.policy.lifetimeActions.some((a) => a.action === 'AutoRenew'));
    assert.equal(replica.requestCount('import'), 1);
  });

  it('warns, without reading or writing key material, when the source key is not exportable', async () => {
    source.seed('web-tls', {
      // Key Vault leaves the key out of a non-exportable certificate's backing secret.
      value: material.rsaPfx!.leafPem,
      contentType: PEM_CONTENT_TYPE,
      policy: sourcePolicy({ exportable: false }),
    });
    const result = await run();
    assert.deepEqual([result.status, result.code], ['warning', 'KeyNotExportable']);
    assert.equal(source.requestCount('getSecret'), 0);
    assert.equal(replica.requestCount('import'), 0);
  });

  it('warns when the backing secret carries no private key although the policy says exportable', async () => {
    source.seed('web-tls', {
      value: material.ecPem!.leafPem,
      contentType: PEM_CONTENT_TYPE,
      policy: sourcePolicy({ exportable: undefined }),
    });
    const result = await run();
    assert.deepEqual([result.status, result.code], ['warning', 'KeyNotExportable']);
    assert.equal(replica.requestCount('import'), 0);
  });

  it('warns on password-protected material instead of failing the task', async () => {
    source.seed('web-tls', {
      value: material.locked!.value,
      contentType: PKCS12_CONTENT_TYPE,
      policy: sourcePolicy(),
      password: 'p4ss',
    });
    const result = await run();
    assert.deepEqual([result.status, result.code], ['warning', 'PasswordProtected']);
    assert.match(result.reason ?? '', /password/);
    assert.equal(replica.requestCount('import'), 0);
  });

  it('never overwrites a replica certificate without our provenance, unless told to', async () => {
    seedSource(material.rsaPfx!);
    await replica.importCertificate('web-tls', {
      value: material.rsaPfx2!.value,
      contentType: PKCS12_CONTENT_TYPE,
      enabled: true,
      tags: {},
    });
    const refused = await run();
    assert.deepEqual([refused.status, refused.code], ['warning', 'ReplicaNotOwned']);
    assert.equal((await replica.getCertificate('web-tls')).x5t, material.rsaPfx2!.x5t);
    assert.equal((await run({}, { overwriteUnowned: true })).action, 'updated');
    assert.equal((await replica.getCertificate('web-tls')).x5t, material.rsaPfx!.x5t);
  });

  it('recovers a soft-deleted replica name, then converges', async () => {
    seedSource(material.rsaPfx!);
    await run();
    replica.softDelete('web-tls');
    clock = 1_500;
    seedSource(material.rsaPfx2!);
    assert.equal((await run()).action, 'recovered-and-updated');
    assert.equal((await replica.getCertificate('web-tls')).x5t, material.rsaPfx2!.x5t);
    replica.softDelete('web-tls');
    const refused = await run({}, { softDeletedAtReplica: 'fail' });
    assert.deepEqual([refused.status, refused.code], ['failure', 'ReplicaSoftDeleted']);
  });

  it('disables the replica of a disabled source, and warns when there is none to disable', async () => {
    const seeded = seedSource(material.rsaPfx!);
    await run();
    await source.updateProperties('web-tls', seeded.version, { enabled: false, tags: {} });
    assert.equal((await run()).action, 'disabled');
    assert.equal((await replica.getCertificate('web-tls')).enabled, false);
    assert.equal((await run()).action, 'unchanged');
    const other = new MemoryCertificateStore('kv-dst');
    const missing = await convergeCertificate(task(), { source, replica: other }, policy);
    assert.deepEqual([missing.status, missing.code], ['warning', 'SourceDisabled']);
  });

  it('re-checks the link filters against the real tags, and writes nothing in dry run', async () => {
    seedSource(material.rsaPfx!, {}, { replicate: 'false' });
    const filtered = await run({ filters: { exclude: { tags: { replicate: 'false' } } } });
    assert.deepEqual(
      [filtered.action, filtered.reason],
      ['skipped', 'filtered: excluded: tag replicate=false'],
    );
    const dry = await run({ dryRun: true });
    assert.deepEqual(
      [dry.action, dry.reason],
      ['would-create', 'dry run: would create web-tls in kv-dst'],
    );
    assert.equal(replica.requestCount('import', 'updatePolicy'), 0);
  });

  it('lets throttling and outages surface as retryable errors for the bus to retry', async () => {
    seedSource(material.rsaPfx!);
    const flaky = new MemoryCertificateStore('kv-dst', {
      beforeRequest: () => {
        throw new VaultError('unavailable', 'connect ECONNREFUSED', { vault: 'kv-dst' });
      },
    });
    await assert.rejects(
      convergeCertificate(task(), { source, replica: flaky }, policy),
      (e: unknown) => isVaultError(e, 'unavailable') && e.retryable,
    );
  });
});

describe('convergeCertificate — deletion at the source', () => {
  beforeEach(async () => {
    seedSource(material.rsaPfx!);
    await run();
    await source.deleteCertificate('web-tls');
  });

  it('keeps the replica under the default policy', async () => {
    assert.equal((await run()).action, 'unchanged');
    assert.equal((await replica.getCertificate('web-tls')).x5t, material.rsaPfx!.x5t);
  });

  it('soft-deletes our replica under the delete policy, recoverably', async () => {
    assert.equal((await run({ deletionPolicy: 'delete', dryRun: true })).action, 'would-delete');
    assert.equal(replica.requestCount('delete'), 0, 'dry run deletes nothing');
    assert.equal((await run({ deletionPolicy: 'delete' })).action, 'deleted');
    await assert.rejects(replica.getCertificate('web-tls'), (e: unknown) =>
      isVaultError(e, 'not-found'),
    );
    await replica.recoverDeletedCertificate('web-tls');
  });

  it('never deletes a replica certificate that is not ours', async () => {
    const foreign = new MemoryCertificateStore('kv-dst');
    await foreign.importCertificate('web-tls', {
      value: material.rsaPfx2!.value,
      contentType: PKCS12_CONTENT_TYPE,
      enabled: true,
      tags: {},
    });
    const result = await convergeCertificate(
      task({ deletionPolicy: 'delete' }),
      { source, replica: foreign },
      policy,
    );
    assert.deepEqual([result.status, result.code], ['warning', 'ReplicaNotOwned']);
    assert.equal(foreign.requestCount('delete'), 0);
  });
});
