import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeProvenance, PROVENANCE_TAG, readProvenance } from '@akv-replicator/core';
import {
  MemoryCertificateStore,
  PEM_CONTENT_TYPE,
  type CertificatePolicyModel,
} from '@akv-replicator/keyvault';
import { createTestCertificate } from '@akv-replicator/keyvault/testing';
import { applyFailback } from './failback-apply';
import { planFailback } from './failback-plan';

/** Three vaults on one settable clock (Unix seconds): the promotion is at t = 1000. */
function vaults() {
  let now = 900;
  const clock = { now: () => now };
  const original = new MemoryCertificateStore('kv-src', clock);
  const promoted = new MemoryCertificateStore('kv-dr', clock);
  const served = new MemoryCertificateStore('kv-r2', clock);
  const issue = (store: MemoryCertificateStore, name: string, tags: Record<string, string> = {}) =>
    store.importCertificate(name, {
      value: createTestCertificate({ subject: `CN=${name}`, format: 'pem', keyType: 'EC' }).value,
      contentType: PEM_CONTENT_TYPE,
      enabled: true,
      tags,
    });
  /** Replicates `name` as the certificate-converter would: same material, provenance tag. */
  const replicate = async (
    from: MemoryCertificateStore,
    to: MemoryCertificateStore,
    name: string,
  ) => {
    const source = await from.getCertificate(name);
    const secret = await from.getCertificateSecret(name);
    const { [PROVENANCE_TAG]: _theirs, ...own } = source.tags;
    await to.importCertificate(name, {
      value: secret.value,
      contentType: PEM_CONTENT_TYPE,
      enabled: true,
      tags: {
        ...own,
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: from.vaultName,
          sourceVersion: source.version,
          sourceUpdated: source.updated,
        }),
      },
    });
  };
  const stores = (served: MemoryCertificateStore[] = []) => ({
    promoted: { vaultName: 'kv-dr', certificates: promoted },
    original: { vaultName: 'kv-src', certificates: original },
    served: served.map((store) => ({ vaultName: store.vaultName, certificates: store })),
  });
  return { original, promoted, served, issue, replicate, stores, at: (t: number) => (now = t) };
}

const selfRenewing: CertificatePolicyModel = {
  issuerName: 'Self',
  subject: 'CN=renewed',
  exportable: true,
  lifetimeActions: [{ action: 'AutoRenew', lifetimePercentage: 80 }],
};

describe('failback plan and apply for certificates', () => {
  it('classifies renewals, new certificates, deletes, conflicts, in-sync, original-ahead and foreign ones', async () => {
    const v = vaults();
    const replicated = ['same', 'renewed', 'renewed-kept-tags', 'removed', 'both', 'ahead'];
    for (const name of replicated) await v.issue(v.original, name);
    for (const name of replicated) await v.replicate(v.original, v.promoted, name);
    await v.issue(v.promoted, 'foreign'); // before the promotion, never ours
    v.at(950);
    await v.issue(v.original, 'ahead'); // renewed at the source, lost in the outage
    v.at(1100); // after the promotion at 1000
    await v.issue(v.promoted, 'created');
    await v.issue(v.promoted, 'renewed');
    // A renewal that kept the copy's tags: its provenance names the original's version, its
    // thumbprint does not.
    const copyTags = (await v.promoted.getCertificate('renewed-kept-tags')).tags;
    await v.issue(v.promoted, 'renewed-kept-tags', copyTags);
    await v.promoted.deleteCertificate('removed');
    await v.issue(v.promoted, 'both');
    v.at(1200);
    await v.issue(v.original, 'both'); // renewed at the source after the promotion too

    const plan = await planFailback({ ...v.stores(), promotedAt: 1000 });
    assert.deepEqual(
      plan.map((e) => [e.kind, e.name, e.change, e.forced]),
      [
        ['certificate', 'ahead', 'original-ahead', undefined],
        ['certificate', 'both', 'conflict', 'new-version'],
        ['certificate', 'created', 'new', undefined],
        ['certificate', 'foreign', 'not-ours', undefined],
        ['certificate', 'removed', 'deleted', undefined],
        ['certificate', 'renewed', 'new-version', undefined],
        ['certificate', 'renewed-kept-tags', 'new-version', undefined],
        ['certificate', 'same', 'in-sync', undefined],
      ],
    );
  });

  it('carries renewals and new certificates back with their key, adopts every copy, deletes', async () => {
    const v = vaults();
    for (const name of ['renewed', 'gone']) {
      await v.issue(v.original, name);
      await v.replicate(v.original, v.promoted, name);
    }
    await v.original.updatePolicy('renewed', selfRenewing);
    v.at(1100);
    await v.issue(v.promoted, 'renewed', { team: 'a' });
    await v.issue(v.promoted, 'created');
    const createdPolicy = { ...selfRenewing, subject: 'CN=created' };
    await v.promoted.updatePolicy('created', createdPolicy);
    await v.promoted.deleteCertificate('gone');
    await v.replicate(v.promoted, v.served, 'renewed'); // the promoted vault served kv-r2
    const renewedInDr = await v.promoted.getCertificate('renewed');

    const plan = await planFailback({ ...v.stores(), promotedAt: 1000 });
    const result = await applyFailback(plan, v.stores([v.served]), { force: false });
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.applied.map((a) => `${a.kind}:${a.name}:${a.change}`).sort(), [
      'certificate:created:new',
      'certificate:gone:deleted',
      'certificate:renewed:new-version',
    ]);
    const renewed = await v.original.getCertificate('renewed');
    assert.equal(renewed.x5t, renewedInDr.x5t, 'the original serves the renewed certificate');
    assert.deepEqual(renewed.tags, { team: 'a' });
    assert.deepEqual(renewed.policy, selfRenewing, 'a renewal keeps the original’s own policy');
    const created = await v.original.getCertificate('created');
    assert.equal(created.x5t, (await v.promoted.getCertificate('created')).x5t);
    assert.deepEqual(created.policy, createdPolicy, 'a new certificate takes its policy along');
    assert.notEqual(await v.original.getDeletedCertificate('gone'), undefined);

    // Every copy now names the original's new version: the resumed direction has nothing to do.
    for (const store of [v.promoted, v.served]) {
      const copy = await store.getCertificate('renewed');
      assert.deepEqual(readProvenance(copy.tags), {
        sourceVault: 'kv-src',
        sourceVersion: renewed.version,
        sourceUpdated: renewed.updated,
      });
      assert.equal(copy.tags['team'], 'a');
    }
    assert.equal(
      (await v.promoted.getCertificate('renewed')).version,
      renewedInDr.version,
      're-tagging adds no version',
    );
    assert.equal(result.retagged, 1);
    const again = await planFailback({ ...v.stores(), promotedAt: 1000 });
    assert.deepEqual(
      again.map((e) => `${e.name}:${e.change}`),
      ['created:in-sync', 'renewed:in-sync'],
    );
  });

  it('a certificate with a non-exportable key cannot be carried back: a failure that names it', async () => {
    const v = vaults();
    v.at(1100);
    await v.issue(v.promoted, 'hsm-bound');
    await v.promoted.updatePolicy('hsm-bound', { ...selfRenewing, exportable: false });
    const plan = await planFailback({ ...v.stores(), promotedAt: 1000 });
    const result = await applyFailback(plan, v.stores(), { force: false });
    assert.deepEqual(result.applied, []);
    assert.equal(result.failed.length, 1);
    assert.match(result.failed[0]!.reason, /hsm-bound in kv-dr has a non-exportable key/);
    await assert.rejects(v.original.getCertificate('hsm-bound'), /not found|NotFound/i);
  });
});
