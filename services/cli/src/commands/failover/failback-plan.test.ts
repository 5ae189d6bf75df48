import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeProvenance, PROVENANCE_TAG } from '@akv-replicator/core';
import { MemorySecretStore, type SecretStore } from '@akv-replicator/keyvault';
import { applyFailback } from './failback-apply';
import { planFailback } from './failback-plan';

/** Both vaults on one settable clock (Unix seconds): the promotion is at t = 1000. */
function vaults() {
  let now = 900;
  const clock = { now: () => now };
  const original = new MemorySecretStore('kv-src', clock);
  const promoted = new MemorySecretStore('kv-dr', clock);
  const served = new MemorySecretStore('kv-r2', clock);
  /** Replicates `name` as the worker would: the copy's tags name the source version. */
  const replicate = async (from: SecretStore, to: SecretStore, name: string) => {
    const v = await from.getLatestProperties(name);
    const { value } = await from.getSecret(name);
    const { [PROVENANCE_TAG]: _theirs, ...own } = v.tags;
    await to.setSecret(name, value, {
      enabled: true,
      tags: {
        ...own,
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: from.vaultName,
          sourceVersion: v.version,
          sourceUpdated: v.updated,
        }),
      },
    });
  };
  /** The failback plan, with the promotion at t = 1000. */
  const plan = () =>
    planFailback({
      promoted: secretsOf(promoted),
      original: secretsOf(original),
      promotedAt: 1000,
    });
  /** Plans and applies failback; kv-r2 was served by the promoted vault unless said otherwise. */
  const failback = async (options: { force?: boolean; served?: boolean } = {}) =>
    applyFailback(
      await plan(),
      {
        promoted: secretsOf(promoted),
        original: secretsOf(original),
        served: options.served === false ? [] : [secretsOf(served)],
      },
      { force: options.force ?? false },
    );
  return { original, promoted, served, replicate, plan, failback, at: (t: number) => (now = t) };
}

/** A vault of a link that replicates secrets only. */
const secretsOf = (store: SecretStore) => ({ vaultName: store.vaultName, secrets: store });

const versions = async (store: SecretStore, name: string) => {
  let n = 0;
  for await (const _ of store.listSecretVersions(name)) n++;
  return n;
};

describe('failback plan: what changed in the promoted vault during the outage', () => {
  it('classifies new, new versions, deletes, conflicts, in-sync and original-ahead', async () => {
    const v = vaults();
    for (const name of ['same', 'updated', 'removed', 'both', 'ahead'])
      await v.original.setSecret(name, `${name}-1`, { enabled: true, tags: {} });
    for (const name of ['same', 'updated', 'removed', 'both', 'ahead'])
      await v.replicate(v.original, v.promoted, name);
    await v.promoted.setSecret('foreign', 'x', { enabled: true, tags: {} }); // before promotion
    v.at(950);
    await v.original.setSecret('ahead', 'ahead-2', { enabled: true, tags: {} }); // lost in the outage
    v.at(1100); // after the promotion at 1000
    await v.promoted.setSecret('created', 'c', { enabled: true, tags: {} });
    await v.promoted.setSecret('updated', 'updated-2', { enabled: true, tags: {} });
    await v.promoted.deleteSecret('removed');
    await v.promoted.setSecret('both', 'both-dr', { enabled: true, tags: {} });
    v.at(1200);
    await v.original.setSecret('both', 'both-src', { enabled: true, tags: {} }); // newer at the source

    const plan = await v.plan();
    assert.deepEqual(
      plan.map((e) => [e.name, e.change, e.forced]),
      [
        ['ahead', 'original-ahead', undefined],
        ['both', 'conflict', 'new-version'],
        ['created', 'new', undefined],
        ['foreign', 'not-ours', undefined],
        ['removed', 'deleted', undefined],
        ['same', 'in-sync', undefined],
        ['updated', 'new-version', undefined],
      ],
    );
  });

  it('applies the changes with one new version each, skips the conflict, and adopts every copy', async () => {
    const v = vaults();
    await v.original.setSecret('updated', 'u-1', { enabled: true, tags: {} });
    await v.original.setSecret('both', 'b-1', { enabled: true, tags: {} });
    await v.replicate(v.original, v.promoted, 'updated');
    await v.replicate(v.original, v.promoted, 'both');
    v.at(1100);
    await v.promoted.setSecret('created', 'c-dr', { enabled: true, tags: { team: 'a' } });
    await v.promoted.setSecret('updated', 'u-dr', { enabled: true, tags: {} });
    await v.promoted.setSecret('both', 'b-dr', { enabled: true, tags: {} });
    await v.replicate(v.promoted, v.served, 'created'); // the promoted vault served kv-r2
    v.at(1200);
    await v.original.setSecret('both', 'b-src', { enabled: true, tags: {} });

    const result = await v.failback();
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.applied.map((a) => `${a.name}:${a.change}`).sort(), [
      'created:new',
      'updated:new-version',
    ]);
    assert.equal((await v.original.getSecret('created')).value, 'c-dr');
    assert.deepEqual((await v.original.getSecret('created')).tags, { team: 'a' });
    assert.equal((await v.original.getSecret('updated')).value, 'u-dr');
    assert.equal((await v.original.getSecret('both')).value, 'b-src', 'newer at source: kept');
    assert.equal(await versions(v.original, 'updated'), 2);
    assert.equal(await versions(v.promoted, 'updated'), 2, 're-tagging adds no version');

    // Every copy now names the original's new version: the resumed direction has nothing to write.
    const created = await v.original.getLatestProperties('created');
    for (const store of [v.promoted, v.served]) {
      const copy = await store.getLatestProperties('created');
      assert.equal(
        copy.tags[PROVENANCE_TAG],
        encodeProvenance({
          sourceVault: 'kv-src',
          sourceVersion: created.version,
          sourceUpdated: created.updated,
        }),
      );
      assert.equal(copy.tags['team'], 'a');
    }
    assert.equal(result.retagged, 1);
    // A second planning finds nothing left to carry back but the conflict.
    const again = await v.plan();
    assert.deepEqual(
      again.filter((e) => e.change !== 'in-sync').map((e) => `${e.name}:${e.change}`),
      ['both:conflict'],
    );
  });

  it("re-tags a served replica's copy listed in another case (Key Vault names ignore case)", async () => {
    const v = vaults();
    v.at(1100);
    await v.promoted.setSecret('api-key', 'k-dr', { enabled: true, tags: {} });
    const promotedVersion = await v.promoted.getLatestProperties('api-key');
    await v.served.setSecret('API-KEY', 'k-dr', {
      enabled: true,
      tags: {
        [PROVENANCE_TAG]: encodeProvenance({
          sourceVault: 'kv-dr',
          sourceVersion: promotedVersion.version,
          sourceUpdated: promotedVersion.updated,
        }),
      },
    });
    const result = await v.failback();
    assert.equal(result.retagged, 1);
    const copied = await v.original.getLatestProperties('api-key');
    assert.match(
      (await v.served.getLatestProperties('API-KEY')).tags[PROVENANCE_TAG] ?? '',
      new RegExp(`kv-src;${copied.version}`),
    );
  });

  it('--force overwrites the newer original and carries a delete made in the promoted vault', async () => {
    const v = vaults();
    await v.original.setSecret('both', 'b-1', { enabled: true, tags: {} });
    await v.original.setSecret('gone', 'g-1', { enabled: true, tags: {} });
    await v.replicate(v.original, v.promoted, 'both');
    await v.replicate(v.original, v.promoted, 'gone');
    v.at(1100);
    await v.promoted.setSecret('both', 'b-dr', { enabled: true, tags: {} });
    await v.promoted.deleteSecret('gone');
    v.at(1200);
    await v.original.setSecret('both', 'b-src', { enabled: true, tags: {} });
    const result = await v.failback({ force: true, served: false });
    assert.deepEqual(result.applied.map((a) => `${a.name}:${a.change}`).sort(), [
      'both:new-version',
      'gone:deleted',
    ]);
    assert.equal((await v.original.getSecret('both')).value, 'b-dr');
    assert.notEqual(await v.original.getDeletedSecret('gone'), undefined);
  });
});
