import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeProvenance, PROVENANCE_TAG, readProvenance } from '@akv-replicator/core';
import { MemorySecretStore } from '@akv-replicator/keyvault';
import { adoptServedCopies } from './promote-adopt';

const copyOf = (sourceVersion: string, sourceUpdated = 100) => ({
  enabled: true,
  tags: {
    owner: 'team',
    [PROVENANCE_TAG]: encodeProvenance({ sourceVault: 'kv-src', sourceVersion, sourceUpdated }),
  },
});

describe('promote --as-source adopts the served replicas’ copies explicitly', () => {
  it('re-tags copies of the version the promoted vault holds, leaves the others, adds no version', async () => {
    const promoted = new MemorySecretStore('kv-dr');
    const served = new MemorySecretStore('kv-r2');
    const v1 = 'a'.repeat(32);
    const v2 = 'b'.repeat(32);
    await promoted.setSecret('same', 'x', copyOf(v1));
    await served.setSecret('same', 'x', copyOf(v1));
    await promoted.setSecret('behind', 'old', copyOf(v1));
    await served.setSecret('behind', 'new', copyOf(v2)); // the served replica got a later write
    await served.setSecret('foreign', 'f', { enabled: true, tags: {} });

    const result = await adoptServedCopies({ vaultName: 'kv-dr', secrets: promoted }, [
      { vaultName: 'kv-r2', secrets: served },
    ]);
    assert.deepEqual(result, { adopted: 1, failed: [] });
    const drSame = await promoted.getLatestProperties('same');
    const adopted = await served.getLatestProperties('same');
    assert.deepEqual(readProvenance(adopted.tags), {
      sourceVault: 'kv-dr',
      sourceVersion: drSame.version,
      sourceUpdated: drSame.updated,
    });
    assert.equal(adopted.tags['owner'], 'team');
    let versions = 0;
    for await (const _ of served.listSecretVersions('same')) versions++;
    assert.equal(versions, 1);
    assert.equal(
      readProvenance((await served.getLatestProperties('behind')).tags)?.sourceVault,
      'kv-src',
    );
    assert.deepEqual((await served.getLatestProperties('foreign')).tags, {});
  });
});
