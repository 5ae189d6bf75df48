import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVaultError } from '../errors';
import {
  PROMOTED_AT_TAG,
  PROMOTED_FROM_TAG,
  PROMOTED_SERVES_TAG,
  promotionTags,
  readPromotion,
} from './promotion-tags';
import { applyTagChange, MemoryVaultDirectory } from './vault-directory';

const SUB = '11111111-1111-4111-8111-111111111111';
const vault = (name: string, tags: Record<string, string> = {}) => ({
  name,
  location: 'westeurope',
  subscriptionId: SUB,
  resourceGroup: 'rg-dr',
  uri: `https://${name}.vault.azure.net`,
  tags,
});

describe('vault tag changes', () => {
  it('keeps untouched tags, removes case-insensitively, then sets', () => {
    assert.deepEqual(
      applyTagChange(
        { owner: 'team', 'Akv-Replicator-Promoted-From': 'kv-a', dst_key_vault_names: 'kv-b' },
        { remove: ['akv-replicator-promoted-from'], set: { stage: 'dr' } },
      ),
      { owner: 'team', dst_key_vault_names: 'kv-b', stage: 'dr' },
    );
  });

  it('the memory directory updates one vault and lists the change', async () => {
    const directory = new MemoryVaultDirectory([vault('kv-a'), vault('kv-b', { owner: 'x' })]);
    const updated = await directory.updateVaultTags(
      { subscriptionId: SUB, resourceGroup: 'RG-DR', name: 'KV-B' },
      { set: { [PROMOTED_FROM_TAG]: 'kv-a' } },
    );
    assert.deepEqual(updated.tags, { owner: 'x', [PROMOTED_FROM_TAG]: 'kv-a' });
    const listed = await directory.listVaults(SUB);
    assert.deepEqual(listed.find((v) => v.name === 'kv-b')?.tags, updated.tags);
    assert.deepEqual(listed.find((v) => v.name === 'kv-a')?.tags, {});
  });

  it('the memory directory refuses an unknown vault as not-found', async () => {
    const directory = new MemoryVaultDirectory([vault('kv-a')]);
    await assert.rejects(
      directory.updateVaultTags(
        { subscriptionId: SUB, resourceGroup: 'rg-other', name: 'kv-a' },
        {},
      ),
      (error: unknown) => isVaultError(error) && error.kind === 'not-found',
    );
  });
});

describe('promotion tags', () => {
  it('round-trip, with and without the replicas served', () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5)).toISOString();
    const served = promotionTags({ from: 'kv-a', at, serves: ['kv-c', 'kv-d'] });
    assert.equal(served[PROMOTED_SERVES_TAG], 'kv-c,kv-d');
    assert.deepEqual(readPromotion(served), { from: 'kv-a', at, serves: ['kv-c', 'kv-d'] });
    const plain = promotionTags({ from: 'kv-a', at, serves: [] });
    assert.equal(PROMOTED_SERVES_TAG in plain, false);
    assert.deepEqual(readPromotion(plain), { from: 'kv-a', at, serves: [] });
  });

  it('a vault without promoted-from is not promoted, whatever else it carries', () => {
    assert.equal(readPromotion(undefined), undefined);
    assert.equal(
      readPromotion({ [PROMOTED_AT_TAG]: 'x', [PROMOTED_SERVES_TAG]: 'kv-c' }),
      undefined,
    );
    assert.equal(readPromotion({ [PROMOTED_FROM_TAG]: ' ' }), undefined);
  });

  it('refuses a serves list longer than an ARM tag value', () => {
    const serves = Array.from({ length: 12 }, (_, i) => `kv-replica-number-${i}-long`);
    assert.throws(
      () => promotionTags({ from: 'kv-a', at: 'now', serves }),
      /ARM tag value holds 256/,
    );
  });
});
