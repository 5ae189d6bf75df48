import { after, before } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { runSecretStoreContract } from '../testing/index';
import { AzureSecretStore } from './azure-secret-store';
import { translateError } from './translate-error';

// The Azure adapter through the unmodified SDK over HTTPS, against the emulator: one fresh
// vault per test, so listings see only that test's secrets.
let emulator: KeyVaultEmulator;
let vaults = 0;

before(async () => {
  emulator = await startEmulator({ throttling: { enabled: false } });
});
after(async () => emulator?.stop());

runSecretStoreContract('Azure SDK adapter on the emulator', async () => {
  const name = `kv-contract-${++vaults}`;
  const url = await emulator.createVault({ name });
  const client = new SecretClient(url, new StaticTokenCredential('contract'), {
    ...emulator.clientOptions(),
    retryOptions: { maxRetries: 0 },
  });
  return {
    store: new AzureSecretStore(name, client, { recoverPollMs: 20 }),
    purge: async (secret) => {
      try {
        await client.purgeDeletedSecret(secret);
      } catch (error) {
        throw translateError(error, name, secret);
      }
    },
  };
});
