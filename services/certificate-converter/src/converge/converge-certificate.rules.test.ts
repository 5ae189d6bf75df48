// Certificate converge rules the first mutation run of converge-certificate found unstated
// (issue #25, docs/mutation-testing.md): what "the replica holds the source's version" means
// (provenance and thumbprint), which drift is put back in place and how the outcome names it,
// and what the operator reads when a certificate cannot be imported.
import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROVENANCE_TAG, readProvenance, type CertificateTaskData } from '@akv-replicator/core';
import {
  MemoryCertificateStore,
  VaultError,
  isVaultError,
  type CertificateImport,
} from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import { convergeCertificate } from './converge-certificate';
import { certificateTask, fullEcPolicy, testPolicy } from './converge-fixtures';

let clock = 1_000;
let source: MemoryCertificateStore;
let replica: MemoryCertificateStore;
let material: Readonly<Record<'first' | 'second' | 'locked', TestCertificate>>;
const run = (overrides: Partial<CertificateTaskData> = {}) =>
  convergeCertificate(
    certificateTask(overrides),
    { source, replica },
    testPolicy(() => clock * 1000),
  );
const seedSource = (tags: Record<string, string> = {}, m = material.first) =>
  source.seed('web-tls', {
    value: m.value,
    contentType: m.contentType,
    policy: fullEcPolicy(),
    tags,
  });
const latestAtReplica = () => replica.getCertificate('web-tls');
const editReplicaProperties = async (change: {
  enabled?: boolean;
  tags?: Record<string, string>;
}) => {
  const held = await latestAtReplica();
  await replica.updateProperties('web-tls', held.version, {
    enabled: held.enabled,
    tags: held.tags,
    ...change,
  });
};

before(() => {
  const ec = (subject: string, password?: string) =>
    createTestCertificate({ subject, keyType: 'EC', format: password ? 'pfx' : 'pem', password });
  material = {
    first: ec('CN=web.example.test'),
    second: ec('CN=web.example.test'),
    locked: ec('CN=locked.example.test', 'p4ss'),
  };
});

beforeEach(() => {
  clock = 1_000;
  source = new MemoryCertificateStore('kv-src', { now: () => clock });
  replica = new MemoryCertificateStore('kv-dst', { now: () => clock });
});

describe('convergeCertificate — enabled state and tags are put back in place', () => {
  it('re-enables a replica disabled by hand, as a properties update (the source is enabled)', async () => {
    seedSource();
    await run();
    await editReplicaProperties({ enabled: false });
    const before = replica.requestCount('import', 'updatePolicy');
    const result = await run();
    assert.deepEqual(
      [result.action, result.reason],
      ['properties-updated', 'converged enabled/tags'],
    );
    assert.equal((await latestAtReplica()).enabled, true);
    assert.equal(
      replica.requestCount('import', 'updatePolicy'),
      before,
      'no import, no policy write',
    );
  });

  it('removes a tag added at the replica, restores one changed among several and one removed', async () => {
    seedSource({ team: 'web', env: 'prod' });
    await run();
    const held = await latestAtReplica();
    await editReplicaProperties({ tags: { ...held.tags, extra: 'hand-made' } });
    assert.equal((await run()).action, 'properties-updated');
    assert.equal((await latestAtReplica()).tags.extra, undefined);
    await editReplicaProperties({ tags: { ...held.tags, env: 'test' } });
    assert.equal((await run()).action, 'properties-updated');
    assert.deepEqual((await latestAtReplica()).tags, held.tags);
    const { env: _removed, ...withoutEnv } = held.tags;
    await editReplicaProperties({ tags: withoutEnv });
    assert.equal((await run()).action, 'properties-updated');
    assert.deepEqual((await latestAtReplica()).tags, held.tags);
  });

  it('refreshes the provenance after a source update that changed nothing else', async () => {
    // Discovery's diff compares provenance with the source's `updated`: a stale time would show
    // as drift on every reconcile, for ever.
    const seeded = seedSource({ team: 'web' });
    await run();
    clock = 1_500;
    await source.updateProperties('web-tls', seeded.version, {
      enabled: true,
      tags: { team: 'web' },
    });
    assert.equal((await run()).action, 'properties-updated');
    assert.equal(readProvenance((await latestAtReplica()).tags)?.sourceUpdated, 1_500);
    assert.equal((await run()).action, 'unchanged');
  });

  it('puts back tags of a replica that is already disabled as a properties update, not a disable', async () => {
    const seeded = seedSource({ team: 'web' });
    await run();
    await source.updateProperties('web-tls', seeded.version, {
      enabled: false,
      tags: { team: 'web' },
    });
    assert.equal((await run()).action, 'disabled');
    const held = await latestAtReplica();
    await editReplicaProperties({ tags: { ...held.tags, team: 'edited' } });
    const result = await run();
    assert.deepEqual(
      [result.action, result.reason],
      ['properties-updated', 'converged enabled/tags'],
    );
    const copy = await latestAtReplica();
    assert.deepEqual([copy.enabled, copy.tags.team], [false, 'web']);
  });

  it('plans policy and tag drift in a dry run, names both, then converges both', async () => {
    const seeded = seedSource({ team: 'web' });
    await run();
    const held = await latestAtReplica();
    await replica.updatePolicy('web-tls', { ...held.policy, lifetimeActions: [] });
    await editReplicaProperties({ tags: { ...held.tags, team: 'edited' } });
    const writes = () => replica.requestCount('import', 'update', 'updatePolicy');
    const before = writes();
    const dry = await run({ dryRun: true });
    assert.deepEqual(
      [dry.action, dry.reason, dry.sourceVersion, dry.replicaVersion],
      [
        'would-update-properties',
        'dry run: would update properties web-tls in kv-dst (policy.lifetimeActions, enabled/tags)',
        seeded.version,
        held.version,
      ],
    );
    assert.equal(writes(), before);
    const real = await run();
    assert.deepEqual(
      [real.action, real.reason, real.sourceVersion, real.replicaVersion],
      [
        'properties-updated',
        'converged policy.lifetimeActions, enabled/tags',
        seeded.version,
        held.version,
      ],
    );
    assert.equal(writes(), before + 2, 'one policy write, one properties write');
  });
});

describe('convergeCertificate — a source that cannot be read is not a deleted source', () => {
  it('lets a throttled source read fail the task, deleting nothing even under the delete policy', async () => {
    seedSource();
    await run();
    const throttled = new MemoryCertificateStore('kv-src', {
      beforeRequest: (operation) => {
        if (operation === 'get')
          throw new VaultError('throttled', 'Too many requests', { vault: 'kv-src', status: 429 });
      },
    });
    await assert.rejects(
      convergeCertificate(
        certificateTask({ deletionPolicy: 'delete' }),
        { source: throttled, replica },
        testPolicy(() => clock * 1000),
      ),
      (e: unknown) => isVaultError(e, 'throttled') && e.retryable,
    );
    assert.equal(replica.requestCount('delete'), 0);
    assert.equal((await latestAtReplica()).x5t, material.first.x5t);
  });
});

describe('convergeCertificate — the replica holds the source version only with the same thumbprint', () => {
  it('imports again when the provenance names the source version but the key material differs', async () => {
    // Someone imported another certificate at the replica and copied our tags onto it.
    seedSource();
    await run();
    const ourTags = (await latestAtReplica()).tags;
    await replica.importCertificate('web-tls', {
      value: material.second.value,
      contentType: material.second.contentType,
      enabled: true,
      tags: ourTags,
    });
    assert.equal((await run()).action, 'updated');
    assert.equal((await latestAtReplica()).x5t, material.first.x5t);
  });

  it('never reports success for an import whose thumbprint differs from the source', async () => {
    seedSource();
    const second = material.second;
    replica = new (class extends MemoryCertificateStore {
      override importCertificate(name: string, input: CertificateImport) {
        return super.importCertificate(name, { ...input, value: second.value });
      }
    })('kv-dst', { now: () => clock });
    const result = await run();
    assert.deepEqual(
      [result.status, result.action, result.code, result.reason],
      [
        'failure',
        'created',
        'ThumbprintMismatch',
        "imported web-tls into kv-dst but its thumbprint differs from the source's",
      ],
    );
    assert.equal(result.replicaVersion, (await latestAtReplica()).version);
  });

  it('names both versions in the outcome, and a source clock ahead of ours is no negative lag', async () => {
    const seeded = seedSource();
    clock = 990; // the worker's clock 10 s behind the vault's
    const result = await run();
    assert.deepEqual(
      [result.action, result.sourceVersion, result.replicaVersion, result.lagMs],
      ['created', seeded.version, (await latestAtReplica()).version, 0],
    );
  });
});

describe('convergeCertificate — a certificate that cannot be imported is a warning that says why', () => {
  it('says the source was disabled while its key was being read', async () => {
    source = new MemoryCertificateStore('kv-src', {
      beforeRequest: (operation) => {
        if (operation === 'getSecret')
          throw new VaultError('disabled', 'Operation get is not allowed on a disabled secret.', {
            vault: 'kv-src',
          });
      },
    });
    const seeded = seedSource();
    const result = await run();
    assert.deepEqual(
      [result.status, result.action, result.code, result.reason, result.sourceVersion],
      [
        'warning',
        'skipped',
        'SourceDisabled',
        'source certificate web-tls was disabled while being read',
        seeded.version,
      ],
    );
    assert.equal(replica.requestCount('import'), 0);
  });

  it('lets a throttled key read surface for the bus to retry', async () => {
    source = new MemoryCertificateStore('kv-src', {
      beforeRequest: (operation) => {
        if (operation === 'getSecret')
          throw new VaultError('throttled', 'Too many requests', { vault: 'kv-src', status: 429 });
      },
    });
    seedSource();
    await assert.rejects(run(), (e: unknown) => isVaultError(e, 'throttled') && e.retryable);
  });

  it('names the certificate, the source vault and the fix for a non-exportable key', async () => {
    const seeded = source.seed('web-tls', {
      value: material.first.leafPem,
      contentType: material.first.contentType,
      policy: fullEcPolicy({ exportable: false }),
    });
    const result = await run();
    assert.equal(result.code, 'KeyNotExportable');
    assert.equal(
      result.reason,
      'certificate web-tls in kv-src has a non-exportable key; only certificates with exportable keys can be replicated (re-issue it with exportable: true, or create it in each region)',
    );
    assert.equal(result.sourceVersion, seeded.version);
  });

  it('names the certificate, the source vault and the problem for protected material', async () => {
    const seeded = source.seed('web-tls', {
      value: material.locked.value,
      contentType: material.locked.contentType,
      policy: fullEcPolicy(),
      password: 'p4ss',
    });
    const result = await run();
    assert.deepEqual(
      [result.status, result.action, result.code],
      ['warning', 'skipped', 'PasswordProtected'],
    );
    assert.match(
      result.reason ?? '',
      /^certificate web-tls in kv-src: .*password.*; it cannot be replicated$/,
    );
    assert.equal(result.sourceVersion, seeded.version);
  });
});

describe('convergeCertificate — a new disabled source version', () => {
  it('disables the replica but keeps its tags and the provenance of the version it really holds', async () => {
    const first = seedSource({ team: 'web' });
    await run();
    clock = 1_100;
    source.seed('web-tls', {
      value: material.second.value,
      contentType: material.second.contentType,
      policy: fullEcPolicy(),
      enabled: false,
      tags: { team: 'new' },
    });
    assert.equal((await run()).action, 'disabled');
    const copy = await latestAtReplica();
    assert.equal(copy.enabled, false);
    assert.equal(copy.x5t, material.first.x5t, 'the new version was never imported');
    assert.equal(copy.tags.team, 'web');
    assert.equal(readProvenance(copy.tags)?.sourceVersion, first.version);
    assert.ok(copy.tags[PROVENANCE_TAG]);
  });
});

describe('convergeCertificate — link filters see the certificate name and policy content type', () => {
  it('replicates only the content types a link includes', async () => {
    seedSource();
    const skipped = await run({ filters: { include: { contentTypes: ['application/x-pkcs12'] } } });
    assert.deepEqual(
      [skipped.action, skipped.reason],
      ['skipped', 'filtered: not included: contentType not in application/x-pkcs12'],
    );
    const included = await run({
      filters: { include: { contentTypes: ['application/x-pem-file'] } },
    });
    assert.equal(included.action, 'created');
  });

  it('replicates only the names a link includes', async () => {
    seedSource();
    const skipped = await run({ filters: { include: { names: ['api-*'] } } });
    assert.deepEqual(
      [skipped.action, skipped.reason],
      ['skipped', 'filtered: not included: name matches none of api-*'],
    );
    assert.equal((await run({ filters: { include: { names: ['web-*'] } } })).action, 'created');
  });
});
