import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import { ManualClock } from '@akv-replicator/core/testing';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { isVaultError } from '../errors';
import { AzureSecretStore } from './azure-secret-store';
import { translateError } from './translate-error';

// The emulator finishes delete and purge DELAY_MS later by its manual clock, as Key Vault does
// in the background; the adapter must turn its 409s into the retryable `being-deleted`.
const DELAY_MS = 4_000;

describe('AzureSecretStore: asynchronous delete and purge through the unmodified SDK', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  let emulator: KeyVaultEmulator;
  let client: SecretClient;
  let store: AzureSecretStore;

  before(async () => {
    emulator = await startEmulator({
      vaults: [{ name: 'kv-lifecycle' }],
      clock,
      lifecycleDelayMs: DELAY_MS,
      throttling: { enabled: false },
    });
    client = new SecretClient(emulator.vaultUrl('kv-lifecycle'), new StaticTokenCredential(), {
      ...emulator.clientOptions(),
      retryOptions: { maxRetries: 0 },
    });
    store = new AzureSecretStore('kv-lifecycle', client);
  });
  after(async () => emulator?.stop());

  it('delete → recreate → purge → recreate: retry-later conflicts, then the name is free', async () => {
    await store.setSecret('db', 'one', { enabled: true, tags: {} });
    await store.deleteSecret('db');
    const beingDeleted = await store.setSecret('db', 'two', { enabled: true, tags: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isVaultError(beingDeleted, 'being-deleted'), String(beingDeleted));
    assert.equal(beingDeleted.retryable, true);
    assert.equal(beingDeleted.status, 409);
    assert.equal(beingDeleted.code, 'ObjectIsBeingDeleted');
    assert.equal(await store.getDeletedSecret('db'), undefined, 'not deleted yet either');

    clock.advance(DELAY_MS);
    assert.ok(await store.getDeletedSecret('db'));
    const recoverable = await store.setSecret('db', 'two', { enabled: true, tags: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isVaultError(recoverable, 'deleted-recoverable') && !recoverable.retryable);

    await client.purgeDeletedSecret('db').catch((e: unknown) => {
      throw translateError(e, 'kv-lifecycle', 'db');
    });
    const beingPurged = await store.setSecret('db', 'two', { enabled: true, tags: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isVaultError(beingPurged, 'being-deleted') && beingPurged.retryable);

    clock.advance(DELAY_MS);
    await store.setSecret('db', 'two', { enabled: true, tags: {} });
    assert.equal((await store.getSecret('db')).value, 'two');
  });
});
