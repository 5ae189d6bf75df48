import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { createSecretStoreProvider } from '../azure/secret-store-provider';
import { VaultPacers } from './vault-pacers';

let emulator: KeyVaultEmulator;
before(async () => {
  emulator = await startEmulator({ vaults: [{ name: 'kv-a' }] });
});
after(async () => {
  await emulator?.stop();
});

describe('challengeMeter (unmodified SDK against the emulator)', () => {
  it('counts every authentication challenge of a fresh client against the vault, then none', async () => {
    const statuses: number[] = [];
    const pacers = new VaultPacers({
      transactionsPerWindow: 1000,
      createsPerWindow: 300,
      utilization: 1,
    });
    const stores = createSecretStoreProvider({
      credentialFor: () => new StaticTokenCredential('test-token'),
      clientOptions: {
        ...emulator.clientOptions(),
        retryOptions: { maxRetries: 0 },
        additionalPolicies: [
          {
            position: 'perRetry',
            policy: {
              name: 'test-status-recorder',
              sendRequest: async (request, next) => {
                const response = await next(request);
                statuses.push(response.status);
                return response;
              },
            },
          },
        ],
      },
      limits: { transactionsPerWindow: 1000, createsPerWindow: 300, utilization: 1 },
      uriFor: (name) => emulator.vaultUrl(name),
      pacers,
    });
    const store = stores({ name: 'kv-a', uri: emulator.vaultUrl('kv-a') });
    const pacer = pacers.for('kv-a', emulator.vaultUrl('kv-a'));
    const readAll = () =>
      Promise.all(
        Array.from({ length: 8 }, (_, i) => store.getSecret(`missing-${i}`).catch(() => 0)),
      );

    await readAll();
    const challenges = statuses.filter((status) => status === 401).length;
    assert.ok(challenges >= 1, 'a fresh client is challenged');
    assert.equal(pacer.stats.requests, statuses.length, 'every request the vault saw is counted');
    await readAll();
    assert.equal(statuses.filter((status) => status === 401).length, challenges, 'none after');
    assert.equal(pacer.stats.requests, statuses.length);
  });
});
