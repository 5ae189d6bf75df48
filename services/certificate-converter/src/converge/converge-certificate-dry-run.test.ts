import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { certificateTaskDataSchema, type CertificateTaskData } from '@akv-replicator/core';
import { MemoryCertificateStore, PKCS12_CONTENT_TYPE } from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import { convergeCertificate, type CertificateConvergePolicy } from './converge-certificate';
import { DryRunWriteError, RecoveredView } from './recovered-view';

// Each case runs the dry run first (it must write nothing and predict the action), then the real
// run on the same state (it must do what the dry run said).
let clock = 1_000;
let source: MemoryCertificateStore;
let replica: MemoryCertificateStore;
const policy: CertificateConvergePolicy = {
  overwriteUnowned: false,
  softDeletedAtReplica: 'recover',
  now: () => clock * 1000,
};
const run = (
  overrides: Partial<CertificateTaskData> = {},
  p: Partial<CertificateConvergePolicy> = {},
) =>
  convergeCertificate(
    certificateTaskDataSchema.parse({
      taskId: 't',
      link: 'l',
      source: { name: 'kv-src' },
      objectName: 'web-tls',
      replica: { name: 'kv-dst', region: 'northeurope' },
      trigger: { kind: 'resync', id: 'r' },
      ...overrides,
    }),
    { source, replica },
    { ...policy, ...p },
  );
const writes = () => replica.requestCount('import', 'update', 'updatePolicy', 'delete', 'recover');

const material: Record<string, TestCertificate> = {};
before(() => {
  material.first = createTestCertificate({ subject: 'CN=web.example.test', format: 'pfx' });
  material.second = createTestCertificate({ subject: 'CN=web.example.test', format: 'pfx' });
});
const seedSource = (m: TestCertificate, tags: Record<string, string> = {}) =>
  source.seed('web-tls', {
    value: m.value,
    contentType: m.contentType,
    policy: {
      issuerName: 'Self',
      contentType: m.contentType,
      exportable: true,
      lifetimeActions: [],
    },
    tags,
  });

beforeEach(() => {
  clock = 1_000;
  source = new MemoryCertificateStore('kv-src', { now: () => clock });
  replica = new MemoryCertificateStore('kv-dst', { now: () => clock });
});

describe('convergeCertificate — dry run predicts a recover from the soft-deleted replica', () => {
  it('would recover and update a soft-deleted stale replica; the real run does exactly that', async () => {
    seedSource(material.first!);
    await run();
    replica.softDelete('web-tls');
    clock = 1_500;
    seedSource(material.second!);
    const before = writes();
    const dry = await run({ dryRun: true });
    assert.deepEqual(
      [dry.status, dry.action, dry.reason],
      [
        'success',
        'would-recover-and-update',
        'dry run: would recover and update web-tls in kv-dst: the name is soft-deleted there; then would update web-tls in kv-dst',
      ],
    );
    assert.equal(writes(), before, 'the dry run wrote nothing');
    assert.equal(replica.requestCount('getDeleted'), 1, 'it looked the name up');
    assert.ok(await replica.getDeletedCertificate('web-tls'), 'still soft-deleted');

    const refused = await run({ dryRun: true }, { softDeletedAtReplica: 'fail' });
    assert.deepEqual([refused.status, refused.code], ['failure', 'ReplicaSoftDeleted']);
    assert.equal(writes(), before);

    assert.equal((await run()).action, 'recovered-and-updated');
    assert.ok(writes() > before, 'the counter sees the real run’s writes');
    assert.equal((await replica.getCertificate('web-tls')).x5t, material.second!.x5t);
  });

  it('would only recover a soft-deleted replica that holds the current version', async () => {
    const seeded = seedSource(material.first!);
    await run();
    const held = await replica.getCertificate('web-tls');
    replica.softDelete('web-tls');
    const dry = await run({ dryRun: true });
    assert.deepEqual(
      [dry.action, dry.reason, dry.sourceVersion, dry.replicaVersion],
      [
        'would-recover',
        'dry run: would recover web-tls in kv-dst: the name is soft-deleted there and holds the current version',
        seeded.version,
        held.version,
      ],
    );
    assert.equal(writes(), 2, 'only the first real run’s import and policy update');
    assert.equal((await run()).action, 'recovered');
  });

  it('would recover and put back hand-edited tags of the current version', async () => {
    seedSource(material.first!, { team: 'web' });
    await run();
    const held = await replica.getCertificate('web-tls');
    await replica.updateProperties('web-tls', held.version, {
      enabled: true,
      tags: { ...held.tags, team: 'edited' },
    });
    replica.softDelete('web-tls');
    const dry = await run({ dryRun: true });
    assert.equal(dry.action, 'would-recover-and-update');
    assert.match(
      dry.reason ?? '',
      /then would update properties web-tls in kv-dst \(enabled\/tags\)$/,
    );
    assert.equal((await run()).action, 'recovered-and-updated');
    assert.equal((await replica.getCertificate('web-tls')).tags.team, 'web');
  });

  it('says the recovered certificate would not be ours, as the real run reports after recovering', async () => {
    seedSource(material.first!);
    await replica.importCertificate('web-tls', {
      value: material.second!.value,
      contentType: PKCS12_CONTENT_TYPE,
      enabled: true,
      tags: {},
    });
    replica.softDelete('web-tls');
    const before = writes();
    const dry = await run({ dryRun: true });
    assert.deepEqual([dry.status, dry.code], ['warning', 'ReplicaNotOwned']);
    assert.match(
      dry.reason ?? '',
      /^dry run: would recover web-tls in kv-dst: the name is soft-deleted there, then: replica certificate web-tls in kv-dst has no provenance/,
    );
    const taken = await run({ dryRun: true }, { overwriteUnowned: true });
    assert.equal(taken.action, 'would-recover-and-update');
    assert.equal(writes(), before);
    const real = await run();
    assert.deepEqual([real.status, real.code], ['warning', 'ReplicaNotOwned']);
    assert.ok(await replica.getCertificate('web-tls'), 'the real run recovered it');
  });

  it('would create where the name was never used', async () => {
    seedSource(material.first!);
    const dry = await run({ dryRun: true });
    assert.deepEqual(
      [dry.action, dry.reason],
      ['would-create', 'dry run: would create web-tls in kv-dst'],
    );
    assert.equal(writes(), 0);
    assert.equal((await run()).action, 'created');
  });
});

describe('RecoveredView', () => {
  it('shows the deleted certificate as live and refuses every write', async () => {
    seedSource(material.first!);
    await run();
    replica.softDelete('web-tls');
    const view = new RecoveredView(
      replica,
      'web-tls',
      (await replica.getDeletedCertificate('web-tls'))!,
    );
    assert.equal((await view.getCertificate('WEB-TLS')).x5t, material.first!.x5t);
    assert.equal(await view.getDeletedCertificate('web-tls'), undefined);
    await assert.rejects(view.getCertificate('other'), /not found/);
    const before = writes();
    assert.throws(() => view.importCertificate(), DryRunWriteError);
    assert.throws(() => view.updatePolicy(), DryRunWriteError);
    assert.throws(() => view.updateProperties(), DryRunWriteError);
    assert.throws(() => view.deleteCertificate(), DryRunWriteError);
    assert.throws(() => view.recoverDeletedCertificate(), DryRunWriteError);
    assert.equal(writes(), before);
  });
});

describe('RecoveredView — everything but the recovered name reads through to the vault', () => {
  it('lists, reads backing secrets, policies and deleted state of other names from the vault', async () => {
    seedSource(material.first!);
    await run();
    await run({ objectName: 'web-tls', replicaObjectName: 'api-tls' });
    replica.softDelete('web-tls');
    replica.softDelete('api-tls');
    const deleted = (await replica.getDeletedCertificate('web-tls'))!;
    const view = new RecoveredView(replica, 'web-tls', deleted);
    assert.equal(view.vaultName, 'kv-dst');
    assert.deepEqual(await view.getPolicy('web-tls'), deleted.policy);
    assert.equal((await view.getDeletedCertificate('api-tls'))?.name, 'api-tls');
    await assert.rejects(view.getPolicy('api-tls'), /not found/);

    await replica.recoverDeletedCertificate('api-tls');
    const names = [];
    for await (const item of view.listCertificates()) names.push(item.name);
    assert.deepEqual(names, ['api-tls']);
    const secret = await view.getCertificateSecret('api-tls');
    assert.equal(secret.value, material.first!.value);
    assert.throws(
      () => view.importCertificate(),
      /^DryRunWriteError: dry run: import of web-tls in kv-dst refused \(a dry run writes nothing\)$/,
    );
  });

  it('names the operation it refused in each write refusal', async () => {
    seedSource(material.first!);
    await run();
    replica.softDelete('web-tls');
    const view = new RecoveredView(
      replica,
      'web-tls',
      (await replica.getDeletedCertificate('web-tls'))!,
    );
    const refusals: ReadonlyArray<readonly [string, () => never]> = [
      ['updateProperties', () => view.updateProperties()],
      ['updatePolicy', () => view.updatePolicy()],
      ['delete', () => view.deleteCertificate()],
      ['recover', () => view.recoverDeletedCertificate()],
    ];
    for (const [operation, write] of refusals)
      assert.throws(write, {
        name: 'DryRunWriteError',
        message: `dry run: ${operation} of web-tls in kv-dst refused (a dry run writes nothing)`,
      });
  });
});
