import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter, encodeProvenance, PROVENANCE_TAG } from '@akv-replicator/core';
import {
  MemoryCertificateStore,
  MemorySecretStore,
  VaultError,
  type CertificateContentType,
} from '@akv-replicator/keyvault';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import { planFailover } from './failover-plan';

function vaults(options: { sourceDown?: boolean } = {}) {
  let now = 1000;
  const clock = { now: () => now };
  const down = {
    beforeRequest: () => {
      if (options.sourceDown)
        throw new VaultError('unavailable', 'connection refused', { vault: 'kv-src' });
    },
  };
  const source = {
    vaultName: 'kv-src',
    secrets: new MemorySecretStore('kv-src', { ...clock, ...down }),
    certificates: new MemoryCertificateStore('kv-src', { ...clock, ...down }),
  };
  const replica = {
    vaultName: 'kv-dr',
    secrets: new MemorySecretStore('kv-dr', clock),
    certificates: new MemoryCertificateStore('kv-dr', clock),
  };
  const provenance = (sourceUpdated: number) => ({
    [PROVENANCE_TAG]: encodeProvenance({
      sourceVault: 'kv-src',
      sourceVersion: 'a'.repeat(32),
      sourceUpdated,
    }),
  });
  const copy = async (name: string, sourceUpdated: number) =>
    replica.secrets.setSecret(name, 'v', { enabled: true, tags: provenance(sourceUpdated) });
  /** Imports material as a certificate; with `sourceUpdated` as the worker's copy of it. */
  const importInto = (
    store: MemoryCertificateStore,
    name: string,
    material: { value: string; contentType: CertificateContentType },
    sourceUpdated?: number,
  ) =>
    store.importCertificate(name, {
      ...material,
      enabled: true,
      tags: sourceUpdated === undefined ? {} : provenance(sourceUpdated),
    });
  return { source, replica, copy, importInto, at: (t: number) => (now = t) };
}

const material = (name: string) =>
  createTestCertificate({ subject: `CN=${name}`, format: 'pem', keyType: 'EC' });

describe('failover plan: what switching to the replica now would lose', () => {
  it('lists missing, older and foreign secrets, and the replica’s recovery point', async () => {
    const v = vaults();
    for (const name of ['current', 'stale', 'absent', 'foreign'])
      await v.source.secrets.setSecret(name, 'x', { enabled: true, tags: {} });
    await v.copy('current', 1000);
    await v.copy('stale', 900);
    await v.replica.secrets.setSecret('foreign', 'y', { enabled: true, tags: {} });
    const plan = await planFailover(v.source, v.replica);
    assert.equal(plan.sourceAnswered, true);
    assert.equal(plan.inSync, 1);
    assert.deepEqual(
      plan.gaps.map((g) => `${g.kind}:${g.name}:${g.gap}`),
      ['secret:absent:missing', 'secret:foreign:not-ours', 'secret:stale:older'],
    );
    assert.equal(plan.replicaCurrentTo, 1000);
  });

  it('lists certificates the replica lacks, holds older, serves another thumbprint of, or does not own', async () => {
    const v = vaults();
    const current = material('current');
    const renewed = material('renewed');
    v.at(900);
    await v.importInto(v.source.certificates, 'renewed', material('renewed-old'));
    await v.importInto(v.replica.certificates, 'renewed', material('renewed-old'), 900);
    v.at(1000);
    for (const [name, pem] of [
      ['current', current],
      ['renewed', renewed],
      ['absent', material('absent')],
      ['foreign', material('foreign')],
      ['same-second', material('same-second')],
    ] as const)
      await v.importInto(v.source.certificates, name, pem);
    await v.importInto(v.replica.certificates, 'current', current, 1000);
    await v.importInto(v.replica.certificates, 'foreign', material('foreign'));
    // Provenance as new as the source's write, but other key material: not what it serves.
    await v.importInto(v.replica.certificates, 'same-second', material('other'), 1000);
    const plan = await planFailover(v.source, v.replica);
    assert.deepEqual(plan.kinds, ['secret', 'certificate']);
    assert.equal(plan.inSync, 1);
    assert.deepEqual(
      plan.gaps.map((g) => `${g.kind}:${g.name}:${g.gap}`),
      [
        'certificate:absent:missing',
        'certificate:foreign:not-ours',
        'certificate:renewed:older',
        'certificate:same-second:older',
      ],
    );
    assert.equal(plan.replicaCurrentTo, 1000);
  });

  it('the recovery point is the newest copy of either kind', async () => {
    const v = vaults();
    await v.copy('a', 700);
    await v.importInto(v.replica.certificates, 'tls', material('tls'), 800);
    assert.equal((await planFailover(v.source, v.replica)).replicaCurrentTo, 800);
    const secretsOnly = await planFailover(
      { vaultName: 'kv-src', secrets: v.source.secrets },
      { vaultName: 'kv-dr', secrets: v.replica.secrets },
    );
    assert.deepEqual(secretsOnly.kinds, ['secret']);
    assert.equal(secretsOnly.replicaCurrentTo, 700);
  });

  it('a link that replicates secrets only is not told of certificates', async () => {
    const v = vaults();
    await v.importInto(v.source.certificates, 'tls', material('tls'));
    const plan = await planFailover(
      { vaultName: 'kv-src', secrets: v.source.secrets },
      { vaultName: 'kv-dr', secrets: v.replica.secrets },
    );
    assert.deepEqual([plan.inSync, plan.gaps], [0, []]);
  });

  it("objects the link's filters leave out are counted apart, not as lost (by name, content type and tag)", async () => {
    const v = vaults();
    await v.source.secrets.setSecret('db-password', 'x', { enabled: true, tags: {} });
    await v.source.secrets.setSecret('tmp-scratch', 'x', { enabled: true, tags: {} });
    await v.source.secrets.setSecret('blob', 'x', {
      enabled: true,
      contentType: 'application/octet-stream',
      tags: {},
    });
    await v.source.secrets.setSecret('local-only', 'x', { enabled: true, tags: { dr: 'no' } });
    await v.importInto(v.source.certificates, 'tmp-cert', material('tmp-cert'));
    await v.importInto(v.source.certificates, 'tls', material('tls'));
    const filter = compileFilter({
      exclude: {
        names: ['tmp-*'],
        contentTypes: ['application/octet-stream'],
        tags: { dr: 'no' },
      },
    });
    const plan = await planFailover(v.source, v.replica, filter);
    assert.equal(plan.filtered, 4);
    assert.deepEqual(
      plan.gaps.map((g) => `${g.kind}:${g.name}:${g.gap}`),
      ['secret:db-password:missing', 'certificate:tls:missing'],
    );
    assert.equal((await planFailover(v.source, v.replica)).gaps.length, 6, 'without a filter');
  });

  it('with the source down it says so and still gives the replica’s recovery point', async () => {
    const v = vaults({ sourceDown: true });
    await v.copy('a', 700);
    await v.copy('b', 800);
    const plan = await planFailover(v.source, v.replica);
    assert.equal(plan.sourceAnswered, false);
    assert.match(plan.sourceError ?? '', /connection refused/);
    assert.deepEqual(plan.gaps, []);
    assert.equal(plan.replicaCurrentTo, 800);
  });
});
