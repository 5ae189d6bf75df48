import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import {
  startEmulator,
  StaticTokenCredential,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { isVaultError } from '../errors';
import { ArmVaultDirectory } from './arm-vault-directory';
import { PROMOTED_FROM_TAG, readPromotion } from './promotion-tags';

const RG = 'rg-tags';

describe('ArmVaultDirectory.updateVaultTags against the emulator ARM API', () => {
  let emulator: KeyVaultEmulator;
  let directory: ArmVaultDirectory;

  before(async () => {
    emulator = await startEmulator({
      resourceGroup: RG,
      vaults: [{ name: 'kv-tag-src' }, { name: 'kv-tag-dr', tags: { owner: 'team' } }],
    });
    directory = new ArmVaultDirectory(
      (subscriptionId) =>
        new KeyVaultManagementClient(
          new StaticTokenCredential(),
          subscriptionId,
          emulator.armClientOptions(),
        ),
    );
  });
  after(async () => emulator.stop());

  it('sets and removes promotion tags, keeping the vault’s other tags; listings see them', async () => {
    const ref = { subscriptionId: emulator.subscriptionId, resourceGroup: RG, name: 'kv-tag-dr' };
    const promoted = await directory.updateVaultTags(ref, {
      set: { [PROMOTED_FROM_TAG]: 'kv-tag-src' },
    });
    assert.deepEqual(promoted.tags, { owner: 'team', [PROMOTED_FROM_TAG]: 'kv-tag-src' });
    const listed = await directory.listVaults(emulator.subscriptionId);
    assert.equal(
      readPromotion(listed.find((v) => v.name === 'kv-tag-dr')?.tags)?.from,
      'kv-tag-src',
    );

    const back = await directory.updateVaultTags(ref, { remove: [PROMOTED_FROM_TAG] });
    assert.deepEqual(back.tags, { owner: 'team' });
    assert.deepEqual(emulator.vault('kv-tag-dr').tags, { owner: 'team' });
  });

  it('translates an unknown vault into a not-found VaultError', async () => {
    await assert.rejects(
      directory.updateVaultTags(
        { subscriptionId: emulator.subscriptionId, resourceGroup: RG, name: 'kv-tag-none' },
        { set: { a: 'b' } },
      ),
      (error: unknown) => isVaultError(error) && error.kind === 'not-found',
    );
  });
});
